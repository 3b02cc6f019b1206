"""Email through Django's SMTP backend to a local aiosmtpd server, where Notify is not available."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from django.core.management import call_command

from coproduce.notifications.models import ChannelChoice, Message, ParticipantTopic
from coproduce.notifications.services import set_contact_preference
from tests.notifications.test_sending import book_for_tomorrow

pytestmark = pytest.mark.django_db


class Inbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.received: list = []

    def handle_message(self, message) -> None:
        self.received.append(message)


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its own server by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.COPRODUCE_MESSAGES_BACKEND = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.DEFAULT_FROM_EMAIL = "Coproduce <no-reply@coproduce.example>"
    settings.COPRODUCE_SITE_URL = "https://coproduce.example"
    yield handler
    controller.stop()


def test_an_email_arrives_and_a_text_is_recorded_as_not_sent(
    personas, inbox, clock, django_capture_on_commit_callbacks
):
    pat = personas.participant
    set_contact_preference(
        actor=pat.user,
        participant_id=pat.pk,
        expected_version=1,
        channel=ChannelChoice.BOTH,
        topics=[ParticipantTopic.APPOINTMENTS],
    )
    book_for_tomorrow(personas, django_capture_on_commit_callbacks)

    [email] = inbox.received
    assert email["To"] == pat.email
    assert email["From"] == "Coproduce <no-reply@coproduce.example>"
    assert email["Subject"] == "Your appointment"
    booked_email = Message.objects.get(template="appointment-booked", channel="email")
    assert email["X-Coproduce-Reference"] == str(booked_email.pk)
    assert email.get_payload().strip() == (
        "Hello Pat. You will meet Kim on Wednesday 11 March, 10:30. If this time does not suit you, "
        "tell us here: https://coproduce.example/me/appointments/"
    )
    text = Message.objects.get(template="appointment-booked", channel="text")
    assert (text.status, text.status_reason) == ("skipped", "Not sent: this site sends email only, not texts")

    clock.set("2026-03-10T18:05")
    call_command("send_messages")
    call_command("send_messages")
    assert [received["Subject"] for received in inbox.received] == ["Your appointment", "See you tomorrow"]
