"""The participant survey's services: writing a survey, inviting participants at points in their
journey, answering anonymously, and sending free-text answers to coding."""

import datetime

import pytest
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Participant
from coproduce.research.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    Transcript,
)
from coproduce.research.selectors.surveys import opened_on
from coproduce.research.services import surveys as services
from tests.participants.factories import ParticipantFactory
from tests.research.factories import ResearchConsentFactory, WaveFactory
from tests.research.story import ResearchStory


def _draft(p, **fields):
    return services.create_survey(
        actor=p.evaluator.user, programme_id=p.fife.programme.pk, title=fields.pop("title", "Your views"), **fields
    )


def _ready(p):
    """A draft with an agree/disagree question and points on joining and six months later."""
    survey = _draft(p)
    eve = p.evaluator.user
    services.add_question(
        actor=eve,
        survey_id=survey.pk,
        expected_version=survey.version,
        kind="likert",
        text="I feel listened to.",
        required=True,
    )
    survey.refresh_from_db()
    services.add_point(
        actor=eve, survey_id=survey.pk, expected_version=survey.version, label="On joining", days_after_joining=0
    )
    survey.refresh_from_db()
    services.add_point(
        actor=eve,
        survey_id=survey.pk,
        expected_version=survey.version,
        label="Six months later",
        days_after_joining=182,
    )
    survey.refresh_from_db()
    return survey


def _open(p, survey):
    services.open_survey(actor=p.evaluator.user, survey_id=survey.pk, expected_version=survey.version)
    survey.refresh_from_db()
    return survey


def _joiner(p, joined_on, *, consent=True, partnership=None, **fields):
    keyworker = p.keyworker if partnership is None else p.glasgow_keyworker
    someone = ParticipantFactory(keyworker=keyworker, joined_on=joined_on, **fields)
    if consent:
        ResearchConsentFactory(participant=someone)
    return someone


# ---- writing a survey ---------------------------------------------------------------------------


def test_an_evaluator_writes_a_draft_and_every_change_moves_its_version(personas):
    p = personas
    survey = _ready(p)
    assert survey.status == Survey.Status.DRAFT
    assert survey.version == 4
    assert list(survey.questions.values_list("position", "kind", "text", "required")) == [
        (1, "likert", "I feel listened to.", True)
    ]
    assert list(survey.points.values_list("label", "days_after_joining")) == [
        ("On joining", 0),
        ("Six months later", 182),
    ]
    events = AuditEvent.objects.filter(actor=p.evaluator.user).order_by("pk")
    assert list(events.values_list("action", "record_type", "participant_id")) == [
        ("create", "research.Survey", None),
        ("create", "research.SurveyQuestion", None),
        ("create", "research.SurveyPoint", None),
        ("create", "research.SurveyPoint", None),
    ]


@pytest.mark.parametrize("role", ["keyworker", "partnership_manager", "participant", "funder"])
def test_only_evaluators_write_surveys(personas, role):
    user = personas.user_for(role)
    with pytest.raises(NotAllowed):
        services.create_survey(actor=user, programme_id=personas.fife.programme.pk, title="Nosy")
    assert Survey.objects.count() == 0


def test_a_stale_version_changes_nothing(personas):
    p = personas
    survey = _ready(p)
    with pytest.raises(ConflictError):
        services.update_survey(
            actor=p.evaluator.user, survey_id=survey.pk, expected_version=1, changes={"title": "Late"}
        )
    survey.refresh_from_db()
    assert (survey.title, survey.version) == ("Your views", 4)


def test_a_choice_question_needs_two_choices(personas):
    p = personas
    survey = _draft(p)
    with pytest.raises(InvalidInput) as caught:
        services.add_question(
            actor=p.evaluator.user,
            survey_id=survey.pk,
            expected_version=1,
            kind="choice",
            text="Where?",
            choices=["Home", " "],
        )
    assert caught.value.errors == {"choices": ["Give at least two choices, one a line."]}
    assert survey.questions.count() == 0
    question = services.add_question(
        actor=p.evaluator.user,
        survey_id=survey.pk,
        expected_version=1,
        kind="choice",
        text="Where?",
        choices=[" Home", "Centre"],
    )
    assert question.choices == ["Home", "Centre"]


def test_questions_are_reordered_moved_and_removed_and_close_up(personas):
    p = personas
    eve = p.evaluator.user
    survey = _draft(p)
    ids = []
    for number, text in enumerate(["First", "Second", "Third"], start=1):
        ids.append(
            services.add_question(actor=eve, survey_id=survey.pk, expected_version=number, kind="text", text=text).pk
        )
    services.reorder_questions(
        actor=eve, survey_id=survey.pk, expected_version=4, question_ids=[ids[2], ids[0], ids[1]]
    )
    services.move_question(actor=eve, survey_id=survey.pk, question_id=ids[1], expected_version=5, up=True)
    order = list(SurveyQuestion.objects.filter(survey=survey).order_by("position").values_list("text", "position"))
    assert order == [("Third", 1), ("Second", 2), ("First", 3)]
    services.remove_question(actor=eve, survey_id=survey.pk, question_id=ids[2], expected_version=6)
    order = list(SurveyQuestion.objects.filter(survey=survey).order_by("position").values_list("text", "position"))
    assert order == [("Second", 1), ("First", 2)]
    with pytest.raises(InvalidInput):
        services.reorder_questions(actor=eve, survey_id=survey.pk, expected_version=7, question_ids=[ids[0], ids[0]])


def test_two_points_cannot_fall_on_the_same_day(personas):
    p = personas
    survey = _ready(p)
    with pytest.raises(InvalidInput) as caught:
        services.add_point(
            actor=p.evaluator.user,
            survey_id=survey.pk,
            expected_version=survey.version,
            label="Again",
            days_after_joining=0,
        )
    assert caught.value.errors == {"days_after_joining": ["The survey already has a point on that day."]}


def test_a_survey_opens_only_with_a_question_and_a_point(personas):
    p = personas
    survey = _draft(p)
    with pytest.raises(InvalidInput) as caught:
        services.open_survey(actor=p.evaluator.user, survey_id=survey.pk, expected_version=1)
    assert set(caught.value.errors) == {"questions", "points"}
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_once_open_the_questions_are_fixed_and_closing_is_for_good(personas):
    p = personas
    eve = p.evaluator.user
    survey = _open(p, _ready(p))
    assert opened_on(survey) == timezone.localdate()
    with pytest.raises(DomainError, match="only while the survey is a draft"):
        services.add_question(
            actor=eve, survey_id=survey.pk, expected_version=survey.version, kind="text", text="More?"
        )
    services.close_survey(actor=eve, survey_id=survey.pk, expected_version=survey.version)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    with pytest.raises(DomainError, match="only a draft can be opened"):
        services.open_survey(actor=eve, survey_id=survey.pk, expected_version=survey.version)


def test_opening_queues_the_invitations(personas, django_capture_on_commit_callbacks):
    p = personas
    today = timezone.localdate()
    newcomer = _joiner(p, today)
    survey = _ready(p)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_survey(actor=p.evaluator.user, survey_id=survey.pk, expected_version=survey.version)
    assert list(SurveyInvitation.objects.values_list("participant_id", "point__label")) == [(newcomer.pk, "On joining")]


# ---- invitations --------------------------------------------------------------------------------


def test_participants_are_invited_once_per_point_from_the_day_it_opened(personas):
    p = personas
    today = timezone.localdate()
    wave = WaveFactory(programme=p.fife.programme, year=today.year)
    joined_today = _joiner(p, today)
    joined_half_a_year_ago = _joiner(p, today - datetime.timedelta(days=182))
    joined_last_week = _joiner(p, today - datetime.timedelta(days=7))  # joining was before it opened
    _joiner(p, today, consent=False)  # never agreed to the research
    withdrawn = _joiner(p, today)
    withdrawn.research_consent.consent.withdrawn_at = timezone.now()
    withdrawn.research_consent.consent.save()
    _joiner(p, today, status=Participant.Status.PAUSED)
    glasgow = _joiner(p, today, partnership=p.glasgow)
    survey = _open(p, _ready(p))

    assert services.send_due_invitations(today=today) == 3
    invited = set(SurveyInvitation.objects.values_list("participant_id", "point__label", "partnership_id", "wave_id"))
    assert invited == {
        (joined_today.pk, "On joining", p.fife.pk, wave.pk),
        (glasgow.pk, "On joining", p.glasgow.pk, wave.pk),
        (joined_half_a_year_ago.pk, "Six months later", p.fife.pk, wave.pk),
    }
    assert services.send_due_invitations(today=today) == 0

    # A week on, last week's joiner is still not asked on joining; today's joiner is not due again.
    assert services.send_due_invitations(today=today + datetime.timedelta(days=7)) == 0
    # Six months on, those who joined on or after the opening day less six months are asked,
    # last week's joiner too: their six-month day came after it opened.
    later = today + datetime.timedelta(days=182)
    later_wave = WaveFactory(programme=p.fife.programme, year=later.year)
    assert services.send_due_invitations(today=later) == 3
    assert set(
        SurveyInvitation.objects.filter(sent_on=later).values_list("participant_id", "point__label", "wave_id")
    ) == {
        (joined_today.pk, "Six months later", later_wave.pk),
        (glasgow.pk, "Six months later", later_wave.pk),
        (joined_last_week.pk, "Six months later", later_wave.pk),
    }
    assert list(joined_last_week.survey_invitations.values_list("point__label", flat=True)) == ["Six months later"]
    events = AuditEvent.objects.filter(record_type="research.SurveyInvitation")
    assert events.count() == 6
    assert set(events.values_list("action", "channel", "participant_id", "actor_id")) == {
        ("create", "system", None, None)
    }
    assert survey.invitations.count() == 6


def test_drafts_and_closed_surveys_invite_nobody(personas):
    p = personas
    today = timezone.localdate()
    _joiner(p, today)
    _ready(p)
    closed = _open(p, _ready(p))
    services.close_survey(actor=p.evaluator.user, survey_id=closed.pk, expected_version=closed.version)
    assert services.send_due_invitations(today=today) == 0


def test_the_task_sends_the_invitations(personas):
    from coproduce.research.tasks import send_survey_invitations

    p = personas
    today = timezone.localdate()
    newcomer = _joiner(p, today)
    _open(p, _ready(p))
    result = send_survey_invitations.enqueue(today.isoformat())
    assert result.return_value == 1
    assert newcomer.survey_invitations.count() == 1


def test_the_command_queues_the_task(personas):
    from django.core.management import call_command

    p = personas
    newcomer = _joiner(p, timezone.localdate())
    _open(p, _ready(p))
    call_command("send_survey_invitations")
    assert newcomer.survey_invitations.count() == 1


# ---- answering ----------------------------------------------------------------------------------


def _answers(s: ResearchStory, overrides=None):
    answers = {s.likert_question.pk: "4", s.choice_question.pk: "At a centre", s.text_question.pk: "Nothing at all."}
    answers.update(overrides or {})
    return answers


def test_pat_answers_and_nothing_links_the_answers_to_her(personas):
    p = personas
    s = p.research
    before = SurveyResponse.objects.count()
    services.answer_survey(
        actor=p.participant.user,
        invitation_id=s.pat_invitation.pk,
        answers=_answers(s),
        today=datetime.date(2015, 3, 10),
    )
    s.pat_invitation.refresh_from_db()
    assert s.pat_invitation.answered is True
    assert SurveyResponse.objects.count() == before + 1
    response = SurveyResponse.objects.order_by("-pk").first()
    assert (response.point, response.partnership, response.wave, response.submitted_on) == (
        s.on_joining,
        p.fife,
        s.wave_2015,
        datetime.date(2015, 3, 10),
    )
    assert sorted(response.answers.values_list("question__position", "number", "choice", "text")) == [
        (1, 4, "", ""),
        (2, None, "At a centre", ""),
        (3, None, "", "Nothing at all."),
    ]
    event = AuditEvent.objects.get(actor=p.participant.user, record_type="research.SurveyInvitation")
    assert (event.action, event.record_id, event.participant_id, event.changed_fields) == (
        "change",
        str(s.pat_invitation.pk),
        None,
        ["answered"],
    )
    assert not AuditEvent.objects.filter(record_type="research.SurveyResponse").exists()
    assert not AuditEvent.objects.filter(participant=p.participant, record_type__startswith="research.Survey").exists()


def test_answering_twice_is_refused(personas):
    p = personas
    s = p.research
    services.answer_survey(actor=p.participant.user, invitation_id=s.pat_invitation.pk, answers=_answers(s))
    count = SurveyResponse.objects.count()
    with pytest.raises(ConflictError, match="already answered"):
        services.answer_survey(actor=p.participant.user, invitation_id=s.pat_invitation.pk, answers=_answers(s))
    assert SurveyResponse.objects.count() == count


@pytest.mark.parametrize("role", ["keyworker", "partnership_manager", "evaluator", "board_member"])
def test_only_the_invited_participant_answers(personas, role):
    p = personas
    s = p.research
    with pytest.raises(NotFound):
        services.answer_survey(actor=p.user_for(role), invitation_id=s.pat_invitation.pk, answers=_answers(s))
    s.pat_invitation.refresh_from_db()
    assert s.pat_invitation.answered is False
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("which", "value", "message"),
    [
        ("likert", "", "Answer this question: it is the one we most need."),
        ("likert", "6", "Choose one of the five answers, from strongly disagree to strongly agree."),
        ("likert", "0", "Choose one of the five answers, from strongly disagree to strongly agree."),
        ("choice", "At the pub", "Choose one of the answers given."),
        ("text", "x" * 2001, "Keep your answer to 2,000 characters or fewer (it has 2,001)."),
    ],
    ids=["required", "above five", "below one", "not a choice", "too long"],
)
def test_bad_answers_change_nothing(personas, which, value, message):
    p = personas
    s = p.research
    question = {"likert": s.likert_question, "choice": s.choice_question, "text": s.text_question}[which]
    with pytest.raises(InvalidInput) as caught:
        services.answer_survey(
            actor=p.participant.user, invitation_id=s.pat_invitation.pk, answers=_answers(s, {question.pk: value})
        )
    assert caught.value.errors == {f"question_{question.pk}": [message]}
    s.pat_invitation.refresh_from_db()
    assert s.pat_invitation.answered is False
    assert (SurveyResponse.objects.count(), SurveyAnswer.objects.count()) == (1, 3)


def test_questions_that_are_not_required_may_be_skipped(personas):
    p = personas
    s = p.research
    services.answer_survey(
        actor=p.participant.user, invitation_id=s.pat_invitation.pk, answers={s.likert_question.pk: 2}
    )
    response = SurveyResponse.objects.order_by("-pk").first()
    assert list(response.answers.values_list("question_id", "number")) == [(s.likert_question.pk, 2)]


def test_a_closed_survey_or_withdrawn_consent_takes_no_answers(personas):
    p = personas
    s = p.research
    s.survey.status = Survey.Status.CLOSED
    s.survey.save()
    with pytest.raises(DomainError, match="closed"):
        services.answer_survey(actor=p.participant.user, invitation_id=s.pat_invitation.pk, answers=_answers(s))
    s.survey.status = Survey.Status.OPEN
    s.survey.save()
    s.pat_consent.consent.withdrawn_at = timezone.now()
    s.pat_consent.consent.save()
    with pytest.raises(NotAllowed):
        services.answer_survey(actor=p.participant.user, invitation_id=s.pat_invitation.pk, answers=_answers(s))
    assert SurveyResponse.objects.count() == 1


# ---- free text to coding ------------------------------------------------------------------------


def _text_answer(s: ResearchStory, partnership, wave, text):
    response = SurveyResponse.objects.create(
        survey=s.survey, point=s.on_joining, partnership=partnership, wave=wave, submitted_on=datetime.date(2016, 5, 1)
    )
    SurveyAnswer.objects.create(response=response, question=s.text_question, text=text)


def test_free_text_answers_become_one_transcript_per_area_and_wave(personas):
    p = personas
    s = p.research
    _text_answer(s, p.fife, s.wave_2015, "Less paperwork.")
    _text_answer(s, p.fife, s.wave_2016, "Longer opening hours.")
    _text_answer(s, p.glasgow, s.wave_2016, "A crèche.")
    _text_answer(s, p.glasgow, None, "Outside every wave.")
    made = services.send_answers_to_coding(
        actor=p.evaluator.user, survey_id=s.survey.pk, question_id=s.text_question.pk
    )
    assert [(t.title, t.text, t.status, t.source, t.speaker_label) for t in made] == [
        (
            "Survey: What would you change about the service? — Fife, 2015",
            "More evening sessions, please.\n\nLess paperwork.",
            Transcript.Status.REDACTING,
            Transcript.Source.SURVEY,
            "Survey respondent",
        ),
        (
            "Survey: What would you change about the service? — Fife, 2016",
            "Longer opening hours.",
            Transcript.Status.REDACTING,
            Transcript.Source.SURVEY,
            "Survey respondent",
        ),
        (
            "Survey: What would you change about the service? — Glasgow, 2016",
            "A crèche.",
            Transcript.Status.REDACTING,
            Transcript.Source.SURVEY,
            "Survey respondent",
        ),
    ]
    assert {(t.survey_question_id, t.uploaded_by_id) for t in made} == {(s.text_question.pk, p.evaluator.user.pk)}
    # Sending again makes nothing new.
    assert (
        services.send_answers_to_coding(actor=p.evaluator.user, survey_id=s.survey.pk, question_id=s.text_question.pk)
        == []
    )
    assert Transcript.objects.filter(source=Transcript.Source.SURVEY).count() == 3


def test_only_text_questions_go_to_coding_and_only_by_evaluators(personas):
    p = personas
    s = p.research
    with pytest.raises(DomainError, match="own words"):
        services.send_answers_to_coding(actor=p.evaluator.user, survey_id=s.survey.pk, question_id=s.likert_question.pk)
    with pytest.raises(NotAllowed):
        services.send_answers_to_coding(actor=p.keyworker.user, survey_id=s.survey.pk, question_id=s.text_question.pk)
    assert not Transcript.objects.filter(source=Transcript.Source.SURVEY).exists()


# ---- results ------------------------------------------------------------------------------------


def _shown(grid, rows, columns):
    from coproduce.reporting.suppression import grid_with_totals, suppress

    counts, lines = grid_with_totals(grid, rows, columns)
    cells = suppress(counts, lines)
    return {key: (counts[key], cells[key].label, cells[key].hidden) for key in counts}


def test_a_mean_is_shown_where_every_count_of_its_row_is(personas):
    from coproduce.research.survey_results import survey_counts, survey_result_tables

    s = personas.research
    for number in [5, 5, 5, 5, 4, 4, 4, 4, 4]:
        response = SurveyResponse.objects.create(
            survey=s.survey,
            point=s.six_months,
            partnership=personas.fife,
            wave=s.wave_2015,
            submitted_on=datetime.date(2015, 9, 1),
        )
        SurveyAnswer.objects.create(response=response, question=s.likert_question, number=number)
    counts = survey_counts(s.survey)
    rates, questions = survey_result_tables(counts, _shown)
    by_area = questions[0].tables[0]
    assert [(row.label, *row.cells) for row in by_area.rows] == [
        ("Fife", "0", "0", "0", "5", "5", "10", "4.50"),
        ("Glasgow", "0", "0", "0", "0", "0", "0", "–"),
        ("All", "0", "0", "0", "5", "5", "10", "4.50"),
    ]
    # Nobody was invited at six months here, so the rates count only Pat's invitation.
    assert [(row.label, *row.cells) for row in rates[0].rows] == [
        ("Fife", "fewer than 5", "0", "–"),
        ("Glasgow", "0", "0", "–"),
        ("All", "fewer than 5", "0", "–"),
    ]
