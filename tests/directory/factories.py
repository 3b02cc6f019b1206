import datetime
from typing import Any

import factory

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
from coproduce.directory.services import barrier_term_id, ensure_barrier_taxonomy


class DirectoryOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectoryOrganisation

    name = factory.Sequence(lambda n: f"Directory organisation {n}")
    description = "A local organisation that helps people into work."
    email = factory.Sequence(lambda n: f"hello{n}@example.org")
    website = "https://example.org"


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service; pass `partnerships=[...]` to link it to local partnerships."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    organization = factory.SubFactory(DirectoryOrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Friendly help, one to one."
    status = Service.Status.ACTIVE
    last_checked_on = factory.LazyFunction(datetime.date.today)

    @factory.post_generation
    def partnerships(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.partnerships.add(*extracted)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(DirectoryOrganisationFactory)
    location_type = Location.LocationType.PHYSICAL
    name = factory.Sequence(lambda n: f"Centre {n}")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    location = factory.SubFactory(LocationFactory)
    address_1 = "1 High Street"
    city = "Kirkcaldy"
    state_province = "Fife"
    postal_code = "KY1 1AA"
    country = "GB"
    address_type = Location.LocationType.PHYSICAL


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory, organization=factory.SelfAttribute("..service.organization"))


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    service = factory.SubFactory(ServiceFactory)
    number = "01592 000000"
    type = "voice"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    service = factory.SubFactory(ServiceFactory)
    name = "Sam Adviser"
    title = "Adviser"
    email = "sam@example.org"


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = Schedule.Frequency.WEEKLY
    byday = "MO,TU,WE,TH,FR"
    opens_at = datetime.time(9, 0)
    closes_at = datetime.time(17, 0)


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    service = factory.SubFactory(ServiceFactory)
    name = "Fife"


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy

    name = factory.Sequence(lambda n: f"Taxonomy {n}")
    description = "A list of terms."


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm

    taxonomy_detail = factory.SubFactory(TaxonomyFactory)
    taxonomy_name = factory.LazyAttribute(lambda term: term.taxonomy_detail.name if term.taxonomy_detail else "")
    code = factory.Sequence(lambda n: f"term-{n}")
    name = factory.Sequence(lambda n: f"Term {n}")
    description = "A term."


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute

    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)
    service = factory.SubFactory(ServiceFactory)
    link_id = factory.LazyAttribute(lambda attribute: attribute.service.id if attribute.service else None)
    link_entity = factory.LazyAttribute(lambda attribute: "service" if attribute.service else "")


def barrier_term(barrier: str) -> TaxonomyTerm:
    """Our barrier taxonomy's term for one `plans.Barrier` value (published on first use)."""
    ensure_barrier_taxonomy()
    return TaxonomyTerm.objects.get(id=barrier_term_id(barrier))


def tag_service(service: Service, *barriers: str) -> Service:
    """Tag an existing service as helping with these barriers."""
    for barrier in barriers:
        AttributeFactory(service=service, taxonomy_term=barrier_term(barrier))
    return service


def service_for_need(barrier: str, *more_barriers: str, **kwargs: Any) -> Service:
    """A service tagged with our barrier taxonomy term(s); other keyword arguments go to ServiceFactory."""
    return tag_service(ServiceFactory(**kwargs), barrier, *more_barriers)
