"""The partnership manager's area overview and the partnership's settings."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coproduce.accounts.roles import Role
from coproduce.participants.models import Enquiry
from coproduce.participants.selectors import caseload_sizes_in_partnership, enquiries_visible_to
from coproduce.participants.services import record_enquiry_list_view
from coproduce.programmes.models import PartnershipMembership
from coproduce.programmes.services import update_partnership
from coproduce.reporting.selectors import area_status_counts
from coproduce.subject_access.selectors import requests_needing_attention
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.partnership.common import managed_partnership
from coproduce.web.partnership.forms import CaseloadLimitForm

OLDEST_ENQUIRIES_SHOWN = 5


@require_roles(Role.PARTNERSHIP_MANAGER)
def area_overview(request: HttpRequest) -> HttpResponse:
    """Counts, caseloads, waiting enquiries and members: the same number of queries for any size of area."""
    partnership = managed_partnership(request)
    caseloads = [
        {"keyworker": keyworker, "over_limit": keyworker.active_count > partnership.caseload_limit}
        for keyworker in caseload_sizes_in_partnership(request.user)
    ]
    waiting = enquiries_visible_to(request.user).filter(partnership=partnership, status=Enquiry.Status.WAITING)
    memberships = list(partnership.memberships.all())
    oldest_waiting = list(waiting.order_by("created_at", "pk")[:OLDEST_ENQUIRIES_SHOWN])
    record_enquiry_list_view(actor=request.user, enquiries=oldest_waiting)
    context = {
        "page_title": f"{partnership.area_name} area overview",
        "partnership": partnership,
        "counts": area_status_counts(request.user),
        "caseloads": caseloads,
        "over_limit": sum(1 for row in caseloads if row["over_limit"]),
        "waiting_count": waiting.count(),
        # By name, as on the enquiry list (the manager allocates them); shown names are audited below.
        "oldest_waiting": oldest_waiting,
        "co_leads": [m for m in memberships if m.role == PartnershipMembership.Role.CO_LEAD],
        "members": [m for m in memberships if m.role == PartnershipMembership.Role.MEMBER],
        # Subject access requests made to staff that are late or due within a week (one query).
        "subject_access": requests_needing_attention(request.user),
    }
    return render(request, "web/partnership/overview.html", context)


@conflict_back_label("See the settings as they are now")
@require_roles(Role.PARTNERSHIP_MANAGER)
def partnership_settings(request: HttpRequest) -> HttpResponse:
    partnership = managed_partnership(request)
    initial = {"caseload_limit": partnership.caseload_limit, "version": partnership.version}
    form = CaseloadLimitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            update_partnership(
                actor=request.user,
                partnership_id=partnership.pk,
                expected_version=form.cleaned_data["version"],
                caseload_limit=form.cleaned_data["caseload_limit"],
            )
        if submission.ok:
            messages.success(request, "The caseload limit is saved.")
            return redirect(reverse("web:area_overview"))
    status = 400 if request.method == "POST" else 200
    context = {"page_title": f"{partnership.area_name} partnership settings", "partnership": partnership, "form": form}
    return render(request, "web/partnership/settings.html", context, status=status)
