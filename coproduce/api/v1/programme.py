"""The programme's structure: partnerships and their members, organisations, and staff.

For staff of every role (to know who to work with); participants are refused with 403. Staff
contact details are for partnership managers only.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from coproduce.accounts.roles import Role
from coproduce.api.v1.auth import caller, caller_standing
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import (
    OrganisationDetailOut,
    OrganisationOut,
    PartnershipOut,
    StaffOut,
    error_responses,
)
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.programmes.models import Organisation, Partnership, PartnershipMembership, StaffMember
from coproduce.programmes.selectors import organisations_visible_to, partnerships_visible_to, staff_visible_to

router = Router(tags=["programme"])


def _staff_only(request: HttpRequest) -> Any:
    if not caller_standing(request).roles - {Role.PARTICIPANT, Role.BOARD_MEMBER}:
        raise NotAllowed("The programme's structure is for staff.")
    return caller(request)


@router.get(
    "/partnerships",
    response={200: list[PartnershipOut], **error_responses(401, 403)},
    summary="List partnerships and their member organisations",
    url_name="list_partnerships",
)
@paginate(PageNumber)
def list_partnerships(request: HttpRequest) -> QuerySet[Partnership]:
    return partnerships_visible_to(_staff_only(request)).order_by("area_name", "pk")


@router.get(
    "/partnerships/{partnership_id}",
    response={200: PartnershipOut, **error_responses(401, 403, 404)},
    summary="Read one partnership",
    url_name="partnership_detail",
)
def partnership_detail(request: HttpRequest, partnership_id: int) -> Partnership:
    partnership = partnerships_visible_to(_staff_only(request)).filter(pk=partnership_id).first()
    if partnership is None:
        raise NotFound("No such partnership.")
    return partnership


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **error_responses(401, 403)},
    summary="List organisations",
    url_name="list_organisations",
)
@paginate(PageNumber)
def list_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return organisations_visible_to(_staff_only(request)).order_by("name", "pk")


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetailOut, **error_responses(401, 403, 404)},
    summary="Read one organisation and the partnerships it belongs to",
    url_name="organisation_detail",
)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    memberships = PartnershipMembership.objects.select_related("partnership").order_by("partnership__area_name")
    organisation = (
        organisations_visible_to(_staff_only(request))
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


@router.get(
    "/staff",
    response={200: list[StaffOut], **error_responses(401, 403)},
    summary="List staff: names, organisations, areas and roles",
    url_name="list_staff",
)
@paginate(PageNumber)
def list_staff(request: HttpRequest) -> QuerySet[StaffMember]:
    """Email and mobile are filled in for partnership managers only."""
    return staff_visible_to(_staff_only(request)).order_by("user__display_name", "pk")
