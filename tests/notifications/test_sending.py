"""Texts through a fake GOV.UK Notify: what arrives, when, once, and only with consent."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from coproduce.notifications import sending
from coproduce.notifications.models import ChannelChoice, Message, MessageSettings, ParticipantTopic
from coproduce.notifications.services import set_contact_preference
from coproduce.participants.models import Consent
from coproduce.participants.services import withdraw_consent
from coproduce.plans.services.appointments import book_appointment, update_appointment
from tests.notifications.fake_notify import SMS_TEMPLATE_ID

pytestmark = pytest.mark.django_db


def local(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def choose_texts_about_appointments(participant, actor) -> None:
    set_contact_preference(
        actor=actor,
        participant_id=participant.pk,
        expected_version=1,
        channel=ChannelChoice.TEXT,
        topics=[ParticipantTopic.APPOINTMENTS],
    )


def book_for_tomorrow(personas, captured):
    with captured(execute=True):
        return book_appointment(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            starts_at=local("2026-03-11T10:30"),
            place="centre",
        )


def test_booking_for_tomorrow_texts_a_confirmation_now_and_reminders_later_each_once(
    personas, notify, clock, django_capture_on_commit_callbacks
):
    pat = personas.participant
    choose_texts_about_appointments(pat, pat.user)

    appointment = book_for_tomorrow(personas, django_capture_on_commit_callbacks)

    messages = {m.template: m for m in Message.objects.filter(participant=pat)}
    assert sorted(messages) == [
        "appointment-booked",
        "appointment-reminder-day-before",
        "appointment-reminder-morning",
    ]
    assert messages["appointment-reminder-day-before"].send_after == local("2026-03-10T18:00")
    assert messages["appointment-reminder-morning"].send_after == local("2026-03-11T07:30")
    assert messages["appointment-reminder-day-before"].idempotency_key == (
        f"appointment-reminder-day-before:{appointment.pk}:1:text"
    )
    # The confirmation went at once, through the generic template, with our id as the reference.
    [confirmation] = notify.sent()
    booked = messages["appointment-booked"]
    assert confirmation["to"] == "+447700900001"
    assert confirmation["template_id"] == SMS_TEMPLATE_ID
    assert confirmation["reference"] == str(booked.pk)
    assert confirmation["personalisation"] == {
        "subject": "Your appointment",
        "body": "Hello Pat. You will meet Kim on Wednesday 11 March, 10:30. If this time does not suit you, "
        "tell us here: https://coproduce.example/me/appointments/",
    }
    booked.refresh_from_db()
    assert (booked.status, booked.provider_id) == (Message.Status.SENT, confirmation["id"])

    # At the reminder time the cron run sends the day-before reminder; run twice, it is sent once.
    clock.set("2026-03-10T18:02")
    call_command("send_messages")
    call_command("send_messages")
    assert [n["personalisation"]["subject"] for n in notify.sent()] == ["Your appointment", "See you tomorrow"]
    assert notify.sent()[1]["personalisation"]["body"] == (
        "Hello Pat. A reminder: you meet Kim tomorrow, Wednesday 11 March, 10:30. "
        "To change it: https://coproduce.example/me/appointments/"
    )
    clock.set("2026-03-11T07:31")
    call_command("send_messages")
    sending.send_message_now(messages["appointment-reminder-morning"].pk)
    assert len(notify.sent()) == 3
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert notify.refused_requests == 0


def test_with_text_consent_withdrawn_nothing_is_sent(personas, notify, clock, django_capture_on_commit_callbacks):
    pat = personas.participant
    choose_texts_about_appointments(pat, pat.user)
    consent = Consent.objects.get(participant=pat, purpose=Consent.Purpose.CONTACT_BY_SMS, withdrawn_at=None)
    withdraw_consent(actor=pat.user, consent_id=consent.pk, how=Consent.How.ONLINE)

    book_for_tomorrow(personas, django_capture_on_commit_callbacks)
    clock.set("2026-03-11T09:00")
    call_command("send_messages")

    assert notify.sent() == []
    assert Message.objects.count() == 0


def test_consent_withdrawn_after_queueing_stops_the_reminders(
    personas, notify, clock, django_capture_on_commit_callbacks
):
    pat = personas.participant
    choose_texts_about_appointments(pat, pat.user)
    book_for_tomorrow(personas, django_capture_on_commit_callbacks)
    consent = Consent.objects.get(participant=pat, purpose=Consent.Purpose.CONTACT_BY_SMS, withdrawn_at=None)
    withdraw_consent(actor=personas.keyworker.user, consent_id=consent.pk, how=Consent.How.PHONE)

    clock.set("2026-03-11T09:00")
    call_command("send_messages")

    assert len(notify.sent()) == 1  # only the confirmation, sent before
    assert sorted(Message.objects.values_list("template", "status", "status_reason")) == [
        ("appointment-booked", "sent", ""),
        ("appointment-reminder-day-before", "skipped", "Consent to contact was withdrawn"),
        ("appointment-reminder-morning", "skipped", "Consent to contact was withdrawn"),
    ]


def test_nothing_is_sent_to_someone_who_has_not_chosen(personas, notify, clock, django_capture_on_commit_callbacks):
    book_for_tomorrow(personas, django_capture_on_commit_callbacks)
    assert Message.objects.count() == 0
    assert notify.sent() == []


def test_a_crash_between_send_and_record_never_sends_twice(
    personas, notify, clock, monkeypatch, django_capture_on_commit_callbacks
):
    pat = personas.participant
    choose_texts_about_appointments(pat, pat.user)
    original = sending._record_sent

    def crash(message, provider_id):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(sending, "_record_sent", crash)
    # The task fails (the task runner keeps its error); the booking itself stands.
    book_for_tomorrow(personas, django_capture_on_commit_callbacks)
    booked = Message.objects.get(template="appointment-booked")
    assert booked.status == Message.Status.SENDING
    assert len(notify.sent()) == 1

    monkeypatch.setattr(sending, "_record_sent", original)
    call_command("send_messages")  # the claim is fresh: nobody takes it over yet
    assert Message.objects.get(pk=booked.pk).status == Message.Status.SENDING
    clock.moment += datetime.timedelta(minutes=11)
    call_command("send_messages")

    booked.refresh_from_db()
    assert len(notify.sent()) == 1
    assert (booked.status, booked.provider_id, booked.attempts) == ("sent", notify.sent()[0]["id"], 2)


def test_a_busy_notify_is_tried_again_later_and_a_refused_number_is_not(
    personas, notify, clock, django_capture_on_commit_callbacks
):
    pat = personas.participant
    choose_texts_about_appointments(pat, pat.user)
    notify.fail_next = [500]
    book_for_tomorrow(personas, django_capture_on_commit_callbacks)
    booked = Message.objects.get(template="appointment-booked")
    assert (booked.status, booked.attempts, booked.send_after) == ("queued", 1, local("2026-03-10T12:02"))
    assert notify.sent() == []

    call_command("send_messages")  # not yet due
    assert notify.sent() == []
    clock.set("2026-03-10T12:03")
    call_command("send_messages")
    booked.refresh_from_db()
    assert (booked.status, booked.attempts, len(notify.sent())) == ("sent", 2, 1)

    notify.fail_next = [400]
    clock.set("2026-03-10T18:00")
    call_command("send_messages")
    reminder = Message.objects.get(template="appointment-reminder-day-before")
    assert (reminder.status, reminder.status_reason) == (
        "permanent_failure",
        "GOV.UK Notify refused the number or address",
    )


def test_quiet_hours_hold_a_message_until_they_end(personas, notify, clock, django_capture_on_commit_callbacks):
    pat = personas.participant
    choose_texts_about_appointments(pat, pat.user)
    MessageSettings.objects.create(
        programme=pat.partnership.programme,
        reminder_time=datetime.time(18, 0),
        morning_reminder_time=datetime.time(8, 0),
        quiet_hours=[["21:00", "07:30"], ["08:00", "09:30"], ["14:45", "15:45"]],
    )
    clock.set("2026-03-10T15:00")  # the school run
    booked = book_for_tomorrow(personas, django_capture_on_commit_callbacks)

    messages = dict(Message.objects.values_list("template", "send_after"))
    assert messages == {
        "appointment-booked": local("2026-03-10T15:45"),
        "appointment-reminder-day-before": local("2026-03-10T18:00"),
        "appointment-reminder-morning": local("2026-03-11T09:30"),
    }
    assert notify.sent() == []
    clock.set("2026-03-10T15:46")
    call_command("send_messages")
    assert [n["reference"] for n in notify.sent()] == [str(Message.objects.get(template="appointment-booked").pk)]
    assert booked.pk


def test_changing_the_time_cancels_the_old_reminders_and_queues_new_ones(
    personas, notify, clock, django_capture_on_commit_callbacks
):
    pat = personas.participant
    choose_texts_about_appointments(pat, pat.user)
    appointment = book_for_tomorrow(personas, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        update_appointment(
            actor=personas.keyworker.user,
            appointment_id=appointment.pk,
            expected_version=appointment.version,
            changes={"starts_at": local("2026-03-12T11:00")},
        )
    assert sorted(Message.objects.values_list("template", "status", "send_after")) == [
        ("appointment-booked", "sent", local("2026-03-10T12:00")),
        ("appointment-changed", "sent", local("2026-03-10T12:00")),
        ("appointment-reminder-day-before", "cancelled", local("2026-03-10T18:00")),
        ("appointment-reminder-day-before", "queued", local("2026-03-11T18:00")),
        ("appointment-reminder-morning", "cancelled", local("2026-03-11T07:30")),
        ("appointment-reminder-morning", "queued", local("2026-03-12T07:30")),
    ]
