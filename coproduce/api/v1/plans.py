"""Assessments and the plan (goals and steps), through the same services and visibility as the pages.

A step becomes agreed only by the participant's answer: there is no route that sets a step's
state directly. The participant answers for themselves; a member of staff recording their answer
must send `answered_how` (in_person, phone or message), or the request is refused with 400.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import Input, VersionIn, error_responses, one_of
from coproduce.core.errors import NotFound
from coproduce.participants.models import Participant
from coproduce.participants.selectors import visible_participant
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Assessment, Barrier, Goal, Step
from coproduce.plans.selectors.plan import assessments_of, goal_with_steps, is_own_goal, plan_of, steps_visible_to
from coproduce.plans.services import plan as plan_services
from coproduce.plans.services.assessments import record_assessment

router = Router(tags=["plans"])


if TYPE_CHECKING:
    BarrierChoice = str
    GoalStatus = str
    HowAnswered = str
else:
    BarrierChoice = one_of(Barrier)
    GoalStatus = one_of(Goal.Status)
    HowAnswered = one_of(Step.AnsweredHow, blank=True)


# ---- schemas ----------------------------------------------------------------------------------


class BarrierIn(Input):
    barrier: BarrierChoice
    own_words: str = Field("", description="How the participant describes it, in their own words.")
    importance: int = Field(2, ge=1, le=3, description="How much it matters to them: 1 a little, 3 a great deal.")


class AssessmentIn(Input):
    assessed_on: datetime.date | None = Field(None, description="Defaults to today.")
    strengths: str = ""
    aspirations: str = ""
    barriers: list[BarrierIn] = []


class BarrierOut(Schema):
    barrier: str
    label: str
    own_words: str
    importance: int

    @staticmethod
    def resolve_label(row: Any) -> str:
        return str(row.get_barrier_display())


class AssessmentOut(Schema):
    id: int
    assessed_on: datetime.date
    strengths: str
    aspirations: str
    recorded_by: str
    barriers: list[BarrierOut]

    @staticmethod
    def resolve_recorded_by(assessment: Assessment) -> str:
        return str(assessment.recorded_by)

    @staticmethod
    def resolve_barriers(assessment: Assessment) -> list[Any]:
        return list(assessment.barriers.all())


class StepOut(Schema):
    id: int
    version: int = Field(description="Send this back with an answer, so that nobody's answer is overwritten.")
    description: str
    proposed_by: str
    state: str
    wants_to_talk: bool
    answered_at: datetime.datetime | None
    answered_how: str
    decline_reason: str
    finished_at: datetime.datetime | None


class GoalOut(Schema):
    id: int
    version: int
    title: str
    details: str
    status: str
    added_by_participant: bool
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(goal: Goal) -> list[Any]:
        return list(goal.steps.all())


class GoalIn(Input):
    title: str = Field(description="In the participant's own words.")
    details: str = ""


class GoalUpdateIn(Input):
    version: int
    title: str | None = None
    details: str | None = None
    status: GoalStatus | None = None


class StepIn(Input):
    description: str


class AnswerIn(Input):
    version: int
    answered_how: HowAnswered = Field(
        "", description="Staff recording the participant's answer: in_person, phone or message (required)."
    )


class StepDeclineIn(AnswerIn):
    reason: str = Field("", description="Optional: declining needs no reason.")


class ChangeAnswerIn(StepDeclineIn):
    answer: str = Field(description="The new answer: agree or decline.")


# ---- helpers ----------------------------------------------------------------------------------


def _visible_participant(request: HttpRequest, participant_id: int) -> Participant:
    return visible_participant(caller(request), participant_id)


def _goal_out(request: HttpRequest, goal_id: int) -> Goal:
    goal = goal_with_steps(caller(request), goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    return goal


def _step_out(request: HttpRequest, step_id: int) -> Step:
    step = steps_visible_to(caller(request)).filter(pk=step_id).first()
    if step is None:
        raise NotFound("No such step.")
    return step


# ---- assessments ------------------------------------------------------------------------------


@router.get(
    "/participants/{participant_id}/assessments",
    response={200: list[AssessmentOut], **error_responses(401, 404)},
    summary="A participant's assessments, latest first",
    url_name="list_assessments",
)
@paginate(PageNumber)
def list_assessments(request: HttpRequest, participant_id: int) -> QuerySet[Assessment]:
    """Every assessment is kept; the latest comes first. The read is audited."""
    participant = _visible_participant(request, participant_id)
    record_participant_view(actor=caller(request), participant=participant)
    return assessments_of(caller(request), participant.pk)


@router.post(
    "/participants/{participant_id}/assessments",
    response={201: AssessmentOut, **error_responses(400, 401, 403, 404)},
    summary="Record a new assessment",
    url_name="record_assessment",
)
def record_assessment_route(request: HttpRequest, participant_id: int, payload: AssessmentIn) -> Status[Assessment]:
    """Their keyworker or partnership manager records it with them. Earlier assessments are kept."""
    assessment = record_assessment(
        actor=caller(request),
        participant_id=participant_id,
        assessed_on=payload.assessed_on,
        strengths=payload.strengths,
        aspirations=payload.aspirations,
        barriers=[barrier.model_dump() for barrier in payload.barriers],
    )
    return Status(201, assessments_of(caller(request), participant_id).get(pk=assessment.pk))


# ---- goals and steps --------------------------------------------------------------------------


@router.get(
    "/participants/{participant_id}/goals",
    response={200: list[GoalOut], **error_responses(401, 404)},
    summary="A participant's plan: goals with their steps",
    url_name="list_goals",
)
@paginate(PageNumber)
def list_goals(request: HttpRequest, participant_id: int) -> QuerySet[Goal]:
    """Goals oldest first, each with all its steps. The read is audited."""
    participant = _visible_participant(request, participant_id)
    record_participant_view(actor=caller(request), participant=participant)
    return plan_of(caller(request), participant.pk)


@router.post(
    "/participants/{participant_id}/goals",
    response={201: GoalOut, **error_responses(400, 401, 403, 404)},
    summary="Add a goal",
    url_name="add_goal",
)
def add_goal_route(request: HttpRequest, participant_id: int, payload: GoalIn) -> Status[Goal]:
    """The participant adds their own goal; their keyworker or manager adds one with them."""
    goal = plan_services.add_goal(
        actor=caller(request),
        participant_id=participant_id,
        title=payload.title,
        details=payload.details,
    )
    return Status(201, _goal_out(request, goal.pk))


@router.patch(
    "/goals/{goal_id}",
    response={200: GoalOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a goal",
    url_name="update_goal",
)
def update_goal_route(request: HttpRequest, goal_id: int, payload: GoalUpdateIn) -> Goal:
    """Send `version` from your last read; 409 if someone changed the goal since (nothing is saved)."""
    plan_services.update_goal(
        actor=caller(request),
        goal_id=goal_id,
        expected_version=payload.version,
        title=payload.title,
        details=payload.details,
        status=payload.status,
    )
    return _goal_out(request, goal_id)


@router.post(
    "/goals/{goal_id}/steps",
    response={201: StepOut, **error_responses(400, 401, 403, 404)},
    summary="Offer a step (staff) or suggest one (the participant)",
    url_name="add_step",
)
def add_step_route(request: HttpRequest, goal_id: int, payload: StepIn) -> Status[Step]:
    """Staff offer a step, which stays `offered` until the participant answers. A participant's own
    suggestion is their choice, so it is recorded as agreed by them (`answered_how` "themselves")."""
    actor = caller(request)
    add = plan_services.suggest_step if is_own_goal(actor, goal_id) else plan_services.offer_step
    step = add(actor=actor, goal_id=goal_id, description=payload.description)
    return Status(201, _step_out(request, step.pk))


def _answer(request: HttpRequest, name: str, step_id: int, **kwargs: Any) -> Step:
    SERVICES[name](actor=caller(request), step_id=step_id, **kwargs)
    return _step_out(request, step_id)


SERVICES: dict[str, Any] = {
    "agree": plan_services.agree_to_step,
    "decline": plan_services.decline_step,
    "talk": plan_services.ask_to_talk_about_step,
    "change_answer": plan_services.change_step_answer,
    "complete": plan_services.complete_step,
    "stop": plan_services.stop_step,
}
STEP_ERRORS = error_responses(400, 401, 403, 404, 409)


@router.post(
    "/steps/{step_id}/agree",
    response={200: StepOut, **STEP_ERRORS},
    summary="Agree to an offered step",
    url_name="agree_step",
)
def agree_step(request: HttpRequest, step_id: int, payload: AnswerIn) -> Step:
    """The participant says yes: the step becomes active. Staff recording the answer must send `answered_how`."""
    return _answer(request, "agree", step_id, expected_version=payload.version, answered_how=payload.answered_how)


@router.post(
    "/steps/{step_id}/decline",
    response={200: StepOut, **STEP_ERRORS},
    summary="Decline an offered step",
    url_name="decline_step",
)
def decline_step(request: HttpRequest, step_id: int, payload: StepDeclineIn) -> Step:
    """The participant says no thanks; `reason` is optional. Staff recording the answer must send `answered_how`."""
    return _answer(
        request,
        "decline",
        step_id,
        expected_version=payload.version,
        answered_how=payload.answered_how,
        reason=payload.reason,
    )


@router.post(
    "/steps/{step_id}/talk",
    response={200: StepOut, **STEP_ERRORS},
    summary="Ask to talk about an offered step",
    url_name="talk_step",
)
def talk_step(request: HttpRequest, step_id: int, payload: AnswerIn) -> Step:
    """The participant would like to talk about it first: the step stays offered, marked for a talk."""
    return _answer(request, "talk", step_id, expected_version=payload.version, answered_how=payload.answered_how)


@router.post(
    "/steps/{step_id}/change-answer",
    response={200: StepOut, **STEP_ERRORS},
    summary="Change the answer to a step",
    url_name="change_answer_step",
)
def change_answer_step(request: HttpRequest, step_id: int, payload: ChangeAnswerIn) -> Step:
    """The participant changes their mind: an agreed step becomes declined (`answer` "decline") or a
    declined one agreed (`answer` "agree"). Refused with 400 once the step is done or stopped.
    Staff recording the change must send `answered_how`."""
    return _answer(
        request,
        "change_answer",
        step_id,
        expected_version=payload.version,
        answer=payload.answer,
        answered_how=payload.answered_how,
        reason=payload.reason,
    )


@router.post(
    "/steps/{step_id}/complete",
    response={200: StepOut, **STEP_ERRORS},
    summary="Mark an agreed step done",
    url_name="complete_step",
)
def complete_step(request: HttpRequest, step_id: int, payload: VersionIn) -> Step:
    """Only an agreed step can be done."""
    return _answer(request, "complete", step_id, expected_version=payload.version)


@router.post(
    "/steps/{step_id}/stop", response={200: StepOut, **STEP_ERRORS}, summary="Stop an agreed step", url_name="stop_step"
)
def stop_step(request: HttpRequest, step_id: int, payload: VersionIn) -> Step:
    """Only an agreed step can be stopped."""
    return _answer(request, "stop", step_id, expected_version=payload.version)
