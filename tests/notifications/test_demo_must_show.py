"""The must-show, in the demo: Nicola Watt's appointment tomorrow is confirmed now and reminded the
day before at the programme's reminder time, each once; with her text consent withdrawn, nothing goes."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.demo.builder import build_demo
from coproduce.notifications.models import Message
from coproduce.notifications.tasks import send_message
from coproduce.participants.models import Consent, Participant
from coproduce.participants.services import withdraw_consent
from coproduce.plans.services.appointments import book_appointment
from tests.demo.test_demo import SEED, SMALL, TODAY

pytestmark = pytest.mark.django_db


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def nicola(clock) -> Participant:
    clock.moment = local(TODAY, 11)
    build_demo(participants=SMALL, seed=SEED, today=TODAY)
    return Participant.objects.select_related("keyworker__user").get(user__email="nicola.watt@example.net")


def book_tomorrow(nicola: Participant, captured) -> None:
    kirsty = User.objects.get(email="kirsty.morrison@kingdomlpt.example.org")
    with captured(execute=True):
        book_appointment(
            actor=kirsty,
            participant_id=nicola.pk,
            starts_at=local(TODAY + datetime.timedelta(days=1), 10, 30),
            place="home",
            confirm_time=True,  # agreed with her, whatever her availability says
        )


def test_nicola_gets_a_confirmation_now_and_a_reminder_the_evening_before_each_once(
    nicola, notify, clock, django_capture_on_commit_callbacks
):
    book_tomorrow(nicola, django_capture_on_commit_callbacks)
    queued = dict(Message.objects.filter(participant=nicola).values_list("template", "send_after"))
    assert queued == {
        "appointment-booked": local(TODAY, 11),
        "appointment-reminder-day-before": local(TODAY, 18),
        "appointment-reminder-morning": local(TODAY + datetime.timedelta(days=1), 7, 30),
    }
    assert [n["personalisation"]["subject"] for n in notify.sent()] == ["Your appointment"]

    clock.moment = local(TODAY, 18, 1)
    for _ in range(2):
        call_command("send_messages")
        for message in Message.objects.filter(participant=nicola):
            send_message.enqueue(message.pk)
    assert [(n["to"], n["personalisation"]["subject"]) for n in notify.sent()] == [
        (nicola.mobile, "Your appointment"),
        (nicola.mobile, "See you tomorrow"),
    ]


def test_with_her_text_consent_withdrawn_nothing_is_sent(nicola, notify, clock, django_capture_on_commit_callbacks):
    consent = Consent.objects.get(participant=nicola, purpose=Consent.Purpose.CONTACT_BY_SMS, withdrawn_at=None)
    withdraw_consent(actor=nicola.user, consent_id=consent.pk, how=Consent.How.ONLINE)
    book_tomorrow(nicola, django_capture_on_commit_callbacks)
    clock.moment = local(TODAY + datetime.timedelta(days=1), 9)
    call_command("send_messages")
    assert notify.sent() == []
    assert not Message.objects.filter(participant=nicola).exists()
