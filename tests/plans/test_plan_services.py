"""The plan: a step becomes active only by the participant's answer, and nothing is overwritten."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.plans.models import Assessment, Barrier, Goal, Step
from coproduce.plans.selectors.plan import assessments_of, plan_of
from coproduce.plans.services.assessments import record_assessment
from coproduce.plans.services.plan import (
    add_goal,
    agree_to_step,
    ask_to_talk_about_step,
    change_step_answer,
    complete_step,
    decline_step,
    offer_step,
    stop_step,
    suggest_step,
    update_goal,
)
from tests.personas import Personas
from tests.plans.factories import GoalFactory, StepFactory

pytestmark = pytest.mark.django_db


def test_keyworker_records_assessments_and_earlier_ones_are_kept(personas: Personas) -> None:
    kim, pat = personas.keyworker.user, personas.participant
    first = record_assessment(
        actor=kim,
        participant_id=pat.pk,
        aspirations="Work in a nursery",
        barriers=[{"barrier": Barrier.CHILDCARE, "own_words": "No one after school", "importance": 3}],
        assessed_on=datetime.date(2026, 1, 5),
    )
    second = record_assessment(actor=kim, participant_id=pat.pk, strengths="Patient, organised")
    assert list(assessments_of(kim, pat.pk)) == [second, first]
    assert [(b.barrier, b.own_words, b.importance) for b in first.barriers.all()] == [
        ("childcare", "No one after school", 3)
    ]
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, record_id=str(first.pk), record_type="plans.Assessment"
    )
    assert event.changed_fields == ["aspirations", "barriers"]


def test_assessment_refused_for_the_participant_and_other_keyworkers(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        record_assessment(actor=personas.participant.user, participant_id=personas.participant.pk, strengths="x")
    with pytest.raises(NotFound):
        record_assessment(actor=personas.other_keyworker.user, participant_id=personas.participant.pk, strengths="x")
    with pytest.raises(InvalidInput):
        record_assessment(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            barriers=[{"barrier": "sanctions", "own_words": ""}],
        )
    assert Assessment.objects.count() == 0


def test_participant_adds_own_goal_and_keyworker_adds_one_with_them(personas: Personas) -> None:
    pat = personas.participant
    own = add_goal(actor=pat.user, participant_id=pat.pk, title="  Get my driving licence ")
    with_them = add_goal(actor=personas.keyworker.user, participant_id=pat.pk, title="Sort out my debts")
    assert (own.title, own.added_by_participant) == ("Get my driving licence", True)
    assert with_them.added_by_participant is False
    with pytest.raises(NotFound):
        add_goal(actor=pat.user, participant_id=personas.second_participant.pk, title="Not mine")
    with pytest.raises(NotFound):
        add_goal(actor=personas.funder.user, participant_id=pat.pk, title="Not theirs")


def test_two_people_editing_a_goal_at_once_the_second_is_refused(personas: Personas) -> None:
    goal = GoalFactory(participant=personas.participant)
    update_goal(actor=personas.participant.user, goal_id=goal.pk, expected_version=1, title="Work in a school")
    with pytest.raises(ConflictError):
        update_goal(actor=personas.keyworker.user, goal_id=goal.pk, expected_version=1, status="achieved")
    goal.refresh_from_db()
    assert (goal.title, goal.status, goal.version) == ("Work in a school", "open", 2)


def test_an_offered_step_becomes_active_only_when_the_participant_agrees(personas: Personas) -> None:
    goal = GoalFactory(participant=personas.participant)
    step = offer_step(actor=personas.keyworker.user, goal_id=goal.pk, description="Taster day")
    assert (step.state, step.proposed_by, step.answered_at) == ("offered", "keyworker", None)
    step = agree_to_step(actor=personas.participant.user, step_id=step.pk, expected_version=step.version)
    assert (step.state, step.answered_how, step.answer_recorded_by) == (
        "agreed",
        "themselves",
        personas.participant.user,
    )
    event = AuditEvent.objects.filter(record_type="plans.Step", action=AuditEvent.Action.CHANGE).get()
    assert event.changed_fields == ["state"]
    step = complete_step(actor=personas.keyworker.user, step_id=step.pk, expected_version=step.version)
    assert (step.state, step.finished_at is not None) == ("done", True)


def test_a_keyworker_records_an_answer_only_with_how_it_was_given(personas: Personas) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    kim = personas.keyworker.user
    for how in ("", "themselves"):
        with pytest.raises(InvalidInput):
            agree_to_step(actor=kim, step_id=step.pk, expected_version=1, answered_how=how)
    step.refresh_from_db()
    assert step.state == "offered"
    step = decline_step(actor=kim, step_id=step.pk, expected_version=1, answered_how="phone")
    assert (step.state, step.answered_how, step.decline_reason) == ("declined", "phone", "")


def test_declining_needs_no_reason_and_a_declined_step_cannot_then_be_agreed(personas: Personas) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    pat = personas.participant.user
    step = decline_step(actor=pat, step_id=step.pk, expected_version=1, reason="Not right now")
    assert step.decline_reason == "Not right now"
    with pytest.raises(DomainError, match="already been answered"):
        agree_to_step(actor=pat, step_id=step.pk, expected_version=step.version)
    with pytest.raises(DomainError, match="Only a step that was agreed"):
        complete_step(actor=pat, step_id=step.pk, expected_version=step.version)


def test_asking_to_talk_keeps_the_step_offered(personas: Personas) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    step = ask_to_talk_about_step(actor=personas.participant.user, step_id=step.pk, expected_version=1)
    assert (step.state, step.wants_to_talk, step.answered_at) == ("offered", True, None)
    step = agree_to_step(actor=personas.participant.user, step_id=step.pk, expected_version=step.version)
    assert (step.state, step.wants_to_talk) == ("agreed", False)


def test_a_participant_suggestion_is_their_own_agreed_step(personas: Personas) -> None:
    goal = GoalFactory(participant=personas.participant)
    step = suggest_step(actor=personas.participant.user, goal_id=goal.pk, description="Ask my mum about Tuesdays")
    assert (step.state, step.proposed_by, step.answered_how) == ("agreed", "participant", "themselves")
    with pytest.raises(NotAllowed):
        suggest_step(actor=personas.keyworker.user, goal_id=goal.pk, description="Staff cannot suggest-and-agree")
    with pytest.raises(NotAllowed):
        offer_step(actor=personas.participant.user, goal_id=goal.pk, description="Participants suggest, not offer")


def test_two_answers_at_once_the_second_is_refused(personas: Personas) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    decline_step(actor=personas.participant.user, step_id=step.pk, expected_version=1)
    with pytest.raises(ConflictError):
        agree_to_step(actor=personas.keyworker.user, step_id=step.pk, expected_version=1, answered_how="in_person")
    step.refresh_from_db()
    assert (step.state, step.answered_how) == ("declined", "themselves")


def test_other_roles_cannot_touch_a_step(personas: Personas) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    for user in (
        personas.other_keyworker.user,
        personas.funder.user,
        personas.administrator,
        personas.partner_worker.user,
    ):
        with pytest.raises(NotFound):
            agree_to_step(actor=user, step_id=step.pk, expected_version=1, answered_how="in_person")
    step.refresh_from_db()
    assert step.state == "offered"


def test_the_database_refuses_an_agreed_step_without_an_answer(personas: Personas) -> None:
    goal = GoalFactory(participant=personas.participant)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepFactory(goal=goal, state="agreed")
    with pytest.raises(IntegrityError), transaction.atomic():
        StepFactory(goal=goal, state="done", answered_at=timezone.now(), answered_how="")


def test_the_plan_loads_in_two_queries(personas: Personas, django_assert_num_queries: object) -> None:
    for _ in range(3):
        goal = GoalFactory(participant=personas.participant)
        StepFactory.create_batch(2, goal=goal)
    user = personas.keyworker.user
    from coproduce.programmes.standing import standing_of

    standing_of(user)
    with django_assert_num_queries(2):  # type: ignore[operator]
        goals = list(plan_of(user, personas.participant.pk))
        assert sum(len(goal.steps.all()) for goal in goals) == 6


ACTIONS = ["agree", "decline", "talk", "complete", "stop"]
ACTORS = ["participant", "keyworker", "manager", "other_keyworker", "funder"]
HOWS = ["", "themselves", "in_person", "phone", "message", "nonsense"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    calls=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS), st.sampled_from(HOWS), st.booleans()),
        max_size=8,
    )
)
def test_no_sequence_of_calls_makes_a_step_active_without_an_answer(
    personas: Personas, calls: list[tuple[str, str, str, bool]]
) -> None:
    users = {
        "participant": personas.participant.user,
        "keyworker": personas.keyworker.user,
        "manager": personas.manager.user,
        "other_keyworker": personas.other_keyworker.user,
        "funder": personas.funder.user,
    }
    functions = {
        "agree": agree_to_step,
        "decline": decline_step,
        "talk": ask_to_talk_about_step,
        "complete": complete_step,
        "stop": stop_step,
    }
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    for action, who, how, stale in calls:
        before = Step.objects.get(pk=step.pk)
        kwargs = {"answered_how": how} if action in ("agree", "decline", "talk") else {}
        try:
            functions[action](
                actor=users[who], step_id=step.pk, expected_version=before.version - (1 if stale else 0), **kwargs
            )
        except DomainError:
            after = Step.objects.get(pk=step.pk)
            assert (after.state, after.version, after.answered_how) == (
                before.state,
                before.version,
                before.answered_how,
            )
            continue
        after = Step.objects.get(pk=step.pk)
        assert who in ("participant", "keyworker", "manager")
        assert not stale
        if after.state != "offered":
            assert after.answered_at is not None
            assert after.answered_how in Step.AnsweredHow.values
        if before.state == "offered" and after.state != "offered":
            # This call was the answer: by the participant themself, or recorded with how it was given.
            assert action in ("agree", "decline")
            expected = "themselves" if who == "participant" else how
            assert after.answered_how == expected
        if after.state in ("done", "stopped"):
            assert before.state == "agreed"
            assert after.finished_at is not None
        if before.state != "offered":
            assert (after.answered_at, after.answered_how) == (before.answered_at, before.answered_how)
    Step.objects.filter(pk=step.pk).delete()
    Goal.objects.filter(pk=step.goal_id).delete()


def test_a_participant_changes_their_mind_until_the_step_is_done(personas: Personas) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    pat = personas.participant.user
    step = decline_step(actor=pat, step_id=step.pk, expected_version=1, reason="Too far")
    step = change_step_answer(actor=pat, step_id=step.pk, expected_version=step.version, answer="agree")
    assert (step.state, step.answer_changed_from, step.decline_reason, step.answered_how) == (
        "agreed",
        "declined",
        "",
        "themselves",
    )
    event = AuditEvent.objects.filter(record_type="plans.Step", record_id=str(step.pk)).latest("pk")
    assert (event.action, event.changed_fields) == (AuditEvent.Action.CHANGE, ["answer_changed_from", "state"])
    step = change_step_answer(actor=pat, step_id=step.pk, expected_version=step.version, answer="decline")
    assert (step.state, step.answer_changed_from) == ("declined", "agreed")
    with pytest.raises(DomainError, match="already declined"):
        change_step_answer(actor=pat, step_id=step.pk, expected_version=step.version, answer="decline")
    step = change_step_answer(actor=pat, step_id=step.pk, expected_version=step.version, answer="agree")
    step = complete_step(actor=pat, step_id=step.pk, expected_version=step.version)
    with pytest.raises(DomainError, match="is done, so the answer can no longer be changed"):
        change_step_answer(actor=pat, step_id=step.pk, expected_version=step.version, answer="decline")
    assert [h.state for h in step.history.order_by("history_id")] == [
        "offered",
        "declined",
        "agreed",
        "declined",
        "agreed",
        "done",
    ]


def test_changing_an_answer_is_version_checked_and_staff_say_how(personas: Personas) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    pat, kim = personas.participant.user, personas.keyworker.user
    with pytest.raises(DomainError, match="not been answered"):
        change_step_answer(actor=pat, step_id=step.pk, expected_version=1, answer="agree")
    step = decline_step(actor=pat, step_id=step.pk, expected_version=1)
    with pytest.raises(InvalidInput):
        change_step_answer(actor=kim, step_id=step.pk, expected_version=step.version, answer="agree")
    stale = step.version
    change_step_answer(actor=kim, step_id=step.pk, expected_version=stale, answer="agree", answered_how="phone")
    with pytest.raises(ConflictError):
        change_step_answer(actor=pat, step_id=step.pk, expected_version=stale, answer="agree")
    with pytest.raises(NotFound):
        change_step_answer(
            actor=personas.other_keyworker.user, step_id=step.pk, expected_version=step.version + 1, answer="decline"
        )
