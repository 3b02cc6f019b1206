"""Every change to contact choices, timings and messages. One function per change, each audited.

Domain apps queue messages through events.py, which calls `queue_for_participant`,
`queue_for_enquirer` and `queue_for_staff` here inside their own transaction: the message row
commits with the change it is about, or not at all, and the sending task is started on commit.
A message's text and personalisation never go into the audit, only which template and channel.
"""

import datetime
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_events
from coproduce.core.errors import ConflictError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.notifications.models import (
    Channel,
    ChannelChoice,
    ContactPreference,
    Message,
    MessageSettings,
    ParticipantTopic,
    StaffContactPreference,
    StaffTopic,
    channels_of,
)
from coproduce.notifications.scheduling import outside_quiet_hours, parse_quiet_hours
from coproduce.notifications.selectors import message_settings_of
from coproduce.notifications.sending import CHANNEL_CONSENT
from coproduce.notifications.tasks import send_message
from coproduce.notifications.templates import TEMPLATES, Audience
from coproduce.participants.models import Consent, Enquiry, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.models import Partnership
from coproduce.programmes.standing import standing_of


def _save_or_conflict(row: Any, conflict: str) -> None:
    """Save a versioned settings row; two first saves at once collide on its unique key: a conflict."""
    if row.pk is not None:
        row.bump_version()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ConflictError(conflict) from None


def _check_choice(channel: str, topics: Iterable[str], allowed_topics: Iterable[str]) -> list[str]:
    errors: dict[str, list[str]] = {}
    if channel not in ChannelChoice.values:
        errors["channel"] = ["Choose how we may contact you."]
    chosen = sorted(set(topics))
    if set(chosen) - set(allowed_topics):
        errors["topics"] = ["Choose from the list."]
    if errors:
        raise InvalidInput(errors)
    return chosen


def _sync_contact_consents(*, actor: ActingUser, participant: Participant, channels: set[str], how: str) -> None:
    """Keep the participant's contact consents (what their keyworker sees) the same as their choice."""
    now = timezone.now()
    active = {
        consent.purpose: consent
        for consent in Consent.objects.select_for_update().filter(
            participant=participant, purpose__in=CHANNEL_CONSENT.values(), withdrawn_at__isnull=True
        )
    }
    for channel, purpose in CHANNEL_CONSENT.items():
        if channel in channels and purpose not in active:
            consent = Consent.objects.create(
                participant=participant, purpose=purpose, given_at=now, given_by=signed_in(actor), given_how=how
            )
            record_event(
                actor=actor,
                action=AuditEvent.Action.CONSENT_GIVEN,
                record=consent,
                participant_id=participant.pk,
                changed_fields=["purpose"],
            )
        elif channel not in channels and purpose in active:
            consent = active[purpose]
            consent.withdrawn_at, consent.withdrawn_by, consent.withdrawn_how = now, signed_in(actor), how
            consent.save()
            record_event(
                actor=actor,
                action=AuditEvent.Action.CONSENT_WITHDRAWN,
                record=consent,
                participant_id=participant.pk,
                changed_fields=["withdrawn_at"],
            )


def set_contact_preference(
    *,
    actor: ActingUser,
    participant_id: int,
    expected_version: int,
    channel: str,
    topics: Iterable[str],
) -> ContactPreference:
    """Record how (text, email, both, none) and about what a participant agrees to be contacted.

    The participant chooses, on their own page or with their keyworker. Their contact consents
    follow the choice (given for a channel chosen, withdrawn for one dropped), and nothing is sent
    on a channel whose consent is withdrawn however it was withdrawn. 409 if changed since read.
    """
    chosen = _check_choice(channel, topics, ParticipantTopic.values)
    standing = standing_of(actor)
    with transaction.atomic():
        participant = participants_visible_to(actor).select_for_update().filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if not rules.has_perm("notifications.change_contact_preference", actor, participant):
            raise NotAllowed("Only the participant or the people working with them can change this.")
        preference = ContactPreference.objects.select_for_update().filter(participant=participant).first()
        if preference is None:
            preference = ContactPreference(participant=participant)
        preference.check_version(expected_version)
        channels = channels_of(channel)
        if Channel.TEXT in channels and not participant.mobile:
            raise InvalidInput({"channel": ["We need a mobile number to send texts. Add one first."]})
        if Channel.EMAIL in channels and not participant.email:
            raise InvalidInput({"channel": ["We need an email address to send emails. Add one first."]})
        changed = [
            name for name, value in (("channel", channel), ("topics", chosen)) if getattr(preference, name) != value
        ]
        preference.channel, preference.topics, preference.changed_by = channel, chosen, signed_in(actor)
        _save_or_conflict(preference, "Someone else chose for this person at the same time. Reload and choose again.")
        how = Consent.How.ONLINE if standing.participant_id == participant.pk else Consent.How.IN_PERSON_VERBAL
        _sync_contact_consents(actor=actor, participant=participant, channels=channels, how=how)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=preference,
            participant_id=participant.pk,
            changed_fields=changed or ["channel"],
        )
        if not channels:
            _cancel(Message.objects.filter(participant=participant, status=Message.Status.QUEUED), "Contact stopped")
    return preference


def set_staff_contact_preference(
    *, actor: ActingUser, expected_version: int, channel: str, topics: Iterable[str]
) -> StaffContactPreference:
    """A member of staff chooses how and about what we tell them about their work."""
    chosen = _check_choice(channel, topics, StaffTopic.values)
    standing = standing_of(actor)
    if standing.staff_member is None:
        raise NotAllowed("Only staff choose these messages.")
    actor = signed_in(actor)
    if channel in (ChannelChoice.TEXT, ChannelChoice.BOTH) and not actor.mobile:
        raise InvalidInput({"channel": ["Your account has no mobile number for texts."]})
    if channel in (ChannelChoice.EMAIL, ChannelChoice.BOTH) and not actor.email:
        raise InvalidInput({"channel": ["Your account has no email address for emails."]})
    with transaction.atomic():
        preference = StaffContactPreference.objects.select_for_update().filter(user=actor).first()
        if preference is None:
            preference = StaffContactPreference(user=actor)
        preference.check_version(expected_version)
        preference.channel, preference.topics = channel, chosen
        _save_or_conflict(preference, "This was changed at the same time somewhere else. Reload and choose again.")
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=preference,
            participant_id=None,
            changed_fields=["channel", "topics"],
        )
    return preference


def update_message_settings(
    *,
    actor: ActingUser,
    expected_version: int,
    reminder_time: datetime.time,
    morning_reminder_time: datetime.time,
    quiet_hours: str,
) -> MessageSettings:
    """A partnership manager sets their programme's reminder times and quiet hours (local time).

    Messages already waiting keep their time; they are checked against the quiet hours again when sent.
    """
    standing = standing_of(actor)
    if not rules.has_perm("notifications.change_message_settings", actor) or standing.staff_member is None:
        raise NotAllowed("Only a partnership manager can change these.")
    try:
        windows = parse_quiet_hours(quiet_hours)
    except ValueError as error:
        raise InvalidInput({"quiet_hours": [str(error)]}) from None
    programme_id = standing.staff_member.partnership.programme_id if standing.staff_member.partnership else None
    if programme_id is None:
        raise NotAllowed("Only a partnership manager can change these.")
    with transaction.atomic():
        found = MessageSettings.objects.select_for_update().filter(programme_id=programme_id).first()
        found = found or message_settings_of(programme_id)
        found.check_version(expected_version)
        found.reminder_time, found.morning_reminder_time, found.quiet_hours = (
            reminder_time,
            morning_reminder_time,
            windows,
        )
        _save_or_conflict(found, "Someone else changed these at the same time. Reload and try again.")
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=found,
            participant_id=None,
            changed_fields=["reminder_time", "morning_reminder_time", "quiet_hours"],
        )
    return found


# Queueing: called by events.py inside the transaction of the change the message is about.


def _start_sending(messages: list[Message]) -> None:
    now = timezone.now()
    for message in messages:
        if message.send_after <= now and message.status == Message.Status.QUEUED:
            transaction.on_commit(partial(send_message.enqueue, message.pk))


def _create(
    actor: ActingUser | None, messages: list[Message], *, audit_against_participant: bool = True
) -> list[Message]:
    """Save new messages; one whose idempotency key is already there (the same event again) is left out."""
    keys = [message.idempotency_key for message in messages]
    existing = set(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    fresh = [message for message in messages if message.idempotency_key not in existing]
    created = []
    for message in fresh:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            continue  # the same event, queued at the same moment by someone else
        created.append(message)
    if created:
        record_events(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            records=[
                (Message._meta.label, message.pk, message.participant_id if audit_against_participant else None)
                for message in created
            ],
            changed_fields=["channel", "template"],
        )
    _start_sending(created)
    return created


def _due(programme_id: int, due_at: datetime.datetime | None) -> datetime.datetime:
    return outside_quiet_hours(due_at or timezone.now(), message_settings_of(programme_id))


def queue_for_participant(
    *,
    actor: ActingUser | None,
    participant: Participant,
    template: str,
    key: str,
    personalisation: dict[str, str],
    subject: str = "",
    due_at: datetime.datetime | None = None,
    audit_against_participant: bool = True,
) -> list[Message]:
    """Queue `template` for a participant on each channel they chose for its topic, at `due_at` (now)
    or after the programme's quiet hours. Nothing if they have not chosen it or withdrew consent.

    `key` names the event ("appointment-booked:12:1"); the same key never makes a second message.
    """
    chosen = TEMPLATES[template]
    preference = ContactPreference.objects.filter(participant=participant).first()
    if preference is None or participant.anonymised_at is not None:
        return []
    consented = set(
        Consent.objects.filter(
            participant=participant, purpose__in=CHANNEL_CONSENT.values(), withdrawn_at__isnull=True
        ).values_list("purpose", flat=True)
    )
    addresses = {Channel.TEXT: participant.mobile, Channel.EMAIL: participant.email}
    programme_id = participant.partnership.programme_id
    send_after = _due(programme_id, due_at)
    messages = [
        Message(
            participant=participant,
            partnership_id=participant.partnership_id,
            channel=channel,
            topic=chosen.topic,
            template=chosen.name,
            template_version=chosen.version,
            personalisation=personalisation,
            to=addresses[channel],
            subject=subject,
            idempotency_key=f"{key}:{channel}",
            send_after=send_after,
        )
        for channel in (Channel.TEXT, Channel.EMAIL)
        if (not chosen.topic or preference.allows(channel, chosen.topic))
        and CHANNEL_CONSENT[channel] in consented
        and addresses[channel]
    ]
    return _create(actor, messages, audit_against_participant=audit_against_participant)


def queue_for_enquirer(
    *, actor: ActingUser | None, enquiry: Enquiry, template: str, key: str, personalisation: dict[str, str]
) -> list[Message]:
    """Queue a reply to someone who asked for help, by the way they asked us to reply (a phone call
    is answered by text too, so that they have their reference). Sent now or after quiet hours."""
    chosen = TEMPLATES[template]
    if enquiry.contact_by == Enquiry.ContactBy.EMAIL and enquiry.email:
        channel, to = Channel.EMAIL, enquiry.email
    elif enquiry.mobile:
        channel, to = Channel.TEXT, enquiry.mobile
    else:
        return []
    message = Message(
        enquiry=enquiry,
        partnership_id=enquiry.partnership_id,
        channel=channel,
        template=chosen.name,
        template_version=chosen.version,
        personalisation=personalisation,
        to=to,
        idempotency_key=f"{key}:{channel}",
        send_after=_due(enquiry.partnership.programme_id, None),
    )
    return _create(actor, [message])


def queue_for_staff(
    *,
    actor: ActingUser | None,
    user: User,
    template: str,
    key: str,
    personalisation: dict[str, str],
    partnership_id: int | None,
    due_at: datetime.datetime | None = None,
) -> list[Message]:
    """Queue a work message to a member of staff on the channels they chose for its topic, at `due_at`
    (now) or after their programme's quiet hours."""
    chosen = TEMPLATES[template]
    assert chosen.audience == Audience.STAFF
    preference = StaffContactPreference.objects.filter(user=user).first()
    if preference is None:
        return []
    addresses = {Channel.TEXT: user.mobile, Channel.EMAIL: user.email}
    programme_id = (
        Partnership.objects.filter(pk=partnership_id).values_list("programme_id", flat=True).first()
        if partnership_id is not None
        else None
    )
    send_after = _due(programme_id, due_at) if programme_id else due_at or timezone.now()
    messages = [
        Message(
            user=user,
            partnership_id=partnership_id,
            channel=channel,
            topic=chosen.topic,
            template=chosen.name,
            template_version=chosen.version,
            personalisation=personalisation,
            to=addresses[channel],
            idempotency_key=f"{key}:{channel}",
            send_after=send_after,
        )
        for channel in (Channel.TEXT, Channel.EMAIL)
        if preference.allows(channel, chosen.topic) and addresses[channel]
    ]
    return _create(actor, messages)


def queue_direct(
    *,
    actor: ActingUser | None,
    participant: Participant | None,
    user: User | None,
    channel: str,
    to: str,
    template: str,
    key: str,
    personalisation: dict[str, str],
) -> list[Message]:
    """A message the person asked for just now, to the address they typed (a sign-in link): sent at
    once, whatever the hour and their topics, because they are waiting for it."""
    chosen = TEMPLATES[template]
    message = Message(
        participant=participant,
        user=None if participant is not None else user,
        partnership_id=participant.partnership_id if participant is not None else None,
        channel=channel,
        template=chosen.name,
        template_version=chosen.version,
        personalisation=personalisation,
        to=to,
        idempotency_key=key,
        send_after=timezone.now(),
    )
    return _create(actor, [message])


def queue_sign_in_link(
    *, actor: ActingUser | None, participant: Participant, user: User, channel: str, to: str, link: str
) -> list[Message]:
    """A sign-in link for `user`, sent at once to the address they (or their keyworker) chose. Each
    one its own message: a second request never reuses the first link's."""
    return queue_direct(
        actor=actor,
        participant=participant,
        user=None,
        channel=channel,
        to=to,
        template="sign-in-link",
        key=f"sign-in-link:{user.pk}:{timezone.now().isoformat()}:{uuid.uuid4().hex[:8]}",
        personalisation={"link": link},
    )


def _cancel(messages: Any, reason: str) -> int:
    ids = list(messages.values_list("pk", flat=True))
    if not ids:
        return 0
    count: int = Message.objects.filter(pk__in=ids, status=Message.Status.QUEUED).update(
        status=Message.Status.CANCELLED, status_reason=reason, status_at=timezone.now()
    )
    record_events(
        actor=None,
        action=AuditEvent.Action.CHANGE,
        records=[
            (Message._meta.label, pk, participant_id)
            for pk, participant_id in Message.objects.filter(pk__in=ids).values_list("pk", "participant_id")
        ],
        changed_fields=["status"],
    )
    return count


def cancel_waiting(*, subject: str, reason: str) -> int:
    """Cancel the messages still waiting about `subject` ("appointment:12"): what they say is no longer true."""
    return _cancel(Message.objects.filter(subject=subject, status=Message.Status.QUEUED), reason)
