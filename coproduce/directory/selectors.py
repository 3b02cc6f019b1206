"""Reads of the services directory.

The directory is public information (it holds nothing about participants): anyone may search
active services. What a person may *edit* is `services_editable_by` / `organisations_editable_by`,
which follow the rules in permissions.py.
"""

import datetime
import uuid

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.core.errors import NotFound
from coproduce.directory.models import (
    Attribute,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
)
from coproduce.programmes.models import Partnership
from coproduce.programmes.selectors import running_programmes
from coproduce.programmes.standing import standing_of

# iCalendar day codes, Monday first, as HSDS `schedule.byday` writes them.
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
# A service whose details nobody has confirmed for this long is flagged to the people who keep it.
CHECK_AGAIN_AFTER = datetime.timedelta(days=183)
# Deterministic ids: every install publishes the barrier taxonomy under the same UUIDs.
BARRIER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://coproduce.scot/hsds/taxonomies/barriers")
BARRIER_TAXONOMY_ID = uuid.uuid5(BARRIER_NAMESPACE, "taxonomy")


def day_code(day: int | str | None) -> str | None:
    """An iCal day code from a weekday number (Monday 0) or a code; None for no day."""
    if day is None or day == "":
        return None
    if isinstance(day, int):
        return DAY_CODES[day]
    code = day.strip().upper()[:2]
    if code not in DAY_CODES:
        raise ValueError(f"Not a day: {day!r}")
    return code


def _schedule_matches(code: str | None, time: datetime.time | None) -> Q:
    condition = Q()
    if code is not None:
        condition &= Q(byday__contains=code)
    if time is not None:
        condition &= Q(opens_at__lte=time, closes_at__gt=time)
    return condition


def with_listing_details(services: QuerySet[Service]) -> QuerySet[Service]:
    """What a list or detail page shows, fetched in a fixed number of queries however many rows.

    Each service gets `need_tags` (its attributes from the barrier taxonomy), `open_times` (its
    own schedule rows), `places` (its locations, each with `addresses`) and its partnerships.
    """
    return services.select_related("organization", "last_checked_by").prefetch_related(
        Prefetch(
            "attributes",
            queryset=Attribute.objects.filter(taxonomy_term__taxonomy_detail_id=BARRIER_TAXONOMY_ID)
            .select_related("taxonomy_term")
            .order_by("taxonomy_term__name"),
            to_attr="need_tags",
        ),
        Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "id"), to_attr="open_times"),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                Prefetch("location__addresses")
            ),
            to_attr="places",
        ),
        "partnerships",
    )


def matching_words(services: QuerySet[Service], words: list[str]) -> QuerySet[Service]:
    """Services with every word in their name, other name, description or organisation's name.

    Each word is looked for in the service's own columns and in the organisations' names
    separately (`id IN (…) OR id IN (…)`), so that on PostgreSQL each side can use its trigram
    index (migration 0003: `UPPER(col) gin_trgm_ops`, the expression `icontains` compiles to)
    instead of scanning every service through a join. SQLite runs the same query without them.
    """
    for word in words:
        own = Service.objects.filter(
            Q(name__icontains=word) | Q(alternate_name__icontains=word) | Q(description__icontains=word)
        )
        by_organisation = Service.objects.filter(
            organization_id__in=DirectoryOrganisation.objects.filter(name__icontains=word).values("id")
        )
        services = services.filter(Q(id__in=own.values("id")) | Q(id__in=by_organisation.values("id")))
    return services


def search_services(
    *,
    text: str = "",
    need: str = "",
    partnership_id: int | None = None,
    childcare: bool = False,
    day: int | str | None = None,
    time: datetime.time | None = None,
) -> QuerySet[Service]:
    """Active services matching every filter given, by name, with what the list page shows.

    `need` is a `plans.Barrier` value: services tagged with that term of our barrier taxonomy.
    `day` (a weekday number, Monday 0, or an iCal code) and `time` match a schedule row of the
    service or of one of its service-at-locations: open on that day, and open at that time
    (opens at or before it, closes after it). Given both, the same row must match both.
    """
    services = matching_words(Service.objects.filter(status=Service.Status.ACTIVE), text.split())
    if need:
        services = services.filter(
            Exists(
                Attribute.objects.filter(
                    service=OuterRef("pk"),
                    taxonomy_term__code=need,
                    taxonomy_term__taxonomy_detail_id=BARRIER_TAXONOMY_ID,
                )
            )
        )
    if partnership_id is not None:
        # At most one row per service: a service is linked to a partnership once.
        services = services.filter(partnerships__id=partnership_id)
    if childcare:
        services = services.filter(childcare_on_site=True)
    code = day_code(day)
    if code is not None or time is not None:
        matching = _schedule_matches(code, time)
        services = services.filter(
            Exists(Schedule.objects.filter(matching, service=OuterRef("pk")))
            | Exists(Schedule.objects.filter(matching, service_at_location__service=OuterRef("pk")))
        )
    return with_listing_details(services.order_by("name", "id"))


def visible_service(service_id: uuid.UUID | str) -> Service:
    """One active service with its details, for anyone; NotFound otherwise."""
    service = visible_service_if_any(service_id)
    if service is None:
        raise NotFound("No such service.")
    return service


def visible_service_if_any(service_id: uuid.UUID | str) -> Service | None:
    """One active service with its details, or None (for a choice that may be stale or made up)."""
    try:
        service_uuid = service_id if isinstance(service_id, uuid.UUID) else uuid.UUID(str(service_id))
    except ValueError:
        return None
    return (
        with_listing_details(Service.objects.filter(pk=service_uuid, status=Service.Status.ACTIVE))
        .prefetch_related("phones", "contacts", "service_areas")
        .first()
    )


def organisations_editable_by(actor: ActingUser) -> QuerySet[DirectoryOrganisation]:
    """Directory entries this person keeps: a manager's partnership members', a staff member's own."""
    standing = standing_of(actor)
    condition = Q(pk__in=[])
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        condition |= Q(member__memberships__partnership_id=standing.partnership_id)
    if standing.staff_member is not None:
        condition |= Q(member_id=standing.organisation_id)
    return DirectoryOrganisation.objects.filter(
        pk__in=DirectoryOrganisation.objects.filter(condition).values("pk")
    ).order_by("name", "id")


def services_editable_by(actor: ActingUser) -> QuerySet[Service]:
    """Services this person keeps current (whatever their status), the same rule as permissions.py."""
    standing = standing_of(actor)
    condition = Q(pk__in=[])
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        condition |= Q(partnerships__id=standing.partnership_id)
        condition |= Q(organization__member__memberships__partnership_id=standing.partnership_id)
    if standing.staff_member is not None:
        condition |= Q(organization__member_id=standing.organisation_id)
    return Service.objects.filter(pk__in=Service.objects.filter(condition).values("pk")).order_by("name", "id")


def editable_service(actor: ActingUser, service_id: uuid.UUID | str) -> Service:
    """One service this person may edit, with its details; NotFound otherwise (the same either way)."""
    try:
        service_uuid = service_id if isinstance(service_id, uuid.UUID) else uuid.UUID(str(service_id))
    except ValueError as error:
        raise NotFound("No such service.") from error
    service = with_listing_details(services_editable_by(actor).filter(pk=service_uuid)).first()
    if service is None:
        raise NotFound("No such service.")
    return service


def needs_checking(service: Service, *, today: datetime.date) -> bool:
    """Never checked, or last checked more than six months ago."""
    return service.last_checked_on is None or today - service.last_checked_on > CHECK_AGAIN_AFTER


def first_address_location(service: Service) -> Location | None:
    """The place a person would go: the first physical location the service is at."""
    places = getattr(service, "places", None)
    links = places if places is not None else list(service.service_at_locations.select_related("location"))
    for link in links:
        if link.location.location_type == Location.LocationType.PHYSICAL:
            return link.location
    return links[0].location if links else None


def directory_areas() -> QuerySet[Partnership]:
    """The partnerships (areas) that have active services, for the area filter. Public names only.

    Those of the programmes running now: an area that ran successive programmes is listed once."""
    return Partnership.objects.filter(
        programme__in=running_programmes(),
        pk__in=Service.partnerships.through.objects.filter(service__status=Service.Status.ACTIVE).values(  # type: ignore[attr-defined]
            "partnership_id"
        ),
    ).order_by("area_name")
