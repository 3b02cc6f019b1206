"""The evaluation is per programme (issue 13 §2): an evaluator sees the research data of the programmes they
oversee only, their pages show one programme at a time (the switcher's choice) and say which, the API's
`programme` parameter chooses one, and a programme they do not oversee is not found.

Two programmes: the personas' Making It Work (Eve oversees it) and its successor, Making It Work Together,
run in Fife too, with its own participant, wave, interview, transcript, codebook, segment, quote and survey.
Otto evaluates both; Eve only the first.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.core.errors import NotFound
from coproduce.core.validation import InvalidInput
from coproduce.programmes.models import Organisation, Partnership, Programme, StaffMember
from coproduce.reporting.research_outcomes import counted_people, read_research_outcomes
from coproduce.research.models import Codebook, CodedSegment, Interview, Survey, Transcript, Wave
from coproduce.research.selectors import (
    codebooks_visible_to,
    interviews_visible_to,
    quotes_visible_to,
    research_consents_visible_to,
    segments_visible_to,
    surveys_visible_to,
    transcripts_visible_to,
    waves_visible_to,
)
from coproduce.research.services import coding, surveys
from coproduce.research.services.interviews import create_wave
from coproduce.research.table1 import table_one
from coproduce.web.programme_choice import SESSION_KEY
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.programmes.factories import OrganisationFactory, PartnershipFactory, ProgrammeFactory, StaffMemberFactory
from tests.research.factories import (
    CodebookFactory,
    CodedSegmentFactory,
    CodeFactory,
    QuoteFactory,
    ResearchConsentFactory,
    SurveyFactory,
    TranscriptFactory,
    WaveFactory,
)

TODAY = datetime.date(2026, 6, 1)


@dataclass
class Successor:
    programme: Programme
    fife: Partnership
    keyworker: StaffMember
    wave: Wave
    transcript: Transcript
    segment: CodedSegment
    codebook: Codebook
    survey: Survey
    otto: User


def _participant(keyworker: StaffMember, joined_on: datetime.date) -> None:
    person = ParticipantFactory(keyworker=keyworker, joined_on=joined_on, status_since=joined_on)
    ResearchConsentFactory(participant=person)


@pytest.fixture
def successor(personas: Personas) -> Successor:
    assert personas.research is not None  # the first programme's evaluation story, built first
    programme = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    fife = PartnershipFactory(programme=programme, area_name="Fife", gss_code="S12000047", short_code="FIF")
    # Their own keyworker: the factory's default would make an area of its own.
    keyworker = StaffMemberFactory(partnership=fife)
    for joined_on in (datetime.date(2025, 5, 1), datetime.date(2025, 6, 1), datetime.date(2025, 7, 1)):
        _participant(keyworker, joined_on)
    wave = WaveFactory(programme=programme, year=2025)
    person = ParticipantFactory(keyworker=keyworker, joined_on=datetime.date(2025, 5, 2))
    consent = ResearchConsentFactory(participant=person, pseudonym="R-MWT001")
    transcript = TranscriptFactory(
        interview__research_consent=consent, interview__wave=wave, title="MWT interview", text="Things changed."
    )
    codebook = CodebookFactory(programme=programme, name="Together codebook")
    segment = CodedSegmentFactory(transcript=transcript, code=CodeFactory(codebook=codebook))
    QuoteFactory(segment=segment)
    survey = SurveyFactory(programme=programme, title="Together survey")
    otto = StaffMemberFactory(
        partnership=None,
        organisation=OrganisationFactory(name="Otto's evaluation unit", kind=Organisation.Kind.RESEARCH),
        roles=[Role.EVALUATOR],
        programmes=[personas.fife.programme, programme],
    ).user
    return Successor(programme, fife, keyworker, wave, transcript, segment, codebook, survey, otto)


def test_an_evaluator_sees_nothing_of_a_programme_she_does_not_oversee(
    personas: Personas, successor: Successor
) -> None:
    eve = personas.evaluator.user
    for visible in (
        waves_visible_to,
        interviews_visible_to,
        transcripts_visible_to,
        segments_visible_to,
        quotes_visible_to,
        codebooks_visible_to,
        surveys_visible_to,
    ):
        assert visible(eve).exists(), visible
        assert not visible(eve, programme_id=successor.programme.pk).exists(), visible
    assert successor.transcript not in transcripts_visible_to(eve)
    # Participant-level rows: research consents (pseudonyms) of the other programme's participants.
    assert not research_consents_visible_to(eve).filter(participant__partnership=successor.fife).exists()
    # Otto oversees both; narrowed to one programme, he sees that one's alone.
    otto = successor.otto
    assert successor.transcript in transcripts_visible_to(otto)
    assert set(transcripts_visible_to(otto, programme_id=successor.programme.pk)) == {successor.transcript}
    assert research_consents_visible_to(otto, programme_id=successor.programme.pk).count() == 4


def test_table1_and_analytics_are_of_one_programme(personas: Personas, successor: Successor) -> None:
    eve, otto = personas.evaluator.user, successor.otto
    first = personas.fife.programme
    with pytest.raises(NotFound):
        table_one(eve, programme_id=successor.programme.pk)
    with pytest.raises(NotFound):
        read_research_outcomes(actor=eve, today=TODAY, programme_id=successor.programme.pk)
    # The first programme's Table 1 counts none of the successor's interviews, and the other way round.
    mine = table_one(otto, programme_id=first.pk)
    theirs = table_one(otto, programme_id=successor.programme.pk)
    assert (mine.programme, theirs.programme) == ("Making It Work", "Making It Work Together")
    assert 2025 not in mine.years
    assert theirs.years == (2025,)
    assert theirs.overall().participants == 1
    assert mine.overall().participants == table_one(eve).overall().participants
    # The figures of one programme count only its own participants.
    successor_people = counted_people(otto, TODAY, successor.programme)
    assert len(successor_people) == 4
    assert len(counted_people(otto, TODAY, first)) == len(counted_people(eve, TODAY))
    assert all(person.joined_on.year == 2025 for person in successor_people)
    outcomes = read_research_outcomes(actor=otto, today=TODAY, programme_id=successor.programme.pk)
    assert outcomes.programme == successor.programme


def test_writes_for_a_programme_she_does_not_oversee_are_refused(personas: Personas, successor: Successor) -> None:
    eve = personas.evaluator.user
    before = (Codebook.objects.count(), Survey.objects.count(), Wave.objects.count())
    with pytest.raises(InvalidInput):
        coding.create_codebook(actor=eve, programme_id=successor.programme.pk, name="Sneaky")
    with pytest.raises(InvalidInput):
        surveys.create_survey(actor=eve, programme_id=successor.programme.pk, title="Sneaky")
    with pytest.raises(InvalidInput):
        create_wave(
            actor=eve,
            programme_id=successor.programme.pk,
            year=2026,
            name="Sneaky",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
        )
    with pytest.raises(NotFound):
        coding.remove_segment(actor=eve, segment_id=successor.segment.pk)
    assert (Codebook.objects.count(), Survey.objects.count(), Wave.objects.count()) == before
    assert CodedSegment.objects.filter(pk=successor.segment.pk).exists()


def test_eve_cannot_reach_the_other_programmes_pages(
    personas: Personas, successor: Successor, client_for: Callable[[str], Client]
) -> None:
    client = client_for("evaluator")
    transcript, segment = successor.transcript, successor.segment
    for url in (
        reverse("web:research_transcript", args=[transcript.pk]),
        reverse("web:research_transcript_code", args=[transcript.pk]),
        reverse("web:research_transcript_compare", args=[transcript.pk]),
        reverse("web:research_transcript_agreement", args=[transcript.pk]),
        reverse("web:research_wave_edit", args=[successor.wave.pk]),
        reverse("web:research_survey", args=[successor.survey.pk]),
        reverse("web:research_codebook_edit", args=[successor.codebook.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("web:research_segment_remove", args=[segment.pk]))
    assert response.status_code == 404
    assert CodedSegment.objects.filter(pk=segment.pk).exists()
    # The switcher refuses the programme and changes nothing: her pages still show her own.
    chosen = client.post(reverse("web:choose_programme"), {"programme": successor.programme.pk})
    assert chosen.status_code == 400
    page = client.get(reverse("web:research_transcripts"))
    assert page.status_code == 200
    assert "MWT interview" not in page.content.decode()
    assert "Making It Work (" in page.content.decode()


def test_the_pages_show_the_chosen_programme_and_say_which(
    personas: Personas, successor: Successor, sign_in: Callable[[User], Client]
) -> None:
    client = sign_in(successor.otto)
    # The latest programme first: the successor's.
    page = client.get(reverse("web:research_transcripts")).content.decode()
    assert "Making It Work Together (2025 to now)" in page
    assert "MWT interview" in page
    assert personas.research.pat_transcript.title not in page
    table = client.get(reverse("web:research_table1")).content.decode()
    assert "Making It Work Together" in table
    # He chooses Making It Work with the switcher: its transcripts, its Table 1, its codebook.
    first = personas.fife.programme
    client.post(reverse("web:choose_programme"), {"programme": first.pk})
    assert client.session[SESSION_KEY] == first.pk
    page = client.get(reverse("web:research_transcripts")).content.decode()
    assert "MWT interview" not in page
    assert personas.research.pat_transcript.title in page
    codebook = client.get(reverse("web:research_codebook")).content.decode()
    assert "Together codebook" not in codebook
    assert personas.research.codebook.name in codebook
    download = client.get(reverse("web:research_table1_download", args=["csv"]))
    assert download.status_code == 200
    assert b"2025" not in download.content
    # A codebook he starts is for the programme he chose.
    client.post(reverse("web:research_codebook_add"), {"name": "Chosen programme's book", "description": ""})
    assert Codebook.objects.get(name="Chosen programme's book").programme_id == first.pk
    # Analytics say which programme they are of.
    analytics = client.get(reverse("web:research_analytics")).content.decode()
    assert "Making It Work (" in analytics


def test_the_api_takes_a_programme_and_refuses_one_not_overseen(
    personas: Personas, successor: Successor, client_for: Callable[[str], Client], sign_in: Callable[[User], Client]
) -> None:
    eve = client_for("evaluator")
    other = successor.programme.pk
    for path in (
        "/api/v1/research/transcripts",
        "/api/v1/research/waves",
        "/api/v1/research/interviews",
        "/api/v1/research/stakeholders",
        "/api/v1/research/codebooks",
        "/api/v1/research/surveys",
        "/api/v1/research/quotes",
        "/api/v1/research/agreement",
        "/api/v1/research/table1",
        "/api/v1/research/analytics/time-to-work",
        "/api/v1/research/analytics/paid-work-model",
        "/api/v1/research/analytics/rates",
        "/api/v1/research/exports/quotes",
    ):
        refused = eve.get(path, {"programme": other})
        assert refused.status_code == 404, path
        assert "detail" in refused.json(), path
        assert eve.get(path, {"programme": 999999}).status_code == 404, path
        assert eve.get(path).status_code == 200, path
    for path in (
        f"/api/v1/research/transcripts/{successor.transcript.pk}",
        f"/api/v1/research/transcripts/{successor.transcript.pk}/segments",
        f"/api/v1/research/waves/{successor.wave.pk}",
        f"/api/v1/research/codebooks/{successor.codebook.pk}",
        f"/api/v1/research/surveys/{successor.survey.pk}",
    ):
        assert eve.get(path).status_code == 404, path
    removed = eve.delete(f"/api/v1/research/segments/{successor.segment.pk}")
    assert removed.status_code == 404
    assert CodedSegment.objects.filter(pk=successor.segment.pk).exists()
    # Absent: the latest programme the caller oversees; Otto's is the successor.
    otto = sign_in(successor.otto)
    latest = otto.get("/api/v1/research/transcripts").json()["items"]
    assert [row["id"] for row in latest] == [successor.transcript.pk]
    first = otto.get("/api/v1/research/transcripts", {"programme": personas.fife.programme_id}).json()["items"]
    assert successor.transcript.pk not in [row["id"] for row in first]
    table = otto.get("/api/v1/research/table1", {"programme": other}).json()
    assert (table["programme_id"], table["programme"]) == (other, "Making It Work Together")
    assert table["totals"]["overall"]["participants"] == 1
    rates = otto.get("/api/v1/research/analytics/rates", {"programme": other}).json()
    assert rates["programme_id"] == other


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "web:research_home",
        "web:research_transcripts",
        "web:research_interviews",
        "web:research_table1",
        "web:research_quotes",
    ],
)
def test_query_counts_do_not_grow_with_the_other_programme(
    personas: Personas, successor: Successor, sign_in: Callable[[User], Client], url: str
) -> None:
    client = sign_in(successor.otto)
    client.post(reverse("web:choose_programme"), {"programme": personas.fife.programme_id})
    before = _queries(client, reverse(url))
    for _ in range(3):
        TranscriptFactory(interview__research_consent__participant__keyworker=successor.keyworker)
    assert Interview.objects.filter(wave__programme=successor.programme).count() == 4
    assert _queries(client, reverse(url)) == before


def test_the_segments_file_is_of_the_chosen_programme(personas: Personas, successor: Successor) -> None:
    from coproduce.research.exchange import segments_to_export

    both = set(segments_to_export(successor.otto).values_list("pk", flat=True))
    later = set(segments_to_export(successor.otto, programme_id=successor.programme.pk).values_list("pk", flat=True))
    assert successor.segment.pk in later
    assert later < both
    assert not segments_to_export(personas.evaluator.user, programme_id=successor.programme.pk).exists()
