"""Programme → Partnership (local area) → Organisation; staff and their roles."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.accounts.models import uk_phone_for_people, validate_uk_phone
from coproduce.accounts.roles import STAFF_ROLES, Role
from coproduce.core.models import TimestampedModel, VersionedModel
from coproduce.programmes.addresses import validate_uk_postcode
from coproduce.programmes.org_ids import validate_org_id

gss_code_validator = RegexValidator(
    r"^[ENSW]\d{8}$", "A GSS code is a letter (E, N, S or W) and eight digits, like S12000036."
)


class Programme(VersionedModel):
    name = models.CharField(max_length=200, unique=True)
    reference_prefix = models.CharField(
        max_length=4,
        default="P",
        validators=[RegexValidator(r"^[A-Z]{1,4}$", "One to four capital letters, like MIW.")],
    )
    description = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # What the programme's grants are for, in a published vocabulary (360Giving's `classifications`), given on
    # every grant of the programme: the funder sets it.
    classification_vocabulary = models.CharField(
        max_length=100, blank=True, help_text="The list the code comes from, like ICNPO."
    )
    classification_code = models.CharField(max_length=40, blank=True, help_text="The code in that list, like 6300.")
    classification_title = models.CharField(
        max_length=200, blank=True, help_text="What the code means, like Employment and training."
    )

    class Meta:
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return self.name


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        THIRD_SECTOR = "third_sector", _("Third sector")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        PUBLIC_BODY = "public_body", _("Public body")
        FUNDER = "funder", _("Funder")
        RESEARCH = "research", _("University or research body")
        PRIVATE = "private", _("Private sector")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    charity_number = models.CharField(
        max_length=20, blank=True, help_text="Scottish charities start SC, like SC012345."
    )
    company_number = models.CharField(max_length=10, blank=True)
    # The organisation's identifier on org-id.guide's register (GB-SC-SC012345): how 360Giving data names it.
    org_id = models.CharField(
        "organisation identifier",
        max_length=60,
        blank=True,
        validators=[validate_org_id],
        help_text="From org-id.guide: GB-SC-SC012345 for a Scottish charity, GB-COH-SC123456 for a company.",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    street_address = models.CharField("street address", max_length=200, blank=True)
    address_locality = models.CharField("town or city", max_length=100, blank=True)
    postal_code = models.CharField("postcode", max_length=8, blank=True, validators=[validate_uk_postcode])
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
        CO_LEAD = "co_lead", _("Co-lead")
        MEMBER = "member", _("Member")

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
    # The programmes a programme-wide member of staff (funder, evaluator) oversees; staff of one area
    # work in their partnership's programme and leave this empty.
    programmes = models.ManyToManyField(
        Programme,
        blank=True,
        related_name="overseen_by",
        help_text="For programme-wide staff (funder, evaluator): the programmes they oversee.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    # Work contact details the member of staff sets themselves; their participants see them. Never personal ones.
    work_phone = models.CharField("work phone", max_length=16, blank=True, default="", validators=[validate_uk_phone])
    work_email = models.EmailField("work email", blank=True, default="")
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__display_name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def work_phone_for_people(self) -> str:
        return uk_phone_for_people(self.work_phone)


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


class EngagementTarget(VersionedModel):
    """How many participants a partnership aims to engage in a year, proposed by one side and agreed by the other."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField()
    participants = models.PositiveIntegerField(help_text="Participants to engage (joining) in the year.")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["partnership", "year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="one_target_per_partnership_year"),
            models.CheckConstraint(
                condition=models.Q(agreed_at__isnull=True) | models.Q(agreed_by__isnull=False),
                name="agreed_target_names_who_agreed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.year}: {self.participants}"


class Grant(VersionedModel):
    """A grant from the funder to a partnership (exported as 360Giving)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="grants")
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grants_made")
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grants_received", help_text="The lead partner paid."
    )
    reference = models.CharField(max_length=60, unique=True, help_text="Our own id, like MIW-FIF-2013-01.")
    title = models.CharField(max_length=200)
    description = models.TextField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    awarded_on = models.DateField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["awarded_on", "reference"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="grant_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class LabourMarketContext(VersionedModel):
    """An area's labour market in a year, for reading outcome rates beside it. Entered or imported."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="labour_market")
    year = models.PositiveSmallIntegerField()
    claimant_rate = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Claimant count as % of residents 16–64."
    )
    job_density = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True, help_text="Jobs per resident aged 16–64."
    )
    source = models.CharField(max_length=200, help_text="Where the figures come from, like ONS Nomis.")

    class Meta:
        ordering = ["partnership", "year"]
        constraints = [models.UniqueConstraint(fields=["partnership", "year"], name="one_context_per_area_year")]

    def __str__(self) -> str:
        return f"{self.partnership} {self.year}"


class BoardMember(TimestampedModel):
    """A seat on a partnership's board: an organisation's representative, or a lived-experience member."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Represents an organisation")
        LIVED_EXPERIENCE = "lived_experience", _("Lived-experience member")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="board_seats"
    )
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="board_seats"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="organisation") | models.Q(organisation__isnull=False),
                name="organisation_seat_names_the_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class BoardMeeting(TimestampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board_meetings")
    held_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.partnership} board, {self.held_on}"


class BoardDecision(VersionedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board_decisions")
    meeting = models.ForeignKey(
        BoardMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    decided_on = models.DateField()
    decision = models.TextField()
    action_by = models.CharField(max_length=150, blank=True)
    done_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return self.decision[:60]


class BoardDocument(TimestampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board_documents")
    meeting = models.ForeignKey(
        BoardMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="board/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
