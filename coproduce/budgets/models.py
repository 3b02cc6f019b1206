"""Discretionary budgets: pots per partnership or organisation and period, and spend on a participant.

A pot can never be overspent: approving a spend locks the pot row and checks what is left, in
one transaction, so two approvals at the same moment cannot both take the last pound.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.core.models import VersionedModel
from coproduce.participants.models import Participant
from coproduce.plans.models import Goal
from coproduce.programmes.models import Organisation, Partnership


class BudgetPot(VersionedModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="budget_pots"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="budget_pots"
    )
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    keyworker_limit = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="A keyworker approves spend up to this amount; a manager above it.",
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(partnership__isnull=False) & models.Q(organisation__isnull=True))
                | (models.Q(partnership__isnull=True) & models.Q(organisation__isnull=False)),
                name="pot_belongs_to_a_partnership_or_an_organisation",
            ),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="pot_period_in_order"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="pot_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Spend(VersionedModel):
    """A request to spend from a pot on one participant, and what became of it."""

    class Category(models.TextChoices):
        CHILDCARE = "childcare", _("Childcare")
        TRAVEL = "travel", _("Travel")
        CLOTHES = "clothes", _("Interview or work clothes")
        COURSE_FEES = "course_fees", _("Course fees")
        EQUIPMENT = "equipment", _("Equipment")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    class Answer(models.TextChoices):
        """The participant's say on a spend proposed for them: it is approved only after their yes."""

        WAITING = "waiting", _("Waiting for your answer")
        YES = "yes", _("You said yes")
        NO = "no", _("You said no thanks")

    class AnsweredHow(models.TextChoices):
        THEMSELVES = "themselves", _("By the participant, on their page")
        IN_PERSON = "in_person", _("In person, recorded by the keyworker")
        PHONE = "phone", _("On the phone, recorded by the keyworker")
        MESSAGE = "message", _("By message, recorded by the keyworker")

    pot = models.ForeignKey(BudgetPot, on_delete=models.PROTECT, related_name="spends")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="spends")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="spends")
    category = models.CharField(max_length=16, choices=Category.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.CharField(max_length=200, help_text="What it is for, in plain words.")
    no_goal_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the spend is not for one of their goals (when it is not)."
    )
    participant_answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.WAITING)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_how = models.CharField(max_length=12, choices=AnsweredHow.choices, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=200, blank=True)
    receipt = models.FileField(upload_to="receipts/%Y/%m/", blank=True)
    receipt_uploaded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["pot", "state"]), models.Index(fields=["participant", "state"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="spend_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(state__in=["requested", "cancelled"]) | models.Q(decided_at__isnull=False),
                name="decided_spend_has_a_decision_time",
            ),
            # An answer always says when and how it was given; "waiting" has neither.
            models.CheckConstraint(
                condition=(models.Q(participant_answer="waiting") & models.Q(answered_at__isnull=True))
                | (
                    models.Q(participant_answer__in=["yes", "no"])
                    & models.Q(answered_at__isnull=False)
                    & ~models.Q(answered_how="")
                ),
                name="spend_answer_has_a_time_and_a_way",
            ),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} {self.get_category_display()} ({self.get_state_display()})"
