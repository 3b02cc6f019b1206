"""Subject access (UK GDPR Art. 15): requests for a copy of everything held about a participant.

A request is either asked for by the participant on their own page (prepared and handed to them
at once, restricted notes always left out) or made to staff (in person, by letter, by email, on
the phone, or by someone acting for them), which a partnership manager logs, prepares, decides
on note by note and releases. The copy itself (a ZIP of data.json and data.pdf) is kept apart in
`PreparedCopy`, for a limited time only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.core.models import TimestampedModel, VersionedModel
from coproduce.participants.models import Participant
from coproduce.plans.models import Contact


class SubjectAccessRequest(VersionedModel):
    class Kind(models.TextChoices):
        OWN_DOWNLOAD = "own_download", _("Asked for on their own page")
        MADE_TO_STAFF = "made_to_staff", _("Made to staff")

    class HowMade(models.TextChoices):
        ONLINE = "online", _("Online, by the participant")
        IN_PERSON = "in_person", _("In person")
        LETTER = "letter", _("By letter")
        EMAIL = "email", _("By email")
        PHONE = "phone", _("On the phone")

    class MadeBy(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        REPRESENTATIVE = "representative", _("Someone acting for them")

    class IdentityCheck(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in to their own account")
        KNOWN_IN_PERSON = "known_in_person", _("Seen in person by staff who know them")
        PHOTO_ID = "photo_id", _("Photo identification seen")
        QUESTIONS = "questions", _("Answered questions only they could answer")
        DOCUMENTS = "documents", _("Other documents checked")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received: copy not prepared yet")
        PREPARING = "preparing", _("Copy being prepared")
        PREPARED = "prepared", _("Copy prepared, waiting to be released")
        RELEASED = "released", _("Copy released")
        FAILED = "failed", _("The copy could not be prepared")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="subject_access_requests")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    how_made = models.CharField(max_length=12, choices=HowMade.choices)
    made_by = models.CharField(max_length=16, choices=MadeBy.choices, default=MadeBy.PARTICIPANT)
    representative_name = models.CharField(max_length=200, blank=True)
    representative_authority = models.CharField(
        max_length=300, blank=True, help_text="How their authority to act for the participant was checked."
    )
    identity_checked = models.CharField(max_length=20, choices=IdentityCheck.choices)
    identity_note = models.CharField(max_length=300, blank=True)
    received_on = models.DateField()
    # The legal deadline, worked out from `received_on` and any extension (deadlines.py), kept so
    # that lists can sort and flag by it in the database.
    due_on = models.DateField()
    extended_by_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    # Counts every request to prepare the copy: a preparation that finishes after a newer one was
    # asked for (or after a decision made it out of date) is thrown away, never stored.
    preparation_number = models.PositiveIntegerField(default=0)
    preparation_asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    preparation_asked_at = models.DateTimeField(null=True, blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["participant", "-received_on"]),
            models.Index(fields=["kind", "status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extended_by_months__lte=2), name="subject_access_extended_by_two_months_at_most"
            ),
            models.CheckConstraint(
                condition=models.Q(extended_by_months=0) | ~models.Q(extension_reason=""),
                name="subject_access_extension_has_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(made_by="participant") | ~models.Q(representative_name=""),
                name="subject_access_representative_is_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="released") | models.Q(released_at__isnull=False),
                name="subject_access_released_has_a_date",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gt=models.F("received_on")), name="subject_access_due_after_receipt"
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.reference}"

    @property
    def reference(self) -> str:
        """How staff and the participant name the request in letters: SAR-00042."""
        return f"SAR-{self.pk:05d}" if self.pk else "SAR-new"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RELEASED


class PreparedCopy(models.Model):
    """The ZIP handed over for a request, kept in the database (so that every app server and the
    task worker reach it without a shared disk) and only until `expires_at`."""

    request = models.OneToOneField(SubjectAccessRequest, on_delete=models.CASCADE, related_name="prepared_copy")
    preparation_number = models.PositiveIntegerField()
    made_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # How many records of each kind the copy holds, for the manager to check before releasing.
    contents = models.JSONField(default=dict)
    # The notes restricted for safeguarding when the copy was made, and those of them left out:
    # a copy is released only if the restricted notes are still the same.
    restricted_note_ids = models.JSONField(default=list)
    withheld_note_ids = models.JSONField(default=list)

    class Meta:
        verbose_name_plural = "prepared copies"

    def __str__(self) -> str:
        return f"Copy for request {self.request_id} made {self.made_at:%Y-%m-%d %H:%M}"


class NoteDecision(TimestampedModel):
    """Whether the serious-harm exemption applies to one restricted note, for one request.

    A restricted note is withheld from a copy only where a manager decided, with a reason, that
    giving it would be likely to cause serious harm to someone's physical or mental health.
    """

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="note_decisions")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="subject_access_decisions")
    exemption_applies = models.BooleanField()
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "contact"]
        constraints = [
            models.UniqueConstraint(fields=["request", "contact"], name="one_decision_per_note_per_request"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="note_decision_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{'Withheld' if self.exemption_applies else 'Released'}: note {self.contact_id}"
