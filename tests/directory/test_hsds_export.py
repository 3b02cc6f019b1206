"""Our export is valid HSDS 3.0 and Open Referral UK, carries our extension, and nothing private."""

import datetime
import json
from typing import Any

import pytest
from django.db.models import QuerySet

from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed
from coproduce.directory.hsds import serialise
from coproduce.directory.hsds.exporter import export_directory
from coproduce.directory.hsds.importer import import_hsds_json
from coproduce.directory.hsds.validate import HSDS, ORUK, validate_document
from coproduce.directory.models import Service
from tests.directory.factories import (
    AddressFactory,
    AttributeFactory,
    ContactFactory,
    DirectoryOrganisationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from tests.personas import Personas
from tests.programmes.factories import PartnershipFactory

LISTS = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "contacts": "contact",
    "phones": "phone",
    "schedules": "schedule",
    "attributes": "attribute",
}


def problems_with(document: dict[str, Any], standard: str) -> list[str]:
    return [
        problem
        for key, items in document.items()
        for index, item in enumerate(items)
        for problem in validate_document(item, LISTS[key], standard=standard, prefix=f"{key}[{index}]")
    ]


def build_service(**kwargs: Any) -> Service:
    """A service with one of everything we model."""
    service = ServiceFactory(**kwargs)
    sal = ServiceAtLocationFactory(service=service)
    AddressFactory(location=sal.location)
    PhoneFactory(service=service, extension="12")
    ContactFactory(service=service)
    PhoneFactory(service=None, contact=ContactFactory(service=service, name="Alex"))
    ScheduleFactory(service=service)
    ScheduleFactory(service=None, service_at_location=sal, valid_from=datetime.date(2026, 1, 5))
    ServiceAreaFactory(service=service)
    AttributeFactory(service=service)
    return service


@pytest.mark.django_db
def test_the_export_of_a_directory_built_with_factories_is_valid_hsds_and_oruk() -> None:
    fife = PartnershipFactory(area_name="Fife", gss_code="S12000047")
    build_service(
        takes_referrals=True,
        places_available=3,
        partnerships=[fife],
        capacity_updated_at=datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC),
    )
    build_service(organization=None, last_checked_on=None)
    DirectoryOrganisationFactory()

    document = export_directory()

    assert problems_with(document, HSDS) == []
    assert problems_with(document, ORUK) == []
    assert [len(document[key]) for key in ("organizations", "services", "locations", "taxonomies")] == [2, 1, 1, 2]


@pytest.mark.django_db
def test_our_own_fields_are_under_one_extension_key_only_where_a_service_carries_them() -> None:
    fife = PartnershipFactory(area_name="Fife", gss_code="S12000047")
    ours = ServiceFactory(
        takes_referrals=True,
        childcare_on_site=True,
        places_available=0,
        response_working_days=3,
        partnerships=[fife],
        last_checked_on=datetime.date(2026, 11, 20),
    )
    theirs = ServiceFactory(last_checked_on=None)

    assert serialise.service_full(ours)["x_coproduce"] == {
        "takes_referrals": True,
        "childcare_on_site": True,
        "places_available": 0,
        "capacity_updated_at": None,
        "response_working_days": 3,
        "last_checked_on": "2026-11-20",
        "partnerships": [{"gss_code": "S12000047", "area_name": "Fife"}],
    }
    assert "x_coproduce" not in serialise.service_full(theirs)
    assert {key for key in serialise.service_full(theirs) if key.startswith("x_")} == set()


@pytest.mark.django_db
def test_a_service_as_hsds() -> None:
    service = ServiceFactory(
        name="Money advice",
        alternate_name="",
        description="Help with debts.",
        status=Service.Status.ACTIVE,
        minimum_age=16,
        last_checked_on=None,
        organization__name="Kingdom Money Advice",
        organization__description="Advice.",
        organization__email="a@example.org",
        organization__website="",
    )
    phone = PhoneFactory(service=service, number="01592 111111", extension="", type="voice")

    assert serialise.service_full(service) == {
        "id": str(service.id),
        "name": "Money advice",
        "description": "Help with debts.",
        "status": "active",
        "minimum_age": 16,
        "phones": [{"id": str(phone.id), "number": "01592 111111", "type": "voice"}],
        "organization": {
            "id": str(service.organization_id),
            "name": "Kingdom Money Advice",
            "description": "Advice.",
            "email": "a@example.org",
        },
    }


def _serialise_all(queryset: QuerySet[Service]) -> list[dict[str, Any]]:
    return [serialise.service_full(s) for s in serialise.prefetched_services(queryset)]


@pytest.mark.django_db
def test_serialising_services_takes_the_same_number_of_queries_for_one_or_many(
    django_assert_num_queries: Any,
) -> None:
    build_service()
    with django_assert_num_queries(26):
        assert len(_serialise_all(Service.objects.all())) == 1

    for _ in range(4):
        build_service()
    with django_assert_num_queries(26):
        assert len(_serialise_all(Service.objects.all())) == 5


@pytest.mark.django_db
def test_exporting_the_whole_directory_takes_the_same_number_of_queries_for_one_or_many(
    django_assert_num_queries: Any,
) -> None:
    build_service()
    build_service(organization=None)
    with django_assert_num_queries(56):
        export_directory()

    for _ in range(3):
        build_service()
        build_service(organization=None)
    with django_assert_num_queries(56):
        export_directory()


@pytest.mark.django_db
def test_the_export_holds_nothing_about_participants_referrals_or_staff(personas: Personas) -> None:
    text = json.dumps(export_directory())

    assert personas.partner_service.name in text
    private = [personas.participant.user.email, personas.manager.user.email, personas.referral.reason]
    assert [value for value in private if value.lower() in text.lower()] == []
    assert "participant" not in text
    assert problems_with(json.loads(text), HSDS) == []


@pytest.mark.django_db
def test_a_partnership_manager_imports_and_it_is_audited(personas: Personas) -> None:
    document = serialise.service_full(personas.partner_service)
    document["name"] = "Money and debt advice (renamed)"

    with audit_context(channel=AuditEvent.Channel.ADMIN, path="/api/v1/directory/import"):
        import_hsds_json(document, actor=personas.manager.user)

    personas.partner_service.refresh_from_db()
    assert personas.partner_service.name == "Money and debt advice (renamed)"
    events = AuditEvent.objects.filter(record_type="directory.Service", record_id=str(personas.partner_service.id))
    assert [(e.action, e.actor, e.actor_role, e.channel, e.path) for e in events] == [
        ("change", personas.manager.user, "partnership_manager", "admin", "/api/v1/directory/import")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["keyworker", "partner_worker", "funder", "participant"])
def test_nobody_else_may_import(personas: Personas, role: str) -> None:
    document = serialise.service_full(personas.partner_service)

    with pytest.raises(NotAllowed):
        import_hsds_json(document, actor=personas.user_for(role))
