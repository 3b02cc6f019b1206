"""Participant voice: requests, feedback, and the group sessions built from them ("you said, we did")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.core.models import TimestampedModel, VersionedModel
from coproduce.participants.models import Participant
from coproduce.programmes.models import Partnership


class Topic(models.TextChoices):
    """What requests are about, so that they can be grouped and counted."""

    CONFIDENCE = "confidence", _("Confidence and wellbeing")
    MONEY = "money", _("Money, debt and benefits")
    CHILDCARE = "childcare", _("Childcare")
    SKILLS = "skills", _("Skills, courses and qualifications")
    JOB_SEARCH = "job_search", _("CVs, applications and interviews")
    DIGITAL = "digital", _("Computers and getting online")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    SOCIAL = "social", _("Meeting other parents")
    OTHER = "other", _("Something else")


class GroupSession(VersionedModel):
    """A group activity the partnership runs, often because participants asked for it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="group_sessions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    topic = models.CharField(max_length=16, choices=Topic.choices)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300)
    childcare_provided = models.BooleanField(default=False)
    facilitator = models.CharField(max_length=200)
    places = models.PositiveSmallIntegerField()
    you_said_we_did = models.TextField(
        blank=True, help_text="The answer the people who asked see on their page: what they asked for and what we did."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(places__gte=1), name="group_session_has_places")]

    def __str__(self) -> str:
        return self.title


class Request(TimestampedModel):
    """A participant's "I'd like help with…" or "I'd like a group on…"."""

    class Kind(models.TextChoices):
        HELP_WITH = "help_with", _("I'd like help with…")
        GROUP_ON = "group_on", _("I'd like a group on…")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    topic = models.CharField(max_length=16, choices=Topic.choices)
    text = models.TextField(help_text="In the participant's own words.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    group_session = models.ForeignKey(
        GroupSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(fields=["topic", "status"]),
            # The requests board lists the newest first, a page at a time.
            models.Index(fields=["created_at", "id"], name="request_by_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_topic_display()}"


class Invitation(TimestampedModel):
    class Response(models.TextChoices):
        NO_ANSWER = "no_answer", _("Not answered yet")
        COMING = "coming", _("Coming")
        NOT_COMING = "not_coming", _("Not coming")

    group_session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="invitations")
    response = models.CharField(max_length=12, choices=Response.choices, default=Response.NO_ANSWER)
    attended = models.BooleanField(null=True, blank=True, help_text="Recorded after the session.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["group_session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group_session", "participant"], name="one_invitation_per_person")
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.group_session}"


class Feedback(TimestampedModel):
    """What a participant thinks of the support they get; optionally anonymous to their keyworker."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField()
    anonymous_to_keyworker = models.BooleanField(default=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="feedback")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"Feedback of {self.created_at:%Y-%m-%d}"
