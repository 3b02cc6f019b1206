"""The evaluator's surveys: write a questionnaire, choose when participants are asked, open and
close it, and read the results by area and by wave with counts under 5 suppressed.

Rules live in coproduce/research/services/surveys.py; counts in coproduce/research/survey_results.py.
Answers are anonymous, so nothing here names or counts a person: reads are audited with no
participant.
"""

import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.reporting.exports import ExportTable, Value, to_csv
from coproduce.reporting.suppression import THRESHOLD, grid_with_totals, suppress
from coproduce.research.models import Survey, SurveyPoint, SurveyQuestion
from coproduce.research.selectors import surveys_visible_to
from coproduce.research.selectors.surveys import opened_on
from coproduce.research.services import surveys as services
from coproduce.research.survey_results import (
    QuestionResults,
    ResultTable,
    ShownCell,
    survey_counts,
    survey_result_tables,
    text_answers,
)
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.research.scope import programme_context, programme_id_of
from coproduce.web.research.survey_forms import PointForm, QuestionForm, SurveyEditForm, SurveyForm

SURVEYS_PER_PAGE = 25
ANSWERS_PER_PAGE = 50
FORM_TEMPLATE = "web/research/surveys/form.html"


def _survey(request: HttpRequest, pk: int) -> Survey:
    survey = surveys_visible_to(request.user).select_related("programme").filter(pk=pk).first()
    if survey is None:
        raise Http404("No such survey.")
    return survey


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _survey_url(survey: Survey) -> str:
    return reverse("web:research_survey", args=[survey.pk])


# ---- surveys ------------------------------------------------------------------------------------


@require_roles(Role.EVALUATOR)
def research_surveys(request: HttpRequest) -> HttpResponse:
    """Every survey of the programme the page shows, newest first, with how many were invited and how many
    answered."""
    surveys = (
        surveys_visible_to(request.user, programme_id=programme_id_of(request))
        .select_related("programme")
        .annotate(
            question_count=Count("questions", distinct=True),
            invited=Count("invitations", distinct=True),
            answered=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    pages = paginate(request, surveys, SURVEYS_PER_PAGE)
    context = {
        "page_title": "Surveys",
        "pages": pages,
        "surveys": pages.page.object_list,
        **programme_context(request),
    }
    return render(request, "web/research/surveys/list.html", context)


@require_roles(Role.EVALUATOR)
def research_survey_add(request: HttpRequest) -> HttpResponse:
    # The survey is for the programme the page shows (the programme switcher changes it).
    form = SurveyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                survey = services.create_survey(
                    actor=request.user,
                    programme_id=programme_id_of(request),
                    title=data["title"],
                    introduction=data["introduction"],
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "The survey is saved as a draft. Add its questions and when to ask it.")
                return redirect(_survey_url(survey))
        else:
            status = 400
    context = {
        "page_title": "Start a survey",
        "form": form,
        "back_url": reverse("web:research_surveys"),
        **programme_context(request),
    }
    return render(request, FORM_TEMPLATE, context, status=status)


@require_roles(Role.EVALUATOR)
def research_survey(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    counts = survey.invitations.aggregate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    context = {
        "page_title": survey.title,
        "survey": survey,
        "questions": list(survey.questions.order_by("position", "pk")),
        "points": list(survey.points.all()),
        "is_draft": survey.status == Survey.Status.DRAFT,
        "is_open": survey.status == Survey.Status.OPEN,
        "opened_on": opened_on(survey),
        "invited": counts["invited"],
        "answered": counts["answered"],
    }
    return render(request, "web/research/surveys/detail.html", context)


@conflict_back_label("See the survey as it is now")
@require_roles(Role.EVALUATOR)
def research_survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = SurveyEditForm(
        request.POST if request.method == "POST" else None,
        initial={"title": survey.title, "introduction": survey.introduction, "version": survey.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            with submitting(form) as submission:
                services.update_survey(
                    actor=request.user,
                    survey_id=survey.pk,
                    expected_version=version,
                    changes=data,
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "Saved.")
                return redirect(_survey_url(survey))
        else:
            status = 400
    context = {"page_title": f"Change {survey.title}", "form": form, "back_url": _survey_url(survey)}
    return render(request, FORM_TEMPLATE, context, status=status)


@conflict_back_label("See the survey as it is now")
def _survey_action(request: HttpRequest, pk: int, act: Callable[..., Any], done: str) -> HttpResponse:
    survey = _survey(request, pk)
    with submitting(request) as submission:
        act(actor=request.user, survey_id=survey.pk, expected_version=_version(request))
    if submission.failed:
        return redirect(_survey_url(survey))
    messages.success(request, done)
    return redirect(_survey_url(survey))


@require_POST
@require_roles(Role.EVALUATOR)
def research_survey_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _survey_action(
        request, pk, services.open_survey, "The survey is open: participants are invited when each point comes round."
    )


@require_POST
@require_roles(Role.EVALUATOR)
def research_survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _survey_action(request, pk, services.close_survey, "The survey is closed: nobody else will be asked.")


# ---- questions and points -----------------------------------------------------------------------


@conflict_back_label("See the survey as it is now")
def _part_page(
    request: HttpRequest, survey: Survey, form: Any, save: Callable[[dict[str, Any]], Any], title: str, message: str
) -> HttpResponse:
    """The add/change page of a question or point: validate, save through `save`, or show why not.
    A stale survey version gets the conflict page; anything else the form again with its errors."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with submitting(form) as submission:
                save(dict(form.cleaned_data))
            if submission.ok:
                messages.success(request, message)
                return redirect(_survey_url(survey))
    context = {"page_title": title, "form": form, "back_url": _survey_url(survey), "survey": survey}
    return render(request, FORM_TEMPLATE, context, status=status)


def _question_page(request: HttpRequest, survey: Survey, question: SurveyQuestion | None) -> HttpResponse:
    initial: dict[str, Any] = {"version": survey.version}
    if question is not None:
        initial |= {
            "kind": question.kind,
            "text": question.text,
            "choices": "\n".join(question.choices),
            "required": question.required,
        }
    form = QuestionForm(request.POST if request.method == "POST" else None, initial=initial)
    where: dict[str, Any] = {"actor": request.user, "survey_id": survey.pk}

    def save(data: dict[str, Any]) -> Any:
        fields = {
            "kind": data["kind"],
            "text": data["text"],
            "choices": form.choice_list(),
            "required": data["required"],
        }
        if question is None:
            return services.add_question(expected_version=data["version"], **where, **fields)
        return services.update_question(
            question_id=question.pk, expected_version=data["version"], changes=fields, **where
        )

    title = "Add a question" if question is None else "Change a question"
    return _part_page(request, survey, form, save, title, "Question saved.")


def _question(survey: Survey, question_pk: int) -> SurveyQuestion:
    question = survey.questions.filter(pk=question_pk).first()
    if question is None:
        raise Http404("No such question.")
    return question


@require_roles(Role.EVALUATOR)
def research_survey_question_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_page(request, _survey(request, pk), None)


@require_roles(Role.EVALUATOR)
def research_survey_question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    return _question_page(request, survey, _question(survey, question_pk))


@require_POST
@require_roles(Role.EVALUATOR)
def research_survey_question_remove(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey(request, pk)

    def act(**kwargs: Any) -> Any:
        return services.remove_question(question_id=question_pk, **kwargs)

    return _survey_action(request, survey.pk, act, "Question removed.")


@require_POST
@require_roles(Role.EVALUATOR)
def research_survey_question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    up = request.POST.get("direction") == "up"

    def act(**kwargs: Any) -> Any:
        return services.move_question(question_id=question_pk, up=up, **kwargs)

    return _survey_action(request, survey.pk, act, "Question moved.")


def _point_page(request: HttpRequest, survey: Survey, point: SurveyPoint | None) -> HttpResponse:
    initial: dict[str, Any] = {"version": survey.version}
    if point is not None:
        initial |= {"label": point.label, "days_after_joining": point.days_after_joining}
    form = PointForm(request.POST if request.method == "POST" else None, initial=initial)
    where: dict[str, Any] = {"actor": request.user, "survey_id": survey.pk}

    def save(data: dict[str, Any]) -> Any:
        version = data.pop("version")
        if point is None:
            return services.add_point(expected_version=version, **where, **data)
        return services.update_point(point_id=point.pk, expected_version=version, changes=data, **where)

    title = "Add a point in their journey" if point is None else "Change a point in their journey"
    return _part_page(request, survey, form, save, title, "Saved.")


def _point(survey: Survey, point_pk: int) -> SurveyPoint:
    point = survey.points.filter(pk=point_pk).first()
    if point is None:
        raise Http404("No such point.")
    return point


@require_roles(Role.EVALUATOR)
def research_survey_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _point_page(request, _survey(request, pk), None)


@require_roles(Role.EVALUATOR)
def research_survey_point_edit(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    return _point_page(request, survey, _point(survey, point_pk))


@require_POST
@require_roles(Role.EVALUATOR)
def research_survey_point_remove(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    survey = _survey(request, pk)

    def act(**kwargs: Any) -> Any:
        return services.remove_point(point_id=point_pk, **kwargs)

    return _survey_action(request, survey.pk, act, "Point removed.")


# ---- results ------------------------------------------------------------------------------------


def _suppressed(
    grid: dict[tuple[Hashable, Hashable], int], rows: Sequence[Hashable], columns: Sequence[Hashable]
) -> dict[tuple[Hashable, Hashable], ShownCell]:
    """The coproduce/reporting/suppression.py rule, as survey_results.py asks for it."""
    counts, lines = grid_with_totals(grid, rows, columns)
    cells = suppress(counts, lines)
    return {key: (counts[key], cells[key].label, cells[key].hidden) for key in counts}


def _results(request: HttpRequest, pk: int) -> tuple[Survey, list[ResultTable], list[QuestionResults]]:
    survey = _survey(request, pk)
    rates, questions = survey_result_tables(survey_counts(survey), _suppressed)
    return survey, rates, questions


@require_roles(Role.EVALUATOR)
def research_survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey, rates, questions = _results(request, pk)
    record_event(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        record=survey,
        participant_id=None,
    )
    context = {
        "page_title": f"Results: {survey.title}",
        "survey": survey,
        "rates": rates,
        "questions": questions,
        "threshold": THRESHOLD,
    }
    return render(request, "web/research/surveys/results.html", context)


def _typed(column: str, text: str) -> tuple[str, Value]:
    """A cell of the results page as a file holds it: a count or mean as a number, a rate as a
    number of percent (its column then says "%"), and a suppressed count as its marker."""
    if re.fullmatch(r"\d[\d,]*", text):
        return column, int(text.replace(",", ""))
    if re.fullmatch(r"\d+(\.\d+)?%", text):
        return f"{column} %", float(text[:-1])
    if re.fullmatch(r"\d+\.\d+", text):
        return column, float(text)
    return column, text


@audited_as_export
@require_roles(Role.EVALUATOR)
def research_survey_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every table of the results page, one line a cell, suppressed as the page shows it."""
    survey, rates, questions = _results(request, pk)
    lines: list[tuple[Value, ...]] = []
    for table in rates:
        lines.extend(
            ("Response rate", table.heading, row.label, *_typed(column, value))
            for row in table.rows
            for column, value in zip(table.columns, row.cells, strict=True)
        )
    for results in questions:
        for table in results.tables:
            lines.extend(
                (results.question.text, table.heading, row.label, *_typed(column, value))
                for row in table.rows
                for column, value in zip(table.columns, row.cells, strict=True)
            )
    export = ExportTable(
        slug="survey-results",
        title=survey.title,
        columns=("Question", "By", "Group", "Answer", "Count"),
        rows=tuple(lines),
    )
    record_event(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        record=survey,
        participant_id=None,
    )
    response = HttpResponse(to_csv(export), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-results.csv"'
    return response


@require_roles(Role.EVALUATOR)
def research_survey_text_answers(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """A text question's answers in participants' own words, with area and wave, a page at a time."""
    survey = _survey(request, pk)
    question = _question(survey, question_pk)
    if question.kind != SurveyQuestion.Kind.TEXT:
        raise Http404("Only questions answered in their own words have answers to read.")
    pages = paginate(request, text_answers(question), ANSWERS_PER_PAGE)
    record_event(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        record=question,
        participant_id=None,
    )
    context = {
        "page_title": f"Answers: {question.text}",
        "survey": survey,
        "question": question,
        "pages": pages,
        "answers": pages.page.object_list,
        "transcripts": list(question.transcripts.select_related("partnership", "wave").order_by("title", "pk")),
    }
    return render(request, "web/research/surveys/text_answers.html", context)


@require_POST
@require_roles(Role.EVALUATOR)
def research_survey_send_to_coding(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    question = _question(survey, question_pk)
    back = reverse("web:research_survey_text_answers", args=[survey.pk, question.pk])
    with submitting(request) as submission:
        made = services.send_answers_to_coding(actor=request.user, survey_id=survey.pk, question_id=question.pk)
    if submission.failed:
        return redirect(back)
    if made:
        messages.success(
            request,
            f"{len(made)} transcript{'s' if len(made) != 1 else ''} made, one for each area and wave. "
            "Redact anything identifying in each before it is coded.",
        )
    else:
        messages.info(request, "Every area and wave with answers already has its transcript.")
    return redirect(back)
