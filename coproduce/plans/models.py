"""Assessments and contacts: what the participant told us, and when we last saw them."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from coproduce.core.models import TimestampedModel
from coproduce.participants.models import Participant


class Barrier(models.TextChoices):
    """The barrier taxonomy of DESIGN.md §4, used for matching and reporting, never instead of own words."""

    CHILDCARE = "childcare", "Childcare"
    SKILLS = "skills", "Skills and qualifications"
    WORK_HISTORY_GAPS = "work_history_gaps", "Gaps in work history"
    CONFIDENCE = "confidence", "Confidence and self-esteem"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    MONEY_AND_DEBT = "money_and_debt", "Money and debt"
    HOUSING = "housing", "Housing"
    TRANSPORT = "transport", "Transport"
    SOCIAL_ISOLATION = "social_isolation", "Social isolation"
    CARING = "caring", "Caring responsibilities"
    LANGUAGE = "language", "Language"
    DIGITAL = "digital", "Digital skills and access"


class Assessment(TimestampedModel):
    """A holistic assessment, in the participant's own words. Repeatable; earlier ones are kept."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    strengths = models.TextField(blank=True, help_text="Strengths and assets, in their own words.")
    aspirations = models.TextField(blank=True, help_text="What they want, in their own words.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["participant", "-assessed_on"])]

    def __str__(self) -> str:
        return f"Assessment of {self.assessed_on}"


class AssessmentBarrier(models.Model):
    class Importance(models.IntegerChoices):
        A_LITTLE = 1, "Matters a little"
        QUITE_A_LOT = 2, "Matters quite a lot"
        A_GREAT_DEAL = 3, "Matters a great deal"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="barriers")
    barrier = models.CharField(max_length=32, choices=Barrier.choices)
    own_words = models.TextField(blank=True)
    importance = models.PositiveSmallIntegerField(choices=Importance.choices, default=Importance.QUITE_A_LOT)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "barrier"], name="one_row_per_barrier_per_assessment")
        ]

    def __str__(self) -> str:
        return self.get_barrier_display()


class Contact(TimestampedModel):
    class Kind(models.TextChoices):
        CENTRE = "centre", "One-to-one at a centre"
        HOME_VISIT = "home_visit", "Home visit"
        PHONE = "phone", "Phone"
        MESSAGE = "message", "Message"
        GROUP = "group", "Group"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contacts")
    happened_on = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["participant", "-happened_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"
