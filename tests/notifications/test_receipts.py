"""Delivery receipts from Notify's callback and from polling; "text not getting through" on the caseload."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.notifications.models import Channel, ContactPreference, Message
from coproduce.notifications.sending import send_message_now
from coproduce.participants.models import Consent

pytestmark = pytest.mark.django_db


def sent_text(participant, provider_id="abc-1", key="k1") -> Message:
    return Message.objects.create(
        participant=participant,
        partnership=participant.partnership,
        channel=Channel.TEXT,
        template="appointment-booked",
        template_version=1,
        personalisation={"name": "Pat", "keyworker": "Kim", "starts_at": "2026-03-11T10:30:00+00:00", "link": "x"},
        to=participant.mobile,
        idempotency_key=key,
        send_after=timezone.now(),
        status=Message.Status.SENT,
        provider_id=provider_id,
        sent_at=timezone.now(),
    )


def callback(token: str, body: dict):
    return Client().post(
        reverse("web:notify_callback"),
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_callback_keeps_delivered_and_permanent_failure(personas, notify):
    first, second = sent_text(personas.participant, "id-1", "k1"), sent_text(personas.participant, "id-2", "k2")
    receipt = {"id": "id-1", "reference": str(first.pk), "to": "+447700900001", "status": "delivered"}
    assert callback("callback-token-for-tests", receipt).status_code == 200
    receipt = {"id": "id-2", "reference": str(second.pk), "to": "+447700900001", "status": "permanent-failure"}
    assert callback("callback-token-for-tests", receipt).status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("delivered", "permanent_failure")


def test_the_callback_refuses_a_wrong_token_and_changes_nothing(personas, notify):
    message = sent_text(personas.participant)
    receipt = {"id": "abc-1", "reference": str(message.pk), "status": "permanent-failure"}
    assert callback("guess", receipt).status_code == 401
    message.refresh_from_db()
    assert message.status == "sent"


def test_polling_fetches_the_status_from_notify(personas, notify, clock):
    message = sent_text(personas.participant)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.QUEUED, provider_id="")
    # Sent for real through the fake, then Notify learns the number does not work.
    ContactPreference.objects.create(participant=personas.participant, channel="text", topics=["appointments"])
    Consent.objects.create(
        participant=personas.participant,
        purpose=Consent.Purpose.CONTACT_BY_SMS,
        given_at=timezone.now(),
        given_by=personas.keyworker.user,
        given_how=Consent.How.PHONE,
    )
    assert send_message_now(message.pk) == "sent"
    [notification] = notify.sent()
    notify.set_status(notification["id"], "permanent-failure")
    call_command("send_messages", "--poll")
    message.refresh_from_db()
    assert message.status == "permanent_failure"
