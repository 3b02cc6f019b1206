"""The evaluation: research consent, waves, interviews, transcripts, coding, quotes and surveys.

Research data is kept apart from casework. Evaluators reach participants only through a
`ResearchConsent` in force, and only under its pseudonym; a transcript holds the redacted text;
a survey response is not linked to the person who gave it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from coproduce.core.models import TimestampedModel, VersionedModel
from coproduce.participants.models import Consent, Participant
from coproduce.programmes.models import Organisation, Partnership, Programme, StaffMember


class ResearchConsent(VersionedModel):
    """What a participant agreed to for the evaluation, beside their research-purpose Consent.

    The `consent` row (purpose "research") says whether it is in force: withdrawing it takes the
    participant out of every evaluator's view at once. Agreeing again after a withdrawal makes a
    new Consent and points this row at it; the pseudonym never changes.
    """

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="research_consent")
    pseudonym = models.CharField(max_length=12, unique=True, help_text="How evaluators know them, like R-7KQ2M4.")
    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="research_scope")
    interview = models.BooleanField("Take part in interviews", default=False)
    recording = models.BooleanField("Have interviews audio-recorded", default=False)
    quotation = models.BooleanField("Be quoted, without their name", default=False)
    service_data = models.BooleanField("Let the evaluators use their service records", default=False)
    contact_for_interview = models.BooleanField("Be contacted by the evaluators to arrange interviews", default=False)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    ELEMENTS = ("interview", "recording", "quotation", "service_data", "contact_for_interview")

    class Meta:
        ordering = ["pseudonym"]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def is_in_force(self) -> bool:
        return self.consent.withdrawn_at is None


class StakeholderRole(models.TextChoices):
    KEYWORKER = "keyworker", "Keyworker"
    MANAGEMENT = "management", "Management and delivery team"
    LEAD_PARTNER = "lead_partner", "Lead partner representative"
    PARTNER_STAFF = "partner_staff", "Partner organisation staff"
    SIGNPOSTING_PROVIDER = "signposting_provider", "Signposting provider"
    FUNDER = "funder", "Funder"
    OTHER = "other", "Other stakeholder"


class Stakeholder(VersionedModel):
    """Someone interviewed for what they do, not for the support they receive.

    They gave their contact details to the evaluators themselves, so evaluators see them.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="stakeholders")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="stakeholders"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=32, choices=StakeholderRole.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="research_stakeholders"
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="research_stakeholders"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    agreed_to_interview = models.BooleanField(default=False)
    agreed_to_recording = models.BooleanField(default=False)
    agreed_to_quotation = models.BooleanField(default=False)
    consent_recorded_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Wave(VersionedModel):
    """One round of interviews, usually a year (the paper's four waves, 2014 to 2017)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="waves")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="one_wave_per_programme_year"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="wave_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Interview(VersionedModel):
    class Kind(models.TextChoices):
        PARTICIPANT = "participant", "Participant"
        STAKEHOLDER = "stakeholder", "Stakeholder"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"
        DECLINED = "declined", "Declined"

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="interviews")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="interviews")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    research_consent = models.ForeignKey(
        ResearchConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="interviews"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, null=True, blank=True, related_name="interviews"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INVITED)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_confirmed = models.BooleanField(
        default=False, help_text="Consent to this interview was checked with the interviewee on the day."
    )
    recorded = models.BooleanField(default=False, help_text="Audio-recorded, with their agreement.")
    notes = models.TextField(blank=True, help_text="Arrangements only: nothing from the interview itself.")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["wave", "partnership", "pk"]
        indexes = [models.Index(fields=["wave", "partnership", "kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="participant", research_consent__isnull=False, stakeholder__isnull=True)
                    | models.Q(kind="stakeholder", research_consent__isnull=True, stakeholder__isnull=False)
                ),
                name="interview_has_one_interviewee_of_its_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(held_on__isnull=False),
                name="interview_done_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} interview, {self.partnership}, {self.wave}"


class TranscriptPolicy(VersionedModel):
    """Whether an evaluation team keeps the unredacted original of the transcripts it uploads.

    With no policy row, originals are not kept.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="transcript_policy")
    keep_unredacted_originals = models.BooleanField(default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    def __str__(self) -> str:
        return f"{self.organisation}: {'keeps' if self.keep_unredacted_originals else 'does not keep'} originals"


class Transcript(VersionedModel):
    """The text of an interview (or of a survey's free-text answers), redacted before it is coded.

    While it is being redacted the text may change; once ready for coding it is frozen, so coded
    segments' offsets always point at the words that were coded.
    """

    class Status(models.TextChoices):
        REDACTING = "redacting", "Being redacted"
        READY = "ready", "Ready for coding"

    class Source(models.TextChoices):
        INTERVIEW = "interview", "Interview"
        SURVEY = "survey", "Survey answers"

    source = models.CharField(max_length=12, choices=Source.choices, default=Source.INTERVIEW)
    interview = models.OneToOneField(
        Interview, on_delete=models.PROTECT, null=True, blank=True, related_name="transcript"
    )
    survey_question = models.ForeignKey(
        "SurveyQuestion", on_delete=models.PROTECT, null=True, blank=True, related_name="transcripts"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="transcripts"
    )
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="transcripts")
    speaker_label = models.CharField(
        max_length=60, help_text='How quotes are attributed, like "Service User" or "Keyworker".'
    )
    title = models.CharField(max_length=200)
    text = models.TextField()
    original_text = models.TextField(blank=True, help_text="Kept only when the team's policy says so.")
    original_filename = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REDACTING)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at", "text", "original_text"])

    class Meta:
        ordering = ["wave", "partnership", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(source="interview", interview__isnull=False, survey_question__isnull=True)
                    | models.Q(source="survey", interview__isnull=True, survey_question__isnull=False)
                ),
                name="transcript_source_matches",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Redaction(models.Model):
    """One passage taken out of a transcript. The words removed are not kept here."""

    class Kind(models.TextChoices):
        PARTICIPANT = "participant", "Participant's name"
        CHILD = "child", "Child's name"
        STAFF = "staff", "Staff member's name"
        PLACE = "place", "Place"
        OTHER = "other", "Other identifying detail"

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="redactions")
    start = models.PositiveIntegerField(help_text="Where the passage began in the text as it was then.")
    length_removed = models.PositiveIntegerField()
    replacement = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    suggested = models.BooleanField(default=False, help_text="Accepted from an automatic suggestion.")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["transcript", "applied_at", "pk"]

    def __str__(self) -> str:
        return f"{self.replacement} at {self.start}"


class DismissedSuggestion(models.Model):
    """A suggested redaction the evaluator decided to leave in the text, and why.

    It points at the passage by where it is in the text as it is now (the redactions made after it
    move it along); the words themselves are in the text and not copied here. A transcript cannot
    be ready for coding while any suggestion is neither redacted nor dismissed like this.
    """

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="dismissed_suggestions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Redaction.Kind.choices)
    reason = models.CharField(max_length=500)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["transcript", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="dismissed_suggestion_span"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="dismissed_suggestion_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Left in at {self.start}: {self.reason}"


class Codebook(VersionedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="codebooks")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="codebook_name_unique_in_programme")]

    def __str__(self) -> str:
        return self.name


class Theme(VersionedModel):
    """A group of codes that tell one part of the story, like "Choice and control"."""

    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["codebook", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["codebook", "name"], name="theme_name_unique_in_codebook")]

    def __str__(self) -> str:
        return self.name


class Code(VersionedModel):
    """A code in a hierarchy. Codes added during analysis are "emergent", with who added them and when."""

    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="codes")
    name = models.CharField(max_length=120)
    definition = models.TextField(blank=True)
    emergent = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    colour = models.CharField(max_length=7, default="#1d70b8", help_text="For exchange with other tools: #rrggbb.")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["codebook", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["codebook", "name"], name="code_name_unique_in_codebook"),
            models.CheckConstraint(condition=models.Q(colour__regex=r"^#[0-9a-f]{6}$"), name="code_colour_is_hex"),
        ]

    def __str__(self) -> str:
        return self.name


class CodedSegment(TimestampedModel):
    """A passage of a transcript, a code, and who applied it.

    Coders code independently (`is_consensus` false); the consensus version the coders settle
    on is kept as segments with `is_consensus` true, recorded by whoever settled each one.
    """

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="segments")
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="segments")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="The passage, as it stood in the transcript.")
    memo = models.TextField(blank=True)
    is_consensus = models.BooleanField(default=False)

    class Meta:
        ordering = ["transcript", "start", "end", "pk"]
        indexes = [models.Index(fields=["transcript", "coder"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="segment_ends_after_start"),
            models.UniqueConstraint(
                fields=["transcript", "code", "coder", "start", "end", "is_consensus"], name="segment_not_coded_twice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} [{self.start}:{self.end}]"


class Quote(VersionedModel):
    """A coded passage chosen to quote, with its attribution like "Service User, Fife, 2017".

    Versioned, so two evaluators changing its note at once cannot overwrite each other.
    """

    transcript = models.ForeignKey(Transcript, on_delete=models.PROTECT, related_name="quotes")
    segment = models.ForeignKey(CodedSegment, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    attribution = models.CharField(max_length=120)
    note = models.TextField(blank=True)
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["transcript", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="quote_ends_after_start"),
            models.UniqueConstraint(fields=["transcript", "start", "end"], name="quote_not_chosen_twice"),
        ]

    def __str__(self) -> str:
        return f"{self.text[:40]}… ({self.attribution})"


class Survey(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="What participants read before the first question.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", "Agree or disagree (five points)"
        CHOICE = "choice", "One of several choices"
        TEXT = "text", "Their own words"

    LIKERT_SCALE = (
        (1, "Strongly disagree"),
        (2, "Disagree"),
        (3, "Neither agree nor disagree"),
        (4, "Agree"),
        (5, "Strongly agree"),
    )

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.CharField(max_length=300)
    choices = models.JSONField(default=list, blank=True, help_text="For a choice question: the options, in order.")
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique")]

    def __str__(self) -> str:
        return self.text


class SurveyPoint(models.Model):
    """When in their journey participants are asked: on joining, six months later…"""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="points")
    label = models.CharField(max_length=80)
    days_after_joining = models.PositiveIntegerField()

    class Meta:
        ordering = ["survey", "days_after_joining", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "days_after_joining"], name="survey_point_day_unique")]

    def __str__(self) -> str:
        return self.label


class SurveyInvitation(TimestampedModel):
    """A participant asked to answer a survey at one point. Says only whether they answered, not what."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    point = models.ForeignKey(SurveyPoint, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="survey_invitations")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sent_on = models.DateField()
    answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["point", "participant"], name="one_invitation_per_point")]

    def __str__(self) -> str:
        return f"{self.survey} ({self.point})"


class SurveyResponse(models.Model):
    """One set of answers. Deliberately not linked to the participant or their invitation, and
    dated by day only, so the answers cannot be matched to whoever was invited."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    point = models.ForeignKey(SurveyPoint, on_delete=models.CASCADE, related_name="responses")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_on = models.DateField()

    class Meta:
        ordering = ["survey", "submitted_on", "pk"]

    def __str__(self) -> str:
        return f"Response to {self.survey}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    number = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"Answer to {self.question}"
