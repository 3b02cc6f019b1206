"""The plan pages: the participant answers on their phone; the keyworker records answers with how."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.plans.models import Assessment, Goal, Step
from coproduce.plans.services.plan import complete_step
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, GoalFactory, StepFactory

pytestmark = pytest.mark.django_db

MY_PLAN = "web:my_plan"


def answer(step: Step, choice: str, **extra: object) -> dict[str, object]:
    return {"action": "answer", "answer": choice, "step": step.pk, "version": step.version, **extra}


def test_participant_sees_offered_steps_with_three_answers(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    response = client_for("participant").get(reverse(MY_PLAN))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">My plan</h1>' in body
    assert step.description in body
    for label in ("Yes, I’d like that", "No thanks", "I’d like to talk about it"):
        assert label in body
    assert 'href="/me/plan/"' in client_for("participant").get(reverse("web:my_page")).content.decode()


def test_participant_agrees_and_declines_without_a_reason(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    goal = GoalFactory(participant=personas.participant)
    yes, no = StepFactory(goal=goal), StepFactory(goal=goal, description="Join the CV workshop")
    client = client_for("participant")
    assert client.post(reverse(MY_PLAN), answer(yes, "agree")).status_code == 302
    assert client.post(reverse(MY_PLAN), answer(no, "decline", reason="")).status_code == 302
    yes.refresh_from_db()
    no.refresh_from_db()
    assert (yes.state, yes.answered_how) == ("agreed", "themselves")
    assert (no.state, no.decline_reason) == ("declined", "")


def test_a_stale_answer_is_refused_and_nothing_overwritten(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    stale = answer(step, "agree")
    client_for("keyworker").post(
        reverse("web:participant_plan", args=[personas.participant.pk]), answer(step, "decline", answered_how="phone")
    )
    response = client_for("participant").post(reverse(MY_PLAN), stale)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    step.refresh_from_db()
    assert (step.state, step.answered_how) == ("declined", "phone")


def test_participant_adds_a_goal_and_a_step_of_their_own(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("participant")
    assert client.post(reverse(MY_PLAN), {"action": "add_goal", "title": "Get my driving licence"}).status_code == 302
    goal = Goal.objects.get(participant=personas.participant)
    response = client.post(
        reverse(MY_PLAN), {"action": "suggest_step", "goal": goal.pk, "description": "Book a lesson"}
    )
    assert response.status_code == 302
    step = goal.steps.get()
    assert (step.proposed_by, step.state, step.answered_how) == ("participant", "agreed", "themselves")
    response = client.post(reverse(MY_PLAN), {"action": "add_goal", "title": "  "})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_keyworker_must_say_how_the_answer_was_given(personas: Personas, client_for: Callable[[str], Client]) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    url = reverse("web:participant_plan", args=[personas.participant.pk])
    client = client_for("keyworker")
    response = client.post(url, answer(step, "agree"))
    assert response.status_code == 400
    assert "Say how they gave their answer" in response.content.decode()
    step.refresh_from_db()
    assert step.state == "offered"
    assert client.post(url, answer(step, "agree", answered_how="in_person")).status_code == 302
    step.refresh_from_db()
    assert (step.state, step.answered_how, step.answer_recorded_by) == ("agreed", "in_person", personas.keyworker.user)
    assert (
        client.post(
            url, {"action": "finish", "step": step.pk, "version": step.version, "outcome": "complete"}
        ).status_code
        == 302
    )
    step.refresh_from_db()
    assert step.state == "done"


def test_keyworker_offers_a_step_and_adds_a_goal(personas: Personas, client_for: Callable[[str], Client]) -> None:
    url = reverse("web:participant_plan", args=[personas.participant.pk])
    client = client_for("keyworker")
    assert client.post(url, {"action": "add_goal", "title": "Sort out the debts"}).status_code == 302
    goal = Goal.objects.get(participant=personas.participant)
    assert goal.added_by_participant is False
    assert (
        client.post(url, {"action": "offer_step", "goal": goal.pk, "description": "See the money adviser"}).status_code
        == 302
    )
    step = goal.steps.get()
    assert (step.state, step.proposed_by) == ("offered", "keyworker")
    detail = client.get(reverse("web:participant_detail", args=[personas.participant.pk])).content.decode()
    assert url in detail
    assert reverse("web:assessment_list", args=[personas.participant.pk]) in detail


def test_assessments_are_recorded_and_every_one_is_listed(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    earlier = AssessmentBarrierFactory(assessment__participant=personas.participant, own_words="Nobody after school")
    client = client_for("keyworker")
    response = client.post(
        reverse("web:assessment_add", args=[personas.participant.pk]),
        {"aspirations": "Work in a nursery", "importance_transport": "3", "words_transport": "Buses stop at six"},
    )
    assert response.status_code == 302
    latest = Assessment.objects.exclude(pk=earlier.assessment_id).get()
    assert [(b.barrier, b.importance, b.own_words) for b in latest.barriers.all()] == [
        ("transport", 3, "Buses stop at six")
    ]
    page = client.get(reverse("web:assessment_list", args=[personas.participant.pk])).content.decode()
    assert "Buses stop at six" in page
    assert "Nobody after school" in page
    refused = client.post(reverse("web:assessment_add", args=[personas.participant.pk]), {"words_housing": "Damp"})
    assert refused.status_code == 400
    assert Assessment.objects.count() == 2


# Session, user, staff record and roles, own participant id, the participant, the audit event,
# goals, steps (the keyworker's page also checks the cover predicate; the list pages count).
@pytest.mark.parametrize(
    ("role", "url_name", "expected"), [("participant", MY_PLAN, 8), ("keyworker", "web:participant_plan", 10)]
)
def test_plan_pages_take_the_same_queries_for_1_and_50_steps(
    role: str,
    url_name: str,
    expected: int,
    personas: Personas,
    client_for: Callable[[str], Client],
    django_assert_num_queries: Callable[..., Any],
) -> None:
    url = reverse(url_name) if url_name == MY_PLAN else reverse(url_name, args=[personas.participant.pk])
    client = client_for(role)
    goal = GoalFactory(participant=personas.participant)
    StepFactory(goal=goal)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    for number in range(49):
        StepFactory(goal=goal if number % 2 else GoalFactory(participant=personas.participant))
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_the_assessment_list_takes_the_same_queries_for_1_and_50(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: Callable[..., Any]
) -> None:
    url = reverse("web:assessment_list", args=[personas.participant.pk])
    client = client_for("keyworker")
    AssessmentBarrierFactory(assessment__participant=personas.participant)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    for _ in range(49):
        AssessmentBarrierFactory(assessment__participant=personas.participant)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


def test_a_plan_page_changes_only_its_own_participants_steps(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    olives = StepFactory(goal=GoalFactory(participant=personas.other_participant))
    response = client_for("partnership_manager").post(
        reverse("web:participant_plan", args=[personas.participant.pk]), answer(olives, "agree", answered_how="phone")
    )
    assert response.status_code == 404
    olives.refresh_from_db()
    assert olives.state == "offered"


def test_participant_changes_no_thanks_to_yes_and_the_keyworker_sees_it(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    client = client_for("participant")
    client.post(reverse(MY_PLAN), answer(step, "decline"))
    step.refresh_from_db()
    body = client.get(reverse(MY_PLAN)).content.decode()
    assert "Change your answer" in body
    assert "You said “no thanks” to this. You can change your mind." in body
    change = {"action": "change_answer", "answer": "agree", "step": step.pk, "version": step.version}
    response = client.post(reverse(MY_PLAN), change, follow=True)
    assert "You changed your answer to “yes”. It is now part of your plan." in response.content.decode()
    step.refresh_from_db()
    assert (step.state, step.answer_changed_from) == ("agreed", "declined")
    keyworker_page = client_for("keyworker").get(reverse("web:participant_plan", args=[personas.participant.pk]))
    assert "<strong>Changed their answer</strong> on" in keyworker_page.content.decode()
    assert "it was “no thanks”." in keyworker_page.content.decode()


def test_a_done_step_offers_no_change_and_a_change_to_it_is_refused(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    step = StepFactory(goal=GoalFactory(participant=personas.participant))
    client = client_for("participant")
    client.post(reverse(MY_PLAN), answer(step, "agree"))
    step.refresh_from_db()
    step = complete_step(actor=personas.keyworker.user, step_id=step.pk, expected_version=step.version)
    assert "Change your answer" not in client.get(reverse(MY_PLAN)).content.decode()
    change = {"action": "change_answer", "answer": "decline", "step": step.pk, "version": step.version}
    response = client.post(reverse(MY_PLAN), change)
    assert response.status_code == 400
    assert "This step is done, so the answer can no longer be changed." in response.content.decode()
