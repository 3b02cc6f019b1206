"""Texts and emails: who may be contacted, how and about what; every message sent; the programme's timings."""

import datetime

from django.conf import settings
from django.db import models

from coproduce.core.models import TimestampedModel, VersionedModel
from coproduce.participants.models import Enquiry, Participant
from coproduce.programmes.models import Partnership, Programme


class Channel(models.TextChoices):
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class ChannelChoice(models.TextChoices):
    """What a person said we may use. Nothing is sent until they choose."""

    NONE = "none", "Do not contact me"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    BOTH = "both", "Text message and email"


def channels_of(choice: str) -> set[str]:
    return {
        ChannelChoice.TEXT: {Channel.TEXT.value},
        ChannelChoice.EMAIL: {Channel.EMAIL.value},
        ChannelChoice.BOTH: {Channel.TEXT.value, Channel.EMAIL.value},
    }.get(ChannelChoice(choice), set())


class ParticipantTopic(models.TextChoices):
    APPOINTMENTS = "appointments", "Appointments"
    PLAN_OFFERS = "plan_offers", "Offers in my plan"
    REFERRALS = "referrals", "Referrals to other services"
    GROUP_SESSIONS = "group_sessions", "Group sessions"
    SURVEYS = "surveys", "Surveys"


class StaffTopic(models.TextChoices):
    REFERRALS_WAITING = "referrals_waiting", "Referrals waiting for my answer"
    ENQUIRIES_ALLOCATED = "enquiries_allocated", "Enquiries given to me"
    REQUESTS_DUE = "requests_due", "Requests due"


class ContactPreference(VersionedModel):
    """How and about what a participant agreed to be contacted. No row, or channel "none", means nothing is sent."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="contact_preference")
    channel = models.CharField(max_length=8, choices=ChannelChoice.choices, default=ChannelChoice.NONE)
    topics = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_channel_display()} about {', '.join(self.topics) or 'nothing'}"

    def allows(self, channel: str, topic: str) -> bool:
        return channel in channels_of(self.channel) and topic in self.topics


class StaffContactPreference(VersionedModel):
    """How and about what a member of staff wants to hear from us. No row means nothing is sent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_preference")
    channel = models.CharField(max_length=8, choices=ChannelChoice.choices, default=ChannelChoice.NONE)
    topics = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.get_channel_display()} about {', '.join(self.topics) or 'nothing'}"

    def allows(self, channel: str, topic: str) -> bool:
        return channel in channels_of(self.channel) and topic in self.topics


def default_quiet_hours() -> list[list[str]]:
    # Night, the morning school run and the afternoon pick-up: a text then is not welcome.
    return [["21:00", "07:30"], ["08:15", "09:15"], ["14:45", "15:45"]]


class MessageSettings(VersionedModel):
    """A programme's timings: when reminders go and when nothing is sent (quiet hours, local time)."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="message_settings")
    reminder_time = models.TimeField(
        default=datetime.time(18, 0), help_text="The day before an appointment, at this time."
    )
    morning_reminder_time = models.TimeField(
        default=datetime.time(7, 30), help_text="On the morning of an appointment, at this time."
    )
    quiet_hours = models.JSONField(default=default_quiet_hours, blank=True)

    def __str__(self) -> str:
        return f"Message settings for {self.programme}"


class Message(TimestampedModel):
    """One text or email to one person, from being queued to its delivery receipt.

    The idempotency key names the event it is for, so the same event never makes two messages;
    the provider is given the message's id as its reference, so a send whose result was lost can be
    found again before anything is sent twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Not delivered (tried again and gave up)"
        PERMANENT_FAILURE = "permanent_failure", "Not getting through"
        CANCELLED = "cancelled", "Cancelled (no longer needed)"
        SKIPPED = "skipped", "Not sent"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, null=True, blank=True, related_name="messages")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    # Whose log the message is in (the manager's programme-wide log reads it).
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    topic = models.CharField(max_length=32, blank=True)
    template = models.CharField(max_length=60)
    template_version = models.PositiveSmallIntegerField()
    # What fills the template's gaps: kept to show what was sent, never copied into the audit.
    personalisation = models.JSONField(default=dict, blank=True)
    to = models.CharField(max_length=320, blank=True)
    # What it is about, like "appointment:12", so that a change can cancel what is no longer true.
    subject = models.CharField(max_length=60, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # Why it was not sent or did not arrive, in words with no personal data.
    status_reason = models.CharField(max_length=200, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    send_after = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["participant", "channel", "-created_at"]),
            models.Index(fields=["partnership", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False, enquiry__isnull=True, user__isnull=True)
                | models.Q(participant__isnull=True, enquiry__isnull=False, user__isnull=True)
                | models.Q(participant__isnull=True, enquiry__isnull=True, user__isnull=False),
                name="message_has_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} by {self.channel} ({self.status})"
