"""Reads for retention and erasure: the schedule in force, what is due, requests and notices.

Requests and notices are read only through their visibility functions; "not there" and "not
yours" give the same answer.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.participants.models import Enquiry, Participant
from coproduce.programmes.models import Programme, StaffMember
from coproduce.programmes.standing import standing_of
from coproduce.research.models import Transcript, TranscriptPolicy
from coproduce.retention.models import (
    DEFAULT_CLOSED_CASE_YEARS,
    DEFAULT_ENQUIRY_MONTHS,
    DEFAULT_TRANSCRIPT_ORIGINAL_MONTHS,
    ErasureRequest,
    PartnerDeletionNotice,
    RetentionSchedule,
)
from coproduce.subject_access.models import PreparedCopy


def schedule_for(programme: Programme) -> RetentionSchedule:
    """The programme's schedule, or (unsaved) the defaults when an administrator has set none."""
    saved = RetentionSchedule.objects.filter(programme=programme).select_related("changed_by").first()
    return saved or default_schedule(programme)


def default_schedule(programme: Programme) -> RetentionSchedule:
    return RetentionSchedule(
        programme=programme,
        closed_case_years=DEFAULT_CLOSED_CASE_YEARS,
        enquiry_months=DEFAULT_ENQUIRY_MONTHS,
        transcript_original_months=DEFAULT_TRANSCRIPT_ORIGINAL_MONTHS,
        version=0,
    )


def schedules() -> list[RetentionSchedule]:
    """Every programme's schedule in force, by programme name. Two queries."""
    saved = {schedule.programme_id: schedule for schedule in RetentionSchedule.objects.all()}
    found = []
    for programme in Programme.objects.order_by("name"):
        schedule = saved.get(programme.pk) or default_schedule(programme)
        schedule.programme = programme
        found.append(schedule)
    return found


@dataclass(frozen=True)
class AccountRules:
    """How long account data is kept: the same for every programme, from the settings."""

    ended_api_token_days: int
    sign_in_log_days: int


def account_rules() -> AccountRules:
    return AccountRules(
        ended_api_token_days=settings.COPRODUCE_ENDED_API_TOKEN_DAYS,
        sign_in_log_days=settings.COPRODUCE_SIGN_IN_LOG_DAYS,
    )


# ----- Dates ---------------------------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the month's last day where it has fewer days)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def closed_on_or_before(schedule: RetentionSchedule, today: datetime.date) -> datetime.date:
    """A case closed on or before this day has been closed for the schedule's years: it is due."""
    return months_before(today, 12 * schedule.closed_case_years)


def enquiries_made_before(schedule: RetentionSchedule, today: datetime.date) -> datetime.datetime:
    return start_of(months_before(today, schedule.enquiry_months))


def originals_uploaded_before(schedule: RetentionSchedule, today: datetime.date) -> datetime.datetime:
    return start_of(months_before(today, schedule.transcript_original_months))


# ----- What is due ---------------------------------------------------------------------------


def closed_cases_due(schedule: RetentionSchedule, today: datetime.date) -> QuerySet[Participant]:
    """The programme's cases closed for at least the schedule's years and not yet anonymised."""
    return Participant.objects.filter(
        partnership__programme_id=schedule.programme_id,
        status=Participant.Status.CLOSED,
        anonymised_at__isnull=True,
        status_since__lte=closed_on_or_before(schedule, today),
    )


def erasures_due(today: datetime.date) -> QuerySet[ErasureRequest]:
    """Requests kept for a lawful reason whose end date has passed."""
    return ErasureRequest.objects.filter(status=ErasureRequest.Status.KEPT, keep_until__lt=today)


def enquiries_due(schedule: RetentionSchedule, today: datetime.date) -> QuerySet[Enquiry]:
    """The programme's enquiries that never became participants, made more than the schedule's months ago."""
    return Enquiry.objects.filter(
        partnership__programme_id=schedule.programme_id,
        participant__isnull=True,
        anonymised_at__isnull=True,
        created_at__lt=enquiries_made_before(schedule, today),
    )


def transcript_originals_due(schedule: RetentionSchedule, today: datetime.date) -> QuerySet[Transcript]:
    """The programme's unredacted originals past their months, or that their team's policy no longer keeps."""
    keeping_teams = TranscriptPolicy.objects.filter(keep_unredacted_originals=True).values("organisation_id")
    uploaders_who_keep = StaffMember.objects.filter(organisation_id__in=keeping_teams).values("user_id")
    return (
        Transcript.objects.filter(wave__programme_id=schedule.programme_id)
        .exclude(original_text="")
        .filter(
            Q(created_at__lt=originals_uploaded_before(schedule, today)) | ~Q(uploaded_by_id__in=uploaders_who_keep)
        )
    )


def expired_subject_access_copies(now: datetime.datetime) -> QuerySet[PreparedCopy]:
    """Copies prepared for subject access requests that are past their time (subject_access deletes them)."""
    return PreparedCopy.objects.filter(expires_at__lte=now)


@dataclass(frozen=True)
class AreaRetention:
    """For a manager: their area's cases due to be anonymised at the next run, and those already anonymised."""

    due_now: int
    anonymised: int
    closed_on_or_before: datetime.date


def area_retention(actor: ActingUser, schedule: RetentionSchedule, today: datetime.date) -> AreaRetention:
    """Counts for the manager's own partnership, in one query."""
    partnership_id = standing_of(actor).partnership_id
    cutoff = closed_on_or_before(schedule, today)
    in_area = (
        Participant.objects.filter(partnership_id=partnership_id) if partnership_id else Participant.objects.none()
    )
    counts = in_area.aggregate(
        due_now=Count(
            "pk",
            filter=Q(status=Participant.Status.CLOSED, anonymised_at__isnull=True, status_since__lte=cutoff),
        ),
        anonymised=Count("pk", filter=Q(anonymised_at__isnull=False)),
    )
    return AreaRetention(due_now=counts["due_now"], anonymised=counts["anonymised"], closed_on_or_before=cutoff)


# ----- Erasure requests and deletion notices -------------------------------------------------


def erasure_requests_visible_to(actor: ActingUser) -> QuerySet[ErasureRequest]:
    """A partnership manager sees the requests of people in their area; nobody else sees any.

    Keyworkers see only whether one is open, on the person's record (`open_erasure_request`).
    """
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return ErasureRequest.objects.none()
    return ErasureRequest.objects.filter(participant__partnership_id=standing.partnership_id)


def open_erasure_request(participant: Participant) -> ErasureRequest | None:
    """The request waiting for a decision or kept for now, for the person's record. One query.

    Callers have already checked that this person may see the participant.
    """
    return (
        ErasureRequest.objects.filter(participant=participant, status__in=ErasureRequest.OPEN_STATUSES)
        .order_by("-received_on", "-pk")
        .first()
    )


def deletion_notices_visible_to(actor: ActingUser) -> QuerySet[PartnerDeletionNotice]:
    """A partner worker sees the notices to their own organisation; a partnership manager those about
    people of their area (to see that partners have deleted). Nobody else sees any."""
    standing = standing_of(actor)
    allowed = Q()
    granted = False
    if standing.has(Role.PARTNER_WORKER) and standing.organisation_id is not None:
        allowed |= Q(organisation_id=standing.organisation_id)
        granted = True
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        allowed |= Q(referral__participant__partnership_id=standing.partnership_id)
        granted = True
    if not granted:
        return PartnerDeletionNotice.objects.none()
    return PartnerDeletionNotice.objects.filter(allowed)


def deletions_to_do(actor: ActingUser) -> QuerySet[PartnerDeletionNotice]:
    """The partner worker's organisation's notices not yet marked deleted, oldest first."""
    standing = standing_of(actor)
    if not standing.has(Role.PARTNER_WORKER) or standing.organisation_id is None:
        return PartnerDeletionNotice.objects.none()
    return (
        deletion_notices_visible_to(actor)
        .filter(organisation_id=standing.organisation_id, deleted_at__isnull=True)
        .select_related("referral__service")
        .order_by("received_at", "pk")
    )
