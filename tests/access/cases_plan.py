"""Access cases for the plan and assessments: the keyworker's pages, the participant's page, the API.

Pat (participant, with a sign-in) is on Kim's caseload; Paula has no sign-in. Cases that change a
step are about Paula's steps, so that Pat, playing the participant, is refused with a 404 and the
staff who may answer for Paula must say how she gave her answer.
"""

from django.urls import reverse
from django.utils import timezone

from coproduce.participants.models import Participant
from coproduce.plans.models import Assessment, Goal, Step
from tests.access.cases_web_casework import pat_secrets, paula_secrets
from tests.access.matrix import AccessCase, roles
from tests.plans.factories import GoalFactory, StepFactory

CASEWORKERS = roles("keyworker", "partnership_manager")
WITH_PARTICIPANT = CASEWORKERS | roles("participant")


def goal_of(participant: Participant) -> Goal:
    return Goal.objects.filter(participant=participant).first() or GoalFactory(participant=participant)


def offered_step_of(participant: Participant) -> Step:
    existing = Step.objects.filter(goal__participant=participant, state=Step.State.OFFERED).first()
    return existing or StepFactory(goal=goal_of(participant))


def agreed_step_of(participant: Participant) -> Step:
    existing = Step.objects.filter(goal__participant=participant, state=Step.State.AGREED).first()
    return existing or StepFactory(
        goal=goal_of(participant),
        state=Step.State.AGREED,
        answered_at=timezone.now(),
        answered_how=Step.AnsweredHow.IN_PERSON,
    )


def declined_step_of(participant: Participant) -> Step:
    existing = Step.objects.filter(goal__participant=participant, state=Step.State.DECLINED).first()
    return existing or StepFactory(
        goal=goal_of(participant),
        state=Step.State.DECLINED,
        answered_at=timezone.now(),
        answered_how=Step.AnsweredHow.PHONE,
    )


def plan_snapshot(participant: Participant) -> tuple[object, ...]:
    return (
        tuple(Goal.objects.filter(participant=participant).values_list("pk", "title", "status", "version")),
        tuple(Step.objects.filter(goal__participant=participant).values_list("pk", "state", "version")),
    )


def assessments_snapshot(participant: Participant) -> int:
    return Assessment.objects.filter(participant=participant).count()


def step_case(name: str, step_of: object, data: object) -> AccessCase:
    return AccessCase(
        route=f"api-v1:{name}_step",
        url=lambda p: reverse(f"api-v1:{name}_step", args=[step_of(p.second_participant).pk]),  # type: ignore[operator]
        method="POST",
        json=True,
        data=data,  # type: ignore[arg-type]
        allowed=CASEWORKERS,
        api=True,
        secrets=paula_secrets,
        # Made before the snapshot, so that only the request itself could change anything.
        snapshot=lambda p: (step_of(p.second_participant), plan_snapshot(p.second_participant))[1],  # type: ignore[operator]
    )


CASES = [
    # The keyworker's pages.
    AccessCase(
        route="web:participant_plan",
        url=lambda p: reverse("web:participant_plan", args=[p.participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:participant_plan",
        label="offer a step to Paula",
        url=lambda p: reverse("web:participant_plan", args=[p.second_participant.pk]),
        method="POST",
        data=lambda p: {
            "action": "offer_step",
            "goal": goal_of(p.second_participant).pk,
            "description": "Try a taster day",
        },
        allowed=CASEWORKERS,
        allowed_status=302,
        secrets=paula_secrets,
        snapshot=lambda p: (offered_step_of(p.second_participant), plan_snapshot(p.second_participant))[1],
    ),
    AccessCase(
        route="web:participant_plan",
        label="record Paula's answer",
        url=lambda p: reverse("web:participant_plan", args=[p.second_participant.pk]),
        method="POST",
        data=lambda p: {
            "action": "answer",
            "answer": "agree",
            "answered_how": "phone",
            "step": offered_step_of(p.second_participant).pk,
            "version": offered_step_of(p.second_participant).version,
        },
        allowed=CASEWORKERS,
        allowed_status=302,
        secrets=paula_secrets,
        snapshot=lambda p: (offered_step_of(p.second_participant), plan_snapshot(p.second_participant))[1],
    ),
    AccessCase(
        route="web:assessment_list",
        url=lambda p: reverse("web:assessment_list", args=[p.participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:assessment_add",
        url=lambda p: reverse("web:assessment_add", args=[p.participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:assessment_add",
        label="record",
        url=lambda p: reverse("web:assessment_add", args=[p.participant.pk]),
        method="POST",
        data=lambda p: {"aspirations": "Work in a nursery", "importance_childcare": "3", "words_childcare": "No one"},
        allowed=CASEWORKERS,
        allowed_status=302,
        secrets=pat_secrets,
        snapshot=lambda p: assessments_snapshot(p.participant),
    ),
    # The participant's own page.
    AccessCase(
        route="web:my_plan",
        url=lambda p: reverse("web:my_plan"),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:my_plan",
        label="add my own goal",
        url=lambda p: reverse("web:my_plan"),
        method="POST",
        data=lambda p: {"action": "add_goal", "title": "Learn to drive"},
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=lambda p: plan_snapshot(p.participant),
    ),
    AccessCase(
        route="web:my_plan",
        label="change my answer",
        url=lambda p: reverse("web:my_plan"),
        method="POST",
        data=lambda p: {
            "action": "change_answer",
            "answer": "agree",
            "step": declined_step_of(p.participant).pk,
            "version": declined_step_of(p.participant).version,
        },
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=lambda p: (declined_step_of(p.participant), plan_snapshot(p.participant))[1],
    ),
    # The API.
    AccessCase(
        route="api-v1:list_assessments",
        url=lambda p: reverse("api-v1:list_assessments", args=[p.participant.pk]),
        allowed=WITH_PARTICIPANT,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:record_assessment",
        url=lambda p: reverse("api-v1:record_assessment", args=[p.participant.pk]),
        method="POST",
        json=True,
        data=lambda p: {"strengths": "Patient", "barriers": [{"barrier": "transport", "importance": 2}]},
        allowed=CASEWORKERS,
        allowed_status=201,
        api=True,
        secrets=pat_secrets,
        snapshot=lambda p: assessments_snapshot(p.participant),
    ),
    AccessCase(
        route="api-v1:list_goals",
        url=lambda p: reverse("api-v1:list_goals", args=[p.participant.pk]),
        allowed=WITH_PARTICIPANT,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:add_goal",
        url=lambda p: reverse("api-v1:add_goal", args=[p.participant.pk]),
        method="POST",
        json=True,
        data=lambda p: {"title": "Learn to drive"},
        allowed=WITH_PARTICIPANT,
        allowed_status=201,
        api=True,
        secrets=pat_secrets,
        snapshot=lambda p: plan_snapshot(p.participant),
    ),
    AccessCase(
        route="api-v1:update_goal",
        url=lambda p: reverse("api-v1:update_goal", args=[goal_of(p.participant).pk]),
        method="PATCH",
        json=True,
        data=lambda p: {"version": goal_of(p.participant).version, "status": "achieved"},
        allowed=WITH_PARTICIPANT,
        api=True,
        secrets=pat_secrets,
        snapshot=lambda p: (goal_of(p.participant), plan_snapshot(p.participant))[1],
    ),
    AccessCase(
        route="api-v1:add_step",
        url=lambda p: reverse("api-v1:add_step", args=[goal_of(p.participant).pk]),
        method="POST",
        json=True,
        data=lambda p: {"description": "Book a driving lesson"},
        allowed=WITH_PARTICIPANT,
        allowed_status=201,
        api=True,
        secrets=pat_secrets,
        snapshot=lambda p: (goal_of(p.participant), plan_snapshot(p.participant))[1],
    ),
    step_case("agree", offered_step_of, lambda p: {"version": 1, "answered_how": "in_person"}),
    step_case("decline", offered_step_of, lambda p: {"version": 1, "answered_how": "message", "reason": ""}),
    step_case("talk", offered_step_of, lambda p: {"version": 1, "answered_how": "phone"}),
    step_case(
        "change_answer",
        declined_step_of,
        lambda p: {"version": 1, "answer": "agree", "answered_how": "phone", "reason": ""},
    ),
    step_case("complete", agreed_step_of, lambda p: {"version": 1}),
    step_case("stop", agreed_step_of, lambda p: {"version": 1}),
]
