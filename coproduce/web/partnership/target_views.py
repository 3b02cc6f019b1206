"""The partnership manager's engagement targets (the pages themselves, shared with the funder, are
in coproduce/web/target_pages.py) and the area's grants, read-only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.programmes.funding import grants_visible_to
from coproduce.web.access import require_roles
from coproduce.web.partnership.common import managed_partnership
from coproduce.web.target_pages import (
    TargetRoutes,
    target_agree_page,
    target_change_page,
    target_propose_page,
    targets_page,
)

MANAGER_ROUTES = TargetRoutes(
    home="web:area_targets",
    new="web:area_target_propose",
    change="web:area_target_change",
    agree="web:area_target_agree",
    back_label="Targets",
)


# ---- the partnership manager's pages -----------------------------------------------------------


@require_roles(Role.PARTNERSHIP_MANAGER)
def area_targets(request: HttpRequest) -> HttpResponse:
    partnership = managed_partnership(request)
    return targets_page(request, MANAGER_ROUTES, caption=f"{partnership.area_name} partnership")


@require_roles(Role.PARTNERSHIP_MANAGER)
def area_target_propose(request: HttpRequest) -> HttpResponse:
    return target_propose_page(request, MANAGER_ROUTES)


@require_roles(Role.PARTNERSHIP_MANAGER)
def area_target_change(request: HttpRequest, pk: int) -> HttpResponse:
    return target_change_page(request, pk, MANAGER_ROUTES)


@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def area_target_agree(request: HttpRequest, pk: int) -> HttpResponse:
    return target_agree_page(request, pk, MANAGER_ROUTES)


@require_roles(Role.PARTNERSHIP_MANAGER)
def area_grants(request: HttpRequest) -> HttpResponse:
    """The grants to the manager's partnership, as the funder recorded them (read-only)."""
    partnership = managed_partnership(request)
    grants = list(grants_visible_to(request.user).order_by("awarded_on", "reference"))
    context = {
        "page_title": "Grants",
        "partnership": partnership,
        "grants": grants,
        "total": sum((grant.amount for grant in grants), start=0),
    }
    return render(request, "web/partnership/grant_list.html", context)
