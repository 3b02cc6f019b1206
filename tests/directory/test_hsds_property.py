"""Property: any service our models can hold exports, imports and exports again identically."""

import datetime
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.directory.hsds.exporter import export_directory
from coproduce.directory.hsds.importer import import_hsds_json
from coproduce.directory.hsds.validate import validate_document
from coproduce.directory.models import Location, Schedule, Service
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
)
from tests.programmes.factories import PartnershipFactory

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
name = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200)
optional_int = st.none() | st.integers(min_value=0, max_value=32767)
optional_time = st.none() | st.times().map(lambda t: t.replace(microsecond=0))
optional_date = st.none() | st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1))
instant = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1), timezones=st.just(datetime.UTC)
)
email = st.sampled_from(["", "hello@example.org", "a.b+c@example.co.uk"])
url = st.sampled_from(["", "https://example.org/", "http://example.com/a?b=c"])

service_fields = st.fixed_dictionaries(
    {
        "name": name,
        "alternate_name": text,
        "description": text,
        "url": url,
        "email": email,
        "status": st.sampled_from(Service.Status.values),
        "application_process": text,
        "eligibility_description": text,
        "fees_description": text,
        "minimum_age": optional_int,
        "maximum_age": optional_int,
        "alert": text,
        "last_modified": st.none() | instant,
        "childcare_on_site": st.booleans(),
        "takes_referrals": st.booleans(),
        "places_available": optional_int,
        "capacity_updated_at": st.none() | instant,
        "response_working_days": st.integers(min_value=0, max_value=60),
        "last_checked_on": optional_date,
    }
)
children = st.fixed_dictionaries(
    {
        "with_organisation": st.booleans(),
        "in_partnership": st.booleans(),
        "phones": st.lists(
            st.fixed_dictionaries(
                {
                    "number": st.text("0123456789 +", min_size=1, max_size=20),
                    "extension": st.sampled_from(["", "1", "204"]),
                    "type": st.sampled_from(["", "voice", "text", "textphone"]),
                    "description": text,
                }
            ),
            max_size=2,
        ),
        "schedules": st.lists(
            st.fixed_dictionaries(
                {
                    "freq": st.sampled_from(["", *Schedule.Frequency.values]),
                    "byday": st.sampled_from(["", "MO", "MO,TU,WE,TH,FR"]),
                    "opens_at": optional_time,
                    "closes_at": optional_time,
                    "valid_from": optional_date,
                    "valid_to": optional_date,
                    "description": text,
                }
            ),
            max_size=2,
        ),
        "locations": st.lists(
            st.fixed_dictionaries(
                {
                    "location_type": st.sampled_from(Location.LocationType.values),
                    "name": text,
                    # Both or neither (coproduce/directory/coordinates.py).
                    "point": st.none()
                    | st.tuples(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180)),
                    "with_address": st.booleans(),
                }
            ),
            max_size=2,
        ),
        "contacts": st.integers(min_value=0, max_value=2),
        "areas": st.lists(text, max_size=2),
        "attributes": st.integers(min_value=0, max_value=2),
    }
)


def build(fields: dict[str, Any], parts: dict[str, Any]) -> Service:
    organisation = DirectoryOrganisationFactory() if parts["with_organisation"] else None
    service = ServiceFactory(organization=organisation, **fields)
    if parts["in_partnership"]:
        service.partnerships.add(PartnershipFactory())
    for phone in parts["phones"]:
        PhoneFactory(service=service, **phone)
    for schedule in parts["schedules"]:
        ScheduleFactory(service=service, **schedule)
    for location in parts["locations"]:
        with_address = location.pop("with_address")
        location["latitude"], location["longitude"] = location.pop("point") or (None, None)
        place = LocationFactory(organization=organisation, **location)
        ServiceAtLocationFactory(service=service, location=place)
        if with_address:
            AddressFactory(location=place)
    for index in range(parts["contacts"]):
        PhoneFactory(service=None, contact=ContactFactory(service=service, name=f"Contact {index}"))
    for area in parts["areas"]:
        ServiceAreaFactory(service=service, name=area)
    for _ in range(parts["attributes"]):
        AttributeFactory(service=service)
    return service


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=service_fields, parts=children)
def test_export_import_export_is_identical(fields: dict[str, Any], parts: dict[str, Any]) -> None:
    with transaction.atomic():
        build(fields, parts)
        first = export_directory()
        for organisation in first["organizations"]:
            assert validate_document(organisation, "organization") == []
        for service in first["services"]:
            assert validate_document(service, "service") == []

        import_hsds_json(first, actor=None)

        assert export_directory() == first
        transaction.set_rollback(True)
