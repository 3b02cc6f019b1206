"""Contacts and appointments through the API: Kim records, Pat reads his own (never restricted notes)."""

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.plans.models import Appointment, Contact
from tests.api.helpers import send_json
from tests.personas import Personas
from tests.plans.factories import AppointmentFactory, ContactFactory

ClientFor = Callable[[str], Client]
TODAY = timezone.localdate()


def contacts_url(participant_id: int) -> str:
    return reverse("api-v1:list_contacts", args=[participant_id])


def test_kim_records_and_changes_a_contact(personas: Personas, client_for: ClientFor) -> None:
    kim = client_for("keyworker")
    response = send_json(
        kim,
        "POST",
        contacts_url(personas.participant.pk),
        {"happened_on": TODAY.isoformat(), "kind": "home_visit", "duration_minutes": 30, "notes": "Visit."},
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["kind"], created["notes"], created["version"], created["restricted"]) == (
        "home_visit",
        "Visit.",
        1,
        False,
    )
    url = reverse("api-v1:update_contact", args=[created["id"]])
    changed = send_json(kim, "PATCH", url, {"version": 1, "notes": "Home visit, with the kids."})
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    stale = send_json(client_for("partnership_manager"), "PATCH", url, {"version": 1, "notes": "Mo's."})
    assert stale.status_code == 409
    assert Contact.objects.get(pk=created["id"]).notes == "Home visit, with the kids."


def test_bad_input_gets_a_message_per_field(personas: Personas, client_for: ClientFor) -> None:
    response = send_json(
        client_for("keyworker"), "POST", contacts_url(personas.participant.pk), {"happened_on": "soon", "kind": "owl"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"happened_on", "kind"}


def test_pat_never_gets_a_restricted_note(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    hidden = ContactFactory(participant=pat, happened_on=TODAY, notes="Safeguarding concern.")
    kim = client_for("keyworker")
    url = reverse("api-v1:update_contact", args=[hidden.pk])
    assert send_json(kim, "PATCH", url, {"version": 1, "restricted_reason": "  "}).status_code == 200
    assert not Contact.objects.get(pk=hidden.pk).is_restricted
    restricted = send_json(kim, "PATCH", url, {"version": 1, "restricted_reason": "Third party at risk."})
    assert restricted.status_code == 200
    assert restricted.json()["restricted"] is True

    staff_view = kim.get(contacts_url(pat.pk)).json()
    assert hidden.pk in [item["id"] for item in staff_view["items"]]
    mine = client_for("participant").get(contacts_url(pat.pk))
    assert mine.status_code == 200
    assert hidden.pk not in [item["id"] for item in mine.json()["items"]]
    assert "Safeguarding concern." not in mine.content.decode()
    assert mine.json()["count"] == Contact.objects.filter(participant=pat).count() - 1
    assert send_json(client_for("participant"), "PATCH", url, {"version": 2, "notes": "x"}).status_code == 404


def test_reading_contacts_is_audited_and_others_get_404(personas: Personas, client_for: ClientFor) -> None:
    kim = client_for("keyworker")
    before = AuditEvent.objects.filter(participant=personas.participant, action=AuditEvent.Action.VIEW).count()
    assert kim.get(contacts_url(personas.participant.pk)).status_code == 200
    after = AuditEvent.objects.filter(participant=personas.participant, action=AuditEvent.Action.VIEW).count()
    assert after == before + 1
    assert kim.get(contacts_url(personas.other_participant.pk)).status_code == 404
    assert client_for("participant").get(contacts_url(personas.second_participant.pk)).status_code == 404


def test_appointments_booked_changed_and_rearranged(personas: Personas, client_for: ClientFor) -> None:
    kim = client_for("keyworker")
    pat = personas.participant
    url = reverse("api-v1:book_appointment", args=[pat.pk])
    # 10:30, clear of the school runs (Pat has children of school age).
    starts = timezone.localtime().replace(hour=10, minute=30, second=0, microsecond=0) + datetime.timedelta(days=3)
    booked = send_json(kim, "POST", url, {"starts_at": starts.isoformat(), "place": "phone", "childcare_needed": True})
    assert booked.status_code == 201
    appointment = booked.json()
    assert (appointment["place"], appointment["status"], appointment["keyworker"]) == (
        "phone",
        "booked",
        "Kim Keyworker",
    )
    listed = client_for("participant").get(reverse("api-v1:list_appointments", args=[pat.pk])).json()
    assert [item["id"] for item in listed["items"]] == [appointment["id"]]

    rearrange = reverse("api-v1:rearrange_appointment", args=[appointment["id"]])
    assert send_json(kim, "POST", rearrange, {"message": "Tuesday?"}).status_code == 403
    asked = send_json(client_for("participant"), "POST", rearrange, {"message": "Could we do Tuesday?"})
    assert asked.status_code == 200
    assert asked.json()["status"] == "rearrange_asked"

    change = reverse("api-v1:update_appointment", args=[appointment["id"]])
    later = (starts + datetime.timedelta(days=2)).isoformat()
    moved = send_json(kim, "PATCH", change, {"version": asked.json()["version"], "starts_at": later})
    assert moved.status_code == 200
    assert moved.json()["status"] == "booked"
    wrong = send_json(kim, "PATCH", change, {"version": moved.json()["version"], "status": "booked"})
    assert wrong.status_code == 400
    cancelled = send_json(kim, "PATCH", change, {"version": moved.json()["version"], "status": "cancelled"})
    assert cancelled.status_code == 200
    assert Appointment.objects.get(pk=appointment["id"]).status == Appointment.Status.CANCELLED


def test_someone_elses_appointment_is_404(personas: Personas, client_for: ClientFor) -> None:
    olive = AppointmentFactory(participant=personas.other_participant)
    change = reverse("api-v1:update_appointment", args=[olive.pk])
    assert send_json(client_for("keyworker"), "PATCH", change, {"version": 1, "place": "home"}).status_code == 404
    olive.refresh_from_db()
    assert olive.place == Appointment.Place.CENTRE


def test_a_school_run_time_gets_400_with_the_warning_until_confirmed(personas: Personas, client_for: ClientFor) -> None:
    kim = client_for("keyworker")
    pat = personas.participant
    today = timezone.localdate()
    tuesday = today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)
    starts = timezone.make_aware(datetime.datetime.combine(tuesday, datetime.time(15, 0)))
    url = reverse("api-v1:book_appointment", args=[pat.pk])
    body = {"starts_at": starts.isoformat(), "place": "home"}

    refused = send_json(kim, "POST", url, body)

    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "confirm_time": [
            "It is during the school run (14:45 to 15:45), and Pat Participant has a child of school age.",
            "Check the time with them, or confirm that it suits them.",
        ]
    }
    assert not Appointment.objects.filter(participant=pat).exists()
    booked = send_json(kim, "POST", url, {**body, "confirm_time": True})
    assert booked.status_code == 201
