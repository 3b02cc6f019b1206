"""Requests made to staff for a copy of someone's data (UK GDPR Art. 15), for the area's manager.

Log a request, see its legal due date, prepare the copy, decide note by note whether the
serious-harm exemption applies to each restricted note, extend the deadline with a reason,
release the copy and download it to hand over. The rules are in coproduce/subject_access.
"""

import datetime
from collections.abc import Callable
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.participants.services import record_participant_list_view, record_participant_view
from coproduce.subject_access.deadlines import due_date
from coproduce.subject_access.models import SubjectAccessRequest
from coproduce.subject_access.package import file_name
from coproduce.subject_access.selectors import (
    DUE_SOON_DAYS,
    area_requests,
    copy_summary,
    request_for,
    restricted_notes_with_decisions,
)
from coproduce.subject_access.services import (
    COPY_KEPT_DAYS,
    STAFF_HOW_MADE,
    STAFF_IDENTITY_CHECKS,
    CopyNotReady,
    copy_for_download,
    extend_deadline,
    log_request,
    prepare_copy,
    record_note_decision,
    release_copy,
)
from coproduce.web.access import require_roles, visible_participant_or_404
from coproduce.web.downloads import zip_response
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import DateInput, GovukForm, VersionedForm, submitting
from coproduce.web.pagination import paginate
from coproduce.web.partnership.common import managed_partnership

REQUESTS_PER_PAGE = 50
Model = SubjectAccessRequest


def _choices(choices: Any, allowed: list[str]) -> list[tuple[str, str]]:
    return [(value, label) for value, label in choices if value in allowed]


class LogRequestForm(GovukForm):
    received_on = forms.DateField(
        label="Date the request was received",
        widget=DateInput,
        help_text="The legal deadline is worked out from this date.",
        error_messages={"required": "Enter the date the request was received.", "invalid": "Enter a real date."},
    )
    how_made = forms.ChoiceField(
        label="How was the request made?",
        widget=forms.RadioSelect,
        choices=_choices(Model.HowMade.choices, STAFF_HOW_MADE),
        error_messages={"required": "Choose how the request was made."},
    )
    made_by = forms.ChoiceField(
        label="Who made it?",
        widget=forms.RadioSelect,
        choices=Model.MadeBy.choices,
        initial=Model.MadeBy.PARTICIPANT,
        error_messages={"required": "Choose who made the request."},
    )
    representative_name = forms.CharField(
        label="Name of the person acting for them",
        required=False,
        max_length=200,
        help_text="Only if someone else made the request for them, like a solicitor, advocate or family member.",
    )
    representative_authority = forms.CharField(
        label="How you checked they may act for the participant",
        required=False,
        max_length=300,
        help_text="For example: signed letter of authority from the participant seen on 3 March.",
    )
    identity_checked = forms.ChoiceField(
        label="How did you check who they are?",
        widget=forms.RadioSelect,
        choices=_choices(Model.IdentityCheck.choices, STAFF_IDENTITY_CHECKS),
        error_messages={"required": "Choose how you checked who they are."},
    )
    identity_note = forms.CharField(
        label="Details of the identity check", required=False, max_length=300, help_text="Never copy ID numbers here."
    )


class NoteDecisionForm(VersionedForm):
    exemption_applies = forms.TypedChoiceField(
        label="Would giving them this note be likely to cause serious harm to anyone's physical or mental health?",
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[
            ("yes", "Yes: withhold this note (the serious-harm exemption applies)"),
            ("no", "No: include this note in their copy"),
        ],
        error_messages={"required": "Choose whether the serious-harm exemption applies to this note."},
    )
    reason = forms.CharField(
        label="Your reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Say why. Where health is concerned, record the opinion of the appropriate health professional.",
        error_messages={"required": "Give the reason for your decision."},
    )


class ExtendForm(VersionedForm):
    months = forms.TypedChoiceField(
        label="Extend by",
        widget=forms.RadioSelect,
        coerce=int,
        choices=[(1, "One more month"), (2, "Two more months")],
        error_messages={"required": "Choose how long to extend by."},
    )
    reason = forms.CharField(
        label="Why the request needs longer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=(
            "The request is complex, or they made several. You must tell them within the first month, with this reason."
        ),
        error_messages={"required": "Give the reason for the extension."},
    )


def _handled_request(request: HttpRequest, pk: int) -> Any:
    """The request if this manager may handle it; the 404 page otherwise (the same either way)."""
    subject_access_request = request_for(request.user, pk)
    if subject_access_request is None or not rules.has_perm(
        "subject_access.handle_request", request.user, subject_access_request.participant
    ):
        raise Http404("No such request.")
    return subject_access_request


def _detail_url(subject_access_request: SubjectAccessRequest) -> str:
    return reverse("web:subject_access_detail", args=[subject_access_request.pk])


@require_roles(Role.PARTNERSHIP_MANAGER)
def subject_access_list(request: HttpRequest) -> HttpResponse:
    """The area's requests, open ones soonest due first: a fixed number of queries for any number."""
    partnership = managed_partnership(request)
    pages = paginate(request, area_requests(request.user), REQUESTS_PER_PAGE)
    today = timezone.localdate()
    rows = [
        {
            "request": item,
            "overdue": item.is_open and item.kind == Model.Kind.MADE_TO_STAFF and item.due_on < today,
            "due_soon": item.is_open
            and item.kind == Model.Kind.MADE_TO_STAFF
            and today <= item.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS),
        }
        for item in pages.page
    ]
    record_participant_list_view(actor=request.user, participant_ids=[row["request"].participant_id for row in rows])
    context = {
        "page_title": f"Requests for a copy of someone's data in {partnership.area_name}",
        "partnership": partnership,
        "pages": pages,
        "rows": rows,
    }
    return render(request, "web/partnership/subject_access_list.html", context)


@require_roles(Role.PARTNERSHIP_MANAGER)
def subject_access_add(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    if not rules.has_perm("subject_access.handle_request", request.user, participant):
        raise Http404("No such participant.")
    form = LogRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            subject_access_request = log_request(actor=request.user, participant_id=participant.pk, **form.cleaned_data)
        if submission.ok:
            messages.success(
                request,
                f"Request {subject_access_request.reference} is logged. Their copy is due by "
                f"{subject_access_request.due_on.day} {subject_access_request.due_on:%B %Y}.",
            )
            return redirect(_detail_url(subject_access_request))
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"Log a request for a copy of {participant.full_name}'s data",
        "participant": participant,
        "form": form,
        "due_if_today": due_date(timezone.localdate()),
    }
    return render(
        request, "web/partnership/subject_access_form.html", context, status=400 if request.method == "POST" else 200
    )


@require_roles(Role.PARTNERSHIP_MANAGER)
def subject_access_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: its details and deadline, the restricted notes to decide on, the copy and what
    to do next. The same number of queries however many notes there are."""
    subject_access_request = _handled_request(request, pk)
    # Each note carries `decisions`, this request's decision on it (none or one).
    notes: list[Any] = list(restricted_notes_with_decisions(subject_access_request))
    copy = copy_summary(subject_access_request) if subject_access_request.prepared_at else None
    undecided = sum(1 for note in notes if not note.decisions)
    record_participant_view(actor=request.user, participant=subject_access_request.participant)
    context = {
        "page_title": f"Request {subject_access_request.reference}",
        "item": subject_access_request,
        "participant": subject_access_request.participant,
        "notes": notes,
        "undecided": undecided,
        "copy": copy,
        "can_release": subject_access_request.status == Model.Status.PREPARED
        and subject_access_request.has_copy
        and undecided == 0,
        "first_due_on": due_date(subject_access_request.received_on),
        "today": timezone.localdate(),
        "kept_days": COPY_KEPT_DAYS,
        "Status": Model.Status,
        "Kind": Model.Kind,
    }
    return render(request, "web/partnership/subject_access_detail.html", context)


def _version_or_back(request: HttpRequest) -> int | None:
    form = VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date: look at the request again, then try once more.")
        return None
    version: int = form.cleaned_data["version"]
    return version


@conflict_back_label("See the request as it is now")
def _act_on_request(request: HttpRequest, pk: int, act: Callable[..., SubjectAccessRequest], done: str) -> HttpResponse:
    """One step of a request made to staff (prepare, release): the service, then back to the request."""
    subject_access_request = _handled_request(request, pk)
    version = _version_or_back(request)
    if version is None:
        return redirect(_detail_url(subject_access_request))
    with submitting(request) as submission:
        act(actor=request.user, request_id=subject_access_request.pk, expected_version=version)
    if submission.ok:
        messages.success(request, done)
    return redirect(_detail_url(subject_access_request))


@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def subject_access_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_request(
        request,
        pk,
        prepare_copy,
        "The copy is being prepared. It takes a few seconds: look at the request again to see it.",
    )


@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def subject_access_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_request(
        request,
        pk,
        release_copy,
        "The copy is released. Download it to hand over; if they have an account, it is on their page too.",
    )


@conflict_back_label("Decide again on the note as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
def subject_access_note_decision(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    subject_access_request = _handled_request(request, pk)
    notes: list[Any] = list(restricted_notes_with_decisions(subject_access_request))
    note = next((note for note in notes if note.pk == note_pk), None)
    if note is None:
        raise Http404("No such restricted note.")
    decision = note.decisions[0] if note.decisions else None
    initial: dict[str, Any] = {"version": subject_access_request.version}
    if decision is not None:
        initial |= {"exemption_applies": "yes" if decision.exemption_applies else "no", "reason": decision.reason}
    form = NoteDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            record_note_decision(
                actor=request.user,
                request_id=subject_access_request.pk,
                expected_version=form.cleaned_data["version"],
                contact_id=note.pk,
                exemption_applies=form.cleaned_data["exemption_applies"],
                reason=form.cleaned_data["reason"],
            )
        if submission.ok:
            messages.success(
                request, f"Your decision on the note of {note.happened_on.day} {note.happened_on:%B %Y} is recorded."
            )
            return redirect(_detail_url(subject_access_request))
    record_participant_view(actor=request.user, participant=subject_access_request.participant)
    context = {
        "page_title": "Decide on a restricted note",
        "item": subject_access_request,
        "note": note,
        "decision": decision,
        "form": form,
    }
    return render(
        request,
        "web/partnership/subject_access_note_decision.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@conflict_back_label("See the request as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
def subject_access_extend(request: HttpRequest, pk: int) -> HttpResponse:
    subject_access_request = _handled_request(request, pk)
    form = ExtendForm(request.POST or None, initial={"version": subject_access_request.version})
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            extended = extend_deadline(
                actor=request.user,
                request_id=subject_access_request.pk,
                expected_version=form.cleaned_data["version"],
                months=form.cleaned_data["months"],
                reason=form.cleaned_data["reason"],
            )
        if submission.ok:
            messages.success(
                request, f"The request is now due by {extended.due_on.day} {extended.due_on:%B %Y}. Tell them why, now."
            )
            return redirect(_detail_url(extended))
    record_participant_view(actor=request.user, participant=subject_access_request.participant)
    context = {
        "page_title": f"Extend request {subject_access_request.reference}",
        "item": subject_access_request,
        "form": form,
        "first_due_on": due_date(subject_access_request.received_on),
        "due_if": [
            (months, due_date(subject_access_request.received_on, extended_by_months=months)) for months in (1, 2)
        ],
    }
    return render(
        request, "web/partnership/subject_access_extend.html", context, status=400 if request.method == "POST" else 200
    )


@audited_as_export
@require_roles(Role.PARTNERSHIP_MANAGER)
def subject_access_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The released copy, to hand over; audited as an export."""
    subject_access_request = _handled_request(request, pk)
    try:
        subject_access_request, copy = copy_for_download(actor=request.user, request_id=subject_access_request.pk)
    except CopyNotReady as error:
        messages.error(request, error.message)
        return redirect(_detail_url(subject_access_request))
    return zip_response(bytes(copy.content), file_name(subject_access_request.participant.reference, copy.made_at))
