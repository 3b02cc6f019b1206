"""Access cases for the participant survey.

The research story's survey "How is the service for you?" is open, with Pat's invitation on
joining waiting and one anonymous answer from Fife. "Draft survey" is a draft with one question
and one point, for the routes that change drafts. Only evaluators reach surveys; only Pat
reaches her invitation. Keyworkers and managers see nothing of either, and refused requests
change nothing.
"""

from typing import Any

from django.urls import reverse

from coproduce.research.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyPoint,
    SurveyQuestion,
    SurveyResponse,
    Transcript,
)
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas

EVALUATOR = roles("evaluator")
PARTICIPANT = roles("participant")
DRAFT = "Draft survey"
QUESTION = "My keyworker listens to what I want."
FREE_TEXT = "More evening sessions, please."


def open_survey(p: Personas) -> Survey:
    return p.research.survey


def draft(p: Personas) -> Survey:
    survey = Survey.objects.filter(title=DRAFT).first()
    if survey is None:
        survey = Survey.objects.create(
            programme=p.fife.programme, title=DRAFT, status=Survey.Status.DRAFT, created_by=p.evaluator.user
        )
        SurveyQuestion.objects.create(survey=survey, position=1, kind="likert", text="I feel welcome.")
        SurveyQuestion.objects.create(survey=survey, position=2, kind="text", text="Anything else?")
        SurveyPoint.objects.create(survey=survey, label="On joining", days_after_joining=0)
        SurveyPoint.objects.create(survey=survey, label="A year on", days_after_joining=365)
    return survey


def draft_question(p: Personas) -> SurveyQuestion:
    return draft(p).questions.get(position=1)


def draft_point(p: Personas) -> SurveyPoint:
    return draft(p).points.get(days_after_joining=0)


def surveys_snapshot(p: Personas) -> tuple[Any, ...]:
    open_survey(p)
    draft(p)
    return (
        tuple(Survey.objects.order_by("pk").values_list("title", "introduction", "status", "version")),
        tuple(SurveyQuestion.objects.order_by("pk").values_list("survey_id", "position", "kind", "text", "required")),
        tuple(SurveyPoint.objects.order_by("pk").values_list("survey_id", "label", "days_after_joining")),
    )


def answers_snapshot(p: Personas) -> tuple[Any, ...]:
    open_survey(p)
    return (
        tuple(SurveyInvitation.objects.order_by("pk").values_list("answered")),
        SurveyResponse.objects.count(),
        SurveyAnswer.objects.count(),
    )


def transcripts_snapshot(p: Personas) -> tuple[Any, ...]:
    open_survey(p)
    return tuple(Transcript.objects.order_by("pk").values_list("title", "text"))


def survey_secrets(p: Personas) -> list[str]:
    open_survey(p)
    return [QUESTION, FREE_TEXT, "At home"]


def web(name: str, survey: Any = open_survey, *more: Any) -> Any:
    """The URL of a survey page, with the survey (and a question or point) worked out from the personas."""
    return lambda p: reverse(f"web:{name}", args=[survey(p).pk, *(part(p).pk for part in more)])


def api(path: str, survey: Any = open_survey, part: Any = None) -> Any:
    return lambda p: f"/api/v1/research/surveys/{survey(p).pk}{path.format(part=part(p).pk if part else '')}"


def question_form(p: Personas) -> dict[str, Any]:
    return {"kind": "choice", "text": "How did you hear?", "choices": "A friend\nA poster", "version": draft(p).version}


def point_form(p: Personas) -> dict[str, Any]:
    return {"label": "Three months on", "days_after_joining": 91, "version": draft(p).version}


def version_of(survey: Any) -> Any:
    return lambda p: {"version": survey(p).version}


def pats_answers(p: Personas) -> dict[str, Any]:
    s = p.research
    return {f"question_{s.likert_question.pk}": "4", f"question_{s.choice_question.pk}": "At a centre"}


CASES = [
    # The evaluator's pages.
    AccessCase(
        route="web:research_surveys",
        url=lambda p: open_survey(p) and reverse("web:research_surveys"),
        allowed=EVALUATOR,
        secrets=lambda p: ["How is the service for you?"],
    ),
    AccessCase(route="web:research_survey_add", url=lambda p: reverse("web:research_survey_add"), allowed=EVALUATOR),
    AccessCase(
        route="web:research_survey_add",
        label="save",
        method="POST",
        url=lambda p: reverse("web:research_survey_add"),
        data=lambda p: {"programme": p.fife.programme.pk, "title": "Another survey"},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(route="web:research_survey", url=web("research_survey"), allowed=EVALUATOR, secrets=survey_secrets),
    AccessCase(route="web:research_survey_edit", url=web("research_survey_edit"), allowed=EVALUATOR),
    AccessCase(
        route="web:research_survey_edit",
        label="save",
        method="POST",
        url=web("research_survey_edit"),
        data=lambda p: {"title": "Renamed", "introduction": "", "version": open_survey(p).version},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_open",
        method="POST",
        url=web("research_survey_open", draft),
        data=version_of(draft),
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_close",
        method="POST",
        url=web("research_survey_close"),
        data=version_of(open_survey),
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_question_add", url=web("research_survey_question_add", draft), allowed=EVALUATOR
    ),
    AccessCase(
        route="web:research_survey_question_add",
        label="save",
        method="POST",
        url=web("research_survey_question_add", draft),
        data=question_form,
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_question_edit",
        url=web("research_survey_question_edit", draft, draft_question),
        allowed=EVALUATOR,
    ),
    AccessCase(
        route="web:research_survey_question_edit",
        label="save",
        method="POST",
        url=web("research_survey_question_edit", draft, draft_question),
        data=question_form,
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_question_remove",
        method="POST",
        url=web("research_survey_question_remove", draft, draft_question),
        data=version_of(draft),
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_question_move",
        method="POST",
        url=web("research_survey_question_move", draft, draft_question),
        data=lambda p: {"version": draft(p).version, "direction": "down"},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(route="web:research_survey_point_add", url=web("research_survey_point_add", draft), allowed=EVALUATOR),
    AccessCase(
        route="web:research_survey_point_add",
        label="save",
        method="POST",
        url=web("research_survey_point_add", draft),
        data=point_form,
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_point_edit",
        url=web("research_survey_point_edit", draft, draft_point),
        allowed=EVALUATOR,
    ),
    AccessCase(
        route="web:research_survey_point_edit",
        label="save",
        method="POST",
        url=web("research_survey_point_edit", draft, draft_point),
        data=point_form,
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_point_remove",
        method="POST",
        url=web("research_survey_point_remove", draft, draft_point),
        data=version_of(draft),
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="web:research_survey_results",
        url=web("research_survey_results"),
        allowed=EVALUATOR,
        secrets=survey_secrets,
    ),
    AccessCase(
        route="web:research_survey_results_csv",
        url=web("research_survey_results_csv"),
        allowed=EVALUATOR,
        secrets=survey_secrets,
    ),
    AccessCase(
        route="web:research_survey_text_answers",
        url=lambda p: reverse(
            "web:research_survey_text_answers", args=[open_survey(p).pk, p.research.text_question.pk]
        ),
        allowed=EVALUATOR,
        secrets=survey_secrets,
    ),
    AccessCase(
        route="web:research_survey_send_to_coding",
        method="POST",
        url=lambda p: reverse(
            "web:research_survey_send_to_coding", args=[open_survey(p).pk, p.research.text_question.pk]
        ),
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=transcripts_snapshot,
    ),
    # The participant's pages.
    AccessCase(
        route="web:my_surveys",
        url=lambda p: open_survey(p) and reverse("web:my_surveys"),
        allowed=PARTICIPANT,
        secrets=lambda p: ["How is the service for you?"],
    ),
    AccessCase(
        route="web:my_survey",
        url=lambda p: reverse("web:my_survey", args=[p.research.pat_invitation.pk]),
        allowed=PARTICIPANT,
        secrets=survey_secrets,
    ),
    AccessCase(
        route="web:my_survey",
        label="answer",
        method="POST",
        url=lambda p: reverse("web:my_survey", args=[p.research.pat_invitation.pk]),
        data=pats_answers,
        allowed=PARTICIPANT,
        allowed_status=302,
        snapshot=answers_snapshot,
    ),
    # The API.
    AccessCase(
        route="api-v1:list_research_surveys",
        url=lambda p: open_survey(p) and "/api/v1/research/surveys",
        allowed=EVALUATOR,
        api=True,
        secrets=survey_secrets,
    ),
    AccessCase(
        route="api-v1:create_research_survey",
        method="POST",
        json=True,
        url=lambda p: "/api/v1/research/surveys",
        data=lambda p: {"programme_id": p.fife.programme.pk, "title": "Another survey"},
        allowed=EVALUATOR,
        allowed_status=201,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:research_survey_detail",
        url=api(""),
        allowed=EVALUATOR,
        api=True,
        secrets=survey_secrets,
    ),
    AccessCase(
        route="api-v1:update_research_survey",
        method="PATCH",
        json=True,
        url=api(""),
        data=lambda p: {"version": open_survey(p).version, "title": "Renamed"},
        allowed=EVALUATOR,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:open_research_survey",
        method="POST",
        json=True,
        url=api("/open", draft),
        data=version_of(draft),
        allowed=EVALUATOR,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:close_research_survey",
        method="POST",
        json=True,
        url=api("/close"),
        data=version_of(open_survey),
        allowed=EVALUATOR,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:add_research_survey_question",
        method="POST",
        json=True,
        url=api("/questions", draft),
        data=lambda p: {"version": draft(p).version, "kind": "text", "text": "Why?"},
        allowed=EVALUATOR,
        allowed_status=201,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:update_research_survey_question",
        method="PATCH",
        json=True,
        url=api("/questions/{part}", draft, draft_question),
        data=lambda p: {"version": draft(p).version, "required": True},
        allowed=EVALUATOR,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:remove_research_survey_question",
        method="POST",
        json=True,
        url=api("/questions/{part}/remove", draft, draft_question),
        data=version_of(draft),
        allowed=EVALUATOR,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:reorder_research_survey_questions",
        method="POST",
        json=True,
        url=api("/question-order", draft),
        data=lambda p: {
            "version": draft(p).version,
            "question_ids": list(draft(p).questions.order_by("-position").values_list("pk", flat=True)),
        },
        allowed=EVALUATOR,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:add_research_survey_point",
        method="POST",
        json=True,
        url=api("/points", draft),
        data=lambda p: {"version": draft(p).version, "label": "Three months on", "days_after_joining": 91},
        allowed=EVALUATOR,
        allowed_status=201,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:update_research_survey_point",
        method="PATCH",
        json=True,
        url=api("/points/{part}", draft, draft_point),
        data=lambda p: {"version": draft(p).version, "label": "First day"},
        allowed=EVALUATOR,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:remove_research_survey_point",
        method="POST",
        json=True,
        url=api("/points/{part}/remove", draft, draft_point),
        data=version_of(draft),
        allowed=EVALUATOR,
        api=True,
        snapshot=surveys_snapshot,
    ),
    AccessCase(
        route="api-v1:research_survey_results_api",
        url=api("/results"),
        allowed=EVALUATOR,
        api=True,
        secrets=survey_secrets,
    ),
    AccessCase(
        route="api-v1:my_research_surveys",
        url=lambda p: open_survey(p) and "/api/v1/research/my-surveys",
        allowed=EVERYONE_SIGNED_IN,
        api=True,
    ),
    AccessCase(
        route="api-v1:answer_research_survey",
        method="POST",
        json=True,
        url=lambda p: f"/api/v1/research/my-surveys/{p.research.pat_invitation.pk}/answers",
        data=lambda p: {"answers": {str(p.research.likert_question.pk): 4}},
        allowed=PARTICIPANT,
        allowed_status=201,
        api=True,
        snapshot=answers_snapshot,
    ),
]
