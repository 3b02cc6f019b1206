"""Sending one message exactly once.

The sending task claims the row (queued -> sending, in one conditional UPDATE), so two runs of the
task never both send. If the process dies after the provider took the message but before we
recorded that, the row stays "sending"; once the claim is stale it is claimed again and the
provider is first asked whether it already has a message with our reference, so nothing is sent twice.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.notifications.backends import NotAvailable, PermanentError, TemporaryError, backend
from coproduce.notifications.models import Channel, ContactPreference, Message
from coproduce.notifications.scheduling import outside_quiet_hours
from coproduce.notifications.selectors import message_settings_of
from coproduce.notifications.templates import TEMPLATES, Audience, render
from coproduce.participants.models import Consent

# A claim older than this belonged to a run that died: the message may be claimed again.
STALE_CLAIM = datetime.timedelta(minutes=10)

CHANNEL_CONSENT = {Channel.TEXT: Consent.Purpose.CONTACT_BY_SMS, Channel.EMAIL: Consent.Purpose.CONTACT_BY_EMAIL}


def due_messages(now: datetime.datetime | None = None) -> list[int]:
    """Ids of messages whose time has come, and of sends that died part-way."""
    now = now or timezone.now()
    return list(
        Message.objects.filter(
            Q(status=Message.Status.QUEUED, send_after__lte=now)
            | Q(status=Message.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)
    )


def _claim(message_id: int, now: datetime.datetime) -> bool:
    claimed = Message.objects.filter(
        Q(status=Message.Status.QUEUED, send_after__lte=now)
        | Q(status=Message.Status.SENDING, claimed_at__lt=now - STALE_CLAIM),
        pk=message_id,
    ).update(status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return bool(claimed)


def _finish(message: Message, status: str, reason: str = "", **fields: object) -> str:
    message.status, message.status_reason, message.status_at = status, reason[:200], timezone.now()
    for name, value in fields.items():
        setattr(message, name, value)
    secret = TEMPLATES[message.template].secret_fields
    if secret and status != Message.Status.QUEUED:
        # A one-time link lives only until it is sent: nobody reading the log could use it.
        message.personalisation = {**message.personalisation, **dict.fromkeys(secret, "(removed once sent)")}
        fields = {**fields, "personalisation": message.personalisation}
    message.save(update_fields=["status", "status_reason", "status_at", "updated_at", *fields])
    record_event(
        actor=None,
        action=AuditEvent.Action.CHANGE,
        record=message,
        participant_id=message.participant_id,
        changed_fields=["status", *fields],
    )
    return status


def _record_sent(message: Message, provider_id: str) -> str:
    return _finish(message, Message.Status.SENT, "", provider_id=provider_id, sent_at=timezone.now())


def _still_wanted(message: Message) -> str:
    """Why the message must not go any more ("" if it may): the person changed their mind since."""
    participant = message.participant
    template = TEMPLATES[message.template]
    if participant is None or template.audience == Audience.ANYONE:
        return ""
    if participant.anonymised_at is not None:
        return "The person's record was anonymised"
    preference = ContactPreference.objects.filter(participant=participant).first()
    if template.topic and (preference is None or not preference.allows(message.channel, template.topic)):
        return "The person no longer wants these messages"
    consented = Consent.objects.filter(
        participant=participant, purpose=CHANNEL_CONSENT[Channel(message.channel)], withdrawn_at__isnull=True
    ).exists()
    return "" if consented else "Consent to contact was withdrawn"


def send_message_now(message_id: int, now: datetime.datetime | None = None) -> str | None:
    """Send one message if it is due and nobody else is sending it. Returns its new status, or None
    if it was not ours to send."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return None
    message = Message.objects.select_related("participant__partnership", "enquiry__partnership").get(pk=message_id)
    template = TEMPLATES[message.template]
    reason = _still_wanted(message)
    if reason:
        return _finish(message, Message.Status.SKIPPED, reason)
    partnership = message.participant.partnership if message.participant else None
    partnership = partnership or (message.enquiry.partnership if message.enquiry else None)
    if template.audience != Audience.ANYONE and partnership is not None:
        allowed_at = outside_quiet_hours(now, message_settings_of(partnership.programme_id))
        if allowed_at > now:
            # Quiet hours began (or were set) after it was queued: it waits, and this was no attempt.
            Message.objects.filter(pk=message.pk).update(
                status=Message.Status.QUEUED, send_after=allowed_at, attempts=F("attempts") - 1
            )
            return Message.Status.QUEUED
    sender = backend()
    try:
        if message.attempts > 1:
            already = sender.find_sent(message)
            if already:
                return _record_sent(message, already)
        language = message.participant.language if message.participant else "en-gb"
        subject, body = render(message.template, message.personalisation, language)
        provider_id = sender.send(message, subject, body)
    except NotAvailable as error:
        return _finish(message, Message.Status.SKIPPED, str(error))
    except PermanentError as error:
        return _finish(message, Message.Status.PERMANENT_FAILURE, str(error))
    except TemporaryError as error:
        if message.attempts >= settings.COPRODUCE_MESSAGE_ATTEMPTS:
            return _finish(message, Message.Status.FAILED, f"Gave up after {message.attempts} tries: {error}")
        # Back off: 2, 4, 8, 16 minutes…
        wait = datetime.timedelta(minutes=2**message.attempts)
        return _finish(message, Message.Status.QUEUED, str(error), send_after=now + wait)
    return _record_sent(message, provider_id)


def poll_receipts(*, since: datetime.timedelta = datetime.timedelta(days=3)) -> int:
    """Ask the provider how the messages sent lately got on (when its callback cannot reach us).
    Returns how many changed."""
    sender = backend()
    changed = 0
    sent = Message.objects.filter(status=Message.Status.SENT, sent_at__gte=timezone.now() - since).exclude(
        provider_id=""
    )
    for message_id, provider_id in sent.values_list("pk", "provider_id"):
        try:
            status = sender.status_of(provider_id)
        except TemporaryError:
            continue
        if status and record_receipt(provider_id=provider_id, reference=str(message_id), status=status):
            changed += 1
    return changed


RECEIPT_STATUSES = {
    "delivered": Message.Status.DELIVERED,
    "permanent-failure": Message.Status.PERMANENT_FAILURE,
    "temporary-failure": Message.Status.FAILED,
    "technical-failure": Message.Status.FAILED,
}


def record_receipt(*, provider_id: str, reference: str, status: str) -> Message | None:
    """Keep a delivery receipt (from Notify's callback or from polling). Unknown messages and states
    in between ("sending", "created") are ignored; a receipt never moves a delivered message back."""
    new_status = RECEIPT_STATUSES.get(status)
    if new_status is None:
        return None
    with transaction.atomic():
        found = Message.objects.select_for_update().filter(provider_id=provider_id).first() if provider_id else None
        if found is None and reference.isdigit():
            found = Message.objects.select_for_update().filter(pk=int(reference)).first()
        if found is None or found.status not in (Message.Status.SENT, Message.Status.SENDING):
            return found
        found.status, found.status_at = new_status, timezone.now()
        found.status_reason = {
            Message.Status.PERMANENT_FAILURE: "The number or address does not work",
            Message.Status.FAILED: "The phone or inbox did not take it in time",
        }.get(new_status, "")
        if provider_id and not found.provider_id:
            found.provider_id = provider_id
        found.save(update_fields=["status", "status_at", "status_reason", "provider_id", "updated_at"])
        record_event(
            actor=None,
            action=AuditEvent.Action.CHANGE,
            record=found,
            participant_id=found.participant_id,
            changed_fields=["status"],
        )
    return found
