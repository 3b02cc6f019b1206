"""A participant's budget, as their keyworker works on it: ask for money, decide within the limit, add receipts.

The approve, decline and cancel actions serve the partnership manager too (for requests above the
keyworker limit). Every rule is in coproduce/budgets/services.py.
"""

from decimal import Decimal
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.budgets.models import Spend
from coproduce.budgets.selectors import pot_balance, pots_for_request, spends_of, spends_visible_to, with_balances
from coproduce.budgets.services import (
    answer_spend,
    approve_spend,
    attach_receipt,
    cancel_spend,
    decline_spend,
    request_spend,
)
from coproduce.participants.models import Participant
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Goal
from coproduce.plans.selectors.plan import goals_visible_to
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles, visible_participant_or_404
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import GovukForm, submitting

CASEWORK = (Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
NOT_FOR_A_GOAL = 0  # the goal choice that says "not for a goal" (goal ids start at 1)
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


class SpendRequestForm(GovukForm):
    pot = forms.TypedChoiceField(label="Which pot?", coerce=int, error_messages={"required": "Choose the pot."})
    category = forms.ChoiceField(
        label="What is it for?", choices=Spend.Category.choices, error_messages={"required": "Choose what it is for."}
    )
    amount = forms.DecimalField(
        label="Amount, in pounds",
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        error_messages={"required": "Enter the amount.", "invalid": "Enter an amount like 45.50."},
    )
    description = forms.CharField(
        label="What exactly", max_length=200, error_messages={"required": "Say what it is for, in plain words."}
    )
    goal = forms.TypedChoiceField(
        label="Which of their goals is it for?",
        help_text="If it is not for one of their goals, choose “Not for a goal” and say why.",
        coerce=int,
        empty_value=None,
        error_messages={"required": "Choose the goal it is for, or “Not for a goal”."},
    )
    no_goal_reason = forms.CharField(
        label="Why it is not for a goal",
        help_text="Only if you chose “Not for a goal”.",
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, pots: list[tuple[int, str]], goals: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pot"].choices = [("", "Choose a pot"), *pots]  # type: ignore[attr-defined]
        self.fields["goal"].choices = [("", "Choose a goal"), *goals, (NOT_FOR_A_GOAL, "Not for a goal")]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("goal") == NOT_FOR_A_GOAL:
            data["goal"] = None
            if not data.get("no_goal_reason", "").strip():
                self.add_error("no_goal_reason", "Say why it is not for one of their goals.")
        else:
            data["no_goal_reason"] = ""
        return data


class StaffAnswerForm(GovukForm):
    """The participant's yes or no, given to their keyworker, recorded on the budget page."""

    spend = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    answer = forms.ChoiceField(
        choices=[(Spend.Answer.YES, "Yes"), (Spend.Answer.NO, "No thanks")],
        error_messages={"required": "Choose what they said: yes or no thanks."},
    )
    answered_how = forms.ChoiceField(
        choices=[
            (Spend.AnsweredHow.IN_PERSON, "In person"),
            (Spend.AnsweredHow.PHONE, "On the phone"),
            (Spend.AnsweredHow.MESSAGE, "By message"),
        ],
        error_messages={"required": "Say how they gave their answer: in person, on the phone or by message."},
    )


class VersionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DeclineForm(VersionForm):
    reason = forms.CharField(
        label="Why not?", max_length=200, error_messages={"required": "Say why, so the keyworker can tell them."}
    )


class ReceiptForm(VersionForm):
    receipt = forms.FileField(
        label="Receipt",
        help_text="A PDF, JPG or PNG file, smaller than 5 MB.",
        error_messages={"required": "Choose the receipt file."},
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receipt"].widget.attrs["class"] = "govuk-file-upload"


def spend_or_404(request: HttpRequest, pk: int) -> Spend:
    spend = spends_visible_to(request.user).select_related("participant", "pot", "goal").filter(pk=pk).first()
    if spend is None:
        raise Http404("No such spend.")
    return spend


def back_to(request: HttpRequest, spend: Spend) -> str:
    """The manager goes back to the area's budgets; the keyworker to the participant's budget."""
    standing = standing_of(request.user)
    if standing.has(Role.PARTNERSHIP_MANAGER) and not standing.has(Role.KEYWORKER):
        return reverse("web:area_budgets")
    return reverse("web:participant_budget", args=[spend.participant_id])


@conflict_back_label("See the budget as it is now")
@require_roles(*CASEWORK)
def participant_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """What has been asked for and spent on one participant, and a form to ask for more."""
    user = request.user
    participant: Participant = visible_participant_or_404(request, pk)
    today = timezone.localdate()
    can_request = rules.has_perm("budgets.request_spend", user, participant)
    pots = list(with_balances(pots_for_request(user, today)))
    goals = goals_visible_to(user).filter(participant=participant, status=Goal.Status.OPEN).order_by("created_at", "pk")
    form = SpendRequestForm(
        request.POST if request.method == "POST" else None,
        pots=[(pot.pk, f"{pot.name} (£{pot_balance(pot).left} left)") for pot in pots],
        goals=[(goal.pk, goal.title) for goal in goals],
    )
    status = 200
    if request.method == "POST" and request.POST.get("action") == "answer":
        return _record_answer(request, participant)
    if request.method == "POST":
        if not can_request:
            raise PermissionDenied("Only their keyworker can ask for money for them.")
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                request_spend(
                    actor=user,
                    participant_id=participant.pk,
                    pot_id=data["pot"],
                    category=data["category"],
                    amount=data["amount"],
                    description=data["description"],
                    goal_id=data["goal"],
                    no_goal_reason=data["no_goal_reason"],
                )
            if submission.failed:
                status = 400
            else:
                messages.success(
                    request, f"Asked for £{data['amount']}. {participant.given_name} sees it and says yes or no first."
                )
                return redirect(request.path)
        else:
            status = 400
    record_participant_view(actor=user, participant=participant)
    spends_here = spends_of(user, participant.pk)
    # "Spending for this goal", from the plan: only the spend towards that one goal.
    goal_id = request.GET.get("goal", "")
    for_goal = (
        goals_visible_to(user).filter(participant=participant, pk=int(goal_id)).first() if goal_id.isdigit() else None
    )
    if for_goal is not None:
        spends_here = spends_here.filter(goal=for_goal)
    spends = list(spends_here)
    context = {
        "page_title": f"{participant.full_name}: budget",
        "participant": participant,
        "for_goal": for_goal,
        "spends": [
            {
                "spend": spend,
                "can_approve": spend.state == Spend.State.REQUESTED
                and spend.participant_answer == Spend.Answer.YES
                and rules.has_perm("budgets.approve_spend", user, spend),
                "can_record_answer": spend.state == Spend.State.REQUESTED
                and rules.has_perm("budgets.answer_spend", user, spend),
                "can_cancel": spend.state == Spend.State.REQUESTED
                and rules.has_perm("budgets.cancel_spend", user, spend),
                "can_add_receipt": spend.state == Spend.State.APPROVED
                and rules.has_perm("budgets.attach_receipt", user, spend),
            }
            for spend in spends
        ],
        "form": form if can_request and pots else None,
        "no_pots": can_request and not pots,
    }
    return render(request, "web/keyworker/budget_participant.html", context, status=status)


def _record_answer(request: HttpRequest, participant: Participant) -> HttpResponse:
    """The keyworker records the yes or no the participant gave them, and how they gave it."""
    back = reverse("web:participant_budget", args=[participant.pk])
    form = StaffAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(back)
    data = form.cleaned_data
    with submitting(request) as submission:
        spend = answer_spend(
            actor=request.user,
            spend_id=data["spend"],
            expected_version=data["version"],
            answer=data["answer"],
            answered_how=data["answered_how"],
        )
    if submission.failed:
        return redirect(back)
    said = "yes" if spend.participant_answer == Spend.Answer.YES else "no thanks"
    messages.success(request, f"Their answer is recorded: {said}.")
    return redirect(back)


@conflict_back_label("See the budget as it is now")
@require_POST
@require_roles(*CASEWORK)
def spend_approve(request: HttpRequest, pk: int) -> HttpResponse:
    spend = spend_or_404(request, pk)
    back = back_to(request, spend)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and try again.")
        return redirect(back)
    with submitting(request) as submission:
        approve_spend(actor=request.user, spend_id=spend.pk, expected_version=form.cleaned_data["version"])
    if submission.failed:
        return redirect(back)
    messages.success(request, f"Approved £{spend.amount} for {spend.participant.full_name}.")
    return redirect(back)


@conflict_back_label("See the budget as it is now")
@require_POST
@require_roles(*CASEWORK)
def spend_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    spend = spend_or_404(request, pk)
    back = back_to(request, spend)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and try again.")
        return redirect(back)
    with submitting(request) as submission:
        cancel_spend(actor=request.user, spend_id=spend.pk, expected_version=form.cleaned_data["version"])
    if submission.failed:
        return redirect(back)
    messages.success(request, "The request is cancelled.")
    return redirect(back)


@conflict_back_label("See the budget as it is now")
@require_roles(*CASEWORK)
def spend_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    spend = spend_or_404(request, pk)
    if not rules.has_perm("budgets.decline_spend", user, spend):
        raise PermissionDenied("Only the person who may approve this can decline it.")
    back = back_to(request, spend)
    form = DeclineForm(request.POST if request.method == "POST" else None, initial={"version": spend.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                decline_spend(
                    actor=user,
                    spend_id=spend.pk,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            if submission.failed:
                status = 400
            else:
                messages.success(request, "Declined.")
                return redirect(back)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=spend.participant)
    context = {"page_title": "Decline the request", "form": form, "spend": spend, "back": back}
    return render(request, "web/keyworker/budget_decline.html", context, status=status)


@conflict_back_label("See the budget as it is now")
@require_roles(*CASEWORK)
def spend_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the receipt of an approved spend (GET: the form; with ?download, the file kept)."""
    user = request.user
    spend = spend_or_404(request, pk)
    if not rules.has_perm("budgets.attach_receipt", user, spend):
        raise PermissionDenied("Only their keyworker or the partnership manager can see or add receipts.")
    back = back_to(request, spend)
    if request.method == "GET" and "download" in request.GET:
        if not spend.receipt:
            raise Http404("No receipt yet.")
        record_participant_view(actor=user, participant=spend.participant)
        # Receipts are at most 5 MB: sent whole, as a download, never shown inline.
        name = spend.receipt.name.rsplit("/", 1)[-1]
        content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
        with spend.receipt.open("rb") as stored:
            response = HttpResponse(stored.read(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
    form = ReceiptForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"version": spend.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                attach_receipt(
                    actor=user,
                    spend_id=spend.pk,
                    expected_version=form.cleaned_data["version"],
                    upload=form.cleaned_data["receipt"],
                )
            if submission.failed:
                status = 400
            else:
                messages.success(request, "Receipt saved.")
                return redirect(back)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=spend.participant)
    context = {"page_title": "Add the receipt", "form": form, "spend": spend, "back": back}
    return render(request, "web/keyworker/budget_receipt.html", context, status=status)
