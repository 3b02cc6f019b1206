"""The services directory for people signed in, and keeping entries current; suggestions for a participant.

The directory is public information (the read-only HSDS API at /hsds/ serves it to anyone), so
any signed-in caller may search it; reads come from coproduce/directory/selectors.py. Changing
an entry is for the people who keep it — the partnership's manager, or the staff of the
organisation that runs the service — through coproduce/directory/services.py, with `version`.

Importing HSDS (`POST /directory/import`) is the partnership manager's, with the same limits
and the same rule as the page and `manage.py import_hsds`: entries they may not change are left
as they were and listed in `refused` (coproduce/directory/hsds/scope.py).

Suggestions name a participant's needs and circumstances, so only people who may see the
participant get them, and each read is audited (channel "api").
"""

import datetime
import uuid
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller, caller_allowed
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import AreaRef, Input, LocalTime, error_responses, one_of
from coproduce.directory import services as directory_services
from coproduce.directory.hsds import limits
from coproduce.directory.hsds.importer import ImportRefused, import_file
from coproduce.directory.models import Service
from coproduce.directory.selectors import DAY_CODES, search_services, visible_service, with_listing_details
from coproduce.participants.selectors import visible_participant
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Barrier
from coproduce.referrals.suggestions import suggest_services

router = Router(tags=["directory"])


if TYPE_CHECKING:
    NeedOrAny = str
    NeedChoice = str
    DayOrAny = str
    ServiceStatus = str
else:
    NeedOrAny = one_of(Barrier, blank=True)
    NeedChoice = one_of(Barrier)
    DayOrAny = Literal[(*DAY_CODES, "")]
    ServiceStatus = one_of(Service.Status)


# ---- schemas ----------------------------------------------------------------------------------


class DirectoryOrganisationRef(Schema):
    id: uuid.UUID
    name: str


class NeedOut(Schema):
    code: str = Field(description="A barrier of our taxonomy (`plans.Barrier` value).")
    name: str


class OpeningOut(Schema):
    days: list[str] = Field(description="iCalendar day codes: MO, TU, WE, TH, FR, SA, SU.")
    opens_at: LocalTime | None
    closes_at: LocalTime | None
    description: str


class AddressOut(Schema):
    address_1: str
    address_2: str
    city: str
    postal_code: str


class PlaceOut(Schema):
    id: uuid.UUID
    name: str
    location_type: str
    addresses: list[AddressOut]


class ServiceOut(Schema):
    id: uuid.UUID
    version: int = Field(description="Send this back with a change, so that nobody's edit is overwritten.")
    name: str
    alternate_name: str
    description: str
    organisation: DirectoryOrganisationRef | None
    status: str
    url: str
    email: str
    needs: list[NeedOut] = Field(description="What it helps with, from our barrier taxonomy.")
    partnerships: list[AreaRef] = Field(description="The local partnerships it is part of.")
    childcare_on_site: bool
    takes_referrals: bool = Field(description="Whether it accepts consented referrals through Coproduce.")
    places_available: int | None = Field(description="Places free for new referrals now; null when not known.")
    capacity_updated_at: datetime.datetime | None
    response_working_days: int = Field(description="Working days to answer a referral before it is overdue.")
    last_checked_on: datetime.date | None
    opening_times: list[OpeningOut]
    places: list[PlaceOut]

    @staticmethod
    def resolve_organisation(service: Service) -> dict[str, Any] | None:
        organisation = service.organization
        return {"id": organisation.pk, "name": organisation.name} if organisation else None

    @staticmethod
    def resolve_needs(service: Service) -> list[dict[str, str]]:
        tags = getattr(service, "need_tags", [])
        return [{"code": tag.taxonomy_term.code, "name": tag.taxonomy_term.name} for tag in tags]

    @staticmethod
    def resolve_partnerships(service: Service) -> list[Any]:
        return sorted(service.partnerships.all(), key=lambda partnership: (partnership.area_name, partnership.pk))

    @staticmethod
    def resolve_opening_times(service: Service) -> list[dict[str, Any]]:
        return [
            {
                "days": [day for day in schedule.byday.split(",") if day],
                "opens_at": schedule.opens_at,
                "closes_at": schedule.closes_at,
                "description": schedule.description,
            }
            for schedule in getattr(service, "open_times", [])
        ]

    @staticmethod
    def resolve_places(service: Service) -> list[dict[str, Any]]:
        return [
            {
                "id": link.location.pk,
                "name": link.location.name,
                "location_type": link.location.location_type,
                "addresses": list(link.location.addresses.all()),
            }
            for link in getattr(service, "places", [])
        ]


class PhoneOut(Schema):
    number: str
    extension: str
    type: str
    description: str


class ServiceContactOut(Schema):
    name: str
    title: str
    department: str
    email: str


class ServiceDetailOut(ServiceOut):
    application_process: str
    eligibility_description: str
    fees_description: str
    minimum_age: int | None
    maximum_age: int | None
    alert: str
    phones: list[PhoneOut]
    contacts: list[ServiceContactOut]

    @staticmethod
    def resolve_phones(service: Service) -> list[Any]:
        return list(service.phones.all())

    @staticmethod
    def resolve_contacts(service: Service) -> list[Any]:
        return list(service.contacts.all())


class ServiceFilters(Schema):
    q: str = Field("", description="Words in the service's or organisation's name or description.")
    need: NeedOrAny = Field("", description="Only services that help with this barrier; blank for any.")
    partnership: int | None = Field(None, description="Only services of this partnership (its id).")
    childcare: bool = Field(False, description="Only services with childcare on site.")
    day: DayOrAny = Field("", description="Open on this day (MO … SU); blank for any.")
    time: LocalTime | None = Field(None, description="Open at this time (like 18:30).")


class ServiceUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    name: Annotated[str, Field(None)]
    alternate_name: Annotated[str, Field(None)]
    description: Annotated[str, Field(None)]
    url: Annotated[str, Field(None)]
    email: Annotated[str, Field(None)]
    status: Annotated[ServiceStatus, Field(None)]
    application_process: Annotated[str, Field(None)]
    eligibility_description: Annotated[str, Field(None)]
    fees_description: Annotated[str, Field(None)]
    minimum_age: Annotated[int | None, Field(None, ge=0)]
    maximum_age: Annotated[int | None, Field(None, ge=0)]
    childcare_on_site: Annotated[bool, Field(None)]
    takes_referrals: Annotated[bool, Field(None)]
    places_available: Annotated[
        int | None, Field(None, ge=0, description="Places free for new referrals now; null for not known.")
    ]
    response_working_days: Annotated[int, Field(None, description="1 to 30 working days.")]
    needs: Annotated[list[NeedChoice], Field(None, description="Replaces the barriers it helps with.")]


class CheckedIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")


class RefusedOut(Schema):
    kind: str = Field(description="The HSDS object: service, organization, location, phone…")
    id: uuid.UUID
    name: str = Field(description="The entry as the directory names it, or what it belongs to.")
    reason: str


class ImportOut(Schema):
    created: dict[str, int] = Field(description="Records added, by HSDS object.")
    updated: dict[str, int] = Field(description="Records changed, by HSDS object.")
    unchanged: dict[str, int] = Field(description="Records the file holds as the directory already has them.")
    refused_count: int = Field(description="Records left as they were because you may not change them.")
    refused: list[RefusedOut]
    warnings: list[str]


class ImportRefusedOut(Schema):
    detail: str = Field(description="Nothing was imported.")
    problems: list[str] = Field(description="Every problem found in the file, one each.")


class SuggestedServiceOut(Schema):
    id: uuid.UUID
    name: str
    organisation: str | None


class ServiceSuggestionOut(Schema):
    service: SuggestedServiceOut
    score: int = Field(description="Higher fits better; only the order matters.")
    reasons: list[str] = Field(description="Why it is suggested, in plain words.")


# ---- the directory ----------------------------------------------------------------------------


@router.get(
    "/directory/services",
    response={200: list[ServiceOut], **error_responses(400, 401)},
    summary="Search the services directory",
    url_name="list_services",
)
@paginate(PageNumber)
def list_services(request: HttpRequest, filters: Query[ServiceFilters]) -> QuerySet[Service]:
    """Active services matching every filter given, by name. Public information: nothing about participants."""
    return search_services(
        text=filters.q,
        need=filters.need,
        partnership_id=filters.partnership,
        childcare=filters.childcare,
        day=filters.day or None,
        time=filters.time,
    )


@router.get(
    "/directory/services/{service_id}",
    response={200: ServiceDetailOut, **error_responses(401, 404)},
    summary="Read one service",
    url_name="service_detail",
)
def service_detail(request: HttpRequest, service_id: uuid.UUID) -> Service:
    """404 for a service that does not exist or is no longer active."""
    return visible_service(service_id)


def _service_out(service_id: uuid.UUID) -> Service:
    """The service after a change, whatever its status now (its keeper may have closed it)."""
    return with_listing_details(Service.objects.filter(pk=service_id)).prefetch_related("phones", "contacts").get()


@router.patch(
    "/directory/services/{service_id}",
    response={200: ServiceDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Keep a service's entry current",
    url_name="update_service",
)
def update_service_route(request: HttpRequest, service_id: uuid.UUID, payload: ServiceUpdateIn) -> Service:
    """The partnership's manager, or the staff of the organisation that runs it. Send `version` from your
    last read and only the fields to change; 409 if someone changed it since (nothing is saved)."""
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    directory_services.update_service(actor=caller(request), service_id=service_id, expected_version=version, **changes)
    return _service_out(service_id)


@router.post(
    "/directory/services/{service_id}/checked",
    response={200: ServiceDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Confirm a service's details are still right today",
    url_name="mark_service_checked",
)
def mark_service_checked_route(request: HttpRequest, service_id: uuid.UUID, payload: CheckedIn) -> Service:
    """Sets `last_checked_on` to today, by you. The same people as may change it."""
    directory_services.mark_service_checked(
        actor=caller(request), service_id=service_id, expected_version=payload.version
    )
    return _service_out(service_id)


@router.post(
    "/directory/import",
    response={200: ImportOut, 400: ImportRefusedOut, **error_responses(401, 403)},
    summary="Import HSDS 3.0: a JSON file, or a tabular data package as a .zip (multipart: file)",
    url_name="import_directory",
)
def import_directory(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Partnership managers. Records are added or updated by id; a file with any problem (or past
    the limits: 20 MB, 32 levels of nesting, 20,000 characters a text, 100 files in a package)
    imports nothing and answers 400 with every problem. Entries you may not change are left as
    they were and listed in `refused`: your partnership's members' entries and your partnership's
    services are yours, and what you add is put in your partnership's directory."""
    user = caller_allowed(request, "directory.import_hsds", "Only a partnership manager can import the directory.")
    try:
        if (file.size or 0) > limits.MAX_IMPORT_BYTES:
            raise ImportRefused([limits.TOO_BIG])
        result = import_file(file.name or "", file.read(), actor=user)
    except ImportRefused as refused:
        return Status(400, {"detail": refused.message, "problems": refused.problems})
    return Status(
        200,
        {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "refused_count": len(result.refused),
            "refused": result.refused,
            "warnings": result.warnings,
        },
    )


# ---- suggestions ------------------------------------------------------------------------------


@router.get(
    "/participants/{participant_id}/suggestions",
    response={200: list[ServiceSuggestionOut], **error_responses(401, 404)},
    summary="Services suggested for a participant, best fit first, each with why",
    url_name="participant_suggestions",
)
def participant_suggestions(request: HttpRequest, participant_id: int) -> list[dict[str, Any]]:
    """For the participant, their keyworker and the area's manager. Nothing is referred: they choose.
    The read is audited."""
    participant = visible_participant(caller(request), participant_id)
    record_participant_view(actor=caller(request), participant=participant)
    return [
        {
            "service": {
                "id": suggestion.service.pk,
                "name": suggestion.service.name,
                "organisation": suggestion.service.organization.name if suggestion.service.organization else None,
            },
            "score": suggestion.score,
            "reasons": list(suggestion.reasons),
        }
        for suggestion in suggest_services(participant, today=timezone.localdate())
    ]
