"""Kim records contacts and books appointments with Pat; notes can be restricted; cases shared for cover."""

import datetime

import pytest
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import AvailabilitySlot, Child, CoverShare
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import end_cover, share_for_cover
from coproduce.plans.models import Appointment, Contact
from coproduce.plans.selectors.contacts import contacts_visible_to
from coproduce.plans.services.appointments import (
    TimeNeedsConfirming,
    ask_to_rearrange,
    book_appointment,
    cancel_appointment,
    mark_appointment_happened,
    time_fit_warnings,
    update_appointment,
)
from coproduce.plans.services.contacts import record_contact, restrict_contact, unrestrict_contact, update_contact
from tests.personas import Personas
from tests.plans.factories import AppointmentFactory, ContactFactory

TODAY = timezone.localdate()


def _home_visit(personas: Personas) -> Contact:
    return record_contact(
        actor=personas.keyworker.user,
        participant_id=personas.participant.pk,
        happened_on=TODAY,
        kind=Contact.Kind.HOME_VISIT,
        duration_minutes=50,
        notes="Talked about a college course.",
    )


def test_kim_records_a_home_visit_and_it_is_audited(personas: Personas) -> None:
    contact = _home_visit(personas)
    assert (contact.kind, contact.duration_minutes, contact.recorded_by) == (
        "home_visit",
        50,
        personas.keyworker.user,
    )
    event = AuditEvent.objects.get(record_type="plans.Contact", record_id=str(contact.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.participant_id == personas.participant.pk
    assert "Talked" not in str(event.changed_fields)


def test_nobody_else_records_contacts(personas: Personas) -> None:
    for user in (personas.other_keyworker.user, personas.glasgow_manager.user, personas.participant.user):
        with pytest.raises((NotFound, NotAllowed)):
            record_contact(actor=user, participant_id=personas.second_participant.pk, happened_on=TODAY, kind="phone")
    assert Contact.objects.filter(participant=personas.second_participant).count() == 1


def test_bad_contact_input_changes_nothing(personas: Personas) -> None:
    before = Contact.objects.count()
    with pytest.raises(InvalidInput) as error:
        record_contact(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            happened_on=TODAY + datetime.timedelta(days=1),
            kind="carrier_pigeon",
            duration_minutes=0,
        )
    assert set(error.value.errors) == {"happened_on", "kind", "duration_minutes"}
    assert Contact.objects.count() == before


def test_the_second_of_two_concurrent_edits_of_a_note_is_refused(personas: Personas) -> None:
    contact = _home_visit(personas)
    read_version = contact.version
    update_contact(
        actor=personas.keyworker.user,
        contact_id=contact.pk,
        expected_version=read_version,
        changes={"notes": "Kim's version."},
    )
    with pytest.raises(ConflictError):
        update_contact(
            actor=personas.manager.user,
            contact_id=contact.pk,
            expected_version=read_version,
            changes={"notes": "Mo's version."},
        )
    contact.refresh_from_db()
    assert (contact.notes, contact.version) == ("Kim's version.", read_version + 1)


def test_a_note_is_restricted_only_with_a_reason_and_audited(personas: Personas) -> None:
    contact = _home_visit(personas)
    with pytest.raises(InvalidInput):
        restrict_contact(
            actor=personas.keyworker.user, contact_id=contact.pk, expected_version=contact.version, reason=" "
        )
    restricted = restrict_contact(
        actor=personas.keyworker.user,
        contact_id=contact.pk,
        expected_version=contact.version,
        reason="Mentions a third party at risk.",
    )
    assert restricted.is_restricted
    assert restricted.restricted_by == personas.keyworker.user
    event = AuditEvent.objects.filter(record_type="plans.Contact", record_id=str(contact.pk)).latest("pk")
    assert (event.action, event.changed_fields) == (AuditEvent.Action.CHANGE, ["restricted"])

    # Pat never sees it; Kim and Mo do.
    assert not contacts_visible_to(personas.participant.user).filter(pk=contact.pk).exists()
    assert contacts_visible_to(personas.keyworker.user).filter(pk=contact.pk).exists()
    assert contacts_visible_to(personas.manager.user).filter(pk=contact.pk).exists()

    lifted = unrestrict_contact(actor=personas.manager.user, contact_id=contact.pk, expected_version=restricted.version)
    assert not lifted.is_restricted
    assert lifted.restricted_reason == ""
    assert contacts_visible_to(personas.participant.user).filter(pk=contact.pk).exists()


def at_half_past_ten(*, days: int) -> datetime.datetime:
    """A time clear of the school runs (Pat has children of school age), days from now."""
    return timezone.localtime().replace(hour=10, minute=30, second=0, microsecond=0) + datetime.timedelta(days=days)


def _book(personas: Personas) -> Appointment:
    return book_appointment(
        actor=personas.keyworker.user,
        participant_id=personas.participant.pk,
        starts_at=at_half_past_ten(days=2),
        place=Appointment.Place.VIDEO,
        place_details="Link sent by text",
        childcare_needed=True,
        childcare_notes="Toddler, 2",
    )


def test_kim_books_changes_and_marks_an_appointment(personas: Personas) -> None:
    appointment = _book(personas)
    assert (appointment.keyworker, appointment.status, appointment.place) == (personas.keyworker, "booked", "video")
    changed = update_appointment(
        actor=personas.keyworker.user,
        appointment_id=appointment.pk,
        expected_version=appointment.version,
        changes={"place": Appointment.Place.HOME, "duration_minutes": 45},
    )
    assert (changed.place, changed.duration_minutes) == ("home", 45)
    with pytest.raises(ConflictError):
        cancel_appointment(
            actor=personas.manager.user, appointment_id=appointment.pk, expected_version=appointment.version
        )
    happened = mark_appointment_happened(
        actor=personas.keyworker.user, appointment_id=appointment.pk, expected_version=changed.version
    )
    assert happened.status == Appointment.Status.HAPPENED
    with pytest.raises(DomainError):
        cancel_appointment(
            actor=personas.keyworker.user, appointment_id=appointment.pk, expected_version=happened.version
        )
    fields = list(
        AuditEvent.objects.filter(record_type="plans.Appointment", record_id=str(appointment.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert fields == ["create", "change", "change"]


def test_pat_asks_to_rearrange_and_only_pat_can(personas: Personas) -> None:
    appointment = _book(personas)
    with pytest.raises(NotAllowed):
        ask_to_rearrange(actor=personas.keyworker.user, appointment_id=appointment.pk, message="Tuesday?")
    with pytest.raises(InvalidInput):
        ask_to_rearrange(actor=personas.participant.user, appointment_id=appointment.pk, message="  ")
    asked = ask_to_rearrange(
        actor=personas.participant.user, appointment_id=appointment.pk, message="Could we do Tuesday morning?"
    )
    assert (asked.status, asked.rearrange_request) == ("rearrange_asked", "Could we do Tuesday morning?")
    event = AuditEvent.objects.filter(record_type="plans.Appointment").latest("pk")
    assert (event.actor, event.changed_fields) == (personas.participant.user, ["rearrange_request", "status"])
    # Kim moves it: it is booked again.
    moved = update_appointment(
        actor=personas.keyworker.user,
        appointment_id=appointment.pk,
        expected_version=asked.version,
        changes={"starts_at": at_half_past_ten(days=5)},
    )
    assert moved.status == Appointment.Status.BOOKED


def test_someone_elses_appointment_is_not_found(personas: Personas) -> None:
    olive_appointment = AppointmentFactory(participant=personas.other_participant)
    with pytest.raises(NotFound):
        ask_to_rearrange(actor=personas.participant.user, appointment_id=olive_appointment.pk, message="Hi")
    with pytest.raises(NotFound):
        cancel_appointment(actor=personas.keyworker.user, appointment_id=olive_appointment.pk, expected_version=1)


def test_kim_shares_pat_with_owen_for_cover_and_ends_it(personas: Personas) -> None:
    owen = personas.other_keyworker.user
    assert not participants_visible_to(owen).filter(pk=personas.participant.pk).exists()
    share = share_for_cover(
        actor=personas.keyworker.user,
        participant_id=personas.participant.pk,
        covering_keyworker_id=personas.other_keyworker.pk,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=14),
        reason="Annual leave",
    )
    assert participants_visible_to(owen).filter(pk=personas.participant.pk).exists()
    # Owen, covering, may record a contact.
    record_contact(actor=owen, participant_id=personas.participant.pk, happened_on=TODAY, kind="phone")
    # But not pass the case on.
    with pytest.raises(NotAllowed):
        share_for_cover(
            actor=owen,
            participant_id=personas.participant.pk,
            covering_keyworker_id=personas.other_keyworker.pk,
            starts_on=TODAY,
            ends_on=TODAY,
            reason="x",
        )
    end_cover(actor=personas.manager.user, cover_id=share.pk)
    assert not participants_visible_to(owen).filter(pk=personas.participant.pk).exists()
    actions = list(
        AuditEvent.objects.filter(record_type="participants.CoverShare").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["create", "change"]
    with pytest.raises(DomainError):
        end_cover(actor=personas.keyworker.user, cover_id=share.pk)


def test_cover_only_with_a_keyworker_in_the_same_partnership(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        share_for_cover(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            covering_keyworker_id=personas.glasgow_keyworker.pk,
            starts_on=TODAY,
            ends_on=TODAY + datetime.timedelta(days=1),
            reason="Sick leave",
        )
    assert "keyworker" in error.value.errors
    with pytest.raises(InvalidInput):
        share_for_cover(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            covering_keyworker_id=personas.other_keyworker.pk,
            starts_on=TODAY,
            ends_on=TODAY - datetime.timedelta(days=1),
            reason="",
        )
    assert CoverShare.objects.count() == 0


def test_contact_factory_still_works(personas: Personas) -> None:
    assert ContactFactory(participant=personas.participant).participant == personas.participant


# Appointments that fit the family.


def _next(weekday: int, hour: int, minute: int = 0) -> datetime.datetime:
    """The next such weekday (0 is Monday) after today, at that local time."""
    today = timezone.localdate()
    day = today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.mark.parametrize(
    ("starts_at", "duration", "warnings"),
    [
        (_next(0, 10, 30), 60, []),
        (
            _next(0, 8, 30),
            30,
            ["It is during the school run (08:15 to 09:15), and Pat Participant has a child of school age."],
        ),
        (
            _next(0, 14, 0),
            60,
            ["It is during the school run (14:45 to 15:45), and Pat Participant has a child of school age."],
        ),
        (_next(0, 13, 45), 60, []),
        (_next(5, 8, 30), 60, []),  # Saturday: no school run
    ],
)
def test_a_time_in_the_school_run_asks_kim_to_confirm(
    personas: Personas, starts_at: datetime.datetime, duration: int, warnings: list[str]
) -> None:
    assert time_fit_warnings(personas.participant, starts_at, duration) == warnings


def test_a_time_outside_the_times_paula_is_free_asks_kim_to_confirm(personas: Personas) -> None:
    paula = personas.second_participant
    Child.objects.filter(participant=paula).delete()
    assert time_fit_warnings(paula, _next(2, 19, 0), 60) == []  # nothing said about when she is free
    AvailabilitySlot.objects.create(participant=paula, weekday=1, part_of_day="morning")
    AvailabilitySlot.objects.create(participant=paula, weekday=1, part_of_day="afternoon")
    assert time_fit_warnings(paula, _next(1, 11, 0), 120) == []  # morning into afternoon
    assert time_fit_warnings(paula, _next(1, 14, 30), 60) == [
        "Paula Second did not say they are free at this time (Tuesday 14:30)."
    ]
    assert time_fit_warnings(paula, _next(2, 10, 0), 60) == [
        "Paula Second did not say they are free at this time (Wednesday 10:00)."
    ]


def test_kim_books_a_school_run_time_only_when_she_confirms_it(personas: Personas) -> None:
    school_run = _next(1, 15, 0)
    details = {"actor": personas.keyworker.user, "participant_id": personas.participant.pk, "place": "home"}
    with pytest.raises(TimeNeedsConfirming) as refused:
        book_appointment(starts_at=school_run, **details)
    assert refused.value.errors == {
        "confirm_time": [
            "It is during the school run (14:45 to 15:45), and Pat Participant has a child of school age.",
            "Check the time with them, or confirm that it suits them.",
        ]
    }
    assert not Appointment.objects.filter(participant=personas.participant).exists()
    booked = book_appointment(starts_at=school_run, confirm_time=True, **details)
    assert booked.starts_at == school_run

    with pytest.raises(TimeNeedsConfirming):
        update_appointment(
            actor=personas.keyworker.user,
            appointment_id=booked.pk,
            expected_version=booked.version,
            changes={"starts_at": _next(2, 8, 45)},
        )
    # Changing only the place asks nothing.
    moved = update_appointment(
        actor=personas.keyworker.user,
        appointment_id=booked.pk,
        expected_version=booked.version,
        changes={"place": "centre"},
    )
    assert moved.place == "centre"
