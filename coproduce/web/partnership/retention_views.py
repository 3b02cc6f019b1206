"""The partnership manager's pages about keeping and erasing personal data.

The retention schedule (read-only here; administrators set it in the admin), what is due in
the area, and erasure requests: record one from the person's record, then decide (anonymise now,
or keep for now for a lawful reason until a date). Every page showing a person's name is audited.
"""

import rules
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_list_view, record_participant_view
from coproduce.referrals.models import SharedField
from coproduce.retention.models import ErasureRequest
from coproduce.retention.selectors import (
    account_rules,
    area_retention,
    deletion_notices_visible_to,
    erasure_requests_visible_to,
    open_erasure_request,
    schedule_for,
)
from coproduce.retention.services import KEEP_FOR_NOW, decide_erasure_request, record_erasure_request
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.partnership.common import managed_partnership
from coproduce.web.partnership.retention_forms import EraseNowForm, ErasureRequestForm, KeepForNowForm

REQUESTS_PER_PAGE = 25


@require_roles(Role.PARTNERSHIP_MANAGER)
def retention_overview(request: HttpRequest) -> HttpResponse:
    """The schedule in force, what is due in the area, and the area's erasure requests."""
    partnership = managed_partnership(request)
    schedule = schedule_for(partnership.programme)
    today = timezone.localdate()
    requests = (
        erasure_requests_visible_to(request.user)
        .select_related("participant", "recorded_by")
        .order_by("-received_on", "-pk")
    )
    pages = paginate(request, requests, REQUESTS_PER_PAGE)
    shown = list(pages.page.object_list)
    record_participant_list_view(
        actor=request.user,
        participant_ids=sorted({row.participant_id for row in shown if row.participant.anonymised_at is None}),
    )
    context = {
        "page_title": "Keeping and erasing personal data",
        "partnership": partnership,
        "schedule": schedule,
        "accounts": account_rules(),
        "area": area_retention(request.user, schedule, today),
        "requests": shown,
        "pages": pages,
    }
    return render(request, "web/partnership/retention.html", context)


def _participant_for_request(request: HttpRequest, pk: int) -> Participant:
    participant = participants_visible_to(request.user).select_related("partnership").filter(pk=pk).first()
    if participant is None or not rules.has_perm("retention.record_erasure_request", request.user, participant):
        raise Http404("No such participant.")
    return participant


@require_roles(Role.PARTNERSHIP_MANAGER)
def erasure_request_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the person asked for their data to be erased (then decide, on the next page)."""
    participant = _participant_for_request(request, pk)
    form = ErasureRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            erasure = record_erasure_request(
                actor=request.user,
                participant_id=participant.pk,
                received_on=form.cleaned_data["received_on"],
                how_made=form.cleaned_data["how_made"],
            )
        if submission.ok:
            messages.success(request, "The request is recorded. Now decide what happens to their data.")
            return redirect(_detail_url(erasure))
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"Record {participant.full_name}'s request to erase their data",
        "participant": participant,
        "form": form,
        "open_request": open_erasure_request(participant),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "web/partnership/erasure_request_add.html", context, status=status)


def _visible_request(request: HttpRequest, pk: int) -> ErasureRequest:
    erasure = (
        erasure_requests_visible_to(request.user)
        .select_related("participant", "recorded_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if erasure is None:
        raise Http404("No such erasure request.")
    return erasure


def _detail_url(erasure: ErasureRequest) -> str:
    return reverse("web:erasure_request_detail", args=[erasure.pk])


def _render_detail(
    request: HttpRequest,
    erasure: ErasureRequest,
    *,
    keep_form: KeepForNowForm | None = None,
    erase_form: EraseNowForm | None = None,
    status: int = 200,
) -> HttpResponse:
    participant = erasure.participant
    if participant.anonymised_at is None:
        record_participant_view(actor=request.user, participant=participant)
    open_to_decide = erasure.status != ErasureRequest.Status.DONE
    initial = {"version": erasure.version}
    notices = [
        {
            "notice": notice,
            "fields": [SharedField(value).label for value in notice.shared_fields if value in SharedField.values],
        }
        for notice in deletion_notices_visible_to(request.user)
        .filter(referral__participant_id=participant.pk)
        .select_related("organisation", "referral__service")
        .order_by("received_at", "pk")
    ]
    context = {
        "page_title": "Erasure request",
        "erasure": erasure,
        "participant": participant,
        "keep_form": (keep_form or KeepForNowForm(initial=initial, prefix="keep")) if open_to_decide else None,
        "erase_form": (erase_form or EraseNowForm(initial=initial, prefix="erase")) if open_to_decide else None,
        "notices": notices,
    }
    return render(request, "web/partnership/erasure_request_detail.html", context, status=status)


@require_roles(Role.PARTNERSHIP_MANAGER)
def erasure_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible_request(request, pk))


@conflict_back_label("See the request as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def erasure_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep their data for now (a lawful reason, until a date), or anonymise their record now."""
    erasure = _visible_request(request, pk)
    keeping = request.POST.get("keep-decision") == KEEP_FOR_NOW
    form: KeepForNowForm | EraseNowForm = (
        KeepForNowForm(request.POST, prefix="keep") if keeping else EraseNowForm(request.POST, prefix="erase")
    )
    if form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submission:
            erasure = decide_erasure_request(
                actor=request.user,
                request_id=erasure.pk,
                expected_version=data["version"],
                decision=data["decision"],
                keep_reason=data.get("keep_reason", ""),
                keep_detail=data.get("keep_detail", ""),
                keep_until=data.get("keep_until"),
            )
        if submission.ok:
            if erasure.status == ErasureRequest.Status.DONE:
                messages.success(request, "Their record is anonymised. Partner organisations have been told to delete.")
            else:
                messages.success(request, f"Their data is kept until {erasure.keep_until:%-d %B %Y}, then anonymised.")
            return redirect(_detail_url(erasure))
    if keeping:
        return _render_detail(request, erasure, keep_form=form, status=400)  # type: ignore[arg-type]
    return _render_detail(request, erasure, erase_form=form, status=400)  # type: ignore[arg-type]
