"""The demo's evaluation: the paper's Table 1 cell by cell, coded transcripts, quotes and a survey.

Shares the full demo (3,115 participants) built once for the module, as the outcome tests do.
"""

import datetime
import io
import re
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import Client, RequestFactory

from coproduce.accounts.roles import Role
from coproduce.demo import data
from coproduce.participants.models import Consent, Participant
from coproduce.programmes.models import Organisation, Programme, StaffMember
from coproduce.programmes.standing import standing_of
from coproduce.research.models import (
    Code,
    Codebook,
    CodedSegment,
    Interview,
    Quote,
    ResearchConsent,
    Stakeholder,
    StakeholderRole,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Transcript,
    Wave,
)
from tests.demo.test_demo_outcomes import demo, full_demo  # noqa: F401  (the module's shared full demo)

pytestmark = pytest.mark.usefixtures("demo")

# The paper's Table 1 (Lindsay et al. 2019), typed in again here: (lone parents, stakeholders).
PAPER = {
    ("Edinburgh", 2014): (6, 12),
    ("Edinburgh", 2015): (8, 8),
    ("Edinburgh", 2016): (6, 7),
    ("Edinburgh", 2017): (3, 3),
    ("Fife", 2014): (8, 9),
    ("Fife", 2015): (8, 9),
    ("Fife", 2016): (5, 8),
    ("Fife", 2017): (3, 3),
    ("Glasgow", 2014): (11, 5),
    ("Glasgow", 2015): (4, 5),
    ("Glasgow", 2016): (2, 8),
    ("Glasgow", 2017): (2, 2),
    ("North Lanarkshire", 2014): (5, 3),
    ("North Lanarkshire", 2015): (5, 7),
    ("North Lanarkshire", 2016): (2, 6),
    ("North Lanarkshire", 2017): (1, 2),
    ("South Lanarkshire", 2014): (6, 5),
    ("South Lanarkshire", 2015): (9, 6),
    ("South Lanarkshire", 2016): (5, 6),
    ("South Lanarkshire", 2017): (3, 3),
}
PAPER_TOTALS = {2014: (36, 34), 2015: (34, 35), 2016: (20, 35), 2017: (12, 13)}
EVALUATORS = {
    "aileen.mckay@carrick.example.ac.uk": "Carrick University Employment Research Unit",
    "rory.buchanan@carrick.example.ac.uk": "Carrick University Employment Research Unit",
    "priya.nair@pennine.example.ac.uk": "Pennine Institute for Social Research",
    "tom.ashworth@pennine.example.ac.uk": "Pennine Institute for Social Research",
}


def done_interviews() -> dict[tuple[str, int], tuple[int, int]]:
    rows = (
        Interview.objects.filter(status=Interview.Status.DONE)
        .values_list("partnership__area_name", "wave__year", "kind")
        .annotate(count=Count("pk"))
    )
    cells: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for area, year, kind, count in rows:
        cells[area, year][0 if kind == Interview.Kind.PARTICIPANT else 1] += count
    return {key: (value[0], value[1]) for key, value in cells.items()}


def test_the_done_interviews_are_the_papers_table_1_cell_by_cell_totals_included() -> None:
    table = done_interviews()
    assert table == PAPER
    totals = {
        year: (
            sum(table[area, year][0] for area, wave in PAPER if wave == year),
            sum(table[area, year][1] for area, wave in PAPER if wave == year),
        )
        for year in PAPER_TOTALS
    }
    assert totals == PAPER_TOTALS
    assert Interview.objects.filter(status=Interview.Status.DONE).count() == 102 + 117
    assert list(Wave.objects.values_list("year", "name", "starts_on", "ends_on")) == [
        (year, f"Wave {number} ({year})", datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        for number, year in enumerate((2014, 2015, 2016, 2017), start=1)
    ]


def test_the_table_1_report_evaluators_read_equals_the_papers_table_1_cell_by_cell() -> None:
    from coproduce.research.table1 import PAPER_TABLE_1, PAPER_TABLE_1_TOTALS, table_one

    aileen = StaffMember.objects.get(user__username="aileen.mckay@carrick.example.ac.uk").user
    # Aileen oversees both programmes and reads the live one by default; Table 1 is Making It Work's.
    closed = Programme.objects.get(name=data.PROGRAMME_NAME)
    report = table_one(aileen, programme_id=closed.pk)
    assert report.as_paper() == PAPER_TABLE_1
    assert {year: (cell.participants, cell.stakeholders) for year, cell in report.by_wave().items()} == (
        PAPER_TABLE_1_TOTALS
    )
    assert (report.overall().participants, report.overall().stakeholders) == (102, 117)
    # The page, its downloads and GET /api/v1/research/table1 all render this one report.
    client = Client()
    client.force_login(aileen)
    response = client.get(f"/api/v1/research/table1?programme={closed.pk}")
    assert response.status_code == 200
    rows = {(row["area"], row["wave"]): (row["participants"], row["stakeholders"]) for row in response.json()["rows"]}
    assert rows == PAPER


def test_four_evaluators_in_two_institutions_sign_in_and_the_second_coder_is_in_demo_logins() -> None:
    evaluators = StaffMember.objects.filter(roles__role=Role.EVALUATOR).select_related("user", "organisation")
    assert {member.user.email: member.organisation.name for member in evaluators} == EVALUATORS
    assert Organisation.objects.get(name="Pennine Institute for Social Research").kind == Organisation.Kind.RESEARCH
    for email in EVALUATORS:
        user = authenticate(RequestFactory().post("/sign-in/"), username=email, password="coproduce-demo")
        assert user is not None, email
        assert standing_of(user).has(Role.EVALUATOR)
    output = io.StringIO()
    call_command("demo_logins", stdout=output)
    assert "evaluator (second coder)  Priya Nair" in output.getvalue()
    assert "priya.nair@pennine.example.ac.uk" in output.getvalue()


def test_every_research_consent_has_a_research_scope_with_a_unique_pseudonym() -> None:
    # The evaluation is Making It Work's: the live programme's research consents have no research scope (yet).
    research_consents = Consent.objects.filter(
        purpose=Consent.Purpose.RESEARCH, participant__partnership__programme__name=data.PROGRAMME_NAME
    )
    scopes = ResearchConsent.objects.select_related("participant", "consent")
    assert sorted(scope.consent_id for scope in scopes) == sorted(research_consents.values_list("pk", flat=True))
    assert all(scope.consent.participant_id == scope.participant_id for scope in scopes)
    pseudonyms = [scope.pseudonym for scope in scopes]
    assert len(set(pseudonyms)) == len(pseudonyms) == 1223
    for scope in scopes:
        assert re.fullmatch(r"R-[0-9A-HJKMNP-TV-Z]{6}", scope.pseudonym), scope.pseudonym
        assert scope.participant.reference not in scope.pseudonym
        assert scope.participant.reference.split("-")[-1] not in scope.pseudonym
    withdrawn = scopes.filter(consent__withdrawn_at__isnull=False).count()
    agreed = {element: scopes.filter(**{element: True}).count() for element in ResearchConsent.ELEMENTS}
    # 107, not 91: only a closed case's research consent is withdrawn, and every Making It Work case is closed now.
    assert withdrawn == 107
    assert agreed == {
        "interview": 1081,
        "recording": 667,
        "quotation": 977,
        "service_data": 1054,
        "contact_for_interview": 563,
    }


def test_participant_interviewees_are_consented_in_their_area_and_some_are_seen_again() -> None:
    done = Interview.objects.filter(kind=Interview.Kind.PARTICIPANT, status=Interview.Status.DONE).select_related(
        "research_consent__consent", "research_consent__participant", "wave", "interviewer"
    )
    assert done.count() == 102
    waves_of: Counter[int] = Counter()
    for interview in done:
        scope = interview.research_consent
        assert scope.consent.withdrawn_at is None
        assert scope.interview
        assert scope.participant.partnership_id == interview.partnership_id
        assert scope.participant.joined_on <= interview.held_on - datetime.timedelta(days=28)
        # Every Making It Work case is closed now: no interview more than a year after closing.
        assert scope.participant.status == Participant.Status.CLOSED
        assert interview.held_on <= scope.participant.status_since + datetime.timedelta(days=365)
        assert interview.held_on.year == interview.wave.year
        assert interview.interviewer.email in EVALUATORS
        assert interview.consent_confirmed
        assert interview.recorded == scope.recording
        waves_of[scope.pk] += 1
    assert max(waves_of.values()) <= 3
    # 22, not 23, since every Making It Work case closed by 2018: interviews stop a year after closing.
    assert sum(1 for count in waves_of.values() if count >= 2) == 22
    once_a_wave = done.values("research_consent", "wave").annotate(count=Count("pk")).filter(count__gt=1)
    assert not once_a_wave.exists()


def test_stakeholders_are_the_areas_keyworkers_managers_partners_and_signposting_providers() -> None:
    done = Interview.objects.filter(kind=Interview.Kind.STAKEHOLDER, status=Interview.Status.DONE).select_related(
        "stakeholder__staff_member__partnership", "wave", "interviewer"
    )
    assert done.count() == 117
    for interview in done:
        stakeholder = interview.stakeholder
        assert stakeholder.partnership_id == interview.partnership_id
        assert stakeholder.agreed_to_interview
        assert stakeholder.consent_recorded_on < interview.held_on
        assert interview.held_on.year == interview.wave.year
        assert interview.interviewer.email in EVALUATORS
        if stakeholder.role in (StakeholderRole.KEYWORKER, StakeholderRole.PARTNER_STAFF):
            assert stakeholder.staff_member.partnership_id == interview.partnership_id
    keyworkers = Stakeholder.objects.filter(role=StakeholderRole.KEYWORKER)
    # Making It Work's keyworkers; the live programme's own keyworkers are not stakeholders of the evaluation.
    closed_keyworkers = StaffMember.objects.filter(
        roles__role=Role.KEYWORKER, partnership__programme__name=data.PROGRAMME_NAME
    )
    assert keyworkers.count() == closed_keyworkers.count() == 30
    assert set(keyworkers.values_list("staff_member__roles__role", flat=True)) == {Role.KEYWORKER}
    # The demo's draw since it holds two programmes (was 56/18/12/27/4); Table 1 itself is unchanged.
    assert dict(Counter(done.values_list("stakeholder__role", flat=True))) == {
        "keyworker": 59,
        "lead_partner": 16,
        "management": 11,
        "partner_staff": 26,
        "signposting_provider": 5,
    }


def test_some_interviews_were_invited_scheduled_or_declined_and_do_not_count() -> None:
    others = Interview.objects.exclude(status=Interview.Status.DONE)
    assert sorted(others.values_list("partnership__short_code", "wave__year", "kind", "status")) == [
        ("EDI", 2015, "participant", "declined"),
        ("EDI", 2017, "participant", "invited"),
        ("FIF", 2017, "participant", "scheduled"),
        ("GLA", 2017, "participant", "scheduled"),
        ("GLA", 2017, "stakeholder", "invited"),
        ("NLA", 2014, "participant", "declined"),
        ("SLA", 2016, "stakeholder", "declined"),
    ]
    for interview in others.filter(status=Interview.Status.SCHEDULED):
        assert interview.scheduled_for.year == 2017
        assert interview.held_on is None


def test_transcripts_are_redacted_and_coded_by_two_coders_from_two_institutions() -> None:
    ready = Transcript.objects.filter(status=Transcript.Status.READY).select_related("interview", "uploaded_by")
    assert sorted(ready.values_list("title", flat=True)) == [
        "Keyworker, Edinburgh, 2015",
        "Lead Partner Representative, South Lanarkshire, 2016",
        "Partner Organisation Staff, North Lanarkshire, 2016",
        "Service User, Edinburgh, 2016",
        "Service User, Fife, 2014",
        "Service User, Glasgow, 2015",
        "Service User, North Lanarkshire, 2017",
    ]
    for transcript in ready:
        assert transcript.interview.status == Interview.Status.DONE
        assert transcript.uploaded_by.email == "aileen.mckay@carrick.example.ac.uk"
        assert 150 <= len(transcript.text.split()) <= 300, transcript.title
        assert "[staff member]" in transcript.text or "[child]" in transcript.text
        segments = list(transcript.segments.filter(is_consensus=False).select_related("coder", "code"))
        coders = {segment.coder.email for segment in segments}
        assert len(coders) == 2
        assert {EVALUATORS[email] for email in coders} == set(EVALUATORS.values())
        by_passage: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
        for segment in segments:
            by_passage[segment.start, segment.end][segment.coder.email] = segment.code.name
        differences = [codes for codes in by_passage.values() if len(codes) < 2 or len(set(codes.values())) > 1]
        agreements = [codes for codes in by_passage.values() if len(codes) == 2 and len(set(codes.values())) == 1]
        assert differences, transcript.title
        assert len(agreements) > len(differences) - 1, transcript.title
    for segment in CodedSegment.objects.select_related("transcript"):
        assert segment.text == segment.transcript.text[segment.start : segment.end]
        assert segment.transcript.status == Transcript.Status.READY
    consensus = CodedSegment.objects.filter(is_consensus=True)
    assert set(consensus.values_list("transcript__title", flat=True)) == {"Service User, Fife, 2014"}
    assert consensus.count() == 4
    assert CodedSegment.objects.filter(is_consensus=False).count() == 73


def test_one_transcript_is_still_being_redacted_with_names_left_in_it() -> None:
    (transcript,) = Transcript.objects.filter(status=Transcript.Status.REDACTING).select_related(
        "interview__research_consent__participant__keyworker__user"
    )
    participant = transcript.interview.research_consent.participant
    assert transcript.title == "Service User, Glasgow, 2017"
    assert f"{participant.given_name}: Busy" in transcript.text
    assert participant.keyworker.user.first_name in transcript.text
    assert not transcript.segments.exists()


def test_quotes_come_only_from_interviewees_who_agreed_to_be_quoted() -> None:
    quotes = Quote.objects.select_related(
        "transcript__interview__research_consent", "transcript__interview__stakeholder", "transcript__wave", "segment"
    )
    assert sorted(quotes.values_list("attribution", flat=True)) == [
        "Keyworker, Edinburgh, 2015",
        "Lead Partner Representative, South Lanarkshire, 2016",
        "Partner Organisation Staff, North Lanarkshire, 2016",
        "Service User, Fife, 2014",
        "Service User, Glasgow, 2015",
        "Service User, North Lanarkshire, 2017",
    ]
    for quote in quotes:
        transcript = quote.transcript
        interview = transcript.interview
        if interview.kind == Interview.Kind.PARTICIPANT:
            assert interview.research_consent.quotation
        else:
            assert interview.stakeholder.agreed_to_quotation
        assert quote.text == transcript.text[quote.start : quote.end] == quote.segment.text
        assert (
            quote.attribution
            == f"{transcript.speaker_label}, {transcript.partnership.area_name}, {transcript.wave.year}"
        )
    unquotable = Transcript.objects.get(title="Service User, Edinburgh, 2016")
    assert not unquotable.interview.research_consent.quotation
    assert not unquotable.quotes.exists()


def test_the_codebook_has_themes_hierarchical_codes_and_two_emergent_codes_from_the_second_institution() -> None:
    codebook = Codebook.objects.get(name="Making it Work evaluation")
    assert list(codebook.themes.values_list("name", flat=True)) == [
        "Co-producing employability journeys",
        "Jobcentre Plus and conditionality",
        "Barriers to work",
        "Co-governance and co-management",
        "Outcomes",
    ]
    codes = {code.name: code for code in Code.objects.filter(codebook=codebook).select_related("parent", "created_by")}
    assert len(codes) == 18  # 8 codes under the themes, 8 below them, 2 emergent
    assert all(code.definition for code in codes.values())
    assert codes["Fear of sanctions"].parent == codes["Jobcentre Plus"]
    assert codes["Childcare"].parent == codes["Barriers"]
    emergent = {
        name: (code.parent.name, code.created_by.email, code.created_at.date())
        for name, code in codes.items()
        if code.emergent
    }
    assert emergent == {
        "Home visits": ("Personalised support", "priya.nair@pennine.example.ac.uk", datetime.date(2015, 9, 14)),
        "Keyworker as advocate": ("Jobcentre Plus", "tom.ashworth@pennine.example.ac.uk", datetime.date(2016, 10, 3)),
    }


def test_the_participant_survey_was_sent_on_joining_and_six_months_later_and_answered_in_every_area_and_wave() -> None:
    survey = Survey.objects.get(title="Making it Work participant survey")
    assert survey.status == Survey.Status.OPEN
    assert list(survey.points.values_list("label", "days_after_joining")) == [
        ("On joining", 0),
        ("Six months later", 182),
    ]
    assert list(survey.questions.values_list("kind", flat=True)) == ["likert", "likert", "likert", "choice", "text"]
    invitations = SurveyInvitation.objects.filter(survey=survey).select_related(
        "participant__research_consent__consent", "point"
    )
    for invitation in invitations:
        assert invitation.participant.research_consent.consent.withdrawn_at is None
        assert invitation.sent_on == invitation.participant.joined_on + datetime.timedelta(
            days=invitation.point.days_after_joining
        )
        assert datetime.date(2014, 1, 1) <= invitation.sent_on <= datetime.date(2017, 12, 31)
        assert invitation.wave.year == invitation.sent_on.year
        # Nobody is surveyed after their case closed (every Making It Work case is closed now).
        assert invitation.sent_on <= invitation.participant.status_since
    responses = SurveyResponse.objects.filter(survey=survey)
    # 1808, not 1837: every Making It Work case closed by 2018, so no six-month survey after a case closed.
    assert invitations.count() == 1808
    assert invitations.filter(answered=True).count() == responses.count() == 1108  # was 1139, for the same reason
    cells = set(responses.values_list("partnership__short_code", "wave__year"))
    assert cells == {(area, year) for area in ("EDI", "FIF", "GLA", "NLA", "SLA") for year in (2014, 2015, 2016, 2017)}
    agreeing = {
        area: responses.filter(
            partnership__short_code=area, answers__question__position=1, answers__number__gte=4
        ).count()
        / responses.filter(partnership__short_code=area).count()
        for area in ("FIF", "GLA")
    }
    assert agreeing["FIF"] > agreeing["GLA"]
