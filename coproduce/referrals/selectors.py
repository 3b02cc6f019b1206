"""Reads of referrals and signposting. Every page, API route and report goes through these.

A partner worker sees a referral only while it is addressed to their organisation, has been
sent, and the participant's consent to share with that organisation is still in force — and
even then only the fields the participant agreed to share, through `shared_record`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import holidays
from django.db.models import Avg, BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.core.errors import NotFound
from coproduce.directory.models import Service
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Assessment
from coproduce.programmes.models import Organisation
from coproduce.programmes.standing import standing_of
from coproduce.referrals.models import Referral, ReferralMessage, ServiceRating, SharedField


def referrals_visible_to(actor: ActingUser) -> QuerySet[Referral]:
    """The referrals (and signposting) this person may see (DESIGN.md §3).

    A participant: their own. A keyworker: those of their caseload (and cases covered today).
    A partnership manager: their area's. A partner worker: only referrals sent to their own
    organisation, in a state the partner takes part in, whose sharing consent is still in
    force. Everyone else: none.
    """
    standing = standing_of(actor)
    allowed = Q()
    granted = False
    if standing.has(Role.PARTICIPANT) or standing.has(Role.KEYWORKER) or standing.has(Role.PARTNERSHIP_MANAGER):
        allowed |= Q(participant__in=participants_visible_to(actor))
        granted = True
    if standing.has(Role.PARTNER_WORKER) and standing.organisation_id is not None:
        allowed |= Q(
            kind=Referral.Kind.REFERRAL,
            organisation_id=standing.organisation_id,
            state__in=Referral.PARTNER_STATES,
            consent__isnull=False,
            consent__withdrawn_at=None,
        )
        granted = True
    if not granted:
        return Referral.objects.none()
    return Referral.objects.filter(allowed)


def visible_referral(actor: ActingUser, referral_id: int) -> Referral:
    """The referral, if this person may see it; NotFound otherwise (the same answer either way)."""
    referral = (
        referrals_visible_to(actor)
        .select_related(
            "participant",
            "service__organization",
            "organisation",
            "consent",
            "goal",
            "proposed_by_user",
            "sent_by__staff_member__organisation",
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound("No such referral.")
    return referral


def with_overdue(referrals: QuerySet[Referral], today: datetime.date | None = None) -> QuerySet[Referral]:
    """Annotate `is_overdue`: sent, not answered, and today is past the day the answer was due."""
    today = today or timezone.localdate()
    return referrals.annotate(
        is_overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def overdue_q(today: datetime.date) -> Q:
    return Q(state=Referral.State.SENT, answered_at__isnull=True, answer_due_on__lt=today)


def partner_inbox(actor: ActingUser, *, today: datetime.date | None = None) -> QuerySet[Referral]:
    """A partner worker's referrals, newest first, with `is_overdue`. Nobody else has an inbox.

    Only the shared fields may be shown from them: use `shared_record(referral)`.
    """
    standing = standing_of(actor)
    if not standing.has(Role.PARTNER_WORKER) or standing.organisation_id is None:
        return Referral.objects.none()
    referrals = referrals_visible_to(actor).filter(organisation_id=standing.organisation_id)
    return (
        with_overdue(referrals, today)
        .select_related(
            "participant__keyworker__user",
            "participant__user",
            "service",
            "consent",
            "sent_by__staff_member__organisation",
        )
        .prefetch_related(*shared_record_prefetches())
        .order_by("-sent_at", "-pk")
    )


# What a partner worker's inbox can be narrowed to: "overdue", or one of the states a partner takes part in.
INBOX_OVERDUE = "overdue"
INBOX_FILTERS: tuple[str, ...] = (INBOX_OVERDUE, *Referral.PARTNER_STATES)


def _inbox_filter(state: str | None, today: datetime.date) -> Q:
    """What `filter_inbox` keeps, as a condition: Q() (everything) unless a filter is chosen."""
    if state == INBOX_OVERDUE:
        return overdue_q(today)
    if state in Referral.PARTNER_STATES:
        return Q(state=state)
    return Q()


def filter_inbox(
    referrals: QuerySet[Referral], state: str | None, *, today: datetime.date | None = None
) -> QuerySet[Referral]:
    """The inbox narrowed to overdue referrals or to one state; anything else leaves it whole."""
    return referrals.filter(_inbox_filter(state, today or timezone.localdate()))


def inbox_counts(
    referrals: QuerySet[Referral], state: str | None, *, today: datetime.date | None = None
) -> dict[str, int]:
    """Over the whole inbox, in one query: how many are overdue, and how many `filter_inbox` keeps (`matching`).

    The filter is a condition on the same rows (not `pk IN` the filtered inbox, which made PostgreSQL
    read the organisation's referrals twice and join them)."""
    today = today or timezone.localdate()
    kept = _inbox_filter(state, today)
    return referrals.order_by().aggregate(
        overdue=Count("pk", filter=overdue_q(today)),
        matching=Count("pk", filter=kept) if kept else Count("pk"),
    )


def referrals_of(actor: ActingUser, participant_id: int, *, today: datetime.date | None = None) -> QuerySet[Referral]:
    """One participant's referrals and signposting that this person may see, with `is_overdue`."""
    return (
        with_overdue(referrals_visible_to(actor).filter(participant_id=participant_id), today)
        .select_related("service__organization", "organisation", "consent", "goal")
        .order_by("-proposed_at", "-pk")
    )


# --- Messages between the keyworker's organisation and the partner ---------------------------------

# The most recent messages shown on a referral's page: the thread is for short notes.
THREAD_LENGTH = 30


def referral_thread_organisations(referral: Referral) -> tuple[int, ...]:
    """The two organisations whose staff may write about this referral: the one the referring keyworker
    (who sent it) works for, and the partner organisation that receives it. None before it is sent."""
    if referral.kind != Referral.Kind.REFERRAL or referral.sent_by_id is None or referral.organisation_id is None:
        return ()
    sending = getattr(getattr(referral.sent_by, "staff_member", None), "organisation_id", None)
    return tuple(pk for pk in (sending, referral.organisation_id) if pk is not None)


def may_use_referral_thread(actor: ActingUser, referral: Referral) -> bool:
    """Whether this person may read and write the referral's messages: a member of staff of one of the two
    organisations (`referral_thread_organisations`) who may see the referral. Never the participant, never
    staff of any other organisation (a covering keyworker elsewhere, another agency, the area's manager
    from another organisation)."""
    standing = standing_of(actor)
    if standing.staff_member is None or standing.organisation_id is None:
        return False
    if standing.participant_id is not None and standing.participant_id == referral.participant_id:
        return False
    if not (
        standing.has(Role.KEYWORKER) or standing.has(Role.PARTNER_WORKER) or standing.has(Role.PARTNERSHIP_MANAGER)
    ):
        return False
    return standing.organisation_id in referral_thread_organisations(referral)


def referral_messages_for(actor: ActingUser, referral: Referral) -> list[ReferralMessage]:
    """The latest THREAD_LENGTH messages on a referral, oldest first, if this person may read them; else none.

    `referral` must come from `visible_referral` or `partner_inbox` (so the person may see it) with
    `sent_by__staff_member` loaded. One query.
    """
    if not may_use_referral_thread(actor, referral):
        return []
    latest = (
        ReferralMessage.objects.filter(referral=referral)
        .select_related("author", "author_organisation")
        .order_by("-written_at", "-pk")[:THREAD_LENGTH]
    )
    return list(reversed(latest))


# --- What the partner sees -------------------------------------------------------------------


@dataclass(frozen=True)
class SharedRecord:
    """The participant as a partner sees them: only what the referral shares; everything else None."""

    shared_fields: tuple[str, ...]
    name: str | None = None
    mobile: str | None = None
    email: str | None = None
    address: str | None = None
    postcode: str | None = None
    children_ages: tuple[int, ...] | None = None
    barriers: tuple[str, ...] | None = None
    aspirations: str | None = None
    keyworker_name: str | None = None
    keyworker_contact: str | None = None

    def shares(self, field: str) -> bool:
        return field in self.shared_fields


def shared_record_prefetches() -> list[Any]:
    """What `shared_record` reads, to prefetch so that a list of referrals costs a fixed number of queries."""
    return [
        "participant__children",
        Prefetch(
            "participant__assessments",
            queryset=Assessment.objects.prefetch_related("barriers").order_by("-assessed_on", "-pk"),
            to_attr="referral_assessments",
        ),
    ]


def shared_record(referral: Referral, *, today: datetime.date | None = None) -> SharedRecord:
    """The only way a partner page or API sees participant data: the fields the referral shares.

    Nothing at all unless the referral is a referral (not signposting) with a consent in force.
    """
    fields = tuple(value for value in SharedField.values if value in (referral.shared_fields or []))
    consent = referral.consent if referral.consent_id else None
    if referral.kind != Referral.Kind.REFERRAL or consent is None or consent.withdrawn_at is not None:
        return SharedRecord(shared_fields=())
    participant = referral.participant
    today = today or timezone.localdate()
    values: dict[str, Any] = {}
    if SharedField.NAME in fields:
        values["name"] = participant.full_name
    if SharedField.MOBILE in fields:
        values["mobile"] = participant.mobile
    if SharedField.EMAIL in fields:
        values["email"] = participant.email
    if SharedField.ADDRESS in fields:
        values["address"] = participant.address
        values["postcode"] = participant.postcode
    if SharedField.CHILDREN in fields:
        values["children_ages"] = tuple(child.age_on(today) for child in participant.children.all())
    if SharedField.BARRIERS in fields or SharedField.ASPIRATIONS in fields:
        assessment = _latest_assessment(participant)
        if SharedField.BARRIERS in fields:
            values["barriers"] = (
                tuple(
                    item.own_words or item.get_barrier_display()
                    for item in sorted(assessment.barriers.all(), key=lambda item: (-item.importance, item.pk))
                )
                if assessment is not None
                else ()
            )
        if SharedField.ASPIRATIONS in fields:
            values["aspirations"] = assessment.aspirations if assessment is not None else ""
    if SharedField.KEYWORKER in fields:
        keyworker = participant.keyworker
        if keyworker is not None:
            values["keyworker_name"] = keyworker.user.display_name
            values["keyworker_contact"] = keyworker.user.email or keyworker.user.mobile
    return SharedRecord(shared_fields=fields, **values)


def _latest_assessment(participant: Participant) -> Any:
    prefetched = getattr(participant, "referral_assessments", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return participant.assessments.prefetch_related("barriers").order_by("-assessed_on", "-pk").first()


# --- Who holds my data -----------------------------------------------------------------------


@dataclass(frozen=True)
class DataHolder:
    """An organisation the participant agreed to share with, what it holds, why and since when."""

    organisation: Organisation
    consent: Consent
    referrals: tuple[Referral, ...]
    fields: tuple[str, ...]
    since: datetime.datetime

    @property
    def field_labels(self) -> list[str]:
        return [str(SharedField(value).label) for value in self.fields]


def organisations_holding_data(participant: Participant) -> list[DataHolder]:
    """Every organisation that holds this participant's data through a sharing consent in force.

    One entry per consent, with the referrals it covers and the fields they share, oldest first.
    The caller has already checked the viewer may see the participant.
    """
    consents = (
        Consent.objects.filter(
            participant=participant,
            purpose=Consent.Purpose.SHARE_WITH_ORGANISATION,
            withdrawn_at__isnull=True,
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("service").order_by("proposed_at", "pk"),
                to_attr="covered_referrals",
            )
        )
        .order_by("given_at", "pk")
    )
    holders = []
    for consent in consents:
        covered: list[Referral] = consent.covered_referrals
        holders.append(
            DataHolder(
                organisation=consent.organisation,  # type: ignore[arg-type]
                consent=consent,
                referrals=tuple(covered),
                fields=_union_of_fields(referral.shared_fields for referral in covered),
                since=consent.given_at,
            )
        )
    return holders


def _union_of_fields(lists: Iterable[list[str]]) -> tuple[str, ...]:
    chosen = {value for values in lists for value in (values or [])}
    return tuple(value for value in SharedField.values if value in chosen)


# --- Working days ----------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _scottish_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.UK(subdiv="SCT", years=[year]).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _scottish_holidays(day.year)


def working_days_after(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `day` (Monday to Friday, not Scottish bank holidays)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = day
    counted = 0
    while counted < days:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def caseload_referrals_for(
    actor: ActingUser, *, today: datetime.date | None = None
) -> tuple[list[Referral], list[Referral]]:
    """The caseload page's referrals in one query: (overdue, waiting on the keyworker).

    Overdue: sent for the keyworker's own participants and not answered in time, oldest due first.
    Waiting on the keyworker, oldest first: agreed by the participant and not yet sent (the keyworker
    sends it), or proposed by the participant themself (the keyworker talks it through with them).
    """
    today = today or timezone.localdate()
    standing = standing_of(actor)
    if not standing.has(Role.KEYWORKER) or standing.staff_member is None:
        return [], []
    waiting = Q(state=Referral.State.AGREED) | Q(
        state=Referral.State.PROPOSED, proposed_by=Referral.ProposedBy.PARTICIPANT
    )
    mine = referrals_visible_to(actor).filter(
        overdue_q(today) | waiting, participant__keyworker_id=standing.staff_member.pk
    )
    referrals: list[Any] = list(
        with_overdue(mine, today).select_related("participant", "service", "organisation").order_by("pk")
    )
    overdue = sorted((r for r in referrals if r.is_overdue), key=lambda r: (r.answer_due_on, r.pk))
    waits = sorted((r for r in referrals if not r.is_overdue), key=lambda r: (r.proposed_at, r.pk))
    return overdue, waits


# --- Ratings of services ---------------------------------------------------------------------------

# Below this many ratings a service's average is not shown, so no one's rating can be worked out.
RATINGS_SHOWN_FROM = 5


@dataclass(frozen=True)
class ServiceRatingSummary:
    """How a service was rated: how many ratings and, from RATINGS_SHOWN_FROM of them, the average. No names."""

    service_id: Any
    service_name: str
    organisation_name: str
    ratings: int
    average: float | None

    @property
    def suppressed(self) -> bool:
        return self.ratings < RATINGS_SHOWN_FROM


def service_rating_summaries(actor: ActingUser) -> list[ServiceRatingSummary]:
    """Ratings per service, counted and averaged in the database; the average only from 5 ratings.

    A partnership manager: every service offered in their area that takes referrals. A partner
    worker: their own organisation's services. Everyone else: none. The summaries carry no names.
    """
    standing = standing_of(actor)
    services = Service.objects.none()
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        services = Service.objects.filter(
            Q(partnerships=standing.partnership_id) & (Q(takes_referrals=True) | Q(ratings__isnull=False))
        ).distinct()
    elif standing.has(Role.PARTNER_WORKER) and standing.organisation_id is not None:
        services = Service.objects.filter(organization__member_id=standing.organisation_id)
    rows = (
        Service.objects.filter(pk__in=services.values("pk"))
        .annotate(rating_count=Count("ratings"), rating_average=Avg("ratings__score"))
        .values("pk", "name", "organization__name", "rating_count", "rating_average")
        .order_by("organization__name", "name", "pk")
    )
    return [
        ServiceRatingSummary(
            service_id=row["pk"],
            service_name=row["name"],
            organisation_name=row["organization__name"],
            ratings=row["rating_count"],
            average=round(float(row["rating_average"]), 1)
            if row["rating_count"] >= RATINGS_SHOWN_FROM and row["rating_average"] is not None
            else None,
        )
        for row in rows
    ]


def rating_of(actor: ActingUser, referral: Referral) -> ServiceRating | None:
    """The participant's own rating of a referral, if this person is that participant."""
    if standing_of(actor).participant_id != referral.participant_id:
        return None
    return ServiceRating.objects.filter(referral=referral).first()
