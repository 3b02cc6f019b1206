"""Our directory as HSDS 3.0 JSON (docs.openreferral.org), the shapes of the HSDS API.

- `service_full`: a service with its phones, schedules, service areas, contacts, attributes,
  its service_at_locations (each with its location) and its organization (without services).
- `organization_full`: an organisation with contacts, phones, locations, attributes and its
  services (brief, or full with `full_service=True`; services do not repeat the organisation).
- `service_at_location_full`: with contacts, phones, schedules, the location and the service
  (without its service_at_locations).
- the `*_brief` forms are the list items of the API: own properties only, plus the brief
  organisation (and location) they name.

Columns are merged with `extra` as described in `fields.py`. What the programme adds to HSDS is
under one extension key, `x_coproduce` (EXTENSION_KEY), on services only, and only on services
that carry such data (see `coproduce_extension`). Nothing about participants, referrals or the
staff who checked an entry is ever serialised.

Call the `prefetched_*` helpers on a queryset first: a list of N records then serialises in a
constant number of queries.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Prefetch, QuerySet

from coproduce.directory.hsds.fields import FIELDS, REF, encode
from coproduce.directory.models import (
    Address,
    Attribute,
    Contact,
    DirectoryOrganisation,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

EXTENSION_KEY = "x_coproduce"
DEFAULT_RESPONSE_WORKING_DAYS = 5

Document = dict[str, Any]


# Prefetching ---------------------------------------------------------------------------------


def _attributes(prefix: str) -> Prefetch:
    return Prefetch(f"{prefix}attributes", queryset=Attribute.objects.select_related("taxonomy_term__taxonomy_detail"))


def _location_lookups(prefix: str) -> list[Any]:
    return [
        f"{prefix}addresses",
        f"{prefix}contacts__phones",
        f"{prefix}phones",
        f"{prefix}schedules",
        _attributes(prefix),
    ]


def _organisation_lookups(prefix: str) -> list[Any]:
    return [
        f"{prefix}contacts__phones",
        f"{prefix}phones",
        f"{prefix}locations",
        *_location_lookups(f"{prefix}locations__"),
        _attributes(prefix),
    ]


def _service_lookups(prefix: str, *, organisation: bool = True) -> list[Any]:
    sal = f"{prefix}service_at_locations__"
    lookups = [
        f"{prefix}partnerships",
        f"{prefix}phones",
        f"{prefix}schedules",
        f"{prefix}service_areas",
        f"{prefix}contacts__phones",
        _attributes(prefix),
        Prefetch(f"{prefix}service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")),
        f"{sal}contacts__phones",
        f"{sal}phones",
        f"{sal}schedules",
        *_location_lookups(f"{sal}location__"),
    ]
    if organisation:
        lookups += _organisation_lookups(f"{prefix}organization__")
    return lookups


def prefetched_services(qs: QuerySet[Service]) -> QuerySet[Service]:
    """Services ready for `service_full`/`service_brief`, in a constant number of queries."""
    return qs.select_related("organization").prefetch_related(*_service_lookups(""))


def prefetched_organisations(qs: QuerySet[DirectoryOrganisation]) -> QuerySet[DirectoryOrganisation]:
    """Organisations ready for `organization_full(…, full_service=True)`."""
    return qs.prefetch_related(*_organisation_lookups(""), *_service_lookups("services__", organisation=False))


def prefetched_service_at_locations(qs: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    return qs.select_related("location", "service__organization").prefetch_related(
        "contacts__phones",
        "phones",
        "schedules",
        *_location_lookups("location__"),
        *[
            lookup
            for lookup in _service_lookups("service__")
            if "service_at_locations" not in getattr(lookup, "prefetch_through", lookup)
        ],
    )


def prefetched_locations(qs: QuerySet[Location]) -> QuerySet[Location]:
    return qs.prefetch_related(*_location_lookups(""))


def prefetched_terms(qs: QuerySet[TaxonomyTerm]) -> QuerySet[TaxonomyTerm]:
    return qs.select_related("taxonomy_detail")


# Building blocks ------------------------------------------------------------------------------


def _own(obj: Any, *, arrays: bool = True) -> Document:
    """The object's own properties: the columns, then the keys of `extra` that are not columns."""
    extra: dict[str, Any] = obj.extra if isinstance(obj.extra, dict) else {}
    out: Document = {"id": str(obj.pk)}
    for field in FIELDS[type(obj)]:
        if field.kind == REF:
            if field.key in extra:
                target = getattr(obj, field.attr)
                if target is not None:
                    out[field.key] = str(target)
            continue
        value = encode(field.kind, getattr(obj, field.attr))
        if value is not None:
            out[field.key] = value
    for key, value in extra.items():
        if key not in out and (arrays or not isinstance(value, list)):
            out[key] = value
    return out


def _children(out: Document, key: str, rows: Iterable[models.Model], render: Any) -> None:
    items = [render(row) for row in rows]
    if items:
        out[key] = items
    # else: `out` keeps whatever `extra` had (an imported empty list), or has no key at all.


def _drop(out: Document, *keys: str) -> Document:
    for key in keys:
        out.pop(key, None)
    return out


def taxonomy(t: Taxonomy) -> Document:
    return _own(t)


def taxonomy_term(t: TaxonomyTerm) -> Document:
    out = _own(t)
    if t.taxonomy_detail_id is not None:
        out["taxonomy_detail"] = taxonomy(t.taxonomy_detail)  # type: ignore[arg-type]
    return out


def attribute(a: Attribute) -> Document:
    out = _own(a)
    out["taxonomy_term"] = taxonomy_term(a.taxonomy_term)
    return out


def phone(p: Phone) -> Document:
    return _own(p)


def contact(c: Contact) -> Document:
    out = _own(c)
    _children(out, "phones", c.phones.all(), phone)
    return out


def schedule(s: Schedule) -> Document:
    return _own(s)


def service_area(a: ServiceArea) -> Document:
    return _own(a)


def address(a: Address) -> Document:
    return _own(a)


def location(loc: Location) -> Document:
    out = _own(loc)
    _children(out, "addresses", loc.addresses.all(), address)
    _children(out, "contacts", loc.contacts.all(), contact)
    _children(out, "phones", loc.phones.all(), phone)
    _children(out, "schedules", loc.schedules.all(), schedule)
    _children(out, "attributes", loc.attributes.all(), attribute)
    return out


def location_brief(loc: Location) -> Document:
    return _own(loc, arrays=False)


def organization_brief(org: DirectoryOrganisation) -> Document:
    return _own(org, arrays=False)


def organization_full(org: DirectoryOrganisation, *, full_service: bool = False) -> Document:
    out = _organisation(org)
    render = _service_in_organisation if full_service else _service_brief_in_organisation
    _children(out, "services", org.services.all(), render)
    return out


def _organisation(org: DirectoryOrganisation) -> Document:
    """The organisation with its children but without its services (as nested in a service)."""
    out = _drop(_own(org), "services")
    _children(out, "contacts", org.contacts.all(), contact)
    _children(out, "phones", org.phones.all(), phone)
    _children(out, "locations", org.locations.all(), location)
    _children(out, "attributes", org.attributes.all(), attribute)
    return out


def _service_own(s: Service, *, arrays: bool = True) -> Document:
    out = _own(s, arrays=arrays)
    extension = coproduce_extension(s)
    if extension is not None:
        out[EXTENSION_KEY] = extension
    return out


def _service_children(out: Document, s: Service, *, service_at_locations: bool) -> Document:
    _children(out, "phones", s.phones.all(), phone)
    _children(out, "schedules", s.schedules.all(), schedule)
    _children(out, "service_areas", s.service_areas.all(), service_area)
    if service_at_locations:
        _children(out, "service_at_locations", s.service_at_locations.all(), _service_at_location_in_service)
    else:
        out.pop("service_at_locations", None)
    _children(out, "contacts", s.contacts.all(), contact)
    _children(out, "attributes", s.attributes.all(), attribute)
    return out


def service_full(s: Service) -> Document:
    out = _service_children(_service_own(s), s, service_at_locations=True)
    if s.organization_id is not None:
        out["organization"] = _organisation(s.organization)  # type: ignore[arg-type]
    return out


def _service_in_organisation(s: Service) -> Document:
    return _service_children(_drop(_service_own(s), "organization"), s, service_at_locations=True)


def service_brief(s: Service) -> Document:
    out = _service_own(s, arrays=False)
    if s.organization_id is not None:
        out["organization"] = organization_brief(s.organization)  # type: ignore[arg-type]
    return out


def _service_brief_in_organisation(s: Service) -> Document:
    return _drop(_service_own(s, arrays=False), "organization")


def _sal_children(out: Document, sal: ServiceAtLocation) -> Document:
    _children(out, "contacts", sal.contacts.all(), contact)
    _children(out, "phones", sal.phones.all(), phone)
    _children(out, "schedules", sal.schedules.all(), schedule)
    out["location"] = location(sal.location)
    return out


def _service_at_location_in_service(sal: ServiceAtLocation) -> Document:
    return _sal_children(_drop(_own(sal), "service"), sal)


def service_at_location_full(sal: ServiceAtLocation) -> Document:
    out = _sal_children(_own(sal), sal)
    s = sal.service
    service = _service_children(_service_own(s), s, service_at_locations=False)
    if s.organization_id is not None:
        service["organization"] = _organisation(s.organization)  # type: ignore[arg-type]
    out["service"] = service
    return out


def service_at_location_brief(sal: ServiceAtLocation) -> Document:
    out = _own(sal, arrays=False)
    out["location"] = location_brief(sal.location)
    out["service"] = service_brief(sal.service)
    return out


def coproduce_extension(s: Service) -> dict[str, Any] | None:
    """What the programme adds to HSDS for a service, or None when the service carries none of it.

    A service carries our data when it takes referrals through Coproduce, has childcare on site,
    belongs to a local partnership, has a capacity or a "last checked" date, or a response time
    other than the default. Then every field is given (booleans and nulls included).
    """
    partnerships = sorted(s.partnerships.all(), key=lambda p: (p.gss_code, p.area_name))
    carries = (
        s.takes_referrals
        or s.childcare_on_site
        or s.places_available is not None
        or s.capacity_updated_at is not None
        or s.last_checked_on is not None
        or s.response_working_days != DEFAULT_RESPONSE_WORKING_DAYS
        or bool(partnerships)
    )
    if not carries:
        return None
    return {
        "takes_referrals": s.takes_referrals,
        "childcare_on_site": s.childcare_on_site,
        "places_available": s.places_available,
        "capacity_updated_at": s.capacity_updated_at.isoformat() if s.capacity_updated_at else None,
        "response_working_days": s.response_working_days,
        "last_checked_on": s.last_checked_on.isoformat() if s.last_checked_on else None,
        "partnerships": [{"gss_code": p.gss_code, "area_name": p.area_name} for p in partnerships],
    }
