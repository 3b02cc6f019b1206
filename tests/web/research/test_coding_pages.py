"""The codebook, coding a transcript, comparing coders and settling the consensus, through the pages.

The story (tests/research/story.py): Eve and Ezra both coded CHOICE_PASSAGE of Pat's transcript
as Choice, and differ on JOBCENTRE_PASSAGE (Eve: Jobcentre pressure, Ezra: Childcare).
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from coproduce.audit.models import AuditEvent
from coproduce.research.models import Code, CodedSegment, Theme
from tests.personas import Personas
from tests.research.factories import TranscriptFactory
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE, PAT_TRANSCRIPT

ClientFor = Callable[[str], Client]
SignIn = Callable[..., Client]


def code_url(transcript: object) -> str:
    return reverse("web:research_transcript_code", args=[transcript.pk])  # type: ignore[attr-defined]


def compare_url(transcript: object) -> str:
    return reverse("web:research_transcript_compare", args=[transcript.pk])  # type: ignore[attr-defined]


def test_coders_see_only_their_own_segments_while_coding(
    personas: Personas, client_for: ClientFor, sign_in: SignIn
) -> None:
    story = personas.research
    eve_page = client_for("evaluator").get(code_url(story.pat_transcript))
    assert eve_page.status_code == 200
    eve_body = eve_page.content.decode()
    assert "Jobcentre pressure</strong>" in eve_body
    assert "Childcare</strong>" not in eve_body  # Ezra's code on the same passage
    ezra_body = sign_in(story.second_evaluator.user).get(code_url(story.pat_transcript)).content.decode()
    assert "Childcare</strong>" in ezra_body
    assert "Jobcentre pressure</strong>" not in ezra_body
    # The words are on the page, paragraph by paragraph, with where each starts.
    assert f'<p class="govuk-body" data-offset="{PAT_TRANSCRIPT.index("Service user: She")}">' in eve_body
    assert "js/coding.js" in eve_body
    read = AuditEvent.objects.filter(actor=personas.evaluator.user, action=AuditEvent.Action.VIEW).first()
    assert read is not None
    assert (read.record_type, read.participant_id) == ("research.Transcript", personas.participant.pk)


def test_coding_a_typed_passage(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    passage = "I had nobody to mind [child]"
    response = client_for("evaluator").post(
        code_url(story.pat_transcript),
        {
            "action": "apply",
            "codebook": story.codebook.pk,
            "passage": passage,
            "codes": [story.childcare.pk],
            "memo": "Childcare again",
            "start": "",
        },
    )
    assert response.status_code == 302
    segment = CodedSegment.objects.get(coder=personas.evaluator.user, code=story.childcare)
    assert (segment.start, segment.end, segment.text, segment.memo) == (
        PAT_TRANSCRIPT.index(passage),
        PAT_TRANSCRIPT.index(passage) + len(passage),
        passage,
        "Childcare again",
    )
    created = AuditEvent.objects.get(record_type="research.CodedSegment", record_id=str(segment.pk))
    assert (created.action, created.participant_id) == (AuditEvent.Action.CREATE, personas.participant.pk)


def test_the_start_from_a_selection_picks_which_occurrence_is_coded(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    second = PAT_TRANSCRIPT.rindex("Service user:")
    url = code_url(story.pat_transcript)
    form = {"action": "apply", "codebook": story.codebook.pk, "passage": "Service user:", "codes": [story.choice.pk]}
    ambiguous = client_for("evaluator").post(url, form)
    assert ambiguous.status_code == 400
    assert "These words appear 2 times in the transcript." in ambiguous.content.decode()
    assert client_for("evaluator").post(url, {**form, "start": second}).status_code == 302
    segment = CodedSegment.objects.get(coder=personas.evaluator.user, text="Service user:")
    assert (segment.start, segment.end) == (second, second + len("Service user:"))


def test_a_passage_not_in_the_transcript_is_an_error_and_codes_nothing(
    personas: Personas, client_for: ClientFor
) -> None:
    story = personas.research
    before = CodedSegment.objects.count()
    response = client_for("evaluator").post(
        code_url(story.pat_transcript),
        {"action": "apply", "codebook": story.codebook.pk, "passage": "words never said", "codes": [story.choice.pk]},
    )
    assert response.status_code == 400
    assert "These words are not in the transcript." in response.content.decode()
    assert CodedSegment.objects.count() == before
    nothing = client_for("evaluator").post(
        code_url(story.pat_transcript),
        {"action": "apply", "codebook": story.codebook.pk, "passage": CHOICE_PASSAGE},
    )
    assert nothing.status_code == 400
    assert "Choose at least one code." in nothing.content.decode()


def test_adding_an_emergent_code_while_coding(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    response = client_for("evaluator").post(
        code_url(story.pat_transcript),
        {
            "action": "new_code",
            "codebook": story.codebook.pk,
            "name": "Being judged",
            "definition": "Feeling judged by officials.",
            "theme_id": story.barriers_theme.pk,
        },
    )
    assert response.status_code == 302
    code = Code.objects.get(name="Being judged")
    assert (code.emergent, code.created_by, code.theme, code.codebook) == (
        True,
        personas.evaluator.user,
        story.barriers_theme,
        story.codebook,
    )
    page = client_for("evaluator").get(reverse("web:research_codebook")).content.decode()
    assert f"added by {personas.evaluator.user} on {code.created_at:%-d %B %Y}" in page
    assert f"added by Ezra Evaluator on {story.home_visits.created_at:%-d %B %Y}" in page


def test_a_coder_cannot_remove_another_coders_segment(
    personas: Personas, client_for: ClientFor, sign_in: SignIn
) -> None:
    story = personas.research
    ezras = CodedSegment.objects.get(code=story.childcare, coder=story.second_evaluator.user)
    refused = client_for("evaluator").post(reverse("web:research_segment_remove", args=[ezras.pk]))
    assert refused.status_code == 403
    assert CodedSegment.objects.filter(pk=ezras.pk).exists()
    removed = sign_in(story.second_evaluator.user).post(reverse("web:research_segment_remove", args=[ezras.pk]))
    assert removed.status_code == 302
    assert removed["Location"] == code_url(story.pat_transcript)
    assert not CodedSegment.objects.filter(pk=ezras.pk).exists()


def test_a_transcript_still_being_redacted_cannot_be_coded(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    page = client_for("evaluator").get(code_url(story.kim_transcript))
    assert page.status_code == 409
    assert "still being redacted" in page.content.decode()
    assert "Kirkcaldy" not in page.content.decode()
    posted = client_for("evaluator").post(
        code_url(story.kim_transcript),
        {
            "action": "apply",
            "codebook": story.codebook.pk,
            "passage": "Tell me about your work.",
            "codes": [story.choice.pk],
        },
    )
    assert posted.status_code == 409
    assert not CodedSegment.objects.filter(transcript=story.kim_transcript).exists()


def test_a_withdrawn_participants_transcript_cannot_be_reached(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    client = client_for("evaluator")
    for url in (code_url(story.olive_transcript), compare_url(story.olive_transcript)):
        response = client.get(url)
        assert response.status_code == 404
        assert "Olive" not in response.content.decode()
    listing = client.get(reverse("web:research_coding")).content.decode()
    # Only Pat's transcript is listed: Olive's is hidden, Kim's is still being redacted.
    assert listing.count('<tr class="govuk-table__row">') == 2  # the header row and Pat's
    assert "R-TESTPAT" in listing
    assert "R-TESTOLI" not in listing


def test_comparison_shows_agree_and_differ_side_by_side(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    response = client_for("evaluator").get(compare_url(story.pat_transcript))
    assert response.status_code == 200
    body = response.content.decode()
    sections = body.split("<section")[1:]
    assert len(sections) == 2
    assert escape(CHOICE_PASSAGE) in sections[0]
    assert 'govuk-tag--green">agree</strong>' in sections[0]
    assert escape(JOBCENTRE_PASSAGE) in sections[1]
    assert 'govuk-tag--red">differ</strong>' in sections[1]
    assert "They agree on 1 passage and differ on 1." in body
    assert "Ezra Evaluator" in body
    # The jobcentre passage offers both coders' codes, none ticked (nobody applied both).
    start = PAT_TRANSCRIPT.index(JOBCENTRE_PASSAGE)
    key = f"{start}-{start + len(JOBCENTRE_PASSAGE)}"
    assert (
        f'id="consensus-{key}-{story.jobcentre.pk}" name="codes" type="checkbox" value="{story.jobcentre.pk}">' in body
    )
    assert (
        f'id="consensus-{key}-{story.childcare.pk}" name="codes" type="checkbox" value="{story.childcare.pk}">' in body
    )
    choice_start = PAT_TRANSCRIPT.index(CHOICE_PASSAGE)
    choice_key = f"{choice_start}-{choice_start + len(CHOICE_PASSAGE)}"
    assert f'value="{story.choice.pk}" checked>' in body
    assert f'id="consensus-{choice_key}-{story.choice.pk}"' in body


def test_settling_the_consensus_replaces_only_that_passage(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    client = client_for("evaluator")
    choice_start = PAT_TRANSCRIPT.index(CHOICE_PASSAGE)
    choice_end = choice_start + len(CHOICE_PASSAGE)
    job_start = PAT_TRANSCRIPT.index(JOBCENTRE_PASSAGE)
    job_end = job_start + len(JOBCENTRE_PASSAGE)
    url = compare_url(story.pat_transcript)
    assert client.post(url, {"start": choice_start, "end": choice_end, "codes": [story.choice.pk]}).status_code == 302
    first = client.post(url, {"start": job_start, "end": job_end, "codes": [story.jobcentre.pk]})
    assert first.status_code == 302
    assert first["Location"] == f"{url}#passage-{job_start}-{job_end}"
    again = client.post(url, {"start": job_start, "end": job_end, "codes": [story.jobcentre.pk, story.childcare.pk]})
    assert again.status_code == 302
    consensus = CodedSegment.objects.filter(transcript=story.pat_transcript, is_consensus=True)
    assert sorted(consensus.values_list("start", "code__name")) == [
        (choice_start, "Choice"),
        (job_start, "Childcare"),
        (job_start, "Jobcentre pressure"),
    ]
    # The coders' own segments are untouched.
    assert CodedSegment.objects.filter(transcript=story.pat_transcript, is_consensus=False).count() == 4
    # Settled on no code: nothing left for that passage, and the page says it was settled.
    assert client.post(url, {"start": job_start, "end": job_end}).status_code == 302
    assert sorted(consensus.values_list("start", flat=True)) == [choice_start]
    body = client.get(url).content.decode()
    assert "Settled: no code" in body
    assert body.count("Not settled yet") == 0


def test_coding_list_counts_own_segments_and_coders_in_constant_queries(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    story = personas.research
    client = client_for("evaluator")
    client.get(reverse("web:research_coding"))  # warm up the session and the actor
    for _ in range(3):
        TranscriptFactory(wave=story.wave_2015, interview__research_consent__participant__partnership=personas.fife)
    with django_assert_num_queries(9):
        response = client.get(reverse("web:research_coding"))
    assert response.status_code == 200
    for _ in range(3):
        TranscriptFactory(wave=story.wave_2015, interview__research_consent__participant__partnership=personas.fife)
    with django_assert_num_queries(9):
        client.get(reverse("web:research_coding"))
    body = response.content.decode()
    row = body[body.index(story.pat_transcript.title) :]
    row = row[: row.index("</tr>")]
    # Eve's two segments, two coders
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Your codes">2</td>' in row
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Coders">2</td>' in row
    assert story.kim_transcript.title not in body  # still being redacted


def test_codebook_tree_and_forms(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    client = client_for("evaluator")
    body = client.get(reverse("web:research_codebook")).content.decode()
    assert body.index("Theme: Choice and control") < body.index("Theme: Barriers")
    assert "under Choice" in body
    assert "Codes without a theme" in body
    made = client.post(
        reverse("web:research_theme_add", args=[story.codebook.pk]), {"name": "Relationships", "description": ""}
    )
    assert made.status_code == 302
    theme = Theme.objects.get(name="Relationships")
    assert theme.position == 3
    assert client.post(reverse("web:research_theme_move", args=[theme.pk]), {"direction": "up"}).status_code == 302
    assert list(story.codebook.themes.order_by("position").values_list("name", flat=True)) == [
        "Choice and control",
        "Relationships",
        "Barriers",
    ]
    clash = client.post(
        reverse("web:research_code_add", args=[story.codebook.pk]), {"name": "childcare", "colour": "#1d70b8"}
    )
    assert clash.status_code == 400
    assert "There is already a code called childcare in this codebook." in clash.content.decode()
    cycle = client.post(
        reverse("web:research_code_edit", args=[story.choice.pk]),
        {
            "name": "Choice",
            "definition": "",
            "theme_id": story.choice_theme.pk,
            "parent_id": story.listened_to.pk,
            "colour": "#1d70b8",
            "version": story.choice.version,
        },
    )
    assert cycle.status_code == 400
    assert "Choose a code from the list: not the code itself or one of its sub-codes." in cycle.content.decode()
    moved = client.post(
        reverse("web:research_code_edit", args=[story.jobcentre.pk]),
        {
            "name": "Jobcentre pressure",
            "definition": "Judgement.",
            "theme_id": story.barriers_theme.pk,
            "parent_id": "",
            "colour": "#D4351C",
            "version": story.jobcentre.version,
        },
    )
    assert moved.status_code == 302
    story.jobcentre.refresh_from_db()
    assert (story.jobcentre.theme, story.jobcentre.colour, story.jobcentre.version) == (
        story.barriers_theme,
        "#d4351c",
        2,
    )
