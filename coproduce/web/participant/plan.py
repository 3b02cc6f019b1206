"""My plan: my goals and steps, my answers to what is offered, my own goals and ideas.

Plain English, phone first, and every button is a small form that works without JavaScript.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.accounts.roles import Role
from coproduce.core.errors import DomainError
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.plans.selectors.plan import plan_of
from coproduce.plans.services import plan as plan_services
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.forms import submitting
from coproduce.web.plan_forms import AnswerForm, OwnGoalForm, StepForm

ANSWERED = {
    "agree": "Thank you. It is now part of your plan.",
    "decline": "That is fine. We have noted “no thanks”.",
    "talk": "Your keyworker will talk it through with you.",
}
CHANGED = {
    "agree": gettext_lazy("You changed your answer to “yes”. It is now part of your plan."),
    "decline": gettext_lazy("You changed your answer to “no thanks”. That is fine."),
}


def _require_valid(form: Any) -> None:
    if not form.is_valid():
        raise InvalidInput({name: [str(e) for e in errors] for name, errors in form.errors.items()})


def _act(request: HttpRequest, participant: Participant) -> str:
    user = request.user
    action = request.POST.get("action", "")
    if action == "add_goal":
        form: Any = OwnGoalForm(request.POST)
        _require_valid(form)
        plan_services.add_goal(actor=user, participant_id=participant.pk, **form.cleaned_data)
        return "Your goal is added."
    if action == "suggest_step":
        form = StepForm(request.POST)
        _require_valid(form)
        data = form.cleaned_data
        plan_services.suggest_step(actor=user, goal_id=data["goal"], description=data["description"])
        return "Your step is added to your plan."
    if action == "answer":
        form = AnswerForm(request.POST)
        _require_valid(form)
        data = form.cleaned_data
        common = {
            "actor": user,
            "step_id": data["step"],
            "expected_version": data["version"],
        }
        if data["answer"] == "agree":
            plan_services.agree_to_step(**common)
        elif data["answer"] == "decline":
            plan_services.decline_step(**common, reason=data["reason"])
        else:
            plan_services.ask_to_talk_about_step(**common)
        return ANSWERED[data["answer"]]
    if action == "change_answer":
        form = AnswerForm(request.POST)
        _require_valid(form)
        data = form.cleaned_data
        plan_services.change_step_answer(
            actor=user,
            step_id=data["step"],
            expected_version=data["version"],
            answer=data["answer"],
            reason=data["reason"],
        )
        return str(CHANGED[data["answer"]])
    raise DomainError("Choose what you would like to do.")


@require_roles(Role.PARTICIPANT)
def my_plan(request: HttpRequest) -> HttpResponse:
    user = request.user
    participant_id = standing_of(user).participant_id
    participant = None
    if participant_id is not None:
        participant = participants_visible_to(user).filter(pk=participant_id).first()
    if participant is None:
        raise Http404("No participant record.")
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        with submitting() as submission:
            done = _act(request, participant)
        problems, status = submission.problems, submission.status
        if submission.ok:
            messages.success(request, done)
            return redirect("web:my_plan")
    record_participant_view(actor=user, participant=participant)
    goals = list(plan_of(user, participant.pk))
    offered = [step for goal in goals for step in goal.steps.all() if step.state == "offered"]
    context = {
        "page_title": _("My plan"),
        "goals": goals,
        "offered_count": len(offered),
        "problems": problems,
        "goal_form": OwnGoalForm(),
    }
    return render(request, "web/participant/my_plan.html", context, status=status)
