"""Contacts (notes) and appointments of one participant.

Rows come from contacts_visible_to / appointments_visible_to (both through participants_visible_to),
so a participant never gets a note restricted for a safeguarding reason, and a participant you may
not see answers 404 like one that does not exist. Every response with personal data is audited.
"""

import datetime
from typing import TYPE_CHECKING, Annotated, Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import Input, error_responses, one_of
from coproduce.core.errors import NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Participant
from coproduce.participants.selectors import visible_participant
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Appointment, Contact
from coproduce.plans.selectors.contacts import appointments_visible_to, contacts_visible_to
from coproduce.plans.services.appointments import (
    ask_to_rearrange,
    book_appointment,
    cancel_appointment,
    mark_appointment_happened,
    update_appointment,
)
from coproduce.plans.services.contacts import record_contact, restrict_contact, unrestrict_contact, update_contact

router = Router(tags=["contacts and appointments"])


if TYPE_CHECKING:
    ContactKind = str
    AppointmentPlace = str
    AppointmentStatus = str
else:
    ContactKind = one_of(Contact.Kind)
    AppointmentPlace = one_of(Appointment.Place)
    AppointmentStatus = one_of(Appointment.Status)


class ParticipantContactOut(Schema):
    id: int
    participant_id: int
    happened_on: datetime.date
    kind: str
    duration_minutes: int | None
    notes: str
    recorded_by: str = Field(description="Who recorded it.")
    restricted: bool = Field(description="Hidden from the participant for a safeguarding reason (staff only).")
    restricted_reason: str
    version: int

    @staticmethod
    def resolve_recorded_by(contact: Contact) -> str:
        return str(contact.recorded_by)

    @staticmethod
    def resolve_restricted(contact: Contact) -> bool:
        return contact.is_restricted


class ContactIn(Input):
    happened_on: datetime.date
    kind: ContactKind
    duration_minutes: int | None = None
    notes: str = ""


class ContactUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    happened_on: Annotated[datetime.date, Field(None)]
    kind: Annotated[ContactKind, Field(None)]
    duration_minutes: Annotated[int | None, Field(None)]
    notes: Annotated[str, Field(None)]
    restricted_reason: Annotated[
        str,
        Field(None, description="Hide the note from the participant with this safeguarding reason; empty to lift it."),
    ]


class AppointmentOut(Schema):
    id: int
    participant_id: int
    keyworker: str
    starts_at: datetime.datetime
    duration_minutes: int
    place: str
    place_details: str
    childcare_needed: bool
    childcare_notes: str
    status: str
    rearrange_request: str
    version: int

    @staticmethod
    def resolve_keyworker(appointment: Appointment) -> str:
        return str(appointment.keyworker.user)


class AppointmentIn(Input):
    starts_at: datetime.datetime = Field(description="With a time zone; without one, UK time is assumed.")
    place: AppointmentPlace = Field(description="Chosen by the participant.")
    duration_minutes: int = 60
    place_details: str = ""
    childcare_needed: bool = False
    childcare_notes: str = ""
    confirm_time: bool = Field(
        False,
        description="Book even though the time is outside the participant's availability or in a school run. "
        "Without it such a time gets 400 with the warnings under `confirm_time`, and nothing is booked.",
    )


class AppointmentUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    starts_at: Annotated[datetime.datetime, Field(None)]
    place: Annotated[AppointmentPlace, Field(None)]
    duration_minutes: Annotated[int, Field(None)]
    place_details: Annotated[str, Field(None)]
    childcare_needed: Annotated[bool, Field(None)]
    childcare_notes: Annotated[str, Field(None)]
    status: Annotated[AppointmentStatus, Field(None, description="Only `cancelled` or `happened`.")]
    confirm_time: bool = Field(False, description="As when booking: confirm a time that may not suit the family.")


class RearrangeIn(Input):
    message: str = Field(description="What would suit the participant better, in their words.")


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _visible_participant(request: HttpRequest, participant_id: int) -> Participant:
    return visible_participant(caller(request), participant_id)


def _audit_read(request: HttpRequest, rows: list[Any]) -> None:
    if rows:
        record_participant_view(actor=caller(request), participant=rows[0].participant)


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    contact = (
        contacts_visible_to(caller(request)).select_related("participant", "recorded_by").filter(pk=contact_id).first()
    )
    if contact is None:
        raise NotFound("No such contact.")
    return contact


def _appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    appointment = (
        appointments_visible_to(caller(request))
        .select_related("participant", "keyworker__user")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise NotFound("No such appointment.")
    return appointment


@router.get(
    "/participants/{participant_id}/contacts",
    response={200: list[ParticipantContactOut], **error_responses(400, 401, 404)},
    summary="List the contacts with one participant",
    url_name="list_contacts",
)
@paginate(PageNumber, audit=_audit_read)
def list_contacts(request: HttpRequest, participant_id: int) -> QuerySet[Contact]:
    """Newest first. A participant gets the notes about them except those restricted for safeguarding."""
    participant = _visible_participant(request, participant_id)
    return (
        contacts_visible_to(caller(request))
        .filter(participant=participant)
        .select_related("participant", "recorded_by")
        .order_by("-happened_on", "-pk")
    )


@router.post(
    "/participants/{participant_id}/contacts",
    response={201: ParticipantContactOut, **error_responses(400, 401, 403, 404)},
    summary="Record a contact",
    url_name="record_contact",
)
def record_contact_route(request: HttpRequest, participant_id: int, payload: ContactIn) -> Status[Contact]:
    """The participant's keyworker, a covering keyworker or the area's manager. Audited."""
    contact = record_contact(actor=caller(request), participant_id=participant_id, **payload.model_dump())
    return Status(201, _contact(request, contact.pk))


@router.patch(
    "/contacts/{contact_id}",
    response={200: ParticipantContactOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a contact, or restrict it from the participant",
    url_name="update_contact",
)
def update_contact_route(request: HttpRequest, contact_id: int, payload: ContactUpdateIn) -> Contact:
    """Send `version` and only what changes. `restricted_reason` hides the note (a reason is required);
    an empty one lifts the restriction. 409 if someone changed the note since you read it."""
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    reason = changes.pop("restricted_reason", None)
    actor = caller(request)
    with transaction.atomic():
        contact = update_contact(
            actor=actor,
            contact_id=contact_id,
            expected_version=version,
            changes=changes,
        )
        if reason is not None:
            if reason.strip():
                if contact.is_restricted:
                    raise InvalidInput({"restricted_reason": ["This note is already hidden from the participant."]})
                restrict_contact(actor=actor, contact_id=contact_id, expected_version=contact.version, reason=reason)
            elif contact.is_restricted:
                unrestrict_contact(actor=actor, contact_id=contact_id, expected_version=contact.version)
    return _contact(request, contact_id)


@router.get(
    "/participants/{participant_id}/appointments",
    response={200: list[AppointmentOut], **error_responses(400, 401, 404)},
    summary="List one participant's appointments",
    url_name="list_appointments",
)
@paginate(PageNumber, audit=_audit_read)
def list_appointments(request: HttpRequest, participant_id: int) -> QuerySet[Appointment]:
    """Soonest first, past and future."""
    participant = _visible_participant(request, participant_id)
    return (
        appointments_visible_to(caller(request))
        .filter(participant=participant)
        .select_related("participant", "keyworker__user")
        .order_by("starts_at", "pk")
    )


@router.post(
    "/participants/{participant_id}/appointments",
    response={201: AppointmentOut, **error_responses(400, 401, 403, 404)},
    summary="Book an appointment",
    url_name="book_appointment",
)
def book_appointment_route(request: HttpRequest, participant_id: int, payload: AppointmentIn) -> Status[Appointment]:
    """At the place the participant chose. Audited."""
    data = payload.model_dump()
    data["starts_at"] = _aware(data["starts_at"])
    appointment = book_appointment(actor=caller(request), participant_id=participant_id, **data)
    return Status(201, _appointment(request, appointment.pk))


@router.patch(
    "/appointments/{appointment_id}",
    response={200: AppointmentOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change, cancel or mark an appointment as happened",
    url_name="update_appointment",
)
def update_appointment_route(request: HttpRequest, appointment_id: int, payload: AppointmentUpdateIn) -> Appointment:
    """Send `version` and only what changes; `status` may be `cancelled` or `happened`. 409 if stale."""
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    status = changes.pop("status", None)
    confirm_time = changes.pop("confirm_time", False)
    if status not in (None, Appointment.Status.CANCELLED, Appointment.Status.HAPPENED):
        raise InvalidInput({"status": ["Only `cancelled` or `happened` can be set."]})
    if "starts_at" in changes and changes["starts_at"] is not None:
        changes["starts_at"] = _aware(changes["starts_at"])
    actor = caller(request)
    with transaction.atomic():
        appointment = update_appointment(
            actor=actor,
            appointment_id=appointment_id,
            expected_version=version,
            changes=changes,
            confirm_time=confirm_time,
        )
        if status is not None:
            do = cancel_appointment if status == Appointment.Status.CANCELLED else mark_appointment_happened
            do(
                actor=actor,
                appointment_id=appointment_id,
                expected_version=appointment.version,
            )
    return _appointment(request, appointment_id)


@router.post(
    "/appointments/{appointment_id}/rearrange",
    response={200: AppointmentOut, **error_responses(400, 401, 403, 404)},
    summary="Ask to rearrange an appointment (the participant)",
    url_name="rearrange_appointment",
)
def rearrange_appointment_route(request: HttpRequest, appointment_id: int, payload: RearrangeIn) -> Appointment:
    """Only the participant themself. The status becomes `rearrange_asked`. Audited."""
    ask_to_rearrange(actor=caller(request), appointment_id=appointment_id, message=payload.message)
    return _appointment(request, appointment_id)
