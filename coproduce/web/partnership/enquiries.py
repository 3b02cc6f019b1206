"""Enquiries from people who asked for help: the manager allocates them; the keyworker follows up.

Enquirers are not participants yet, but their names and contact details are personal data, so
every page that shows them is audited.
"""

import rules
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.participants.models import Enquiry
from coproduce.participants.selectors import enquiries_visible_to
from coproduce.participants.services import (
    allocate_enquiry,
    close_enquiry,
    record_enquiry_list_view,
    record_enquiry_view,
)
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.partnership.common import managed_partnership
from coproduce.web.partnership.forms import CloseEnquiryForm, EnquiryFilterForm, KeyworkerForm, KeyworkerNameForm
from coproduce.web.partnership.keyworker_choice import chosen_keyworker_id, keyworker_options, with_name

ENQUIRIES_PER_PAGE = 50
FINISHED = (Enquiry.Status.REGISTERED, Enquiry.Status.CLOSED)


@require_roles(Role.PARTNERSHIP_MANAGER)
def enquiry_list(request: HttpRequest) -> HttpResponse:
    """The area's enquiries with one status (waiting, unless asked), oldest first."""
    partnership = managed_partnership(request)
    status = EnquiryFilterForm(request.GET).chosen()
    enquiries = enquiries_visible_to(request.user).filter(partnership=partnership)
    by_status = {row["status"]: row["n"] for row in enquiries.order_by().values("status").annotate(n=Count("pk"))}
    if status != "all":
        enquiries = enquiries.filter(status=status)
    pages = paginate(
        request,
        enquiries.select_related("partnership", "allocated_to__user").order_by("created_at", "pk"),
        ENQUIRIES_PER_PAGE,
    )
    shown = list(pages.page.object_list)
    record_enquiry_list_view(actor=request.user, enquiries=shown)
    filters = [
        {"value": value, "label": label, "count": by_status.get(value, 0), "current": value == status}
        for value, label in Enquiry.Status.choices
    ]
    filters.append({"value": "all", "label": "All", "count": sum(by_status.values()), "current": status == "all"})
    context = {
        "page_title": "Enquiries",
        "partnership": partnership,
        "status": status,
        "status_label": dict(Enquiry.Status.choices).get(status, "All"),
        "filters": filters,
        "enquiries": shown,
        "pages": pages,
    }
    return render(request, "web/partnership/enquiry_list.html", context)


def _visible_enquiry(request: HttpRequest, pk: int) -> Enquiry:
    enquiry = (
        enquiries_visible_to(request.user)
        .select_related("partnership", "allocated_to__user", "allocated_to__organisation", "allocated_by")
        .filter(pk=pk)
        .first()
    )
    if enquiry is None:
        raise Http404("No such enquiry.")
    return enquiry


def _allocate_form(request: HttpRequest, enquiry: Enquiry, data: object = None) -> KeyworkerForm | None:
    if enquiry.status in FINISHED or not rules.has_perm("participants.allocate_enquiry", request.user, enquiry):
        return None
    initial = {"version": enquiry.version, "keyworker": enquiry.allocated_to_id}
    chosen = chosen_keyworker_id(request.POST.get("allocate-keyworker")) if data is not None else None
    options = keyworker_options(
        request.user,
        enquiry.partnership,
        name=KeyworkerNameForm(request.GET).name(),
        chosen_id=chosen or enquiry.allocated_to_id,
    )
    return KeyworkerForm(data, initial=initial, keyworkers=options.choices, hint=options.hint, prefix="allocate")


def _close_form(request: HttpRequest, enquiry: Enquiry, data: object = None) -> CloseEnquiryForm | None:
    if enquiry.status in FINISHED or not rules.has_perm("participants.register_from_enquiry", request.user, enquiry):
        return None
    return CloseEnquiryForm(data, initial={"version": enquiry.version}, prefix="close")


def _render_detail(
    request: HttpRequest,
    enquiry: Enquiry,
    *,
    allocate_form: KeyworkerForm | None = None,
    close_form: CloseEnquiryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    record_enquiry_view(actor=request.user, enquiry=enquiry)
    standing = standing_of(request.user)
    name_form = KeyworkerNameForm(request.GET)
    is_allocated_keyworker = (
        standing.has(Role.KEYWORKER)
        and standing.staff_member is not None
        and enquiry.allocated_to_id == standing.staff_member.pk
    )
    context = {
        "page_title": f"Enquiry from {enquiry.name}",
        "enquiry": enquiry,
        "is_manager": rules.has_perm("participants.allocate_enquiry", request.user, enquiry),
        "allocate_form": allocate_form or _allocate_form(request, enquiry),
        "name_form": name_form,
        "allocate_action": with_name(reverse("web:enquiry_allocate", args=[enquiry.pk]), name_form.name()),
        "close_form": close_form or _close_form(request, enquiry),
        "register_url": (
            f"{reverse('web:participant_register')}?enquiry={enquiry.pk}"
            if is_allocated_keyworker and enquiry.status == Enquiry.Status.ALLOCATED
            else ""
        ),
    }
    return render(request, "web/partnership/enquiry_detail.html", context, status=status)


@require_roles(Role.PARTNERSHIP_MANAGER, Role.KEYWORKER)
def enquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager of the area and the keyworker it is allocated to; anyone else gets 404."""
    return _render_detail(request, _visible_enquiry(request, pk))


@conflict_back_label("See the enquiry as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def enquiry_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _visible_enquiry(request, pk)
    form = _allocate_form(request, enquiry, request.POST)
    if form is None:
        raise Http404("This enquiry cannot be allocated.")
    if form.is_valid():
        with submitting(form) as submission:
            enquiry = allocate_enquiry(
                actor=request.user,
                enquiry_id=enquiry.pk,
                expected_version=form.cleaned_data["version"],
                keyworker_id=form.cleaned_data["keyworker"],
                over_limit_confirmed=form.cleaned_data["over_limit_confirmed"],
            )
        if submission.ok:
            keyworker = enquiry.allocated_to.user if enquiry.allocated_to else ""
            messages.success(request, f"The enquiry from {enquiry.name} is now with {keyworker}.")
            return redirect(_detail_url(enquiry))
    return _render_detail(request, enquiry, allocate_form=form, status=400)


@conflict_back_label("See the enquiry as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER, Role.KEYWORKER)
@require_POST
def enquiry_close(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _visible_enquiry(request, pk)
    form = _close_form(request, enquiry, request.POST)
    if form is None:
        raise Http404("This enquiry cannot be closed.")
    if form.is_valid():
        with submitting(form) as submission:
            enquiry = close_enquiry(
                actor=request.user,
                enquiry_id=enquiry.pk,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        if submission.ok:
            messages.success(request, f"The enquiry from {enquiry.name} is closed.")
            return redirect(_detail_url(enquiry))
    return _render_detail(request, enquiry, close_form=form, status=400)


def _detail_url(enquiry: Enquiry) -> str:
    return reverse("web:enquiry_detail", args=[enquiry.pk])
