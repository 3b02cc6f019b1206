"""The participant survey: evaluators write, open, close and read surveys; participants answer theirs.

Rules live in coproduce/research/services/surveys.py, counts in coproduce/research/survey_results.py.
Answers are anonymous: nothing here returns who answered, and result counts under 5 are
suppressed exactly as on the pages.
"""

import datetime
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller, caller_allowed
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.research_programme import programme_query, research_programme_id
from coproduce.api.v1.schemas import Input, error_responses, one_of
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotFound
from coproduce.reporting.suppression import THRESHOLD, grid_with_totals, suppress
from coproduce.research.models import ResearchConsent, Survey, SurveyInvitation, SurveyQuestion
from coproduce.research.selectors import open_invitations_for, surveys_visible_to
from coproduce.research.selectors.surveys import opened_on
from coproduce.research.services import surveys as services
from coproduce.research.survey_results import ShownCell, survey_counts, survey_result_tables

router = Router(tags=["research"])

VERSION_HELP = "The survey's `version` you read; a stale one gets 409 and nothing is saved."

if TYPE_CHECKING:
    QuestionKind = str
else:
    QuestionKind = one_of(SurveyQuestion.Kind)


class QuestionOut(Schema):
    id: int
    position: int
    kind: str = Field(description="likert (1 strongly disagree … 5 strongly agree), choice or text.")
    text: str
    choices: list[str]
    required: bool


class PointOut(Schema):
    id: int
    label: str
    days_after_joining: int


class SurveyOut(Schema):
    id: int
    version: int
    programme_id: int
    title: str
    introduction: str
    status: str
    opened_on: datetime.date | None
    created_at: datetime.datetime
    questions: list[QuestionOut]
    points: list[PointOut]
    invited: int = Field(description="Invitations sent.")
    answered: int = Field(description="Invitations answered.")

    @staticmethod
    def resolve_opened_on(survey: Survey) -> datetime.date | None:
        return opened_on(survey)

    @staticmethod
    def resolve_questions(survey: Survey) -> list[SurveyQuestion]:
        return sorted(survey.questions.all(), key=lambda question: (question.position, question.pk))

    @staticmethod
    def resolve_points(survey: Survey) -> list[Any]:
        return list(survey.points.all())


class SurveyIn(Input):
    programme_id: int
    title: str
    introduction: str = ""


class SurveyUpdateIn(Input):
    version: int = Field(description=VERSION_HELP)
    title: str | None = None
    introduction: str | None = None


class SurveyVersionIn(Input):
    version: int = Field(description=VERSION_HELP)


class QuestionIn(Input):
    version: int = Field(description=VERSION_HELP)
    kind: QuestionKind
    text: str
    choices: list[str] = Field(default_factory=list, description="For a choice question: two or more options.")
    required: bool = False


class QuestionUpdateIn(Input):
    version: int = Field(description=VERSION_HELP)
    kind: QuestionKind | None = None
    text: str | None = None
    choices: list[str] | None = None
    required: bool | None = None


class OrderIn(Input):
    version: int = Field(description=VERSION_HELP)
    question_ids: list[int] = Field(description="Every question of the survey, once, in the new order.")


class PointIn(Input):
    version: int = Field(description=VERSION_HELP)
    label: str
    days_after_joining: int = Field(ge=0, description="0 for the day they join.")


class PointUpdateIn(Input):
    version: int = Field(description=VERSION_HELP)
    label: str | None = None
    days_after_joining: int | None = Field(None, ge=0)


class ResultRowOut(Schema):
    label: str
    cells: list[str] = Field(description='Counts as shown: "12", "fewer than 5" or "hidden"; rates and means.')
    is_total: bool


class ResultTableOut(Schema):
    caption: str
    heading: str
    columns: list[str]
    rows: list[ResultRowOut]


class QuestionResultsOut(Schema):
    question: QuestionOut
    tables: list[ResultTableOut]


class SurveyResultsOut(Schema):
    survey_id: int
    threshold: int = Field(description="Counts below this are not shown.")
    response_rates: list[ResultTableOut]
    questions: list[QuestionResultsOut]


class SurveyInvitationOut(Schema):
    id: int
    survey_id: int
    title: str
    introduction: str
    point: str
    sent_on: datetime.date
    questions: list[QuestionOut]

    @staticmethod
    def resolve_title(invitation: SurveyInvitation) -> str:
        return invitation.survey.title

    @staticmethod
    def resolve_introduction(invitation: SurveyInvitation) -> str:
        return invitation.survey.introduction

    @staticmethod
    def resolve_point(invitation: SurveyInvitation) -> str:
        return invitation.point.label

    @staticmethod
    def resolve_questions(invitation: SurveyInvitation) -> list[SurveyQuestion]:
        return sorted(invitation.survey.questions.all(), key=lambda question: (question.position, question.pk))


class AnswersIn(Input):
    answers: dict[int, int | str | None] = Field(
        description="Question id → 1 to 5 for agree/disagree, one of the choices, or text (at most 2,000 "
        "characters). Leave out, or send null, for a question you skip; required ones must be answered."
    )


class AnsweredOut(Schema):
    detail: str


def _check_evaluator(request: HttpRequest) -> Any:
    return caller_allowed(request, "research.work_on_evaluation", services.NOT_EVALUATOR)


def _surveys(request: HttpRequest) -> QuerySet[Survey]:
    return (
        surveys_visible_to(_check_evaluator(request))
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
        )
        .prefetch_related("questions", "points")
    )


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    survey = _surveys(request).filter(pk=survey_id).first()
    if survey is None:
        raise NotFound("No such survey.")
    return survey


def _suppressed(
    grid: dict[tuple[Hashable, Hashable], int], rows: Sequence[Hashable], columns: Sequence[Hashable]
) -> dict[tuple[Hashable, Hashable], ShownCell]:
    counts, lines = grid_with_totals(grid, rows, columns)
    cells = suppress(counts, lines)
    return {key: (counts[key], cells[key].label, cells[key].hidden) for key in counts}


# ---- evaluators ---------------------------------------------------------------------------------


@router.get(
    "/research/surveys",
    response={200: list[SurveyOut], **error_responses(400, 401, 403, 404)},
    summary="List the surveys (evaluators)",
    url_name="list_research_surveys",
)
@paginate(PageNumber)
def list_research_surveys(request: HttpRequest, programme: int | None = programme_query()) -> QuerySet[Survey]:
    surveys = _surveys(request).filter(programme_id=research_programme_id(caller(request), programme))
    return surveys.order_by("-created_at", "-pk")


@router.post(
    "/research/surveys",
    response={201: SurveyOut, **error_responses(400, 401, 403)},
    summary="Start a survey, as a draft (evaluators)",
    url_name="create_research_survey",
)
def create_research_survey(request: HttpRequest, payload: SurveyIn) -> Status[Survey]:
    survey = services.create_survey(actor=caller(request), **payload.model_dump())
    return Status(201, _survey(request, survey.pk))


@router.get(
    "/research/surveys/{survey_id}",
    response={200: SurveyOut, **error_responses(401, 403, 404)},
    summary="Read a survey with its questions and points",
    url_name="research_survey_detail",
)
def research_survey_detail(request: HttpRequest, survey_id: int) -> Survey:
    return _survey(request, survey_id)


@router.patch(
    "/research/surveys/{survey_id}",
    response={200: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a survey's title or introduction",
    url_name="update_research_survey",
)
def update_research_survey(request: HttpRequest, survey_id: int, payload: SurveyUpdateIn) -> Survey:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    services.update_survey(actor=caller(request), survey_id=survey_id, expected_version=version, changes=changes)
    return _survey(request, survey_id)


@router.post(
    "/research/surveys/{survey_id}/open",
    response={200: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Open a draft survey (it needs a question and a point); invitations due go out",
    url_name="open_research_survey",
)
def open_research_survey(request: HttpRequest, survey_id: int, payload: SurveyVersionIn) -> Survey:
    services.open_survey(actor=caller(request), survey_id=survey_id, expected_version=payload.version)
    return _survey(request, survey_id)


@router.post(
    "/research/surveys/{survey_id}/close",
    response={200: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Close an open survey for good",
    url_name="close_research_survey",
)
def close_research_survey(request: HttpRequest, survey_id: int, payload: SurveyVersionIn) -> Survey:
    services.close_survey(actor=caller(request), survey_id=survey_id, expected_version=payload.version)
    return _survey(request, survey_id)


@router.post(
    "/research/surveys/{survey_id}/questions",
    response={201: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Add a question at the end of a draft",
    url_name="add_research_survey_question",
)
def add_research_survey_question(request: HttpRequest, survey_id: int, payload: QuestionIn) -> Status[Survey]:
    services.add_question(
        actor=caller(request),
        survey_id=survey_id,
        **payload.model_dump(exclude={"version"}),
        expected_version=payload.version,
    )
    return Status(201, _survey(request, survey_id))


@router.patch(
    "/research/surveys/{survey_id}/questions/{question_id}",
    response={200: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a draft's question",
    url_name="update_research_survey_question",
)
def update_research_survey_question(
    request: HttpRequest, survey_id: int, question_id: int, payload: QuestionUpdateIn
) -> Survey:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    services.update_question(
        actor=caller(request),
        survey_id=survey_id,
        question_id=question_id,
        expected_version=version,
        changes=changes,
    )
    return _survey(request, survey_id)


@router.post(
    "/research/surveys/{survey_id}/questions/{question_id}/remove",
    response={200: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Remove a draft's question",
    url_name="remove_research_survey_question",
)
def remove_research_survey_question(
    request: HttpRequest, survey_id: int, question_id: int, payload: SurveyVersionIn
) -> Survey:
    services.remove_question(
        actor=caller(request),
        survey_id=survey_id,
        question_id=question_id,
        expected_version=payload.version,
    )
    return _survey(request, survey_id)


@router.post(
    "/research/surveys/{survey_id}/question-order",
    response={200: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Put a draft's questions in a new order",
    url_name="reorder_research_survey_questions",
)
def reorder_research_survey_questions(request: HttpRequest, survey_id: int, payload: OrderIn) -> Survey:
    services.reorder_questions(
        actor=caller(request),
        survey_id=survey_id,
        expected_version=payload.version,
        question_ids=payload.question_ids,
    )
    return _survey(request, survey_id)


@router.post(
    "/research/surveys/{survey_id}/points",
    response={201: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Add a point in participants' journey (days after joining) to a draft",
    url_name="add_research_survey_point",
)
def add_research_survey_point(request: HttpRequest, survey_id: int, payload: PointIn) -> Status[Survey]:
    services.add_point(
        actor=caller(request),
        survey_id=survey_id,
        **payload.model_dump(exclude={"version"}),
        expected_version=payload.version,
    )
    return Status(201, _survey(request, survey_id))


@router.patch(
    "/research/surveys/{survey_id}/points/{point_id}",
    response={200: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a draft's point",
    url_name="update_research_survey_point",
)
def update_research_survey_point(request: HttpRequest, survey_id: int, point_id: int, payload: PointUpdateIn) -> Survey:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    services.update_point(
        actor=caller(request),
        survey_id=survey_id,
        point_id=point_id,
        expected_version=version,
        changes=changes,
    )
    return _survey(request, survey_id)


@router.post(
    "/research/surveys/{survey_id}/points/{point_id}/remove",
    response={200: SurveyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Remove a draft's point",
    url_name="remove_research_survey_point",
)
def remove_research_survey_point(
    request: HttpRequest, survey_id: int, point_id: int, payload: SurveyVersionIn
) -> Survey:
    services.remove_point(
        actor=caller(request),
        survey_id=survey_id,
        point_id=point_id,
        expected_version=payload.version,
    )
    return _survey(request, survey_id)


@router.get(
    "/research/surveys/{survey_id}/results",
    response={200: SurveyResultsOut, **error_responses(401, 403, 404)},
    summary="Response rates and answers by area and by wave, counts under 5 suppressed",
    url_name="research_survey_results_api",
)
def research_survey_results_api(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    survey = _survey(request, survey_id)
    rates, questions = survey_result_tables(survey_counts(survey), _suppressed)
    record_event(
        actor=caller(request),
        action=AuditEvent.Action.VIEW,
        record=survey,
        participant_id=None,
    )
    return {
        "survey_id": survey.pk,
        "threshold": THRESHOLD,
        "response_rates": rates,
        "questions": [{"question": results.question, "tables": results.tables} for results in questions],
    }


# ---- participants -------------------------------------------------------------------------------


def _my_invitations(request: HttpRequest) -> QuerySet[SurveyInvitation]:
    in_force = ResearchConsent.objects.filter(
        participant=OuterRef("participant_id"), consent__withdrawn_at__isnull=True
    )
    return (
        open_invitations_for(caller(request))
        .filter(Exists(in_force))
        .prefetch_related("survey__questions")
        .order_by("-sent_on", "pk")
    )


@router.get(
    "/research/my-surveys",
    response={200: list[SurveyInvitationOut], **error_responses(400, 401)},
    summary="Surveys waiting for me to answer (participants); empty for everyone else",
    url_name="my_research_surveys",
)
@paginate(PageNumber)
def my_research_surveys(request: HttpRequest) -> QuerySet[SurveyInvitation]:
    return _my_invitations(request)


@router.post(
    "/research/my-surveys/{invitation_id}/answers",
    response={201: AnsweredOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Answer a survey I was invited to, once; my keyworker will not see the answers",
    url_name="answer_research_survey",
)
def answer_research_survey(request: HttpRequest, invitation_id: int, payload: AnswersIn) -> Status[dict[str, str]]:
    services.answer_survey(actor=caller(request), invitation_id=invitation_id, answers=payload.answers)
    return Status(201, {"detail": "Thank you. Your answers are sent, without your name."})
