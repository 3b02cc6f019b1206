"""Keeping directory entries current: the rules the directory services carry."""

import datetime

import pytest
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.directory.models import Address, Attribute, DirectoryOrganisation, Schedule, Service
from coproduce.directory.services import (
    OpeningTimes,
    create_service,
    mark_service_checked,
    normalise_postcode,
    set_opening_times,
    set_service_address,
    update_directory_organisation,
    update_service,
)
from coproduce.plans.models import Barrier
from tests.directory.factories import AddressFactory, ServiceAtLocationFactory, ServiceFactory, tag_service
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def needs_of(service: Service) -> list[str]:
    return sorted(service.attributes.values_list("taxonomy_term__code", flat=True))


def audit_of(record: object) -> list[tuple[str, str, list[str]]]:
    return list(
        AuditEvent.objects.filter(record_id=str(record.pk))  # type: ignore[attr-defined]
        .order_by("pk")
        .values_list("action", "actor__display_name", "changed_fields")
    )


def test_priya_updates_her_agencys_service_and_it_is_audited(personas: Personas) -> None:
    service = personas.partner_service
    updated = update_service(
        actor=personas.partner_worker.user,
        service_id=service.pk,
        expected_version=service.version,
        description="  Free help with debts.  ",
        childcare_on_site=True,
        places_available=2,
        needs=[Barrier.MONEY_AND_DEBT, Barrier.HOUSING],
    )
    updated.refresh_from_db()
    assert (updated.description, updated.childcare_on_site, updated.places_available, updated.version) == (
        "Free help with debts.",
        True,
        2,
        service.version + 1,
    )
    assert updated.capacity_updated_at is not None
    assert needs_of(updated) == ["housing", "money_and_debt"]
    assert audit_of(service) == [
        (
            "change",
            "Priya Partner",
            ["childcare_on_site", "description", "needs", "places_available"],
        )
    ]


def test_needs_tags_are_replaced_not_added(personas: Personas) -> None:
    service = tag_service(personas.partner_service, Barrier.HOUSING, Barrier.DIGITAL)
    update_service(
        actor=personas.manager.user, service_id=service.pk, expected_version=service.version, needs=[Barrier.DIGITAL]
    )
    assert needs_of(service) == ["digital"]
    attribute = Attribute.objects.get(service=service)
    assert (attribute.link_id, attribute.link_entity) == (service.pk, "service")


def test_a_stale_version_saves_nothing(personas: Personas) -> None:
    service = personas.partner_service
    update_service(actor=personas.partner_worker.user, service_id=service.pk, expected_version=1, name="First change")
    with pytest.raises(ConflictError):
        update_service(actor=personas.manager.user, service_id=service.pk, expected_version=1, name="Second change")
    service.refresh_from_db()
    assert (service.name, service.version) == ("First change", 2)


def test_bad_input_is_refused_with_field_messages(personas: Personas) -> None:
    service = personas.partner_service
    with pytest.raises(InvalidInput) as error:
        update_service(
            actor=personas.partner_worker.user,
            service_id=service.pk,
            expected_version=service.version,
            name="  ",
            minimum_age=30,
            maximum_age=18,
            response_working_days=0,
        )
    assert error.value.errors == {
        "name": ["Enter the name of the service."],
        "maximum_age": ["The oldest age must be the same as or more than the youngest age."],
        "response_working_days": ["Enter a number of working days from 1 to 30."],
    }
    with pytest.raises(InvalidInput) as error:
        update_service(
            actor=personas.partner_worker.user,
            service_id=service.pk,
            expected_version=service.version,
            email="not an email",
        )
    assert list(error.value.errors) == ["email"]
    with pytest.raises(InvalidInput) as error:
        update_service(
            actor=personas.partner_worker.user,
            service_id=service.pk,
            expected_version=service.version,
            needs=["astrology"],
        )
    assert error.value.errors == {"needs": ["Choose needs from the list."]}
    service.refresh_from_db()
    assert (service.name, service.version, needs_of(service)) == ("Money and debt advice", 1, [])


def test_only_the_fields_it_names_can_be_changed(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        update_service(
            actor=personas.partner_worker.user,
            service_id=personas.partner_service.pk,
            expected_version=1,
            last_checked_on=datetime.date(2000, 1, 1),
        )
    assert error.value.errors == {"last_checked_on": ["This cannot be changed here."]}


@pytest.mark.parametrize("who", ["keyworker", "participant", "glasgow_manager", "funder", "other_partner"])
def test_people_who_do_not_keep_the_entry_cannot_change_it(personas: Personas, who: str) -> None:
    users = {
        "keyworker": personas.keyworker.user,
        "participant": personas.participant.user,
        "glasgow_manager": personas.glasgow_manager.user,
        "funder": personas.funder.user,
        "other_partner": personas.partner_worker.user,
    }
    # Priya keeps her own agency's entry, not Fife Childcare Links'.
    service = personas.other_partner_service if who == "other_partner" else personas.partner_service
    with pytest.raises(NotFound):
        update_service(actor=users[who], service_id=service.pk, expected_version=1, name="Hijacked")
    with pytest.raises(NotFound):
        mark_service_checked(actor=users[who], service_id=service.pk, expected_version=1)
    service.refresh_from_db()
    assert (service.name, service.version) != ("Hijacked", 2)
    assert service.version == 1


def test_a_manager_keeps_services_linked_to_their_partnership(personas: Personas) -> None:
    outside = ServiceFactory(name="Outside org", partnerships=[personas.fife])
    update_service(actor=personas.manager.user, service_id=outside.pk, expected_version=1, name="Renamed")
    outside.refresh_from_db()
    assert outside.name == "Renamed"
    with pytest.raises(NotFound):
        update_service(actor=personas.partner_worker.user, service_id=outside.pk, expected_version=2, name="Again")


def test_marking_as_checked_records_who_and_when(personas: Personas) -> None:
    service = personas.partner_service
    mark_service_checked(actor=personas.partner_worker.user, service_id=service.pk, expected_version=1)
    service.refresh_from_db()
    assert (service.last_checked_on, service.last_checked_by, service.version) == (
        timezone.localdate(),
        personas.partner_worker.user,
        2,
    )
    assert audit_of(service) == [("change", "Priya Partner", ["last_checked_by", "last_checked_on"])]


def test_capacity_is_stamped_with_the_time(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    service = personas.partner_service
    moment = datetime.datetime(2026, 11, 28, 10, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    update_service(actor=personas.partner_worker.user, service_id=service.pk, expected_version=1, places_available=0)
    service.refresh_from_db()
    assert (service.places_available, service.capacity_updated_at) == (0, moment)
    with pytest.raises(InvalidInput):
        update_service(
            actor=personas.partner_worker.user, service_id=service.pk, expected_version=2, places_available=-1
        )


def test_opening_times_replace_the_services_own_rows(personas: Personas) -> None:
    service = personas.partner_service
    link = ServiceAtLocationFactory(service=service)
    Schedule.objects.create(
        service_at_location=link, byday="SA", opens_at=datetime.time(10), closes_at=datetime.time(12)
    )
    Schedule.objects.create(service=service, byday="SU", opens_at=datetime.time(10), closes_at=datetime.time(12))
    set_opening_times(
        actor=personas.partner_worker.user,
        service_id=service.pk,
        expected_version=1,
        rows=[
            OpeningTimes(days=("WE", "MO"), opens_at=datetime.time(9, 30), closes_at=datetime.time(12, 30)),
            OpeningTimes(days=("TH",), opens_at=datetime.time(18), closes_at=datetime.time(20), description="Evenings"),
        ],
    )
    rows = list(service.schedules.order_by("opens_at").values_list("byday", "opens_at", "closes_at", "freq"))
    assert rows == [
        ("MO,WE", datetime.time(9, 30), datetime.time(12, 30), "WEEKLY"),
        ("TH", datetime.time(18), datetime.time(20), "WEEKLY"),
    ]
    assert Schedule.objects.filter(service_at_location=link).count() == 1


def test_opening_times_must_make_sense(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        set_opening_times(
            actor=personas.partner_worker.user,
            service_id=personas.partner_service.pk,
            expected_version=1,
            rows=[
                OpeningTimes(days=(), opens_at=datetime.time(9), closes_at=datetime.time(12)),
                OpeningTimes(days=("MO",), opens_at=datetime.time(12), closes_at=datetime.time(9)),
            ],
        )
    assert error.value.errors == {
        "rows": ["Row 1: choose at least one day.", "Row 2: the closing time must be after the opening time."]
    }


def test_the_address_is_added_then_edited(personas: Personas) -> None:
    service = personas.partner_service
    set_service_address(
        actor=personas.partner_worker.user,
        service_id=service.pk,
        expected_version=1,
        location_name="Kirkcaldy office",
        address_1="2 Hunter Street",
        city="Kirkcaldy",
        postal_code="ky11xx",
    )
    address = Address.objects.get(location__service_at_locations__service=service)
    assert (address.location.name, address.address_1, address.postal_code, address.country) == (
        "Kirkcaldy office",
        "2 Hunter Street",
        "KY1 1XX",
        "GB",
    )
    set_service_address(
        actor=personas.partner_worker.user,
        service_id=service.pk,
        expected_version=2,
        address_1="3 Hunter Street",
        city="Kirkcaldy",
        postal_code="KY1 1XY",
    )
    assert list(Address.objects.values_list("address_1", "postal_code")) == [("3 Hunter Street", "KY1 1XY")]


def test_an_existing_imported_address_is_edited_in_place(personas: Personas) -> None:
    service = personas.partner_service
    address = AddressFactory(location=ServiceAtLocationFactory(service=service).location, region="Fife")
    set_service_address(
        actor=personas.manager.user,
        service_id=service.pk,
        expected_version=1,
        address_1="9 Esplanade",
        city="Kirkcaldy",
        postal_code="KY1 1HU",
    )
    address.refresh_from_db()
    assert (address.address_1, address.region, address.postal_code) == ("9 Esplanade", "Fife", "KY1 1HU")


def test_a_bad_postcode_is_refused(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        set_service_address(
            actor=personas.partner_worker.user,
            service_id=personas.partner_service.pk,
            expected_version=1,
            address_1="",
            city="Kirkcaldy",
            postal_code="KY1",
        )
    assert error.value.errors == {
        "address_1": ["Enter the first line of the address."],
        "postal_code": ["Enter a full UK postcode, like KY1 1XX."],
    }
    assert Address.objects.count() == 0


def test_postcodes_are_written_one_way() -> None:
    assert [normalise_postcode(code) for code in ("ky11xx", " KY1  1XX ", "g2 4aa")] == ["KY1 1XX", "KY1 1XX", "G2 4AA"]


def test_a_service_is_added_to_the_organisation_and_partnership(personas: Personas) -> None:
    entry = personas.partner_service.organization
    assert entry is not None
    service = create_service(
        actor=personas.partner_worker.user,
        organisation_id=entry.pk,
        name="Benefits check",
        description="A full check of what you are entitled to.",
        takes_referrals=True,
        needs=[Barrier.MONEY_AND_DEBT],
    )
    assert (service.organization, service.last_checked_on, service.status) == (
        entry,
        timezone.localdate(),
        "active",
    )
    assert list(service.partnerships.all()) == [personas.fife]
    assert needs_of(service) == ["money_and_debt"]
    assert audit_of(service)[0][:2] == ("create", "Priya Partner")


def test_a_service_cannot_be_added_to_someone_elses_organisation(personas: Personas) -> None:
    entry = personas.other_partner_service.organization
    assert entry is not None
    with pytest.raises(NotFound):
        create_service(actor=personas.partner_worker.user, organisation_id=entry.pk, name="Sneaky")
    with pytest.raises(NotFound):
        create_service(actor=personas.glasgow_manager.user, organisation_id=entry.pk, name="Sneaky")
    assert Service.objects.filter(name="Sneaky").count() == 0


def test_the_organisation_entry_is_edited_with_a_version(personas: Personas) -> None:
    entry = personas.partner_service.organization
    assert entry is not None
    update_directory_organisation(
        actor=personas.partner_worker.user,
        organisation_id=entry.pk,
        expected_version=1,
        website="https://kma.example.org",
    )
    with pytest.raises(ConflictError):
        update_directory_organisation(
            actor=personas.manager.user, organisation_id=entry.pk, expected_version=1, name="Old"
        )
    with pytest.raises(InvalidInput) as error:
        update_directory_organisation(
            actor=personas.manager.user, organisation_id=entry.pk, expected_version=2, description=""
        )
    assert error.value.errors == {"description": ["Say in a sentence or two what the organisation does."]}
    with pytest.raises(NotFound):
        update_directory_organisation(
            actor=personas.glasgow_manager.user, organisation_id=entry.pk, expected_version=2, name="Glasgow's now"
        )
    entry = DirectoryOrganisation.objects.get(pk=entry.pk)
    assert (entry.name, entry.website, entry.version) == ("Kingdom Money Advice", "https://kma.example.org", 2)
