"""Assessments, goals and steps through the API: a step becomes agreed only by the participant's answer."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.plans.models import Assessment, Goal, Step
from tests.api.helpers import send_json
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, GoalFactory, StepFactory

pytestmark = pytest.mark.django_db

QUERIES = 10


def step_url(name: str, step: Step) -> str:
    return reverse(f"api-v1:{name}_step", args=[step.pk])


def offered_step(personas: Personas) -> Step:
    return StepFactory(goal=GoalFactory(participant=personas.participant))


def test_the_participant_agrees_for_themselves(personas: Personas, client_for: Callable[[str], Client]) -> None:
    step = offered_step(personas)
    response = send_json(client_for("participant"), "POST", step_url("agree", step), {"version": 1})
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["answered_how"], body["version"]) == ("agreed", "themselves", 2)


def test_a_keyworker_cannot_agree_without_saying_how(personas: Personas, client_for: Callable[[str], Client]) -> None:
    step = offered_step(personas)
    client = client_for("keyworker")
    response = send_json(client, "POST", step_url("agree", step), {"version": 1})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "answered_how": ["Say how they gave their answer: in person, on the phone or by message."]
    }
    step.refresh_from_db()
    assert (step.state, step.version) == ("offered", 1)
    response = send_json(client, "POST", step_url("agree", step), {"version": 1, "answered_how": "phone"})
    assert (response.status_code, response.json()["state"], response.json()["answered_how"]) == (200, "agreed", "phone")


def test_state_cannot_be_set_directly(personas: Personas, client_for: Callable[[str], Client]) -> None:
    step = offered_step(personas)
    client = client_for("keyworker")
    assert client.generic("PATCH", f"/api/v1/steps/{step.pk}").status_code in (404, 405)
    response = send_json(
        client, "POST", step_url("agree", step), {"version": 1, "answered_how": "phone", "state": "done"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"state": ["This field is not recognised."]}
    response = send_json(
        client, "POST", reverse("api-v1:add_step", args=[step.goal_id]), {"description": "x", "state": "agreed"}
    )
    assert response.status_code == 400
    response = send_json(client, "POST", step_url("complete", step), {"version": 1})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Only a step that was agreed")
    step.refresh_from_db()
    assert step.state == "offered"


@pytest.mark.parametrize("role", ["funder", "partner_worker", "evaluator", "administrator"])
def test_other_roles_cannot_answer(role: str, personas: Personas, client_for: Callable[[str], Client]) -> None:
    step = offered_step(personas)
    response = send_json(client_for(role), "POST", step_url("agree", step), {"version": 1, "answered_how": "phone"})
    assert response.status_code == 404
    step.refresh_from_db()
    assert step.state == "offered"


def test_the_second_of_two_answers_is_refused(personas: Personas, client_for: Callable[[str], Client]) -> None:
    step = offered_step(personas)
    first = send_json(client_for("participant"), "POST", step_url("decline", step), {"version": 1})
    second = send_json(
        client_for("keyworker"), "POST", step_url("agree", step), {"version": 1, "answered_how": "phone"}
    )
    assert (first.status_code, second.status_code) == (200, 409)
    step.refresh_from_db()
    assert (step.state, step.answered_how) == ("declined", "themselves")


def test_two_edits_of_a_goal_the_second_is_refused(personas: Personas, client_for: Callable[[str], Client]) -> None:
    goal = GoalFactory(participant=personas.participant)
    url = reverse("api-v1:update_goal", args=[goal.pk])
    first = send_json(client_for("participant"), "PATCH", url, {"version": 1, "title": "Work with animals"})
    second = send_json(client_for("keyworker"), "PATCH", url, {"version": 1, "status": "set_aside"})
    assert (first.status_code, second.status_code) == (200, 409)
    goal.refresh_from_db()
    assert (goal.title, goal.status, goal.version) == ("Work with animals", "open", 2)


def test_goals_with_steps_are_listed_and_the_read_audited(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    step = offered_step(personas)
    response = client_for("participant").get(reverse("api-v1:list_goals", args=[personas.participant.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [s["id"] for s in body["items"][0]["steps"]] == [step.pk]
    assert AuditEvent.objects.filter(
        participant=personas.participant, actor=personas.participant.user, action=AuditEvent.Action.VIEW
    ).exists()


def test_participant_adds_a_goal_and_suggests_a_step(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client = client_for("participant")
    response = send_json(
        client, "POST", reverse("api-v1:add_goal", args=[personas.participant.pk]), {"title": "Learn to drive"}
    )
    assert response.status_code == 201
    goal = Goal.objects.get(pk=response.json()["id"])
    assert goal.added_by_participant is True
    response = send_json(client, "POST", reverse("api-v1:add_step", args=[goal.pk]), {"description": "Book a lesson"})
    assert response.status_code == 201
    assert (response.json()["state"], response.json()["proposed_by"]) == ("agreed", "participant")
    response = send_json(
        client_for("keyworker"), "POST", reverse("api-v1:add_step", args=[goal.pk]), {"description": "Theory test"}
    )
    assert (response.json()["state"], response.json()["proposed_by"]) == ("offered", "keyworker")


def test_assessments_are_recorded_and_all_versions_listed(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    earlier = AssessmentBarrierFactory(assessment__participant=personas.participant).assessment
    client = client_for("keyworker")
    url = reverse("api-v1:record_assessment", args=[personas.participant.pk])
    response = send_json(
        client,
        "POST",
        url,
        {
            "aspirations": "Work in a nursery",
            "barriers": [{"barrier": "transport", "own_words": "Buses stop at six", "importance": 3}],
        },
    )
    assert response.status_code == 201
    assert response.json()["barriers"] == [
        {"barrier": "transport", "label": "Transport", "own_words": "Buses stop at six", "importance": 3}
    ]
    listed = client.get(reverse("api-v1:list_assessments", args=[personas.participant.pk])).json()
    assert [item["id"] for item in listed["items"]] == [response.json()["id"], earlier.pk]
    refused = send_json(client_for("participant"), "POST", url, {"strengths": "x"})
    assert refused.status_code == 403
    assert Assessment.objects.count() == 2


def test_the_goals_list_takes_the_same_queries_for_1_and_50_steps(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: Callable[..., Any]
) -> None:
    client = client_for("keyworker")
    url = reverse("api-v1:list_goals", args=[personas.participant.pk])
    goal = GoalFactory(participant=personas.participant)
    StepFactory(goal=goal)
    # Session, user, staff record and roles, own participant id, visibility, audit, count, goals, steps.
    with django_assert_num_queries(QUERIES):
        assert client.get(url).json()["count"] == 1
    for number in range(49):
        StepFactory(goal=goal if number % 2 else GoalFactory(participant=personas.participant))
    with django_assert_num_queries(QUERIES):
        assert client.get(url).json()["count"] == 26


def test_the_participant_changes_their_answer_until_the_step_is_done(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    step = offered_step(personas)
    client = client_for("participant")
    send_json(client, "POST", step_url("decline", step), {"version": 1})
    changed = send_json(client, "POST", step_url("change_answer", step), {"version": 2, "answer": "agree"})
    assert changed.status_code == 200
    assert (changed.json()["state"], changed.json()["version"]) == ("agreed", 3)
    send_json(client, "POST", step_url("complete", step), {"version": 3})
    refused = send_json(client, "POST", step_url("change_answer", step), {"version": 4, "answer": "decline"})
    assert refused.status_code == 400
    assert "can no longer be changed" in refused.content.decode()
    step.refresh_from_db()
    assert (step.state, step.answer_changed_from) == ("done", "declined")
