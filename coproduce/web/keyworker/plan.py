"""The plan and assessments, as their keyworker (or cover, or partnership manager) works on them.

Steps are offered, never imposed: staff can record the participant's answer only together with
how it was given. All the rules are in coproduce/plans/services; these pages parse and render.
"""

from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coproduce.accounts.roles import Role
from coproduce.budgets.models import Spend
from coproduce.budgets.selectors import spends_of
from coproduce.core.errors import DomainError, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Goal, Step
from coproduce.plans.selectors.plan import assessments_of, plan_of
from coproduce.plans.services import plan as plan_services
from coproduce.plans.services.assessments import record_assessment
from coproduce.web.access import require_roles
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.plan_forms import (
    STAFF_HOW,
    AnswerForm,
    AssessmentForm,
    FinishForm,
    GoalForm,
    GoalStatusForm,
    StepForm,
)

ASSESSMENTS_PER_PAGE = 10


def _visible_participant(request: HttpRequest, pk: int) -> Participant:
    participant = participants_visible_to(request.user).select_related("keyworker__user").filter(pk=pk).first()
    if participant is None:
        raise Http404("No such participant.")
    return participant


def form_problems(form: Any) -> list[str]:
    return [message for messages_ in form.errors.values() for message in messages_]


def _belongs(participant: Participant, *, goal_id: Any = None, step_id: Any = None) -> None:
    """A form on this participant's plan page changes only this participant's goals and steps."""
    if goal_id is not None and not Goal.objects.filter(pk=goal_id, participant=participant).exists():
        raise NotFound("No such goal.")
    if step_id is not None and not Step.objects.filter(pk=step_id, goal__participant=participant).exists():
        raise NotFound("No such step.")


def _staff_action(request: HttpRequest, participant: Participant) -> str:
    """Carry out the one change a POST to the plan page asks for; returns the message to show."""
    user = request.user
    action = request.POST.get("action", "")
    _belongs(participant, goal_id=_number(request.POST.get("goal")), step_id=_number(request.POST.get("step")))
    if action == "add_goal":
        form: Any = GoalForm(request.POST)
        _require_valid(form)
        plan_services.add_goal(actor=user, participant_id=participant.pk, **form.cleaned_data)
        return "Goal added."
    if action == "offer_step":
        form = StepForm(request.POST)
        _require_valid(form)
        plan_services.offer_step(
            actor=user,
            goal_id=form.cleaned_data["goal"],
            description=form.cleaned_data["description"],
        )
        return "Step offered. It becomes part of the plan once they say yes."
    if action == "answer":
        form = AnswerForm(request.POST)
        _require_valid(form)
        data = form.cleaned_data
        common = {
            "actor": user,
            "step_id": data["step"],
            "expected_version": data["version"],
            "answered_how": data["answered_how"],
        }
        if data["answer"] == "agree":
            plan_services.agree_to_step(**common)
            return "Their answer is recorded: yes."
        if data["answer"] == "decline":
            plan_services.decline_step(**common, reason=data["reason"])
            return "Their answer is recorded: no thanks."
        plan_services.ask_to_talk_about_step(**common)
        return "Recorded that they would like to talk about it."
    if action == "finish":
        form = FinishForm(request.POST)
        _require_valid(form)
        data = form.cleaned_data
        finish = plan_services.complete_step if data["outcome"] == "complete" else plan_services.stop_step
        finish(actor=user, step_id=data["step"], expected_version=data["version"])
        return "Step marked done." if data["outcome"] == "complete" else "Step stopped."
    if action == "goal_status":
        form = GoalStatusForm(request.POST)
        _require_valid(form)
        data = form.cleaned_data
        plan_services.update_goal(
            actor=user,
            goal_id=data["goal"],
            expected_version=data["version"],
            status=data["status"],
        )
        return "Goal updated."
    raise DomainError("Choose what to do.")


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _require_valid(form: Any) -> None:
    if not form.is_valid():
        raise InvalidInput({name: [str(e) for e in errors] for name, errors in form.errors.items()})


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def participant_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = _visible_participant(request, pk)
    if not rules.has_perm("plans.work_on_plan", user, participant):
        raise PermissionDenied("Only their keyworker or partnership manager can work on this plan.")
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        with submitting() as submission:
            done = _staff_action(request, participant)
        problems, status = submission.problems, submission.status
        if submission.ok:
            messages.success(request, done)
            return redirect("web:participant_plan", pk=participant.pk)
    record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": f"{participant.full_name}’s plan",
        "participant": participant,
        "goals": list(plan_of(user, participant.pk)),
        # Goals that money was asked for (one query): each links to its spending on the budget page.
        "goals_with_spending": set(
            spends_of(user, participant.pk)
            .exclude(state=Spend.State.CANCELLED)
            .exclude(goal=None)
            .order_by()
            .values_list("goal_id", flat=True)
        ),
        "problems": problems,
        "goal_form": GoalForm(),
        "how_choices": STAFF_HOW,
    }
    return render(request, "web/keyworker/plan.html", context, status=status)


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def assessment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = _visible_participant(request, pk)
    if not rules.has_perm("plans.work_on_plan", user, participant):
        raise PermissionDenied("Only their keyworker or partnership manager can record an assessment.")
    status = 200
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            barriers = form.barriers()
        if form.is_valid() and not form.errors:
            with submitting(form) as submission:
                record_assessment(
                    actor=user,
                    participant_id=participant.pk,
                    assessed_on=form.cleaned_data["assessed_on"],
                    strengths=form.cleaned_data["strengths"],
                    aspirations=form.cleaned_data["aspirations"],
                    barriers=barriers,
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "Assessment recorded. Earlier ones are kept.")
                return redirect("web:assessment_list", pk=participant.pk)
        else:
            status = 400
    else:
        form = AssessmentForm()
        record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": f"Record an assessment with {participant.full_name}",
        "form": form,
        "participant": participant,
    }
    return render(request, "web/keyworker/assessment_add.html", context, status=status)


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def assessment_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = _visible_participant(request, pk)
    pages = paginate(request, assessments_of(user, participant.pk), ASSESSMENTS_PER_PAGE)
    record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": f"{participant.full_name}’s assessments",
        "participant": participant,
        "pages": pages,
        "can_add": rules.has_perm("plans.work_on_plan", user, participant),
    }
    return render(request, "web/keyworker/assessment_list.html", context)
