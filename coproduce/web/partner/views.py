"""The partner worker's page: their organisation, and the referrals they will receive."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.accounts.roles import Role
from coproduce.programmes.actors import actor_for
from coproduce.programmes.selectors import partnerships_visible_to
from coproduce.web.access import require_roles


@require_roles(Role.PARTNER_WORKER)
def partner_home(request: HttpRequest) -> HttpResponse:
    staff = actor_for(request.user).staff_member
    assert staff is not None  # the partner worker role is held by a member of staff
    partnership = (
        partnerships_visible_to(request.user).filter(pk=staff.partnership_id).first() if staff.partnership_id else None
    )
    membership = (
        next((m for m in partnership.memberships.all() if m.organisation_id == staff.organisation_id), None)
        if partnership
        else None
    )
    context = {
        "page_title": "Referrals",
        "organisation": staff.organisation,
        "partnership": partnership,
        "membership": membership,
    }
    return render(request, "web/partner/home.html", context)
