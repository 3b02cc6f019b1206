"""Programme → Partnership (local area) → Organisation; staff and their roles."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from coproduce.accounts.roles import STAFF_ROLES, Role
from coproduce.core.models import TimestampedModel, VersionedModel

gss_code_validator = RegexValidator(
    r"^[ENSW]\d{8}$", "A GSS code is a letter (E, N, S or W) and eight digits, like S12000036."
)


class Programme(TimestampedModel):
    name = models.CharField(max_length=200, unique=True)
    reference_prefix = models.CharField(
        max_length=4,
        default="P",
        validators=[RegexValidator(r"^[A-Z]{1,4}$", "One to four capital letters, like MIW.")],
    )
    description = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        THIRD_SECTOR = "third_sector", "Third sector"
        LOCAL_GOVERNMENT = "local_government", "Local government"
        PUBLIC_BODY = "public_body", "Public body"
        FUNDER = "funder", "Funder"
        RESEARCH = "research", "University or research body"
        PRIVATE = "private", "Private sector"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    charity_number = models.CharField(
        max_length=20, blank=True, help_text="Scottish charities start SC, like SC012345."
    )
    company_number = models.CharField(max_length=10, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(VersionedModel):
    """A local partnership: one local-authority area, co-led by third-sector organisations."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="partnerships")
    area_name = models.CharField(max_length=100)
    gss_code = models.CharField(
        "GSS area code", max_length=9, validators=[gss_code_validator], help_text="Like S12000036."
    )
    short_code = models.CharField(
        max_length=4,
        validators=[RegexValidator(r"^[A-Z]{2,4}$", "Two to four capital letters, like FIF.")],
        help_text="Used in participant references, like MIW-FIF-00042.",
    )
    caseload_limit = models.PositiveSmallIntegerField(
        default=25, help_text="A keyworker's caseload above this shows a warning."
    )
    organisations: "models.ManyToManyField[Organisation, PartnershipMembership]" = models.ManyToManyField(
        Organisation, through="PartnershipMembership", related_name="partnerships"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area_name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "area_name"], name="one_partnership_per_area"),
            models.UniqueConstraint(fields=["programme", "gss_code"], name="one_partnership_per_gss_code"),
            models.UniqueConstraint(fields=["programme", "short_code"], name="one_partnership_per_short_code"),
        ]

    def __str__(self) -> str:
        return self.area_name


class PartnershipMembership(TimestampedModel):
    class Role(models.TextChoices):
        CO_LEAD = "co_lead", "Co-lead"
        MEMBER = "member", "Member"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "role", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "organisation"], name="one_membership_per_pair")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}, {self.partnership})"


class StaffMember(TimestampedModel):
    """A member of staff: one user, one organisation, the area they work in, one or more roles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_member")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        help_text="The area they work in. Empty for programme-wide staff (funder, evaluator).",
    )
    job_title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__display_name"]

    def __str__(self) -> str:
        return str(self.user)


class StaffRole(models.Model):
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in STAFF_ROLES])
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff_member", "role"], name="one_row_per_staff_role"),
            models.CheckConstraint(condition=~models.Q(role=Role.PARTICIPANT), name="staff_role_is_not_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member}: {self.get_role_display()}"
