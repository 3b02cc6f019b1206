"""Reads of participants and enquiries. Every page, API route, export and report goes through these."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import (
    Aggregate,
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.core.errors import NotFound
from coproduce.participants.models import Child, Consent, CoverShare, Enquiry, Participant
from coproduce.programmes.models import StaffMember
from coproduce.programmes.standing import standing_of


def participants_visible_to(actor: ActingUser) -> QuerySet[Participant]:
    """The participants whose records this person may see (DESIGN.md §3).

    A participant: only themselves. A keyworker: their own caseload, and the cases shared with
    them for cover today. A partnership manager:
    everyone in their partnership's area. Partner workers, funders, evaluators and
    administrators: nobody (they work from referrals, aggregates and research consent).
    """
    standing = standing_of(actor)
    allowed = Q()
    granted = False
    if standing.has(Role.PARTICIPANT) and standing.participant_id is not None:
        allowed |= Q(pk=standing.participant_id)
        granted = True
    if standing.has(Role.KEYWORKER) and standing.staff_member is not None:
        caseload = Q(pk__in=own_and_covered_ids(standing.staff_member.pk))
        if standing.staff_member.partnership is not None:
            # A keyworker who moved on to a later programme no longer sees the cases they held in an earlier one.
            caseload &= Q(partnership__programme_id=standing.staff_member.partnership.programme_id)
        allowed |= caseload
        granted = True
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        allowed |= Q(partnership_id=standing.partnership_id)
        granted = True
    if not granted:
        return Participant.objects.none()
    return Participant.objects.filter(allowed)


def earlier_records_of(actor: ActingUser) -> QuerySet[Participant]:
    """A participant's own records in the programmes they took part in before the one they are in now,
    latest first: what their "Programmes you took part in before" shows. Nobody else's, and nothing for staff."""
    standing = standing_of(actor)
    if standing.user is None or not standing.has(Role.PARTICIPANT) or standing.participant_id is None:
        return Participant.objects.none()
    return (
        Participant.objects.filter(user=standing.user, anonymised_at__isnull=True)
        .exclude(pk=standing.participant_id)
        .select_related("partnership__programme")
        .order_by("-partnership__programme__starts_on", "-joined_on", "-pk")
    )


def covered_by(staff_member_id: int, today: datetime.date | None = None) -> QuerySet[Any]:
    """Ids of the participants another keyworker has shared with this one for cover, today."""
    today = today or timezone.localdate()
    return CoverShare.objects.filter(
        covering_keyworker_id=staff_member_id, starts_on__lte=today, ends_on__gte=today, ended_early_at__isnull=True
    ).values("participant_id")


def own_and_covered_ids(staff_member_id: int, today: datetime.date | None = None) -> QuerySet[Any]:
    """Ids of a keyworker's own participants and of those shared with them for cover today, as one UNION.

    Not `keyworker_id = k OR id IN (covers)`: PostgreSQL cannot use an index for an OR with a subquery,
    so that form read every participant of the programme (a parallel scan of 1M rows, ~150 ms) on every
    caseload page and API list. Each half of the UNION is an index lookup, so the cost follows the caseload.
    """
    own = Participant.objects.filter(keyworker_id=staff_member_id).order_by().values("pk")
    return own.union(covered_by(staff_member_id, today).order_by())


def caseload_and_cover(actor: ActingUser) -> QuerySet[Participant]:
    """A keyworker's own participants and those shared with them for cover today, of those they may see
    (nobody for anyone else): a part of `participants_visible_to`, found from the keyworker's own rows."""
    standing = standing_of(actor)
    if standing.staff_member is None or not standing.has(Role.KEYWORKER):
        return Participant.objects.none()
    staff_id = standing.staff_member.pk
    return participants_visible_to(actor).filter(pk__in=own_and_covered_ids(staff_id))


def enquiries_visible_to(actor: ActingUser) -> QuerySet[Enquiry]:
    """A partnership manager sees their area's enquiries; a keyworker those allocated to them."""
    standing = standing_of(actor)
    allowed = Q()
    granted = False
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        allowed |= Q(partnership_id=standing.partnership_id)
        granted = True
    if standing.has(Role.KEYWORKER) and standing.staff_member is not None:
        allowed |= Q(allocated_to_id=standing.staff_member.pk)
        granted = True
    if not granted:
        return Enquiry.objects.none()
    return Enquiry.objects.filter(allowed)


def not_seen_since(today: datetime.date | None = None) -> datetime.date:
    """The day before which a last contact counts as "not seen lately" (default four weeks)."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.COPRODUCE_NOT_SEEN_DAYS)


def not_seen_lately(today: datetime.date | None = None) -> Q:
    """The one rule for "not seen lately": active, and no contact since `not_seen_since` (or none
    ever). On a queryset that has `with_last_contact`."""
    last = Q(last_contact_on__lt=not_seen_since(today)) | Q(last_contact_on__isnull=True)
    return Q(status=Participant.Status.ACTIVE) & last


def with_not_seen_lately(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Annotate `not_seen_lately` (see `not_seen_lately`), for pages that flag each row."""
    return participants.annotate(not_seen_lately=ExpressionWrapper(not_seen_lately(), output_field=BooleanField()))


class _JoinedYears(Aggregate):
    """Birth years joined with commas, in one aggregate: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s(%(expressions)s::text, ',')", **extra
        )


def with_child_birth_years(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Annotate `child_birth_years` ("2015,2018" or None) as a subquery, instead of a query for the children."""
    years = (
        Child.objects.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(years=_JoinedYears("birth_year"))
        .values("years")
    )
    return participants.annotate(child_birth_years=Subquery(years, output_field=CharField()))


def birth_years(joined: str | None) -> list[int]:
    """The years `with_child_birth_years` joined, oldest child first."""
    return sorted(int(year) for year in (joined or "").split(",") if year)


def filter_participants(
    participants: QuerySet[Participant], *, search: str = "", status: str = ""
) -> QuerySet[Participant]:
    search = search.strip()
    if search:
        terms = Q()
        for word in search.split():
            terms &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(reference__icontains=word)
                | Q(postcode__icontains=word)
            )
        participants = participants.filter(terms)
    if status in Participant.Status.values:
        participants = participants.filter(status=status)
    return participants


def caseload_sizes_in_partnership(actor: ActingUser) -> QuerySet[Any]:
    """Per keyworker in the manager's area: how many active, paused and closed participants."""
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return StaffMember.objects.none()
    return (
        StaffMember.objects.filter(partnership_id=standing.partnership_id, roles__role=Role.KEYWORKER)
        .select_related("user", "organisation")
        .annotate(
            active_count=Count("caseload", filter=Q(caseload__status=Participant.Status.ACTIVE)),
            paused_count=Count("caseload", filter=Q(caseload__status=Participant.Status.PAUSED)),
            closed_count=Count("caseload", filter=Q(caseload__status=Participant.Status.CLOSED)),
        )
        .order_by("user__display_name", "pk")
    )


def consents_visible_to(actor: ActingUser) -> QuerySet[Consent]:
    """Consents of the participants this person may see, and no others."""
    return Consent.objects.filter(participant__in=participants_visible_to(actor))


def visible_participant(actor: ActingUser, participant_id: int) -> Participant:
    """The participant, if this person may see them; NotFound otherwise (the same answer either way)."""
    participant = participants_visible_to(actor).filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("No such participant.")
    return participant
