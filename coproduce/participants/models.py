"""Participants, their household, their consents, and enquiries from people who want help."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.accounts.models import validate_uk_mobile
from coproduce.core.models import TimestampedModel, VersionedModel
from coproduce.programmes.models import Organisation, Partnership, StaffMember


class HeardAbout(models.TextChoices):
    JOBCENTRE = "jobcentre", _("Jobcentre Plus")
    FRIEND_OR_FAMILY = "friend_or_family", _("A friend or family member")
    SCHOOL_OR_NURSERY = "school_or_nursery", _("School or nursery")
    PARTNER_AGENCY = "partner_agency", _("Another support organisation")
    HEALTH_VISITOR = "health_visitor", _("Health visitor or GP")
    COMMUNITY_EVENT = "community_event", _("A community event")
    SOCIAL_MEDIA = "social_media", _("Social media or a website")
    OTHER = "other", _("Somewhere else")


class Participant(VersionedModel):
    """A person the service supports. Identified in reports only by `reference`."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(max_length=20, unique=True, help_text="Pseudonymous, like MIW-FIF-00042.")
    # A person may take part in more than one programme over the years: one record per programme,
    # all under their one account (coproduce.programmes.standing picks the current one).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participant_records",
        related_query_name="participant",
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=16, blank=True, validators=[validate_uk_mobile])
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="participants")
    keyworker = models.ForeignKey(StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="caseload")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField()
    joined_on = models.DateField()
    heard_about = models.CharField(max_length=32, choices=HeardAbout.choices, blank=True)
    heard_about_detail = models.CharField(max_length=200, blank=True)
    # The language pages, texts, emails and PDFs for this person are written in (settings.LANGUAGES).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en-gb")
    # Filled when the person needs an interpreter, with the language: shown on the caseload and appointments.
    interpreter_language = models.CharField(
        max_length=60, blank=True, help_text="Leave empty unless the person needs an interpreter, e.g. Urdu."
    )
    # Set when everything identifying was removed (coproduce/retention): at the end of the
    # retention period or on an erasure request. Irreversible.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        indexes = [
            models.Index(fields=["keyworker", "status"]),
            models.Index(fields=["partnership", "status"]),
            # The manager's area list: one partnership by name, a page at a time (no sort of the whole area).
            models.Index(fields=["partnership", "family_name", "given_name", "id"], name="participant_area_by_name"),
            # What the daily retention run looks for: closed cases not yet anonymised, by closing date.
            models.Index(
                fields=["status_since"],
                condition=models.Q(status="closed", anonymised_at__isnull=True),
                name="participant_closed_not_anon",
            ),
            # The funder's statistics count participants by area, year joined and status, and join job
            # starts and spend to an area: both read from these indexes alone (index-only scans).
            models.Index(fields=["partnership", "joined_on", "status"], name="participant_area_joined"),
            models.Index(fields=["id", "partnership"], name="participant_id_area"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status_since__gte=models.F("joined_on")),
                name="participant_status_not_before_joining",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.reference})"

    @property
    def full_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}"


class Child(models.Model):
    """A child in the participant's household. Only the year of birth is kept, never a name."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="children")
    birth_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["birth_year", "pk"]

    def __str__(self) -> str:
        return f"child born {self.birth_year}"

    def age_on(self, day: datetime.date) -> int:
        """Age in whole years, at its youngest (as if born on the last day of the year)."""
        return max(day.year - self.birth_year - 1, 0)


class Consent(TimestampedModel):
    """A participant's consent for one purpose (and, for sharing, one organisation)."""

    class Purpose(models.TextChoices):
        SERVICE = "service", _("Receive support and have my information kept by the service")
        SHARE_WITH_ORGANISATION = "share_with_organisation", _("Share my information with an organisation")
        RESEARCH = "research", _("Take part in the evaluation research")
        CONTACT_BY_SMS = "contact_by_sms", _("Be contacted by text message")
        CONTACT_BY_EMAIL = "contact_by_email", _("Be contacted by email")

    class How(models.TextChoices):
        IN_PERSON_SIGNED = "in_person_signed", _("In person, signed form")
        IN_PERSON_VERBAL = "in_person_verbal", _("In person, said out loud")
        PHONE = "phone", _("On the phone")
        ONLINE = "online", _("Online, by the participant")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    detail = models.CharField(
        max_length=300, blank=True, help_text="The specific purpose, like the referral it was given for."
    )
    given_at = models.DateTimeField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="Who recorded it."
    )
    given_how = models.CharField(max_length=20, choices=How.choices)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_how = models.CharField(max_length=20, choices=How.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose="share_with_organisation", organisation__isnull=False)
                | (~models.Q(purpose="share_with_organisation") & models.Q(organisation__isnull=True)),
                name="consent_organisation_only_for_sharing",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({'withdrawn' if self.withdrawn_at else 'given'})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Enquiry(VersionedModel):
    """Someone asked for help through the public page. No account needed."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to be allocated")
        ALLOCATED = "allocated", _("Allocated to a keyworker")
        REGISTERED = "registered", _("Registered as a participant")
        CLOSED = "closed", _("Closed")

    class ContactBy(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")

    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=16, blank=True, validators=[validate_uk_mobile])
    contact_by = models.CharField(max_length=10, choices=ContactBy.choices)
    best_time = models.CharField(max_length=150, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="enquiries")
    message = models.TextField(blank=True)
    heard_about = models.CharField(max_length=32, choices=HeardAbout.choices, blank=True)
    # The language they asked us to use; carried onto the participant when they are registered.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en-gb")
    # Filled when they asked for another language: we bring an interpreter. Carried onto the participant.
    interpreter_language = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    allocated_to = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="enquiries"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="enquiry"
    )
    closed_reason = models.CharField(max_length=200, blank=True)
    # Set when the enquirer's details were removed (coproduce/retention). Irreversible.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["partnership", "status"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(participant__isnull=True, anonymised_at__isnull=True),
                name="enquiry_to_anonymise",
            ),
        ]
        constraints = [
            # An anonymised enquiry has no way to reply left, on purpose.
            models.CheckConstraint(
                condition=~models.Q(email="") | ~models.Q(mobile="") | models.Q(anonymised_at__isnull=False),
                name="enquiry_has_a_way_to_reply",
            )
        ]

    def __str__(self) -> str:
        return f"Enquiry {self.pk} ({self.partnership})"


class CoverShare(TimestampedModel):
    """Another keyworker sees a case for a period (holiday, sickness cover). Audited."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="cover_shares")
    covering_keyworker = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="covering")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_early_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["covering_keyworker", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="cover_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Cover by {self.covering_keyworker} {self.starts_on}–{self.ends_on}"


class AvailabilitySlot(models.Model):
    """When the participant says they can take part: a day of the week and a part of that day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    class PartOfDay(models.TextChoices):
        MORNING = "morning", _("Morning (9am to 12 noon)")
        AFTERNOON = "afternoon", _("Afternoon (12 noon to 3pm)")
        LATE_AFTERNOON = "late_afternoon", _("After school (3pm to 6pm)")
        EVENING = "evening", _("Evening (6pm to 9pm)")

    # The hours each part of the day covers, for matching against opening times.
    HOURS = {
        PartOfDay.MORNING: (datetime.time(9), datetime.time(12)),
        PartOfDay.AFTERNOON: (datetime.time(12), datetime.time(15)),
        PartOfDay.LATE_AFTERNOON: (datetime.time(15), datetime.time(18)),
        PartOfDay.EVENING: (datetime.time(18), datetime.time(21)),
    }

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    part_of_day = models.CharField(max_length=16, choices=PartOfDay.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "part_of_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "weekday", "part_of_day"], name="one_availability_slot_per_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.get_part_of_day_display()}"
