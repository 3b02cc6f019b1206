"""Caseloads as the keyworker's and the manager's lists show them: each person with their last contact.

Here rather than in participants' selectors because the last contact is a plans record.
"""

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.participants.models import Participant
from coproduce.participants.selectors import (
    filter_participants,
    not_seen_lately,
    participants_visible_to,
    with_not_seen_lately,
)
from coproduce.plans.models import Contact
from coproduce.programmes.models import StaffMember
from coproduce.programmes.standing import standing_of


def with_last_contact(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Annotate `last_contact_on` as a subquery, so that the rows can still be counted and aggregated."""
    latest = Contact.objects.filter(participant=OuterRef("pk")).order_by("-happened_on").values("happened_on")[:1]
    return participants.annotate(last_contact_on=Subquery(latest))


def caseload_for(
    actor: ActingUser, *, search: str = "", status: str = "", not_seen_only: bool = False
) -> QuerySet[Participant]:
    """The keyworker's own caseload, searchable by name or reference, with the last contact."""
    standing = standing_of(actor)
    if standing.staff_member is None or not standing.has(Role.KEYWORKER):
        return Participant.objects.none()
    participants = participants_visible_to(actor).filter(keyworker_id=standing.staff_member.pk)
    participants = filter_participants(participants, search=search, status=status)
    participants = with_last_contact(participants)
    if not_seen_only:
        participants = participants.filter(not_seen_lately())
    return participants.order_by("family_name", "given_name", "pk")


def caseload_counts(actor: ActingUser, matching: QuerySet[Participant] | None = None) -> dict[str, int]:
    """Counts for the caseload page header, in one query.

    With `matching` (the caseload as filtered on the page), also `matching`: how many of them there
    are, so that the page's pagination needs no count query of its own.
    """
    standing = standing_of(actor)
    if standing.staff_member is None or not standing.has(Role.KEYWORKER):
        return {"total": 0, "active": 0, "paused": 0, "closed": 0, "not_seen": 0, "matching": 0}
    own = with_last_contact(participants_visible_to(actor).filter(keyworker_id=standing.staff_member.pk))
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


def area_participants(
    actor: ActingUser,
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
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return Participant.objects.none()
    participants = participants_visible_to(actor).filter(partnership_id=standing.partnership_id)
    participants = filter_participants(participants, search=search, status=status)
    if keyworker_id is not None:
        participants = participants.filter(keyworker_id=keyworker_id)
    if keyworker_name.split():
        # The area's keyworkers are few beside its participants: find them first, then their people.
        keyworkers = StaffMember.objects.filter(partnership_id=standing.partnership_id)
        for word in keyworker_name.split():
            keyworkers = keyworkers.filter(user__display_name__icontains=word)
        participants = participants.filter(keyworker_id__in=keyworkers.values("pk"))
    participants = with_last_contact(participants)
    if not_seen_only:
        participants = participants.filter(not_seen_lately())
    return (
        with_not_seen_lately(participants).select_related("keyworker__user").order_by("family_name", "given_name", "pk")
    )
