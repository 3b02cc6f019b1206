"""Keeping personal data no longer than needed: the retention schedule, erasure requests, and the
notices that tell partner organisations to delete what they received.

What is removed and what is kept when a person is anonymised is in `anonymise.py`; the daily
run that applies the schedule, and the erasure decisions, are in `services.py`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from coproduce.core.models import VersionedModel
from coproduce.participants.models import Participant
from coproduce.programmes.models import Organisation, Programme
from coproduce.referrals.models import Referral

# The defaults, justified in docs/data-protection.md. A programme without a saved schedule uses them.
DEFAULT_CLOSED_CASE_YEARS = 6
DEFAULT_ENQUIRY_MONTHS = 6
DEFAULT_TRANSCRIPT_ORIGINAL_MONTHS = 12


class RetentionSchedule(VersionedModel):
    """How long a programme keeps what it holds about people. Set by an administrator."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="retention_schedule")
    closed_case_years = models.PositiveSmallIntegerField(
        "Closed cases: years after closing",
        default=DEFAULT_CLOSED_CASE_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="A closed case is anonymised this many years after it closed (the funder's audit period).",
    )
    enquiry_months = models.PositiveSmallIntegerField(
        "Enquiries: months after they were made",
        default=DEFAULT_ENQUIRY_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="An enquiry that never became a participant is anonymised this many months after it was made.",
    )
    transcript_original_months = models.PositiveSmallIntegerField(
        "Unredacted transcript originals: months after upload",
        default=DEFAULT_TRANSCRIPT_ORIGINAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Where the evaluation team's policy keeps unredacted originals, they are removed this many "
        "months after upload. Where it does not, they are never kept.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["programme__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closed_case_years__gte=1), name="retention_closed_years_set"),
            models.CheckConstraint(condition=models.Q(enquiry_months__gte=1), name="retention_enquiry_months_set"),
            models.CheckConstraint(
                condition=models.Q(transcript_original_months__gte=1), name="retention_transcript_months_set"
            ),
        ]

    def __str__(self) -> str:
        return f"Retention schedule of {self.programme}"


class ErasureRequest(VersionedModel):
    """A person asked for their data to be erased (UK GDPR Art. 17), and what the manager decided.

    Awaiting a decision → kept for now (a lawful reason, until a date) → anonymised; or awaiting →
    anonymised at once. The request itself is kept after anonymisation, as the record that it was
    dealt with; it holds no personal details (the reason is chosen from a list, the detail is
    written without them).
    """

    class HowMade(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "On the phone"
        LETTER = "letter", "By letter"
        EMAIL = "email", "By email or message"
        SOMEONE_FOR_THEM = "someone_for_them", "By someone acting for them"

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Waiting for a decision"
        KEPT = "kept", "Kept for now, for a lawful reason"
        DONE = "done", "Anonymised"

    class KeepReason(models.TextChoices):
        FUNDER_AUDIT = "funder_audit", "The funder's audit period: grant records must be kept for audit"
        LEGAL_CLAIM = "legal_claim", "Needed to make or defend a legal claim"
        LEGAL_OBLIGATION = "legal_obligation", "A legal obligation, such as a safeguarding duty"
        OTHER = "other", "Another lawful reason"

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="erasure_requests")
    received_on = models.DateField()
    how_made = models.CharField(max_length=20, choices=HowMade.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AWAITING)
    keep_reason = models.CharField(max_length=20, choices=KeepReason.choices, blank=True)
    keep_detail = models.TextField(
        blank=True, help_text="What the reason is, without the person's name or details: this record is kept."
    )
    keep_until = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    OPEN_STATUSES = (Status.AWAITING, Status.KEPT)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "keep_until"])]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(status__in=["awaiting", "kept"]),
                name="one_open_erasure_request_per_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="kept")
                | (~models.Q(keep_reason="") & models.Q(keep_until__isnull=False) & models.Q(decided_at__isnull=False)),
                name="kept_erasure_has_reason_and_end",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(anonymised_at__isnull=False),
                name="done_erasure_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure request of {self.received_on} ({self.get_status_display()})"


class PartnerDeletionNotice(VersionedModel):
    """A partner organisation received a person's data through a referral; the person has since been
    anonymised, so the organisation must delete what it received, and says when it has.

    Says which referral, which fields and when they were received: never who it was about.
    """

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="deletion_notice")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deletion_notices")
    shared_fields = models.JSONField(default=list, blank=True, help_text="SharedField values the referral shared.")
    received_at = models.DateTimeField(help_text="When the referral, with those fields, was sent to them.")
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["organisation", "deleted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deleted_at__isnull=True, deleted_by__isnull=True)
                | models.Q(deleted_at__isnull=False, deleted_by__isnull=False),
                name="deletion_recorded_with_who",
            )
        ]

    def __str__(self) -> str:
        return f"Delete what referral {self.referral_id} shared ({'done' if self.deleted_at else 'to do'})"
