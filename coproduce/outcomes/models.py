"""Outcomes: jobs (with their quality), sustainment, training, qualifications, volunteering, progression.

Reports count "any job" and "a job that fits" separately: a job fits when its pay is at least the
real Living Wage in force on its start date and its hours and contract are what the participant
said they wanted (`WorkWish`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.core.models import VersionedModel
from coproduce.participants.models import Participant
from coproduce.plans.models import Goal


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed term")
    TEMPORARY = "temporary", _("Temporary or agency")
    ZERO_HOURS = "zero_hours", _("Zero hours")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")


class Sector(models.TextChoices):
    """Broad employer sectors (after the UK SIC 2007 sections most lone parents' jobs fall in)."""

    CARE = "care", _("Health and social care")
    RETAIL = "retail", _("Retail")
    HOSPITALITY = "hospitality", _("Hospitality and food")
    EDUCATION = "education", _("Education and childcare")
    ADMIN = "admin", _("Office and administration")
    CLEANING = "cleaning", _("Cleaning and facilities")
    PUBLIC = "public", _("Public administration")
    MANUFACTURING = "manufacturing", _("Manufacturing and logistics")
    CONSTRUCTION = "construction", _("Construction and trades")
    THIRD_SECTOR = "third_sector", _("Charities and community")
    OTHER = "other", _("Other")


class WorkWish(VersionedModel):
    """What work the participant said they want: hours and contract. Used to judge whether a job fits."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="work_wish")
    min_hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    max_hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    contract_types = models.JSONField(default=list, blank=True, help_text="ContractType values they would take.")
    note = models.TextField(blank=True, help_text="In their own words, like “school hours only”.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(max_hours__gte=models.F("min_hours")), name="wish_hours_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.min_hours}–{self.max_hours} hours"


class Outcome(VersionedModel):
    class Kind(models.TextChoices):
        JOB_START = "job_start", _("Started a job")
        TRAINING = "training", _("Started training or education")
        QUALIFICATION = "qualification", _("Gained a qualification")
        VOLUNTEERING = "volunteering", _("Started volunteering")
        PROGRESSION = "progression", _("Progressed in work")

    class Evidence(models.TextChoices):
        PAYSLIP = "payslip", _("Payslip")
        CONTRACT = "contract", _("Contract or offer letter")
        EMPLOYER = "employer", _("Confirmed by the employer")
        CERTIFICATE = "certificate", _("Certificate")
        PROVIDER = "provider", _("Confirmed by the provider")
        PARTICIPANT = "participant", _("The participant told us")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    achieved_on = models.DateField(help_text="The start date, or the date it was gained.")
    description = models.CharField(
        max_length=200, blank=True, help_text="Job title, course, qualification, role or what changed."
    )
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes")
    # A job start (and a progression in work) has these.
    employer_sector = models.CharField(max_length=16, choices=Sector.choices, blank=True)
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(80)],
    )
    contract_type = models.CharField(max_length=16, choices=ContractType.choices, blank=True)
    hourly_pay = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    evidence = models.CharField(max_length=16, choices=Evidence.choices)
    evidence_note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-achieved_on", "-pk"]
        indexes = [
            models.Index(fields=["participant", "kind"]),
            models.Index(fields=["kind", "achieved_on"]),
            # Job starts with what the funder's statistics ask of them (whether they fit), read from the
            # index alone (reporting/statistics.py).
            models.Index(
                fields=["participant", "achieved_on", "hourly_pay", "hours_per_week", "contract_type"],
                condition=models.Q(kind="job_start"),
                name="outcome_job_start_terms",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="job_start")
                | (
                    models.Q(hours_per_week__isnull=False)
                    & models.Q(hourly_pay__isnull=False)
                    & ~models.Q(contract_type="")
                    & ~models.Q(employer_sector="")
                ),
                name="job_start_has_its_terms",
            ),
            models.CheckConstraint(
                condition=models.Q(hourly_pay__isnull=True) | models.Q(hourly_pay__gte=0), name="pay_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.achieved_on}"


class SustainmentCheck(VersionedModel):
    """Is the participant still in the job 4, 13, 26 and 52 weeks after it started? Each asked actively."""

    class Weeks(models.IntegerChoices):
        FOUR = 4, _("4 weeks")
        THIRTEEN = 13, _("13 weeks")
        TWENTY_SIX = 26, _("26 weeks")
        FIFTY_TWO = 52, _("52 weeks")

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        IN_WORK = "in_work", _("Still in work")
        NOT_IN_WORK = "not_in_work", _("No longer in work")
        NO_CONTACT = "no_contact", _("Could not get in touch")

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="sustainment_checks")
    weeks = models.PositiveSmallIntegerField(choices=Weeks.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DUE)
    checked_on = models.DateField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "weeks"], name="one_check_per_milestone"),
            models.CheckConstraint(
                condition=models.Q(status="due") | models.Q(checked_on__isnull=False),
                name="answered_check_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weeks_display()} check: {self.get_status_display()}"
