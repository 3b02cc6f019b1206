"""Kim records contacts and appointments on pages; Pat sees his appointments; cases are shared for cover."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.participants.models import CoverShare
from coproduce.plans.models import Appointment, Contact
from coproduce.programmes.models import Partnership
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import AppointmentFactory, ContactFactory, CoverShareFactory
from tests.programmes.factories import StaffMemberFactory
from tests.web.test_keyworker_pages import text

ClientFor = Callable[[str], Client]
TODAY = timezone.localdate()


def test_kim_records_a_home_visit_and_sees_it_in_the_list(personas: Personas, client_for: ClientFor) -> None:
    kim = client_for("keyworker")
    pat = personas.participant
    response = kim.post(
        f"/participants/{pat.pk}/contacts/new/",
        {"happened_on": TODAY.isoformat(), "kind": "home_visit", "duration_minutes": "45", "notes": "Met the kids."},
    )
    assert response.status_code == 302
    contact = Contact.objects.filter(participant=pat).latest("pk")
    assert (contact.kind, contact.duration_minutes, contact.notes) == ("home_visit", 45, "Met the kids.")
    page = text(kim.get(f"/participants/{pat.pk}/contacts/"))
    assert "Home visit" in page
    assert "Met the kids." in page


def test_a_contact_in_the_future_is_refused_and_nothing_is_saved(personas: Personas, client_for: ClientFor) -> None:
    before = Contact.objects.count()
    response = client_for("keyworker").post(
        f"/participants/{personas.participant.pk}/contacts/new/",
        {"happened_on": (TODAY + datetime.timedelta(days=2)).isoformat(), "kind": "phone"},
    )
    assert response.status_code == 400
    assert "cannot be in the future" in text(response)
    assert Contact.objects.count() == before


def test_a_restricted_note_is_hidden_from_pat_and_shown_with_its_reason_to_mo(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    contact = ContactFactory(participant=pat, happened_on=TODAY, notes="Worried about the ex-partner's visits.")
    kim = client_for("keyworker")
    no_reason = kim.post(f"/contacts/{contact.pk}/edit/", {"action": "restrict", "reason": "", "version": 1})
    assert no_reason.status_code == 400
    contact.refresh_from_db()
    assert not contact.is_restricted

    response = kim.post(
        f"/contacts/{contact.pk}/edit/", {"action": "restrict", "reason": "Third party risk.", "version": 1}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.is_restricted

    assert "ex-partner" not in client_for("participant").get("/me/").content.decode()
    listing = text(client_for("partnership_manager").get(f"/participants/{pat.pk}/contacts/"))
    assert "Hidden from the participant" in listing
    assert "Third party risk." in listing
    assert "ex-partner" in listing

    lifted = kim.post(f"/contacts/{contact.pk}/edit/", {"action": "unrestrict", "version": contact.version})
    assert lifted.status_code == 302
    assert "ex-partner" in client_for("participant").get("/me/").content.decode()


def test_the_second_of_two_edits_of_a_note_is_refused(personas: Personas, client_for: ClientFor) -> None:
    contact = ContactFactory(participant=personas.participant, happened_on=TODAY, notes="First.")
    form = {"action": "save", "happened_on": TODAY.isoformat(), "kind": "centre", "version": contact.version}
    assert client_for("keyworker").post(f"/contacts/{contact.pk}/edit/", {**form, "notes": "Kim."}).status_code == 302
    response = client_for("partnership_manager").post(f"/contacts/{contact.pk}/edit/", {**form, "notes": "Mo."})
    assert response.status_code == 409
    assert "Someone else changed this record" in text(response)
    contact.refresh_from_db()
    assert contact.notes == "Kim."


@pytest.mark.parametrize("how_many", [1, 50])
def test_the_contact_list_takes_the_same_queries_however_long(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable, how_many: int
) -> None:
    participant = ParticipantFactory(keyworker=personas.keyworker)
    ContactFactory.create_batch(how_many, participant=participant)
    client = client_for("keyworker")
    client.get(f"/participants/{participant.pk}/contacts/")
    # Session, user, actor (3), participant, is-covering check, page count, page, audit insert.
    with django_assert_num_queries(9):
        response = client.get(f"/participants/{participant.pk}/contacts/")
    assert len(response.context["pages"].page) == min(how_many, 25)


def test_kim_books_an_appointment_pat_downloads_it_and_asks_to_rearrange(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    day = TODAY + datetime.timedelta(days=5)
    response = client_for("keyworker").post(
        f"/participants/{pat.pk}/appointments/new/",
        {
            "date": day.isoformat(),
            "time": "10:30",
            "duration_minutes": "45",
            "place": "centre",
            "place_details": "Kirkcaldy, room 2; ring the bell",
            "childcare_needed": "on",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(participant=pat)
    assert (appointment.place, appointment.childcare_needed, appointment.duration_minutes) == ("centre", True, 45)
    assert timezone.localtime(appointment.starts_at).strftime("%H:%M") == "10:30"

    me = client_for("participant")
    mine = text(me.get("/me/appointments/"))
    assert "Kirkcaldy, room 2" in mine
    assert "Kim Keyworker" in mine

    ics = me.get(f"/appointments/{appointment.pk}/calendar.ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    body = ics.content.decode()
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    assert lines[-1] == ""
    assert "\n" not in body.replace("\r\n", "")
    starts = appointment.starts_at.astimezone(datetime.UTC)
    ends = starts + datetime.timedelta(minutes=45)
    assert f"DTSTART:{starts:%Y%m%dT%H%M%SZ}" in lines
    assert f"DTEND:{ends:%Y%m%dT%H%M%SZ}" in lines
    assert f"UID:appointment-{appointment.pk}@127.0.0.1" in lines  # the site's domain (COPRODUCE_SITE_URL)
    assert "LOCATION:At a centre: Kirkcaldy\\, room 2\\; ring the bell" in lines
    assert "SUMMARY:Meeting with Kim Keyworker" in lines
    event = calendar_components(body)
    assert event["VEVENT"]["SUMMARY"] == "Meeting with Kim Keyworker"
    assert event["VALARM"] == {
        "ACTION": "DISPLAY",
        "DESCRIPTION": "Meeting with Kim Keyworker",
        "TRIGGER": "-PT60M",
    }
    kims = calendar_components(
        client_for("keyworker").get(f"/appointments/{appointment.pk}/calendar.ics").content.decode()
    )
    assert kims["VEVENT"]["SUMMARY"] == "Meeting with Pat Participant"
    assert kims["VALARM"]["DESCRIPTION"] == "Meeting with Pat Participant"
    assert kims["VALARM"]["TRIGGER"] == "-PT60M"
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert all(len(line.encode()) <= 75 for line in lines)

    asked = me.post(f"/appointments/{appointment.pk}/rearrange/", {"message": "Could we do Tuesday?"})
    assert asked.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.rearrange_request) == ("rearrange_asked", "Could we do Tuesday?")
    record = text(client_for("keyworker").get(f"/participants/{pat.pk}/"))
    assert "Asked to rearrange" in record


def calendar_components(body: str) -> dict[str, dict[str, str]]:
    """An iCalendar file read as RFC 5545 says: lines unfolded, each component's properties by name."""
    unfolded = body.replace("\r\n ", "").split("\r\n")
    components: dict[str, dict[str, str]] = {}
    open_components: list[str] = []
    for line in filter(None, unfolded):
        name, _, value = line.partition(":")
        if name == "BEGIN":
            open_components.append(value)
            components[value] = {}
        elif name == "END":
            assert open_components.pop() == value
        else:
            components[open_components[-1]][name] = value
    assert open_components == []
    return components


def test_pat_cannot_open_someone_elses_appointment(personas: Personas, client_for: ClientFor) -> None:
    olive = AppointmentFactory(participant=personas.other_participant)
    me = client_for("participant")
    assert me.get(f"/appointments/{olive.pk}/calendar.ics").status_code == 404
    assert me.post(f"/appointments/{olive.pk}/rearrange/", {"message": "x"}).status_code == 404
    olive.refresh_from_db()
    assert olive.status == Appointment.Status.BOOKED


def test_kim_cancels_an_appointment(personas: Personas, client_for: ClientFor) -> None:
    appointment = AppointmentFactory(participant=personas.second_participant)
    response = client_for("keyworker").post(
        f"/appointments/{appointment.pk}/edit/", {"action": "cancel", "version": appointment.version}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    stale = client_for("keyworker").post(f"/appointments/{appointment.pk}/edit/", {"action": "happened", "version": 1})
    assert stale.status_code == 409


def test_kim_shares_paula_with_owen_for_cover(personas: Personas, client_for: ClientFor, sign_in: Callable) -> None:
    paula = personas.second_participant
    response = client_for("keyworker").post(
        f"/participants/{paula.pk}/cover/new/",
        {
            "covering_keyworker": personas.other_keyworker.pk,
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=10)).isoformat(),
            "reason": "Annual leave",
        },
    )
    assert response.status_code == 302
    share = CoverShare.objects.get(participant=paula)
    owen = sign_in(personas.other_keyworker.user)
    caseload = text(owen.get("/caseload/"))
    assert "Covering for other keyworkers" in caseload
    assert "Paula Second" in caseload
    assert "covering for Kim Keyworker" in caseload
    assert owen.get(f"/participants/{paula.pk}/").status_code == 200
    record = text(client_for("keyworker").get(f"/participants/{paula.pk}/"))
    assert "Owen Other covers from" in record

    assert client_for("partnership_manager").post(f"/cover/{share.pk}/end/").status_code == 302
    assert owen.get(f"/participants/{paula.pk}/").status_code == 404


def test_owen_cannot_end_or_extend_cover_he_only_holds(personas: Personas, sign_in: Callable) -> None:
    share = CoverShareFactory(participant=personas.second_participant, covering_keyworker=personas.other_keyworker)
    owen = sign_in(personas.other_keyworker.user)
    assert owen.post(f"/cover/{share.pk}/end/").status_code == 403
    assert owen.get(f"/participants/{personas.second_participant.pk}/cover/new/").status_code == 403
    share.refresh_from_db()
    assert share.ended_early_at is None


def test_the_caseload_warns_when_over_the_partnership_limit(personas: Personas, client_for: ClientFor) -> None:
    kim = client_for("keyworker")
    assert "caseload limit" not in text(kim.get("/caseload/"))
    Partnership.objects.filter(pk=personas.fife.pk).update(caseload_limit=1)
    page = text(kim.get("/caseload/"))
    assert "You support 2 active people: more than your partnership’s caseload limit of 1." in page


def test_the_caseload_shows_next_appointment_and_open_steps(personas: Personas, client_for: ClientFor) -> None:
    soon = timezone.now() + datetime.timedelta(days=1)
    AppointmentFactory(participant=personas.participant, starts_at=soon)
    AppointmentFactory(participant=personas.participant, starts_at=soon + datetime.timedelta(days=7))
    AppointmentFactory(participant=personas.participant, starts_at=soon - datetime.timedelta(days=9))
    response = client_for("keyworker").get("/caseload/")
    pat = next(
        row["participant"] for row in response.context["rows"] if row["participant"].pk == personas.participant.pk
    )
    assert pat.next_appointment_at == soon
    assert pat.open_steps == 0


def test_a_keyworker_from_elsewhere_sees_nothing(personas: Personas, sign_in: Callable) -> None:
    stranger = StaffMemberFactory(partnership=personas.glasgow)
    client = sign_in(stranger.user)
    assert client.get(f"/participants/{personas.participant.pk}/contacts/").status_code == 404


def test_pat_is_not_told_that_a_hidden_note_exists_by_the_audit_log(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    hidden = ContactFactory(participant=pat, happened_on=TODAY, notes="Safeguarding concern.")
    shown = ContactFactory(participant=pat, happened_on=TODAY, notes="Talked about courses.")
    kim = client_for("keyworker")
    for contact in (hidden, shown):
        kim.post(
            f"/contacts/{contact.pk}/edit/",
            {
                "action": "save",
                "happened_on": TODAY.isoformat(),
                "kind": "phone",
                "notes": contact.notes + " Updated.",
                "version": 1,
            },
        )
    kim.post(f"/contacts/{hidden.pk}/edit/", {"action": "restrict", "reason": "Third party risk.", "version": 2})
    response = client_for("participant").get("/me/who-looked/")
    from coproduce.audit.models import AuditEvent

    hidden_events = AuditEvent.objects.filter(record_type="plans.Contact", record_id=str(hidden.pk))
    assert hidden_events.count() == 2  # the edit and the restriction are audited for staff
    # The page counts events in groups: every plans.Contact event it counts is about the shown note.
    counted = sum(row["times"] for row in response.context["pages"].page if row["record_type"] == "plans.Contact")
    assert counted == AuditEvent.objects.filter(record_type="plans.Contact", record_id=str(shown.pk)).count()
    assert counted > 0


def test_kim_is_warned_before_booking_pat_in_the_school_run_and_confirms(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    day = TODAY + datetime.timedelta(days=(1 - TODAY.weekday()) % 7 or 7)  # next Tuesday
    kim = client_for("keyworker")
    booking = {"date": day.isoformat(), "time": "08:30", "duration_minutes": "60", "place": "home"}
    form = kim.get(f"/participants/{pat.pk}/appointments/new/").content.decode()
    assert 'type="checkbox" name="confirm_time"' not in form

    warned = kim.post(f"/participants/{pat.pk}/appointments/new/", booking)

    assert warned.status_code == 400
    page = text(warned)
    assert "It is during the school run (08:15 to 09:15), and Pat Participant has a child of school age." in page
    assert "I have checked: this time suits them" in page
    assert 'type="checkbox" name="confirm_time"' in warned.content.decode()
    assert not Appointment.objects.filter(participant=pat).exists()

    booked = kim.post(f"/participants/{pat.pk}/appointments/new/", {**booking, "confirm_time": "on"})

    assert booked.status_code == 302
    appointment = Appointment.objects.get(participant=pat)
    assert timezone.localtime(appointment.starts_at).strftime("%A %H:%M") == "Tuesday 08:30"
