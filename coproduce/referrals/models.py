"""Referrals to partner agencies, with consent, and signposting to services outside the system.

A referral moves: proposed → agreed (the participant consents to share named fields with
that organisation for that purpose) → sent → accepted or declined by the partner →
started → completed or did not start. It can be withdrawn at any point before it ends,
and withdrawing the consent withdraws it. Signposting shares nothing: it only records
that the participant was told about a service.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.core.models import VersionedModel
from coproduce.directory.models import Service
from coproduce.participants.models import Consent, Participant
from coproduce.plans.models import Goal
from coproduce.programmes.models import Organisation


class SharedField(models.TextChoices):
    """What a referral may share with the partner, one item at a time. Name is always needed to act on it."""

    NAME = "name", _("Name")
    MOBILE = "mobile", _("Mobile number")
    EMAIL = "email", _("Email address")
    ADDRESS = "address", _("Address and postcode")
    CHILDREN = "children", _("Ages of their children")
    BARRIERS = "barriers", _("What gets in the way, in their own words")
    ASPIRATIONS = "aspirations", _("What they want, in their own words")
    KEYWORKER = "keyworker", _("Their keyworker's name and contact")


class Referral(VersionedModel):
    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Referral (information shared with consent)")
        SIGNPOSTING = "signposting", _("Signposting (nothing shared)")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed by the participant")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        STARTED = "started", _("Started")
        COMPLETED = "completed", _("Completed")
        DID_NOT_START = "did_not_start", _("Did not start")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SIGNPOSTED = "signposted", _("Signposted")

    class ProposedBy(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        KEYWORKER = "keyworker", _("The keyworker")

    class DeclineReason(models.TextChoices):
        NO_CAPACITY = "no_capacity", _("No places free")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible for this service")
        NOT_SUITABLE = "not_suitable", _("Another service would suit them better")
        COULD_NOT_CONTACT = "could_not_contact", _("Could not get in touch")
        OTHER = "other", _("Another reason")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REFERRAL)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        help_text="The partner agency that receives a referral. Empty for signposting.",
    )
    outside_service_name = models.CharField(
        max_length=200, blank=True, help_text="For signposting to a service not in the directory."
    )
    outside_service_details = models.TextField(blank=True)
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    reason = models.TextField(help_text="Why, in plain words the participant agrees with.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.CharField(max_length=12, choices=ProposedBy.choices)
    proposed_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="The participant's consent to share with this organisation for this referral.",
    )
    shared_fields = models.JSONField(default=list, blank=True, help_text="SharedField values, exactly what is shared.")
    agreed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer_due_on = models.DateField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_detail = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    delivered = models.TextField(blank=True, help_text="What the partner delivered.")
    outcome_note = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["participant", "state"]),
            # A partner organisation's inbox, newest sent first: read in order and stopped at the
            # page, not sorted whole (a national agency receives tens of thousands).
            models.Index(fields=["organisation", "-sent_at", "-id"], name="referral_inbox_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="signposting")
                | (models.Q(service__isnull=False) & models.Q(organisation__isnull=False)),
                name="referral_goes_to_a_partner_service",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="referral")
                | (models.Q(consent__isnull=True) & models.Q(organisation__isnull=True) & models.Q(state="signposted")),
                name="signposting_shares_nothing",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="signposting") | ~models.Q(state="signposted"),
                name="only_signposting_is_signposted",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["proposed", "withdrawn"])
                | models.Q(kind="signposting")
                | models.Q(consent__isnull=False),
                name="referral_past_proposed_has_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="referral")
                | models.Q(service__isnull=False)
                | ~models.Q(outside_service_name=""),
                name="signposting_names_a_service",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="declined") | ~models.Q(decline_reason=""),
                name="declined_referral_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.service_name}"

    @property
    def service_name(self) -> str:
        return self.service.name if self.service_id and self.service else self.outside_service_name

    OPEN_STATES = (State.PROPOSED, State.AGREED, State.SENT, State.ACCEPTED, State.STARTED)
    # States in which the partner organisation may see the participant (with consent still in force).
    PARTNER_STATES = (
        State.SENT,
        State.ACCEPTED,
        State.DECLINED,
        State.STARTED,
        State.COMPLETED,
        State.DID_NOT_START,
    )


class ReferralMessage(models.Model):
    """A short message between the referring keyworker's organisation and the receiving partner about one referral.

    Only staff of those two organisations read or write them (`referral_messages_for`); never the
    participant, never the participant's other agencies. Messages are not edited or deleted.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The author's organisation when they wrote it.",
    )
    written_at = models.DateTimeField()
    text = models.TextField(max_length=2000)

    class Meta:
        ordering = ["written_at", "pk"]
        indexes = [models.Index(fields=["referral", "written_at"])]
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="referral_message_has_text")]

    def __str__(self) -> str:
        return f"Message on referral {self.referral_id}"


class ServiceRating(VersionedModel):
    """A participant's rating of a service they were referred to, once the referral completed.

    One per referral, changeable. `anonymous` hides the participant's name from the partner; the
    aggregates (`service_rating_summaries`) never carry names and are suppressed below 5 ratings.
    """

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="rating")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="ratings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="service_ratings")
    score = models.PositiveSmallIntegerField(help_text="1 (poor) to 5 (very good).")
    comment = models.CharField(max_length=500, blank=True)
    anonymous = models.BooleanField(default=False, help_text="Hide the participant's name from the partner.")
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["service"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="service_rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"Rating of {self.service_id}: {self.score}"
