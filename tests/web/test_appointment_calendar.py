"""The appointment's calendar file as calendar apps read it: parsed by icalendar (a parser someone else wrote),
published by its organiser, with one identity whatever address the site was reached by."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from coproduce.plans.models import Appointment
from tests.personas import Personas
from tests.plans.factories import AppointmentFactory

ClientFor = Callable[[str], Client]


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.COPRODUCE_SITE_DOMAIN = "coproduce.example.org"
    settings.COPRODUCE_NO_REPLY_EMAIL = "no-reply@coproduce.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "coproduce.example.org", "10.0.0.7"]


def read_calendar(client: Client, appointment: Appointment, host: str = "testserver") -> Calendar:
    response = client.get(f"/appointments/{appointment.pk}/calendar.ics", HTTP_HOST=host)
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def test_the_keyworker_organises_the_published_event_at_their_work_email(
    personas: Personas, client_for: ClientFor
) -> None:
    kim = personas.keyworker
    kim.work_email = "kim.keyworker@fife-works.example.org"
    kim.save(update_fields=["work_email"])
    appointment = AppointmentFactory(participant=personas.participant)

    calendar = read_calendar(client_for("participant"), appointment)

    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:kim.keyworker@fife-works.example.org"
    assert event["ORGANIZER"].params["CN"] == str(kim.user)
    assert str(event["UID"]) == f"appointment-{appointment.pk}@coproduce.example.org"


def test_without_a_work_email_the_organisation_organises_from_the_no_reply_address(
    personas: Personas, client_for: ClientFor
) -> None:
    kim = personas.keyworker
    kim.work_email = ""
    kim.save(update_fields=["work_email"])
    appointment = AppointmentFactory(participant=personas.participant)

    [event] = read_calendar(client_for("keyworker"), appointment).walk("VEVENT")

    assert str(event["ORGANIZER"]) == "mailto:no-reply@coproduce.example.org"
    assert event["ORGANIZER"].params["CN"] == kim.organisation.name


def test_the_uid_is_the_same_by_any_address_and_for_either_reader(personas: Personas, client_for: ClientFor) -> None:
    appointment = AppointmentFactory(participant=personas.participant)

    uids = {
        str(event["UID"])
        for client, host in (
            (client_for("participant"), "testserver"),
            (client_for("participant"), "10.0.0.7"),
            (client_for("keyworker"), "coproduce.example.org"),
        )
        for event in read_calendar(client, appointment, host).walk("VEVENT")
    }

    assert uids == {f"appointment-{appointment.pk}@coproduce.example.org"}
