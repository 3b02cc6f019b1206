"""Reads of subject access requests and their copies. Every page, API route and command goes through these."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.plans.models import Contact
from coproduce.programmes.standing import standing_of
from coproduce.subject_access.models import NoteDecision, PreparedCopy, SubjectAccessRequest

# A request made to staff is flagged on the manager's home page from this many days before it is due.
DUE_SOON_DAYS = 7


def requests_visible_to(actor: ActingUser) -> QuerySet[SubjectAccessRequest]:
    """A participant: the copies they asked for on their own page, and requests made to staff
    about them once released (before that the manager may still be deciding on restricted notes).
    A partnership manager: every request about a participant in their area. Nobody else."""
    standing = standing_of(actor)
    allowed = Q()
    granted = False
    if standing.has(Role.PARTICIPANT) and standing.participant_id is not None:
        allowed |= Q(participant_id=standing.participant_id) & (
            Q(kind=SubjectAccessRequest.Kind.OWN_DOWNLOAD) | Q(status=SubjectAccessRequest.Status.RELEASED)
        )
        granted = True
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        allowed |= Q(participant__partnership_id=standing.partnership_id)
        granted = True
    if not granted:
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(allowed)


def with_copy_state(requests: QuerySet[SubjectAccessRequest], now: datetime.datetime) -> QuerySet[SubjectAccessRequest]:
    """Annotate `has_copy`: a prepared copy is there and has not expired (never loading its content)."""
    copies = PreparedCopy.objects.filter(request=OuterRef("pk"), expires_at__gt=now)
    return requests.annotate(has_copy=Exists(copies))


def area_requests(actor: ActingUser, *, open_only: bool = False) -> QuerySet[SubjectAccessRequest]:
    """The manager's area's requests, soonest due first among the open ones, then the released,
    with the participant and whether a copy is there: one query a page however many there are."""
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return SubjectAccessRequest.objects.none()
    requests = requests_visible_to(actor).filter(participant__partnership_id=standing.partnership_id)
    if open_only:
        requests = requests.exclude(status=SubjectAccessRequest.Status.RELEASED)
    return (
        with_copy_state(requests, timezone.now())
        .select_related("participant")
        .annotate(
            released_last=Case(
                When(status=SubjectAccessRequest.Status.RELEASED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("released_last", "due_on", "pk")
    )


@dataclass(frozen=True)
class Attention:
    """Requests made to staff, not yet released, that are late or due within a week."""

    overdue: int
    due_soon: int
    oldest_due_on: datetime.date | None

    @property
    def any(self) -> bool:
        return bool(self.overdue or self.due_soon)


def requests_needing_attention(actor: ActingUser, *, today: datetime.date | None = None) -> Attention:
    """For the manager's home page, in one query: how many open requests made to staff are past
    their due date, and how many are due within DUE_SOON_DAYS days."""
    today = today or timezone.localdate()
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return Attention(overdue=0, due_soon=0, oldest_due_on=None)
    open_requests = (
        requests_visible_to(actor)
        .filter(participant__partnership_id=standing.partnership_id, kind=SubjectAccessRequest.Kind.MADE_TO_STAFF)
        .exclude(status=SubjectAccessRequest.Status.RELEASED)
    )
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    counts = open_requests.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
        oldest_due_on=Min("due_on", filter=Q(due_on__lte=soon)),
    )
    return Attention(overdue=counts["overdue"], due_soon=counts["due_soon"], oldest_due_on=counts["oldest_due_on"])


def request_for(actor: ActingUser, request_id: int) -> SubjectAccessRequest | None:
    """One request this person may see, with its participant (and their area), or None."""
    return (
        with_copy_state(requests_visible_to(actor), timezone.now())
        .select_related("participant__partnership", "logged_by", "extended_by", "released_by", "preparation_asked_by")
        .filter(pk=request_id)
        .first()
    )


def own_requests(actor: ActingUser) -> QuerySet[SubjectAccessRequest]:
    """The participant's own requests they may see, newest first, with whether a copy is there."""
    standing = standing_of(actor)
    if standing.participant_id is None:
        return SubjectAccessRequest.objects.none()
    return with_copy_state(
        requests_visible_to(actor).filter(participant_id=standing.participant_id), timezone.now()
    ).order_by("-pk")


def restricted_notes_with_decisions(request: SubjectAccessRequest) -> QuerySet[Contact]:
    """The participant's notes restricted for safeguarding now, oldest first, each with this
    request's decision on it (`decisions`, a list of none or one): two queries.

    Only for a manager who may handle the request (the caller checks that): it shows the notes' text.
    """
    decisions = NoteDecision.objects.filter(request=request).select_related("decided_by")
    return (
        Contact.objects.filter(participant_id=request.participant_id, restricted_at__isnull=False)
        .select_related("recorded_by", "restricted_by")
        .prefetch_related(Prefetch("subject_access_decisions", queryset=decisions, to_attr="decisions"))
        .order_by("happened_on", "pk")
    )


def copy_summary(request: SubjectAccessRequest) -> PreparedCopy | None:
    """The prepared copy's details without its content, for pages that describe it."""
    return PreparedCopy.objects.filter(request=request).defer("content").first()
