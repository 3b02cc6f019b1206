"""Appointments between a participant and a keyworker. The participant chooses the place. Audited.

Staff working with the participant book, change, cancel and mark them as happened; the
participant themself can ask to rearrange, with a message.
"""

import datetime
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.notifications import events as notify
from coproduce.participants.models import AvailabilitySlot, Child, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Appointment
from coproduce.programmes.standing import standing_of

APPOINTMENT_FIELDS = ("starts_at", "duration_minutes", "place", "place_details", "childcare_needed", "childcare_notes")
FINISHED = (Appointment.Status.CANCELLED, Appointment.Status.HAPPENED)

# School runs on weekdays, for a participant with a child of school age (4 to 16): an
# appointment overlapping them asks the keyworker to confirm the time was agreed.
SCHOOL_RUNS = ((datetime.time(8, 15), datetime.time(9, 15)), (datetime.time(14, 45), datetime.time(15, 45)))
SCHOOL_AGES = range(4, 17)


class TimeNeedsConfirming(InvalidInput):
    """The time may not suit the family: booked only when the keyworker confirms (`confirm_time`)."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        super().__init__({"confirm_time": [*warnings, "Check the time with them, or confirm that it suits them."]})


def _minutes(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


def time_fit_warnings(participant: Participant, starts_at: datetime.datetime, duration_minutes: int) -> list[str]:
    """Why a time may not suit the participant's family, in plain words; [] when it fits (two queries).

    Outside the times they said they are free (when they said any), or during a weekday school
    run when they have a child of school age.
    """
    local = timezone.localtime(starts_at)
    start = _minutes(local.time())
    end = start + duration_minutes
    day = local.date()
    warnings = []
    free_parts = set(
        AvailabilitySlot.objects.filter(participant_id=participant.pk).values_list("weekday", "part_of_day")
    )
    if free_parts:
        covered = [
            (_minutes(begins), _minutes(ends))
            for part, (begins, ends) in AvailabilitySlot.HOURS.items()
            if (local.weekday(), part) in free_parts
        ]
        # Every minute of the appointment inside one of the parts of that day they said they are free.
        minute = start
        for begins, ends in sorted(covered):
            if begins <= minute < ends:
                minute = ends
        if minute < end:
            warnings.append(
                f"{participant.full_name} did not say they are free at this time "
                f"({AvailabilitySlot.Weekday(local.weekday()).label} {local:%H:%M})."
            )
    if local.weekday() < 5:
        ages = [child.age_on(day) for child in Child.objects.filter(participant_id=participant.pk)]
        if any(age in SCHOOL_AGES for age in ages):
            for run_starts, run_ends in SCHOOL_RUNS:
                if start < _minutes(run_ends) and _minutes(run_starts) < end:
                    warnings.append(
                        f"It is during the school run ({run_starts:%H:%M} to {run_ends:%H:%M}), "
                        f"and {participant.full_name} has a child of school age."
                    )
                    break
    return warnings


def _check_time_fits(
    participant: Participant, starts_at: datetime.datetime, duration_minutes: int, confirmed: bool
) -> None:
    if confirmed:
        return
    warnings = time_fit_warnings(participant, starts_at, duration_minutes)
    if warnings:
        raise TimeNeedsConfirming(warnings)


def _check_details(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "place" in values and values["place"] not in Appointment.Place.values:
        errors["place"] = ["Choose where the participant would like to meet."]
    if "starts_at" in values and not isinstance(values["starts_at"], datetime.datetime):
        errors["starts_at"] = ["Enter the date and time of the appointment."]
    duration = values.get("duration_minutes")
    if duration is not None and not 5 <= duration <= 8 * 60:
        errors["duration_minutes"] = ["Enter how long it will take, from 5 to 480 minutes."]
    if errors:
        raise InvalidInput(errors)


def _locked_appointment(actor: ActingUser, appointment_id: int) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update()
        .filter(pk=appointment_id, participant__in=participants_visible_to(actor))
        .select_related("participant")
        .first()
    )
    if appointment is None:
        raise NotFound("No such appointment.")
    return appointment


def _audit(actor: ActingUser, appointment: Appointment, action: str, fields: list[str]) -> None:
    record_event(
        actor=actor,
        action=action,
        record=appointment,
        participant_id=appointment.participant_id,
        changed_fields=fields,
    )


def book_appointment(
    *,
    actor: ActingUser,
    participant_id: int,
    starts_at: datetime.datetime,
    place: str,
    duration_minutes: int = 60,
    place_details: str = "",
    childcare_needed: bool = False,
    childcare_notes: str = "",
    confirm_time: bool = False,
) -> Appointment:
    """Book an appointment at the place the participant chose.

    It is with the keyworker who books it (their own or a covering keyworker); a manager books
    it with the participant's own keyworker. A time outside the participant's availability or
    in a school run raises TimeNeedsConfirming unless `confirm_time`.
    """
    values = {"starts_at": starts_at, "place": place, "duration_minutes": duration_minutes}
    _check_details(values)
    standing = standing_of(actor)
    with transaction.atomic():
        participant = participants_visible_to(actor).select_related("keyworker").filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if not rules.has_perm("plans.manage_appointments", actor, participant):
            raise NotAllowed("Only the people working with this participant can book appointments.")
        keyworker = standing.staff_member if standing.has(Role.KEYWORKER) else participant.keyworker
        if keyworker is None:
            raise DomainError("This participant has no keyworker to meet yet.")
        _check_time_fits(participant, starts_at, duration_minutes, confirm_time)
        appointment = Appointment(
            participant=participant,
            keyworker=keyworker,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            place=place,
            place_details=place_details.strip(),
            childcare_needed=childcare_needed,
            childcare_notes=childcare_notes.strip(),
            created_by=signed_in(actor),
        )
        validate_model(appointment)
        appointment.save()
        _audit(actor, appointment, AuditEvent.Action.CREATE, list(APPOINTMENT_FIELDS))
        notify.appointment_booked(actor=actor, appointment=appointment)
    return appointment


def update_appointment(
    *,
    actor: ActingUser,
    appointment_id: int,
    expected_version: int,
    changes: dict[str, Any],
    confirm_time: bool = False,
) -> Appointment:
    """Change when, where or how long; a rearranged appointment is booked again. 409 if changed since read.

    A new time or length that may not suit the family raises TimeNeedsConfirming unless `confirm_time`.
    """
    unknown = set(changes) - set(APPOINTMENT_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    _check_details(changes)
    with transaction.atomic():
        appointment = _locked_appointment(actor, appointment_id)
        if not rules.has_perm("plans.manage_appointments", actor, appointment.participant):
            raise NotAllowed("Only the people working with this participant can change appointments.")
        appointment.check_version(expected_version)
        if appointment.status in FINISHED:
            raise DomainError("This appointment is cancelled or has happened, so it cannot be changed.")
        for name in ("place_details", "childcare_notes"):
            if name in changes:
                changes[name] = (changes[name] or "").strip()
        changed = [
            name for name in APPOINTMENT_FIELDS if name in changes and getattr(appointment, name) != changes[name]
        ]
        if not changed:
            return appointment
        for name in changed:
            setattr(appointment, name, changes[name])
        if {"starts_at", "duration_minutes"} & set(changed):
            _check_time_fits(appointment.participant, appointment.starts_at, appointment.duration_minutes, confirm_time)
        if appointment.status == Appointment.Status.REARRANGE_ASKED and "starts_at" in changed:
            appointment.status = Appointment.Status.BOOKED
            changed.append("status")
        validate_model(appointment)
        appointment.bump_version()
        appointment.save()
        _audit(actor, appointment, AuditEvent.Action.CHANGE, changed)
        notify.appointment_changed(actor=actor, appointment=appointment, changed=changed)
    return appointment


def _set_status(*, actor: ActingUser, appointment_id: int, expected_version: int, status: str) -> Appointment:
    with transaction.atomic():
        appointment = _locked_appointment(actor, appointment_id)
        if not rules.has_perm("plans.manage_appointments", actor, appointment.participant):
            raise NotAllowed("Only the people working with this participant can change appointments.")
        appointment.check_version(expected_version)
        if appointment.status in FINISHED:
            raise DomainError("This appointment is already cancelled or has happened.")
        appointment.status = status
        appointment.bump_version()
        appointment.save()
        _audit(actor, appointment, AuditEvent.Action.CHANGE, ["status"])
        notify.appointment_changed(actor=actor, appointment=appointment, changed=["status"])
    return appointment


def cancel_appointment(
    *,
    actor: ActingUser,
    appointment_id: int,
    expected_version: int,
) -> Appointment:
    """Cancel an appointment that is still to come."""
    return _set_status(
        actor=actor,
        appointment_id=appointment_id,
        expected_version=expected_version,
        status=Appointment.Status.CANCELLED,
    )


def mark_appointment_happened(
    *,
    actor: ActingUser,
    appointment_id: int,
    expected_version: int,
) -> Appointment:
    """Record that the appointment took place."""
    return _set_status(
        actor=actor,
        appointment_id=appointment_id,
        expected_version=expected_version,
        status=Appointment.Status.HAPPENED,
    )


def ask_to_rearrange(
    *,
    actor: ActingUser,
    appointment_id: int,
    message: str,
) -> Appointment:
    """The participant asks for another time or place, in their own words. Only they can do this."""
    message = message.strip()
    if not message:
        raise InvalidInput({"message": ["Tell your keyworker what would suit you better."]})
    with transaction.atomic():
        appointment = _locked_appointment(actor, appointment_id)
        if not rules.has_perm("plans.ask_to_rearrange", actor, appointment.participant):
            raise NotAllowed("Only the participant can ask to rearrange their appointment.")
        if appointment.status in FINISHED:
            raise DomainError("This appointment is cancelled or has already happened.")
        appointment.status = Appointment.Status.REARRANGE_ASKED
        appointment.rearrange_request = message
        appointment.bump_version()
        appointment.save()
        _audit(actor, appointment, AuditEvent.Action.CHANGE, ["status", "rearrange_request"])
    return appointment
