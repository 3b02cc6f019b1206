"""Casework pages for outcomes: the list with job quality, recording and correcting, the work wish,
and answering sustainment checks.

One form records every kind of outcome (it works without JavaScript): the job fields are asked
for every kind, and the service checks them by kind (a job start needs sector, hours, contract and
pay; other kinds keep none). Which participants a person sees comes from participants_visible_to.
"""

from decimal import Decimal
from typing import Any, cast

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.outcomes.models import ContractType, Outcome, Sector, SustainmentCheck
from coproduce.outcomes.selectors import (
    outcome_rows,
    outcomes_visible_to,
    sustainment_checks_visible_to,
    work_wishes_visible_to,
)
from coproduce.outcomes.services import answer_sustainment_check, record_outcome, set_work_wish, update_outcome
from coproduce.participants.models import Participant
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Goal
from coproduce.web.access import require_roles, visible_participant_or_404
from coproduce.web.forms import DateInput, GovukForm, submitting

CASEWORKERS = (Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
ANSWER_CHOICES = [
    (SustainmentCheck.Status.IN_WORK.value, "Still in work"),
    (SustainmentCheck.Status.NOT_IN_WORK.value, "No longer in work"),
    (SustainmentCheck.Status.NO_CONTACT.value, "Could not get in touch"),
]


class OutcomeForm(GovukForm):
    kind = forms.ChoiceField(
        label="What happened?",
        choices=Outcome.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened."},
    )
    achieved_on = forms.DateField(
        label="Date", widget=DateInput, help_text="The start date, or the date it was gained."
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=200,
        help_text="Job title, course, qualification, role or what changed.",
    )
    goal = forms.TypedChoiceField(label="The goal it serves", required=False, coerce=int, empty_value=None)
    employer_sector = forms.ChoiceField(
        label="Employer’s sector", required=False, choices=[("", "Choose a sector"), *Sector.choices]
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week", required=False, min_value=Decimal("0.5"), max_value=80, decimal_places=1
    )
    contract_type = forms.ChoiceField(
        label="Contract", required=False, choices=[("", "Choose a contract type"), *ContractType.choices]
    )
    hourly_pay = forms.DecimalField(
        label="Hourly pay, in pounds", required=False, min_value=0, max_digits=6, decimal_places=2
    )
    evidence = forms.ChoiceField(label="Evidence", choices=Outcome.Evidence.choices, widget=forms.RadioSelect)
    evidence_note = forms.CharField(label="About the evidence", required=False, max_length=200)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, goals: list[tuple[int, str]], fixed_kind: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["goal"]).choices = [("", "Not linked to a goal"), *goals]
        for name in ("employer_sector", "hours_per_week", "contract_type", "hourly_pay"):
            self.fields[name].help_text = "For a job start (needed) or a progression in work."
        if fixed_kind:
            del self.fields["kind"]

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("achieved_on", "description", *JOB_NAMES, "evidence", "evidence_note")
        details = {name: data[name] for name in names}
        details["goal_id"] = data["goal"]
        for name in ("employer_sector", "contract_type"):
            details[name] = details[name] or ""
        return details


JOB_NAMES = ("employer_sector", "hours_per_week", "contract_type", "hourly_pay")


class WorkWishForm(GovukForm):
    min_hours = forms.DecimalField(label="Fewest hours a week", min_value=0, max_value=80, decimal_places=1)
    max_hours = forms.DecimalField(label="Most hours a week", min_value=0, max_value=80, decimal_places=1)
    contract_types = forms.MultipleChoiceField(
        label="Contracts they would take",
        choices=ContractType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one contract they would take."},
    )
    note = forms.CharField(
        label="In their own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, “school hours only”.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CheckAnswerForm(GovukForm):
    status = forms.ChoiceField(
        label="Are they still in work?",
        choices=ANSWER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they are still in work."},
    )
    checked_on = forms.DateField(label="Date you checked", widget=DateInput)
    note = forms.CharField(label="Note", required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


def _require(request: HttpRequest, participant: Participant) -> None:
    if not rules.has_perm("outcomes.record_outcome", request.user, participant):
        raise PermissionDenied("You can see this record but not do this.")


def _goals(participant: Participant) -> list[tuple[int, str]]:
    return list(Goal.objects.filter(participant=participant).order_by("pk").values_list("pk", "title"))


@require_roles(*CASEWORKERS)
def participant_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    _require(request, participant)
    rows = outcome_rows(request.user, participant)
    wish = work_wishes_visible_to(request.user).filter(participant=participant).first()
    today = timezone.localdate()
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"Outcomes for {participant.full_name}",
        "participant": participant,
        "rows": rows,
        "wish": wish,
        "wish_contracts": [ContractType(value).label for value in (wish.contract_types if wish else [])],
        "today": today,
        "due_checks": [
            check for row in rows for check in row.checks if check.status == "due" and check.due_on <= today
        ],
    }
    return render(request, "web/keyworker/outcome_list.html", context)


@require_roles(*CASEWORKERS)
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    _require(request, participant)
    goals = _goals(participant)
    status = 200
    if request.method == "POST":
        form = OutcomeForm(request.POST, goals=goals)
        if form.is_valid():
            with submitting(form) as submission:
                record_outcome(
                    actor=request.user,
                    participant_id=participant.pk,
                    kind=form.cleaned_data["kind"],
                    **form.details(),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "Outcome recorded.")
                return redirect("web:participant_outcomes", pk=participant.pk)
        else:
            status = 400
    else:
        form = OutcomeForm(goals=goals, initial={"achieved_on": timezone.localdate()})
        record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": f"Record an outcome for {participant.full_name}", "form": form, "participant": participant}
    return render(request, "web/keyworker/outcome_form.html", context, status=status)


@require_roles(*CASEWORKERS)
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = outcomes_visible_to(request.user).select_related("participant").filter(pk=pk).first()
    if outcome is None:
        raise Http404("No such outcome.")
    participant = outcome.participant
    _require(request, participant)
    goals = _goals(participant)
    initial = {
        name: getattr(outcome, name)
        for name in ("achieved_on", "description", *JOB_NAMES, "evidence", "evidence_note", "version")
    }
    initial["goal"] = outcome.goal_id
    status = 200
    if request.method == "POST":
        form = OutcomeForm(request.POST, goals=goals, fixed_kind=True, initial=initial)
        if form.is_valid() and form.cleaned_data.get("version") is not None:
            with submitting(form) as submission:
                update_outcome(
                    actor=request.user,
                    outcome_id=outcome.pk,
                    expected_version=form.cleaned_data["version"],
                    changes=form.details(),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "Outcome corrected.")
                return redirect("web:participant_outcomes", pk=participant.pk)
        else:
            status = 400
    else:
        form = OutcomeForm(goals=goals, fixed_kind=True, initial=initial)
        record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": "Correct an outcome", "form": form, "participant": participant, "outcome": outcome}
    return render(request, "web/keyworker/outcome_edit.html", context, status=status)


@require_roles(*CASEWORKERS)
def work_wish_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    if not rules.has_perm("outcomes.set_work_wish", request.user, participant):
        raise PermissionDenied("You can see this record but not do this.")
    wish = work_wishes_visible_to(request.user).filter(participant=participant).first()
    initial = (
        {name: getattr(wish, name) for name in ("min_hours", "max_hours", "contract_types", "note", "version")}
        if wish
        else {}
    )
    status = 200
    if request.method == "POST":
        form = WorkWishForm(request.POST, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                set_work_wish(
                    actor=request.user,
                    participant_id=participant.pk,
                    min_hours=data["min_hours"],
                    max_hours=data["max_hours"],
                    contract_types=data["contract_types"],
                    note=data["note"],
                    expected_version=data["version"],
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "Work wish saved.")
                return redirect("web:participant_outcomes", pk=participant.pk)
        else:
            status = 400
    else:
        form = WorkWishForm(initial=initial)
        record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": f"What work {participant.full_name} wants", "form": form, "participant": participant}
    return render(request, "web/keyworker/outcome_work_wish.html", context, status=status)


@require_roles(*CASEWORKERS)
def sustainment_check_answer(request: HttpRequest, pk: int) -> HttpResponse:
    check = sustainment_checks_visible_to(request.user).select_related("outcome__participant").filter(pk=pk).first()
    if check is None:
        raise Http404("No such sustainment check.")
    participant = check.outcome.participant
    if not rules.has_perm("outcomes.answer_sustainment_check", request.user, participant):
        raise PermissionDenied("You can see this record but not do this.")
    initial: dict[str, Any] = {"version": check.version, "checked_on": check.checked_on or timezone.localdate()}
    if check.status != SustainmentCheck.Status.DUE:
        initial.update(status=check.status, note=check.note)
    status = 200
    if request.method == "POST":
        form = CheckAnswerForm(request.POST, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                answer_sustainment_check(
                    actor=request.user,
                    check_id=check.pk,
                    expected_version=data["version"],
                    status=data["status"],
                    checked_on=data["checked_on"],
                    note=data["note"],
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "Sustainment check answered.")
                return redirect("web:participant_outcomes", pk=participant.pk)
        else:
            status = 400
    else:
        form = CheckAnswerForm(initial=initial)
        record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"{check.get_weeks_display()} check for {participant.full_name}",
        "form": form,
        "participant": participant,
        "check": check,
    }
    return render(request, "web/keyworker/outcome_check_answer.html", context, status=status)
