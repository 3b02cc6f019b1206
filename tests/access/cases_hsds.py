"""Access cases for the public HSDS API at /hsds/: everyone, signed in or not, may read it.

The Open Referral UK profile requires the API to be open, with no sign-in and no API keys. It
shows directory information only; none of Pat's details or referral reasons ever appear (the
allowed responses are checked for that in tests/hsds_api/test_privacy.py).
"""

from collections.abc import Callable

from django.urls import reverse

from coproduce.directory.models import ServiceAtLocation, TaxonomyTerm
from coproduce.directory.selectors import BARRIER_TAXONOMY_ID
from coproduce.directory.services import ensure_barrier_taxonomy
from tests.access.matrix import EVERYONE, AccessCase
from tests.directory.factories import LocationFactory, ServiceAtLocationFactory
from tests.personas import Personas


def partner_service_at_location(p: Personas) -> ServiceAtLocation:
    found = ServiceAtLocation.objects.filter(service=p.partner_service).first()
    if found is None:
        location = LocationFactory(organization=p.partner_service.organization, name="Kirkcaldy office")
        found = ServiceAtLocationFactory(service=p.partner_service, location=location)
    return found


def a_barrier_term(p: Personas) -> TaxonomyTerm:
    ensure_barrier_taxonomy()
    return TaxonomyTerm.objects.filter(taxonomy_detail_id=BARRIER_TAXONOMY_ID).order_by("code")[0]


def public(route: str, url: Callable[[Personas], str]) -> AccessCase:
    return AccessCase(route=route, url=url, allowed=EVERYONE, public=True)


CASES = [
    public("hsds:root", lambda p: reverse("hsds:root")),
    public("hsds:services", lambda p: reverse("hsds:services")),
    public("hsds:service", lambda p: reverse("hsds:service", args=[p.partner_service.id])),
    public("hsds:organizations", lambda p: reverse("hsds:organizations")),
    public("hsds:organization", lambda p: reverse("hsds:organization", args=[p.partner_service.organization_id])),
    public("hsds:taxonomies", lambda p: reverse("hsds:taxonomies")),
    public("hsds:taxonomy", lambda p: reverse("hsds:taxonomy", args=[a_barrier_term(p).taxonomy_detail_id])),
    public("hsds:taxonomy_terms", lambda p: reverse("hsds:taxonomy_terms")),
    public("hsds:taxonomy_term", lambda p: reverse("hsds:taxonomy_term", args=[a_barrier_term(p).id])),
    public("hsds:service_at_locations", lambda p: reverse("hsds:service_at_locations")),
    public(
        "hsds:service_at_location",
        lambda p: reverse("hsds:service_at_location", args=[partner_service_at_location(p).id]),
    ),
]
