"""What each HSDS list endpoint returns: the public directory, filtered by the query parameters.

Only active services are published, and service-at-locations only of active services.
Organisations, taxonomies and terms are public directory information and all listed.
Every filter narrows the result (the HSDS API reference: parameters combine as AND). Filters
that follow a to-many relation (terms, schedules, addresses) are written as `id__in`
subqueries, so a row never comes back twice and counting stays one query.

The UK profile filters, read literally from its openapi.json:
- `minimum_age=N`: services whose minimum age is at least N; `maximum_age=N`: whose maximum age
  is N or below (a service that states no age does not match an age filter).
- `day`, `start_time`, `end_time`: services with a schedule (their own, or at one of their
  locations) open on that day, opening at or after `start_time`, closing at or before
  `end_time` — all on the same schedule.
- `postcode`: services at a location whose address is in that postcode district (we hold no
  postcode centroids); with `proximity` (metres), locations within that distance of the
  centre of our known locations in that postcode (or, failing that, its district).
"""

import datetime
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Avg, Q, QuerySet
from django.db.models.functions import Coalesce

from coproduce.directory.models import (
    Address,
    Attribute,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from coproduce.directory.selectors import matching_words
from coproduce.hsds_api import params
from coproduce.hsds_api.params import BadParameter, Postcode

EARTH_RADIUS_METRES = 6_371_000


@dataclass(frozen=True)
class ServiceFilters:
    words: list[str] = field(default_factory=list)
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime.datetime | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    postcode: Postcode | None = None
    proximity: int | None = None

    @classmethod
    def from_query(cls, q: Mapping[str, str]) -> "ServiceFilters":
        """Parse a QueryDict (`get` gives the last value of a repeated parameter)."""
        proximity = params.proximity(q)
        postcode = params.postcode(q)
        if proximity is not None and postcode is None:
            raise BadParameter("'proximity' needs a 'postcode' to measure from.")
        return cls(
            words=params.search(q),
            taxonomy_term_id=params.an_id(q, "taxonomy_term_id"),
            taxonomy_id=params.an_id(q, "taxonomy_id"),
            organization_id=params.an_id(q, "organization_id"),
            modified_after=params.modified_after(q),
            minimum_age=params.age(q, "minimum_age"),
            maximum_age=params.age(q, "maximum_age"),
            day=params.day(q),
            start_time=params.time_of_day(q, "start_time"),
            end_time=params.time_of_day(q, "end_time"),
            postcode=postcode,
            proximity=proximity,
        )


def published_services() -> QuerySet[Service]:
    return Service.objects.filter(status=Service.Status.ACTIVE)


def _term_filter(filters: ServiceFilters) -> QuerySet[Attribute] | None:
    if filters.taxonomy_term_id is None and filters.taxonomy_id is None:
        return None
    attributes = Attribute.objects.filter(service__isnull=False)
    if filters.taxonomy_term_id is not None:
        attributes = attributes.filter(taxonomy_term_id=filters.taxonomy_term_id)
    if filters.taxonomy_id is not None:
        attributes = attributes.filter(taxonomy_term__taxonomy_detail_id=filters.taxonomy_id)
    return attributes


def _schedule_filter(filters: ServiceFilters) -> QuerySet[Schedule] | None:
    if filters.day is None and filters.start_time is None and filters.end_time is None:
        return None
    schedules = Schedule.objects.all()
    if filters.day is not None:
        schedules = schedules.filter(byday__icontains=filters.day)
    if filters.start_time is not None:
        schedules = schedules.filter(opens_at__gte=filters.start_time)
    if filters.end_time is not None:
        schedules = schedules.filter(closes_at__lte=filters.end_time)
    return schedules


def _postcode_regex(postcode: Postcode) -> str:
    if postcode.full:
        inward = postcode.full.split(" ")[1]
        return rf"^\s*{postcode.district}\s*{inward}\s*$"
    return rf"^\s*{postcode.district}(\s*[0-9][A-Za-z]{{2}})?\s*$"


def _distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


def _centre_of(postcode: Postcode) -> tuple[float, float]:
    """The middle of our known locations in the postcode (else its district): we hold no postcode centroids."""
    located = Address.objects.filter(location__latitude__isnull=False, location__longitude__isnull=False)
    tries = [Postcode(district=postcode.district, full=postcode.full)] if postcode.full else []
    tries.append(Postcode(district=postcode.district, full=""))
    for attempt in tries:
        centre = located.filter(postal_code__iregex=_postcode_regex(attempt)).aggregate(
            lat=Avg("location__latitude"), lon=Avg("location__longitude")
        )
        if centre["lat"] is not None and centre["lon"] is not None:
            return float(centre["lat"]), float(centre["lon"])
    raise BadParameter(
        f"We cannot place the postcode '{postcode.full or postcode.district}': no service in this "
        "directory is there. Leave out 'proximity' to match by postcode district."
    )


def _locations_near(postcode: Postcode, proximity: int) -> list[uuid.UUID]:
    lat, lon = _centre_of(postcode)
    dlat = math.degrees(proximity / EARTH_RADIUS_METRES)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    candidates = Location.objects.filter(
        latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon)
    ).values_list("id", "latitude", "longitude")
    return [
        pk
        for pk, la, lo in candidates
        if la is not None and lo is not None and _distance_metres(lat, lon, la, lo) <= proximity
    ]


def _location_filter(filters: ServiceFilters) -> QuerySet[Location, uuid.UUID] | list[uuid.UUID] | None:
    if filters.postcode is None:
        return None
    if filters.proximity is not None:
        return _locations_near(filters.postcode, filters.proximity)
    return Location.objects.filter(addresses__postal_code__iregex=_postcode_regex(filters.postcode)).values_list(
        "id", flat=True
    )


def _text(words: Iterable[str], fields: list[str]) -> Q:
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


SERVICE_TEXT = ["name", "alternate_name", "description", "organization__name"]


def services(filters: ServiceFilters) -> QuerySet[Service]:
    found = published_services()
    if filters.words:
        # The same search as Find a service, written so that PostgreSQL's trigram indexes serve it.
        found = matching_words(found, list(filters.words))
    if filters.organization_id is not None:
        found = found.filter(organization_id=filters.organization_id)
    if filters.modified_after is not None:
        found = found.alias(changed=Coalesce("last_modified", "updated_at")).filter(changed__gte=filters.modified_after)
    if filters.minimum_age is not None:
        found = found.filter(minimum_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        found = found.filter(maximum_age__lte=filters.maximum_age)
    attributes = _term_filter(filters)
    if attributes is not None:
        found = found.filter(id__in=attributes.values("service_id"))
    schedules = _schedule_filter(filters)
    if schedules is not None:
        at_locations = ServiceAtLocation.objects.filter(id__in=schedules.values("service_at_location_id"))
        found = found.filter(Q(id__in=schedules.values("service_id")) | Q(id__in=at_locations.values("service_id")))
    locations = _location_filter(filters)
    if locations is not None:
        found = found.filter(id__in=ServiceAtLocation.objects.filter(location_id__in=locations).values("service_id"))
    return found.order_by("name", "id")


def service_at_locations(filters: ServiceFilters) -> QuerySet[ServiceAtLocation]:
    found = ServiceAtLocation.objects.filter(service__status=Service.Status.ACTIVE)
    if filters.words:
        found = found.filter(
            _text(
                filters.words,
                ["description", "location__name", *[f"service__{name}" for name in SERVICE_TEXT]],
            )
        )
    service_filters = ServiceFilters(
        taxonomy_term_id=filters.taxonomy_term_id,
        taxonomy_id=filters.taxonomy_id,
        organization_id=filters.organization_id,
        modified_after=filters.modified_after,
        minimum_age=filters.minimum_age,
        maximum_age=filters.maximum_age,
    )
    if service_filters != ServiceFilters():
        found = found.filter(service_id__in=services(service_filters).order_by().values("id"))
    schedules = _schedule_filter(filters)
    if schedules is not None:
        # Open then: the service's own schedule, or this service-at-location's.
        found = found.filter(
            Q(service_id__in=schedules.values("service_id")) | Q(id__in=schedules.values("service_at_location_id"))
        )
    locations = _location_filter(filters)
    if locations is not None:
        found = found.filter(location_id__in=locations)
    return found.order_by("service__name", "service_id", "id")


def organisations(words: list[str]) -> QuerySet[DirectoryOrganisation]:
    found = DirectoryOrganisation.objects.all()
    if words:
        found = found.filter(_text(words, ["name", "alternate_name", "description"]))
    return found.order_by("name", "id")


def taxonomies(words: list[str]) -> QuerySet[Taxonomy]:
    found = Taxonomy.objects.all()
    if words:
        found = found.filter(_text(words, ["name", "description"]))
    return found.order_by("name", "id")


def taxonomy_terms(
    words: list[str], *, taxonomy_id: uuid.UUID | None, parent_id: uuid.UUID | None, top_only: bool
) -> QuerySet[TaxonomyTerm]:
    found = TaxonomyTerm.objects.select_related("taxonomy_detail")
    if words:
        found = found.filter(_text(words, ["name", "code", "description"]))
    if taxonomy_id is not None:
        found = found.filter(taxonomy_detail_id=taxonomy_id)
    if parent_id is not None:
        found = found.filter(parent_id=parent_id)
    if top_only:
        found = found.filter(parent__isnull=True)
    return found.order_by("name", "id")
