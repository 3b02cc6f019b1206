"""The HSDS 3.0 API endpoints (UK profile): parse the query, filter, page, serialise.

List endpoints answer the `Page` envelope of brief items (`full=true` for fully nested ones);
`format=ndjson` streams every result unpaginated. Item endpoints answer the fully nested
object. Shapes come from `coproduce.directory.hsds.serialise`, the same code as the export.
"""

import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from coproduce.core.errors import NotFound
from coproduce.directory.hsds import serialise
from coproduce.directory.models import DirectoryOrganisation, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from coproduce.hsds_api import params, queries
from coproduce.hsds_api.queries import ServiceFilters
from coproduce.hsds_api.responses import hsds_endpoint, json_answer, ndjson_of, page_of, problem

M = TypeVar("M", bound=Model)

HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
OPENAPI_URL = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"


def _listing(
    request: HttpRequest,
    rows: QuerySet[M],
    *,
    prefetch: Callable[[QuerySet[M]], Iterable[M]],
    serialise_row: Callable[[M], dict[str, Any]],
) -> HttpResponseBase:
    output = params.output_format(request.GET)
    if output == "ndjson":
        return ndjson_of(rows, prefetch=prefetch, serialise=serialise_row)
    return json_answer(page_of(rows, params.paging(request.GET), prefetch=prefetch, serialise=serialise_row))


# The serialiser names a referenced record (`organization_id`, `parent_id`…) only where an
# imported file did; a record at the top of an API answer always names them, so clients can
# follow the links and the `*_id` filters make sense.
REFERENCES: dict[type[Model], list[tuple[str, str]]] = {
    Service: [("organization_id", "organization_id")],
    DirectoryOrganisation: [("parent_organization_id", "parent_organization_id")],
    ServiceAtLocation: [("service_id", "service_id"), ("location_id", "location_id")],
    TaxonomyTerm: [("parent_id", "parent_id"), ("taxonomy_id", "taxonomy_detail_id")],
}


def _linked(render: Callable[[M], dict[str, Any]]) -> Callable[[M], dict[str, Any]]:
    def rendered(obj: M) -> dict[str, Any]:
        doc = render(obj)
        for key, attr in REFERENCES.get(type(obj), []):
            value = getattr(obj, attr)
            if value is not None and key not in doc:
                doc[key] = str(value)
        return doc

    return rendered


service_brief = _linked(serialise.service_brief)
service_full = _linked(serialise.service_full)
organization_brief = _linked(serialise.organization_brief)
taxonomy_term = _linked(serialise.taxonomy_term)
service_at_location_brief = _linked(serialise.service_at_location_brief)
service_at_location_full = _linked(serialise.service_at_location_full)


def _one(rows: QuerySet[M], raw_id: str, what: str) -> M:
    try:
        pk = uuid.UUID(raw_id)
    except ValueError:
        raise NotFound(f"No {what} has the id '{raw_id[:60]}': ids in this API are UUIDs.") from None
    found = rows.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No {what} has the id '{pk}'.")
    return found


@hsds_endpoint
def api_root(request: HttpRequest) -> HttpResponseBase:
    return json_answer({"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL})


# Services


def _service_minimal(service: Service) -> dict[str, Any]:
    changed = service.last_modified or service.updated_at
    return {"id": str(service.id), "modified_date": changed.isoformat()}


def _no_prefetch(rows: QuerySet[M]) -> Iterable[M]:
    return rows


@hsds_endpoint
def service_list(request: HttpRequest) -> HttpResponseBase:
    rows = queries.services(ServiceFilters.from_query(request.GET))
    if params.boolean(request.GET, "minimal"):
        return _listing(
            request,
            rows.only("id", "last_modified", "updated_at"),
            prefetch=_no_prefetch,
            serialise_row=_service_minimal,
        )
    if params.boolean(request.GET, "full"):
        return _listing(request, rows, prefetch=serialise.prefetched_services, serialise_row=service_full)
    return _listing(
        request,
        rows.select_related("organization").prefetch_related("partnerships"),
        prefetch=_no_prefetch,
        serialise_row=service_brief,
    )


@hsds_endpoint
def service_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    service = _one(serialise.prefetched_services(queries.published_services()), id, "service")
    return json_answer(service_full(service))


# Organizations


def _with_published_services(rows: QuerySet[DirectoryOrganisation]) -> QuerySet[DirectoryOrganisation]:
    """Organisations nest only their published (active) services; this Prefetch must come first."""
    published = Prefetch("services", queryset=queries.published_services().order_by("name", "id"))
    return serialise.prefetched_organisations(rows.prefetch_related(published))


def _organisation_full(full_service: bool) -> Callable[[DirectoryOrganisation], dict[str, Any]]:
    def render(org: DirectoryOrganisation) -> dict[str, Any]:
        return serialise.organization_full(org, full_service=full_service)

    return _linked(render)


@hsds_endpoint
def organization_list(request: HttpRequest) -> HttpResponseBase:
    rows = queries.organisations(params.search(request.GET))
    full_service = params.boolean(request.GET, "full_service")
    if params.boolean(request.GET, "full") or full_service:
        return _listing(
            request,
            rows,
            prefetch=_with_published_services,
            serialise_row=_organisation_full(full_service),
        )
    return _listing(request, rows, prefetch=_no_prefetch, serialise_row=organization_brief)


@hsds_endpoint
def organization_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    full_service = params.boolean(request.GET, "full_service")
    organisation = _one(_with_published_services(DirectoryOrganisation.objects.all()), id, "organization")
    return json_answer(_organisation_full(full_service)(organisation))


# Taxonomies and terms


@hsds_endpoint
def taxonomy_list(request: HttpRequest) -> HttpResponseBase:
    rows = queries.taxonomies(params.search(request.GET))
    return _listing(request, rows, prefetch=_no_prefetch, serialise_row=serialise.taxonomy)


@hsds_endpoint
def taxonomy_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    found = _one(Taxonomy.objects.all(), id, "taxonomy")
    return json_answer(serialise.taxonomy(found))


@hsds_endpoint
def taxonomy_term_list(request: HttpRequest) -> HttpResponseBase:
    rows = queries.taxonomy_terms(
        params.search(request.GET),
        taxonomy_id=params.an_id(request.GET, "taxonomy_id"),
        parent_id=params.an_id(request.GET, "parent_id"),
        top_only=params.boolean(request.GET, "top_only"),
    )
    return _listing(request, rows, prefetch=_no_prefetch, serialise_row=taxonomy_term)


@hsds_endpoint
def taxonomy_term_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    found = _one(TaxonomyTerm.objects.select_related("taxonomy_detail"), id, "taxonomy term")
    return json_answer(taxonomy_term(found))


# Services at locations


@hsds_endpoint
def service_at_location_list(request: HttpRequest) -> HttpResponseBase:
    rows = queries.service_at_locations(ServiceFilters.from_query(request.GET))
    if params.boolean(request.GET, "full"):
        return _listing(
            request,
            rows,
            prefetch=serialise.prefetched_service_at_locations,
            serialise_row=service_at_location_full,
        )
    return _listing(
        request,
        rows.select_related("service__organization", "location").prefetch_related("service__partnerships"),
        prefetch=_no_prefetch,
        serialise_row=service_at_location_brief,
    )


@hsds_endpoint
def service_at_location_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    rows = ServiceAtLocation.objects.filter(service__status=Service.Status.ACTIVE)
    found = _one(serialise.prefetched_service_at_locations(rows), id, "service at location")
    return json_answer(service_at_location_full(found))


@hsds_endpoint
def not_found(request: HttpRequest, rest: str = "") -> HttpResponseBase:
    return problem(
        "There is no such endpoint. This API offers /, /services, /organizations, /taxonomies, "
        "/taxonomy_terms and /service_at_locations (each also with /{id}).",
        status=404,
    )
