"""Enquiries: the public "ask for help" as an API, and the partnership's handling of them.

Asking for help needs no account (and so no CSRF token) but is throttled per address. Reading
and allocating go through `enquiries_visible_to`: a manager sees their area's, a keyworker the
ones allocated to them. Enquirers' details are personal data, so every read is audited.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from coproduce.accounts.client_address import PerAddressRateThrottle
from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import (
    AllocateIn,
    EnquiryFilters,
    EnquiryIn,
    EnquiryOut,
    EnquiryReceivedOut,
    error_responses,
)
from coproduce.core.errors import NotFound
from coproduce.participants.models import Enquiry
from coproduce.participants.selectors import enquiries_visible_to
from coproduce.participants.services import (
    allocate_enquiry,
    record_enquiry_list_view,
    record_enquiry_view,
    submit_enquiry,
)

router = Router(tags=["enquiries"])

# One address (the client's own behind proxies) may ask for help this often, here and on the
# "Ask for help" page together (the same scope). Counted in Django's cache, which must be shared
# between processes (CACHES) for the limit to hold across app servers.
ENQUIRY_RATE = getattr(settings, "COPRODUCE_API_ENQUIRY_RATE", "10/h")
ENQUIRY_SCOPE = "enquiry"


def _visible(request: HttpRequest) -> QuerySet[Enquiry]:
    return enquiries_visible_to(caller(request)).select_related("partnership", "allocated_to__user")


def _visible_one(request: HttpRequest, enquiry_id: int) -> Enquiry:
    enquiry = _visible(request).filter(pk=enquiry_id).first()
    if enquiry is None:
        raise NotFound("No such enquiry.")
    return enquiry


def _audit_list(request: HttpRequest, enquiries: list[Any]) -> None:
    record_enquiry_list_view(actor=caller(request), enquiries=enquiries)


@router.get(
    "/enquiries",
    response={200: list[EnquiryOut], **error_responses(400, 401)},
    summary="List the enquiries you handle",
    url_name="list_enquiries",
)
@paginate(PageNumber, audit=_audit_list)
def list_enquiries(request: HttpRequest, filters: Query[EnquiryFilters]) -> QuerySet[Enquiry]:
    """A partnership manager's area's enquiries, or those allocated to a keyworker; oldest first."""
    enquiries = _visible(request)
    if filters.status:
        enquiries = enquiries.filter(status=filters.status)
    return enquiries.order_by("created_at", "pk")


@router.post(
    "/enquiries",
    auth=None,
    throttle=PerAddressRateThrottle(scope=ENQUIRY_SCOPE, rate=ENQUIRY_RATE),
    response={201: EnquiryReceivedOut, **error_responses(400, 429)},
    summary="Ask for help (no account needed)",
    url_name="submit_enquiry",
)
def submit_enquiry_route(request: HttpRequest, payload: EnquiryIn) -> Status[dict[str, str]]:
    """Anyone may ask for help; the area's partnership manager gives it to a keyworker, who gets in touch.

    Give an email address or a mobile number, matching `contact_by`. Nothing is sent back but a
    confirmation: an enquiry cannot be read without signing in.
    """
    enquiry = submit_enquiry(**payload.model_dump())
    return Status(
        201,
        {"detail": f"Thank you. Someone from the {enquiry.partnership.area_name} team will contact you soon."},
    )


@router.get(
    "/enquiries/{enquiry_id}",
    response={200: EnquiryOut, **error_responses(401, 404)},
    summary="Read one enquiry",
    url_name="enquiry_detail",
)
def enquiry_detail(request: HttpRequest, enquiry_id: int) -> Enquiry:
    """404 for an enquiry that does not exist and for one you may not see alike. The read is audited."""
    enquiry = _visible_one(request, enquiry_id)
    record_enquiry_view(actor=caller(request), enquiry=enquiry)
    return enquiry


@router.post(
    "/enquiries/{enquiry_id}/allocate",
    response={200: EnquiryOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Give an enquiry to a keyworker",
    url_name="allocate_enquiry",
)
def allocate_enquiry_route(request: HttpRequest, enquiry_id: int, payload: AllocateIn) -> Enquiry:
    """Partnership managers only. Send the `version` you read: 409 if the enquiry changed since."""
    allocate_enquiry(
        actor=caller(request),
        enquiry_id=enquiry_id,
        expected_version=payload.version,
        keyworker_id=payload.keyworker_id,
        over_limit_confirmed=payload.over_limit_confirmed,
    )
    return _visible_one(request, enquiry_id)
