"""The partnership manager's budgets: pots with running balances, spend by category, and the
requests above the keyworker limit waiting for them. Rules live in coproduce/budgets/services.py."""

import datetime
from decimal import Decimal
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coproduce.accounts.roles import Role
from coproduce.budgets.selectors import (
    pots_visible_to,
    pots_with_balances,
    spend_by_category,
    spends_waiting_for_manager,
)
from coproduce.budgets.services import create_pot, update_pot
from coproduce.participants.services import record_participant_list_view
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import DateInput, GovukForm, submitting
from coproduce.web.partnership.common import managed_partnership


class PotForm(GovukForm):
    name = forms.CharField(label="Name", max_length=120, error_messages={"required": "Give the pot a name."})
    holder = forms.ChoiceField(label="Whose pot is it?", required=False)
    starts_on = forms.DateField(label="Starts on", widget=DateInput, error_messages={"required": "Enter the start."})
    ends_on = forms.DateField(label="Ends on", widget=DateInput, error_messages={"required": "Enter the end."})
    amount = forms.DecimalField(
        label="Amount, in pounds",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        error_messages={"required": "Enter the amount.", "invalid": "Enter an amount like 5000.00."},
    )
    keyworker_limit = forms.DecimalField(
        label="Keyworker limit, in pounds",
        help_text="A keyworker approves requests up to this amount; you decide the ones above it.",
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        initial=Decimal("100.00"),
    )

    def __init__(self, *args: Any, holders: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if holders is None:
            del self.fields["holder"]
        else:
            self.fields["holder"].choices = holders  # type: ignore[attr-defined]


class PotEditForm(PotForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


@require_roles(Role.PARTNERSHIP_MANAGER)
def area_budgets(request: HttpRequest) -> HttpResponse:
    """Pots with running balances, approved spend by category, and requests waiting for the manager."""
    user = request.user
    managed_partnership(request)
    waiting = list(spends_waiting_for_manager(user))
    record_participant_list_view(actor=user, participant_ids=sorted({spend.participant_id for spend in waiting}))
    context = {
        "page_title": "Budgets",
        "pots": pots_with_balances(user),
        "by_category": spend_by_category(user),
        "waiting": waiting,
        "can_create": rules.has_perm("budgets.create_pot", user),
    }
    return render(request, "web/partnership/budget_overview.html", context)


def _holders(request: HttpRequest) -> list[tuple[str, str]]:
    partnership = managed_partnership(request)
    members = partnership.organisations.order_by("name")
    return [("", f"The partnership ({partnership.area_name})"), *[(str(org.pk), org.name) for org in members]]


@require_roles(Role.PARTNERSHIP_MANAGER)
def budget_pot_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.has_perm("budgets.create_pot", user):
        raise PermissionDenied("Only partnership managers can open budget pots.")
    today = datetime.date.today()
    form = PotForm(
        request.POST if request.method == "POST" else None,
        holders=_holders(request),
        initial={"starts_on": today, "ends_on": today.replace(month=12, day=31)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                create_pot(
                    actor=user,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    amount=data["amount"],
                    keyworker_limit=data["keyworker_limit"],
                    organisation_id=int(data["holder"]) if data.get("holder") else None,
                )
            status = submission.status
            if submission.ok:
                messages.success(request, f"{data['name']} is open.")
                return redirect("web:area_budgets")
        else:
            status = 400
    return render(
        request,
        "web/partnership/budget_pot_form.html",
        {"page_title": "Open a budget pot", "form": form},
        status=status,
    )


@conflict_back_label("See the pot as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
def budget_pot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    pot = pots_visible_to(user).filter(pk=pk).first()
    if pot is None:
        raise Http404("No such budget pot.")
    if not rules.has_perm("budgets.change_pot", user, pot):
        raise PermissionDenied("Only the partnership's manager can change this pot.")
    form = PotEditForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": pot.name,
            "starts_on": pot.starts_on,
            "ends_on": pot.ends_on,
            "amount": pot.amount,
            "keyworker_limit": pot.keyworker_limit,
            "version": pot.version,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            with submitting(form) as submission:
                update_pot(actor=user, pot_id=pot.pk, expected_version=version, changes=data)
            status = submission.status
            if submission.ok:
                messages.success(request, "Saved.")
                return redirect(reverse("web:area_budgets"))
        else:
            status = 400
    context = {"page_title": f"Change {pot.name}", "form": form, "pot": pot}
    return render(request, "web/partnership/budget_pot_form.html", context, status=status)
