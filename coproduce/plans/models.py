"""Co-produced support: assessments, plans (goals and steps), contacts, appointments, cover,
progress checks and the job-search log."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.core.models import TimestampedModel, VersionedModel
from coproduce.participants.models import Participant
from coproduce.programmes.models import StaffMember


class Barrier(models.TextChoices):
    """The barrier taxonomy of DESIGN.md §4, used for matching and reporting, never instead of own words."""

    CHILDCARE = "childcare", _("Childcare")
    SKILLS = "skills", _("Skills and qualifications")
    WORK_HISTORY_GAPS = "work_history_gaps", _("Gaps in work history")
    CONFIDENCE = "confidence", _("Confidence and self-esteem")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    MONEY_AND_DEBT = "money_and_debt", _("Money and debt")
    HOUSING = "housing", _("Housing")
    TRANSPORT = "transport", _("Transport")
    SOCIAL_ISOLATION = "social_isolation", _("Social isolation")
    CARING = "caring", _("Caring responsibilities")
    LANGUAGE = "language", _("Language")
    DIGITAL = "digital", _("Digital skills and access")


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
        A_LITTLE = 1, _("Matters a little")
        QUITE_A_LOT = 2, _("Matters quite a lot")
        A_GREAT_DEAL = 3, _("Matters a great deal")

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


class Contact(VersionedModel):
    class Kind(models.TextChoices):
        CENTRE = "centre", _("One-to-one at a centre")
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE = "phone", _("Phone")
        MESSAGE = "message", _("Message")
        GROUP = "group", _("Group")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contacts")
    happened_on = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A note is hidden from the participant only for a stated safeguarding reason (DESIGN.md §2.1).
    restricted_reason = models.TextField(blank=True)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restricted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["participant", "-happened_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(restricted_at__isnull=True) & models.Q(restricted_reason=""))
                | (models.Q(restricted_at__isnull=False) & ~models.Q(restricted_reason="")),
                name="contact_restricted_only_with_a_reason",
            )
        ]

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"


class Goal(VersionedModel):
    """Something the participant wants, in their own words."""

    class Status(models.TextChoices):
        OPEN = "open", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        SET_ASIDE = "set_aside", _("Set aside for now")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=300, help_text="In the participant's own words.")
    details = models.TextField(blank=True)
    added_by_participant = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Step(VersionedModel):
    """One thing towards a goal, proposed by either side; active only once the participant agrees.

    offered → agreed / declined → (agreed) done / stopped. There is no notion of a mandatory
    step or a sanction: declining is a normal answer and needs no reason.
    """

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        AGREED = "agreed", _("Agreed")
        DECLINED = "declined", _("Declined")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    class ProposedBy(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        KEYWORKER = "keyworker", _("The keyworker")

    class AnsweredHow(models.TextChoices):
        THEMSELVES = "themselves", _("By the participant, on their page")
        IN_PERSON = "in_person", _("In person, recorded by the keyworker")
        PHONE = "phone", _("On the phone, recorded by the keyworker")
        MESSAGE = "message", _("By message, recorded by the keyworker")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    description = models.TextField()
    proposed_by = models.CharField(max_length=12, choices=ProposedBy.choices)
    proposed_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED)
    wants_to_talk = models.BooleanField(default=False, help_text="The participant would like to talk about it first.")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_how = models.CharField(max_length=12, choices=AnsweredHow.choices, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(blank=True, help_text="Optional: declining needs no reason.")
    answer_changed_from = models.CharField(
        max_length=10,
        choices=State.choices,
        blank=True,
        help_text="The answer given before the participant last changed their mind, if they did.",
    )
    answer_changed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A step is never active (or done, or stopped) without the participant's answer.
            models.CheckConstraint(
                condition=models.Q(state="offered")
                | (models.Q(answered_at__isnull=False) & ~models.Q(answered_how="")),
                name="step_answered_unless_offered",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="offered") | models.Q(answered_at__isnull=True),
                name="step_offered_has_no_answer",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["done", "stopped"], finished_at__isnull=False)
                | (~models.Q(state__in=["done", "stopped"]) & models.Q(finished_at__isnull=True)),
                name="step_finished_only_when_done_or_stopped",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Appointment(VersionedModel):
    class Place(models.TextChoices):
        HOME = "home", _("At home")
        CENTRE = "centre", _("At a centre")
        PHONE = "phone", _("On the phone")
        VIDEO = "video", _("By video call")

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        REARRANGE_ASKED = "rearrange_asked", _("Asked to rearrange")
        CANCELLED = "cancelled", _("Cancelled")
        HAPPENED = "happened", _("Happened")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="appointments")
    keyworker = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    place = models.CharField(max_length=10, choices=Place.choices, help_text="Chosen by the participant.")
    place_details = models.CharField(max_length=300, blank=True)
    childcare_needed = models.BooleanField(default=False)
    childcare_notes = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    rearrange_request = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["participant", "starts_at"]), models.Index(fields=["keyworker", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_minutes__gte=5), name="appointment_at_least_5_minutes")
        ]

    def __str__(self) -> str:
        return f"{self.get_place_display()} on {self.starts_at:%Y-%m-%d %H:%M}"


class ProgressArea(models.TextChoices):
    """Our own open distance-travelled scale: eight areas, each read 1–10."""

    CONFIDENCE = "confidence", _("Confidence")
    MONEY = "money", _("Money")
    CHILDCARE = "childcare", _("Childcare")
    SKILLS = "skills", _("Skills and qualifications")
    LOOKING_FOR_WORK = "looking_for_work", _("Looking for work")
    HEALTH = "health", _("Health and wellbeing")
    SOCIAL = "social", _("Social connections")
    HOME = "home", _("Home and housing")


class ProgressCheck(TimestampedModel):
    """One reading of the scale, by the participant or by the keyworker. Where they differ, both stand."""

    class Reader(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        KEYWORKER = "keyworker", _("The keyworker")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="progress_checks")
    checked_on = models.DateField()
    reader = models.CharField(max_length=12, choices=Reader.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["checked_on", "pk"]
        indexes = [models.Index(fields=["participant", "checked_on"])]

    def __str__(self) -> str:
        return f"Progress check of {self.checked_on} ({self.get_reader_display()})"


class ProgressScore(models.Model):
    progress_check = models.ForeignKey(ProgressCheck, on_delete=models.CASCADE, related_name="scores")
    area = models.CharField(max_length=20, choices=ProgressArea.choices)
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    comment = models.TextField(blank=True, help_text="In the participant's own words.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["progress_check", "area"]
        constraints = [
            models.UniqueConstraint(fields=["progress_check", "area"], name="one_score_per_area_per_check"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=10), name="score_from_1_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.score}"


class ProgressCheckDraft(VersionedModel):
    """A participant's own progress check, part-filled: kept between screens and visits until they send it.

    `answers` maps an area to {"score": 1–10, or None where they skipped it, "comment": their words}.
    Areas not yet reached are absent. There is at most one draft per participant.
    """

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="progress_check_draft")
    answers = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Unfinished progress check ({len(self.answers)} of {len(ProgressArea)} areas)"

    def next_area(self) -> str | None:
        """The first area not yet answered or skipped, or None when every area has been reached."""
        return next((area.value for area in ProgressArea if area.value not in self.answers), None)

    def answered(self) -> dict[str, tuple[int, str]]:
        """The areas given a score (skipped ones left out), as the record service takes them."""
        return {
            area: (answer["score"], answer.get("comment", ""))
            for area, answer in self.answers.items()
            if answer.get("score") is not None
        }


class JobSearchEntry(VersionedModel):
    """The participant's own job-search log, printable to show at Jobcentre Plus."""

    class Action(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ENQUIRED = "enquired", _("Asked about a job")
        CV_SENT = "cv_sent", _("Sent my CV")
        INTERVIEW = "interview", _("Had an interview")
        JOB_FAIR = "job_fair", _("Went to a jobs fair")
        SEARCHED = "searched", _("Searched for jobs")
        OTHER = "other", _("Something else")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="job_search_entries")
    searched_on = models.DateField()
    employer = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    what_i_did = models.TextField(blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-searched_on", "-pk"]
        verbose_name_plural = "job search entries"
        indexes = [models.Index(fields=["participant", "-searched_on"])]

    def __str__(self) -> str:
        return f"{self.searched_on}: {self.get_action_display()} {self.employer}".strip()
