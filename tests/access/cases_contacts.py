"""Access cases for contacts, appointments and cover sharing: pages and API.

Most cases are about Paula (Kim's participant without a sign-in), so that Pat, playing the
participant, is refused and never sees her; the calendar file, "my appointments" and asking to
rearrange are about Pat's own appointment.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from coproduce.participants.models import CoverShare
from coproduce.plans.models import Appointment, Contact
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas
from tests.plans.factories import AppointmentFactory, CoverShareFactory

CASEWORKERS = roles("keyworker", "partnership_manager")
PAT_AND_CASEWORKERS = CASEWORKERS | roles("participant")


def paula_secrets(p: Personas) -> list[str]:
    paula = p.second_participant
    return [paula.reference, paula.family_name]


def pat_secrets(p: Personas) -> list[str]:
    return [p.participant.reference, p.participant.family_name]


def paula_contact(p: Personas) -> Contact:
    return Contact.objects.filter(participant=p.second_participant).order_by("pk").first()  # type: ignore[return-value]


def appointment_of(participant: object) -> Appointment:
    existing = Appointment.objects.filter(participant=participant).order_by("pk").first()
    return existing or AppointmentFactory(participant=participant)


def paula_cover(p: Personas) -> CoverShare:
    existing = CoverShare.objects.filter(participant=p.second_participant).order_by("pk").first()
    return existing or CoverShareFactory(participant=p.second_participant, covering_keyworker=p.other_keyworker)


def contacts_snapshot(p: Personas) -> tuple[object, ...]:
    return tuple(Contact.objects.order_by("pk").values_list("pk", "notes", "version", "restricted_at"))


def appointments_snapshot(p: Personas) -> tuple[object, ...]:
    appointment_of(p.second_participant)
    appointment_of(p.participant)
    return tuple(Appointment.objects.order_by("pk").values_list("pk", "status", "version", "place"))


def covers_snapshot(p: Personas) -> tuple[object, ...]:
    paula_cover(p)
    return tuple(CoverShare.objects.order_by("pk").values_list("pk", "ends_on", "ended_early_at"))


def today(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def new_contact(p: Personas) -> dict[str, object]:
    return {"happened_on": today(), "kind": "home_visit", "duration_minutes": 40, "notes": "Home visit."}


def new_appointment(p: Personas) -> dict[str, object]:
    return {"date": today(3), "time": "10:30", "duration_minutes": 60, "place": "centre", "place_details": "Room 2"}


CASES = [
    # Contacts, pages.
    AccessCase(
        route="web:contact_list",
        url=lambda p: reverse("web:contact_list", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:contact_add",
        url=lambda p: reverse("web:contact_add", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:contact_add",
        label="record",
        url=lambda p: reverse("web:contact_add", args=[p.second_participant.pk]),
        method="POST",
        data=new_contact,
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=contacts_snapshot,
    ),
    AccessCase(
        route="web:contact_edit",
        url=lambda p: reverse("web:contact_edit", args=[paula_contact(p).pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:contact_edit",
        label="restrict",
        url=lambda p: reverse("web:contact_edit", args=[paula_contact(p).pk]),
        method="POST",
        data=lambda p: {"action": "restrict", "reason": "Safeguarding.", "version": paula_contact(p).version},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=contacts_snapshot,
    ),
    # Appointments, pages.
    AccessCase(
        route="web:appointment_add",
        url=lambda p: reverse("web:appointment_add", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:appointment_add",
        label="book",
        url=lambda p: reverse("web:appointment_add", args=[p.second_participant.pk]),
        method="POST",
        data=new_appointment,
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=appointments_snapshot,
    ),
    AccessCase(
        route="web:appointment_edit",
        url=lambda p: reverse("web:appointment_edit", args=[appointment_of(p.second_participant).pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:appointment_edit",
        label="cancel",
        url=lambda p: reverse("web:appointment_edit", args=[appointment_of(p.second_participant).pk]),
        method="POST",
        data=lambda p: {"action": "cancel", "version": appointment_of(p.second_participant).version},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=appointments_snapshot,
    ),
    AccessCase(
        route="web:appointment_ics",
        url=lambda p: reverse("web:appointment_ics", args=[appointment_of(p.participant).pk]),
        allowed=PAT_AND_CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: ["BEGIN:VCALENDAR"],
    ),
    AccessCase(
        route="web:appointment_ics",
        label="someone else's",
        url=lambda p: reverse("web:appointment_ics", args=[appointment_of(p.other_participant).pk]),
        allowed=roles("partnership_manager"),
        audited_participant=lambda p: p.other_participant,
        secrets=lambda p: ["BEGIN:VCALENDAR"],
    ),
    AccessCase(
        route="web:my_appointments",
        url=lambda p: (appointment_of(p.participant), reverse("web:my_appointments"))[1],
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:appointment_rearrange",
        url=lambda p: reverse("web:appointment_rearrange", args=[appointment_of(p.participant).pk]),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:appointment_rearrange",
        label="ask",
        url=lambda p: reverse("web:appointment_rearrange", args=[appointment_of(p.participant).pk]),
        method="POST",
        data=lambda p: {"message": "Could we meet on Tuesday?"},
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=appointments_snapshot,
    ),
    # Cover.
    AccessCase(
        route="web:cover_add",
        url=lambda p: reverse("web:cover_add", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:cover_add",
        label="share",
        url=lambda p: reverse("web:cover_add", args=[p.second_participant.pk]),
        method="POST",
        data=lambda p: {
            "covering_keyworker": p.other_keyworker.pk,
            "starts_on": today(),
            "ends_on": today(10),
            "reason": "Annual leave",
        },
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=covers_snapshot,
    ),
    AccessCase(
        route="web:cover_end",
        url=lambda p: reverse("web:cover_end", args=[paula_cover(p).pk]),
        method="POST",
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=covers_snapshot,
    ),
    # API.
    AccessCase(
        route="api-v1:list_contacts",
        url=lambda p: reverse("api-v1:list_contacts", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=lambda p: [paula_contact(p).notes],
        api=True,
    ),
    AccessCase(
        route="api-v1:record_contact",
        url=lambda p: reverse("api-v1:record_contact", args=[p.second_participant.pk]),
        method="POST",
        json=True,
        data=lambda p: {"happened_on": today(), "kind": "phone", "notes": "Called."},
        allowed=CASEWORKERS,
        allowed_status=201,
        snapshot=contacts_snapshot,
        api=True,
    ),
    AccessCase(
        route="api-v1:update_contact",
        url=lambda p: reverse("api-v1:update_contact", args=[paula_contact(p).pk]),
        method="PATCH",
        json=True,
        data=lambda p: {"version": paula_contact(p).version, "notes": "Changed."},
        allowed=CASEWORKERS,
        snapshot=contacts_snapshot,
        api=True,
    ),
    AccessCase(
        route="api-v1:list_appointments",
        url=lambda p: (
            appointment_of(p.second_participant),
            reverse("api-v1:list_appointments", args=[p.second_participant.pk]),
        )[1],
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=lambda p: ["Kirkcaldy family centre"],
        api=True,
    ),
    AccessCase(
        route="api-v1:book_appointment",
        url=lambda p: reverse("api-v1:book_appointment", args=[p.second_participant.pk]),
        method="POST",
        json=True,
        data=lambda p: {"starts_at": f"{today(4)}T10:00:00+00:00", "place": "phone"},
        allowed=CASEWORKERS,
        allowed_status=201,
        snapshot=appointments_snapshot,
        api=True,
    ),
    AccessCase(
        route="api-v1:update_appointment",
        url=lambda p: reverse("api-v1:update_appointment", args=[appointment_of(p.second_participant).pk]),
        method="PATCH",
        json=True,
        data=lambda p: {"version": appointment_of(p.second_participant).version, "place": "video"},
        allowed=CASEWORKERS,
        snapshot=appointments_snapshot,
        api=True,
    ),
    AccessCase(
        route="api-v1:rearrange_appointment",
        url=lambda p: reverse("api-v1:rearrange_appointment", args=[appointment_of(p.participant).pk]),
        method="POST",
        json=True,
        data=lambda p: {"message": "Another day, please."},
        allowed=roles("participant"),
        snapshot=appointments_snapshot,
        api=True,
    ),
]
