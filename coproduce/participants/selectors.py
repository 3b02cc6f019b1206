"""Reads of participants and enquiries. Every page, API route, export and report goes through these."""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import (
    Aggregate,
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.core.errors import NotFound
from coproduce.participants.models import Consent, CoverShare, Enquiry, Participant
from coproduce.programmes.standing import standing_of


def participants_visible_to(user: Any) -> QuerySet[Participant]:
    """The participants whose records this person may see (DESIGN.md §3).

    A participant: only themselves. A keyworker: their own caseload, and the cases shared with
    them for cover today. A partnership manager:
    everyone in their partnership's area. Partner workers, funders, evaluators and
    administrators: nobody (they work from referrals, aggregates and research consent).
    """
    actor = standing_of(user)
    allowed = Q()
    granted = False
    if actor.has(Role.PARTICIPANT) and actor.participant_id is not None:
        allowed |= Q(pk=actor.participant_id)
        granted = True
    if actor.has(Role.KEYWORKER) and actor.staff_member is not None:
        caseload = Q(pk__in=own_and_covered_ids(actor.staff_member.pk))
        if actor.staff_member.partnership is not None:
            # A keyworker who moved on to a later programme no longer sees the cases they held in an earlier one.
            caseload &= Q(partnership__programme_id=actor.staff_member.partnership.programme_id)
        allowed |= caseload
        granted = True
    if actor.has(Role.PARTNERSHIP_MANAGER) and actor.partnership_id is not None:
        allowed |= Q(partnership_id=actor.partnership_id)
        granted = True
    if not granted:
        return Participant.objects.none()
    return Participant.objects.filter(allowed)


def earlier_records_of(user: Any) -> QuerySet[Participant]:
    """A participant's own records in the programmes they took part in before the one they are in now,
    latest first: what their "Programmes you took part in before" shows. Nobody else's, and nothing for staff."""
    actor = standing_of(user)
    if not actor.has(Role.PARTICIPANT) or actor.participant_id is None:
        return Participant.objects.none()
    return (
        Participant.objects.filter(user_id=user.pk, anonymised_at__isnull=True)
        .exclude(pk=actor.participant_id)
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


def caseload_and_cover(user: Any) -> QuerySet[Participant]:
    """A keyworker's own participants and those shared with them for cover today, of those they may see
    (nobody for anyone else): a part of `participants_visible_to`, found from the keyworker's own rows."""
    actor = standing_of(user)
    if actor.staff_member is None or not actor.has(Role.KEYWORKER):
        return Participant.objects.none()
    staff_id = actor.staff_member.pk
    return participants_visible_to(user).filter(pk__in=own_and_covered_ids(staff_id))


def enquiries_visible_to(user: Any) -> QuerySet[Enquiry]:
    """A partnership manager sees their area's enquiries; a keyworker those allocated to them."""
    actor = standing_of(user)
    allowed = Q()
    granted = False
    if actor.has(Role.PARTNERSHIP_MANAGER) and actor.partnership_id is not None:
        allowed |= Q(partnership_id=actor.partnership_id)
        granted = True
    if actor.has(Role.KEYWORKER) and actor.staff_member is not None:
        allowed |= Q(allocated_to_id=actor.staff_member.pk)
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


def with_last_contact(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Annotate `last_contact_on` as a subquery, so that the rows can still be counted and aggregated."""
    from coproduce.plans.models import Contact

    latest = Contact.objects.filter(participant=OuterRef("pk")).order_by("-happened_on").values("happened_on")[:1]
    return participants.annotate(last_contact_on=Subquery(latest))


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
    from coproduce.participants.models import Child

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


def caseload_for(
    user: Any, *, search: str = "", status: str = "", not_seen_only: bool = False
) -> QuerySet[Participant]:
    """The keyworker's own caseload, searchable by name or reference, with the last contact."""
    actor = standing_of(user)
    if actor.staff_member is None or not actor.has(Role.KEYWORKER):
        return Participant.objects.none()
    participants = participants_visible_to(user).filter(keyworker_id=actor.staff_member.pk)
    participants = filter_participants(participants, search=search, status=status)
    participants = with_last_contact(participants)
    if not_seen_only:
        participants = participants.filter(not_seen_lately())
    return participants.order_by("family_name", "given_name", "pk")


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


def caseload_counts(user: Any, matching: QuerySet[Participant] | None = None) -> dict[str, int]:
    """Counts for the caseload page header, in one query.

    With `matching` (the caseload as filtered on the page), also `matching`: how many of them there
    are, so that the page's pagination needs no count query of its own.
    """
    actor = standing_of(user)
    if actor.staff_member is None or not actor.has(Role.KEYWORKER):
        return {"total": 0, "active": 0, "paused": 0, "closed": 0, "not_seen": 0, "matching": 0}
    own = with_last_contact(participants_visible_to(user).filter(keyworker_id=actor.staff_member.pk))
    active = Q(status=Participant.Status.ACTIVE)
    extra: dict[str, Any] = {}
    if matching is not None:
        extra["matching"] = Count("pk", filter=Q(pk__in=matching.order_by().values("pk")))
    return own.aggregate(
        **extra,
        total=Count("pk"),
        active=Count("pk", filter=active),
        paused=Count("pk", filter=Q(status=Participant.Status.PAUSED)),
        closed=Count("pk", filter=Q(status=Participant.Status.CLOSED)),
        not_seen=Count("pk", filter=not_seen_lately()),
    )


def caseload_sizes_in_partnership(user: Any) -> QuerySet[Any]:
    """Per keyworker in the manager's area: how many active, paused and closed participants."""
    from coproduce.programmes.models import StaffMember

    actor = standing_of(user)
    if not actor.has(Role.PARTNERSHIP_MANAGER) or actor.partnership_id is None:
        return StaffMember.objects.none()
    return (
        StaffMember.objects.filter(partnership_id=actor.partnership_id, roles__role=Role.KEYWORKER)
        .select_related("user", "organisation")
        .annotate(
            active_count=Count("caseload", filter=Q(caseload__status=Participant.Status.ACTIVE)),
            paused_count=Count("caseload", filter=Q(caseload__status=Participant.Status.PAUSED)),
            closed_count=Count("caseload", filter=Q(caseload__status=Participant.Status.CLOSED)),
        )
        .order_by("user__display_name", "pk")
    )


def consents_visible_to(user: Any) -> QuerySet[Consent]:
    """Consents of the participants this person may see, and no others."""
    return Consent.objects.filter(participant__in=participants_visible_to(user))


def participant_record(
    user: Any,
    participant_id: int,
    *,
    contacts_limit: int | None = None,
    annotate: Callable[[QuerySet[Participant]], QuerySet[Participant]] | None = None,
) -> Participant | None:
    """One participant this person may see, with everything their record pages show, or None.

    Loaded in a fixed number of queries however long the record is: keyworker, area, household,
    consents, the latest assessment with its barriers (as `latest_assessments`, at most one) and
    the contacts newest first (as `recent_contacts`, the latest `contacts_limit` if given), with
    `contact_count`, `last_contact_on` and `child_birth_years` (see `birth_years`). `annotate` adds
    a page's own subqueries to the same query.
    """
    from coproduce.plans.models import Assessment, Contact

    contacts = Contact.objects.select_related("recorded_by").order_by("-happened_on", "-pk")
    if contacts_limit is not None:
        contacts = contacts[:contacts_limit]
    latest_assessment = Assessment.objects.prefetch_related("barriers").order_by("-assessed_on", "-pk")[:1]
    count_contacts = (
        Contact.objects.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    participants = with_child_birth_years(with_last_contact(participants_visible_to(user).filter(pk=participant_id)))
    if annotate is not None:
        participants = annotate(participants)
    return (
        participants.annotate(contact_count=Coalesce(Subquery(count_contacts), 0))
        .select_related("keyworker__user", "keyworker__organisation", "partnership", "user")
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("organisation", "given_by", "withdrawn_by").order_by(
                    "-given_at", "-pk"
                ),
            ),
            Prefetch("assessments", queryset=latest_assessment, to_attr="latest_assessments"),
            Prefetch("contacts", queryset=contacts, to_attr="recent_contacts"),
        )
        .first()
    )


def area_participants(
    user: Any,
    *,
    search: str = "",
    status: str = "",
    keyworker_id: int | None = None,
    keyworker_name: str = "",
    not_seen_only: bool = False,
) -> QuerySet[Participant]:
    """Everyone in the partnership manager's area, searchable, with their keyworker and last contact.

    `keyworker_name` keeps the people whose keyworker's name has every word typed in it.
    """
    from coproduce.programmes.models import StaffMember

    actor = standing_of(user)
    if not actor.has(Role.PARTNERSHIP_MANAGER) or actor.partnership_id is None:
        return Participant.objects.none()
    participants = participants_visible_to(user).filter(partnership_id=actor.partnership_id)
    participants = filter_participants(participants, search=search, status=status)
    if keyworker_id is not None:
        participants = participants.filter(keyworker_id=keyworker_id)
    if keyworker_name.split():
        # The area's keyworkers are few beside its participants: find them first, then their people.
        keyworkers = StaffMember.objects.filter(partnership_id=actor.partnership_id)
        for word in keyworker_name.split():
            keyworkers = keyworkers.filter(user__display_name__icontains=word)
        participants = participants.filter(keyworker_id__in=keyworkers.values("pk"))
    participants = with_last_contact(participants)
    if not_seen_only:
        participants = participants.filter(not_seen_lately())
    return (
        with_not_seen_lately(participants).select_related("keyworker__user").order_by("family_name", "given_name", "pk")
    )


def visible_participant(user: Any, participant_id: int) -> Participant:
    """The participant, if this person may see them; NotFound otherwise (the same answer either way)."""
    participant = participants_visible_to(user).filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("No such participant.")
    return participant
