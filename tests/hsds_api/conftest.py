"""A small public directory for the HSDS API tests.

Two organisations. "Fife Money Matters" runs "Debt advice drop-in" (ages 16–99, Mondays
09:00–12:00 on the service, tagged money and debt, at a centre in KY1 1AA) and a defunct
"Old benefits clinic". "Glasgow Childcare Trust" runs "Childcare taster sessions" (ages
18–30, Saturdays 10:00–16:00 at its centre in G1 1AA, tagged childcare, from a second
taxonomy term "Parents" too).
"""

import datetime
from dataclasses import dataclass

import pytest

from coproduce.directory.models import (
    DirectoryOrganisation,
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from coproduce.plans.models import Barrier
from tests.directory.factories import (
    AddressFactory,
    AttributeFactory,
    ContactFactory,
    DirectoryOrganisationFactory,
    LocationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
    barrier_term,
    tag_service,
)

KIRKCALDY = (56.1165, -3.1588)
GLASGOW = (55.8609, -4.2514)


@dataclass
class Directory:
    fife_org: DirectoryOrganisation
    glasgow_org: DirectoryOrganisation
    debt: Service
    childcare: Service
    defunct: Service
    debt_at_centre: ServiceAtLocation
    childcare_at_centre: ServiceAtLocation
    fife_centre: Location
    glasgow_centre: Location
    other_taxonomy: Taxonomy
    parents_term: TaxonomyTerm
    young_parents_term: TaxonomyTerm


def build_directory() -> Directory:
    fife_org = DirectoryOrganisationFactory(name="Fife Money Matters", description="Money advice in Fife.")
    glasgow_org = DirectoryOrganisationFactory(name="Glasgow Childcare Trust", description="Childcare in Glasgow.")
    debt = ServiceFactory(
        organization=fife_org,
        name="Debt advice drop-in",
        description="Help with debts and budgeting.",
        minimum_age=16,
        maximum_age=99,
        last_modified=datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC),
    )
    tag_service(debt, Barrier.MONEY_AND_DEBT)
    ScheduleFactory(service=debt, byday="MO", opens_at=datetime.time(9), closes_at=datetime.time(12))
    PhoneFactory(service=debt, number="01592 111111")
    ContactFactory(service=debt, name="Dana Debt", email="dana@example.org")
    ServiceAreaFactory(service=debt, name="Fife")
    fife_centre = LocationFactory(
        organization=fife_org, name="Kirkcaldy centre", latitude=KIRKCALDY[0], longitude=KIRKCALDY[1]
    )
    AddressFactory(location=fife_centre, postal_code="KY1 1AA", city="Kirkcaldy")
    debt_at_centre = ServiceAtLocationFactory(service=debt, location=fife_centre)

    childcare = ServiceFactory(
        organization=glasgow_org,
        name="Childcare taster sessions",
        description="Try out a nursery with your child.",
        minimum_age=18,
        maximum_age=30,
        last_modified=datetime.datetime(2024, 6, 1, 9, 0, tzinfo=datetime.UTC),
    )
    tag_service(childcare, Barrier.CHILDCARE)
    glasgow_centre = LocationFactory(
        organization=glasgow_org, name="Glasgow centre", latitude=GLASGOW[0], longitude=GLASGOW[1]
    )
    AddressFactory(location=glasgow_centre, postal_code="G1 1AA", city="Glasgow", state_province="Glasgow")
    childcare_at_centre = ServiceAtLocationFactory(service=childcare, location=glasgow_centre)
    ScheduleFactory(
        service=None,
        service_at_location=childcare_at_centre,
        byday="SA",
        opens_at=datetime.time(10),
        closes_at=datetime.time(16),
    )
    other_taxonomy = TaxonomyFactory(name="Who it is for", description="Groups of people a service is for.")
    parents_term = TaxonomyTermFactory(taxonomy_detail=other_taxonomy, name="Parents", code="parents")
    young_parents_term = TaxonomyTermFactory(
        taxonomy_detail=other_taxonomy, name="Young parents", code="young-parents", parent=parents_term
    )
    AttributeFactory(service=childcare, taxonomy_term=young_parents_term)

    defunct = ServiceFactory(organization=fife_org, name="Old benefits clinic", status=Service.Status.DEFUNCT)
    ServiceAtLocationFactory(service=defunct, location=fife_centre)
    barrier_term(Barrier.MONEY_AND_DEBT)  # the barrier taxonomy exists
    return Directory(
        fife_org=fife_org,
        glasgow_org=glasgow_org,
        debt=debt,
        childcare=childcare,
        defunct=defunct,
        debt_at_centre=debt_at_centre,
        childcare_at_centre=childcare_at_centre,
        fife_centre=fife_centre,
        glasgow_centre=glasgow_centre,
        other_taxonomy=other_taxonomy,
        parents_term=parents_term,
        young_parents_term=young_parents_term,
    )


@pytest.fixture
def directory(db: None) -> Directory:
    return build_directory()
