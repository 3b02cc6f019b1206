"""A user's standing in the programme: the roles they hold and the records that give them
(their staff record, their own participant record, their board seat).

The acting user itself is an `ActingUser` (coproduce/accounts/acting.py); `standing_of(actor)` says
what that user may act as.

Worked out once per request (three queries for staff, two for anyone else) and cached on the user
object, so every permission check and visibility function after that is free.
"""

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.models import User
from coproduce.accounts.roles import HOME_ORDER, Role
from coproduce.programmes.models import BoardMember, Partnership, Programme, StaffMember, StaffRole

ROLE_PURPOSE = {
    Role.PARTICIPANT: "Own record",
    Role.KEYWORKER: "Casework",
    Role.PARTNER_WORKER: "Referral",
    Role.PARTNERSHIP_MANAGER: "Partnership oversight",
    Role.FUNDER: "Programme oversight",
    Role.EVALUATOR: "Evaluation",
    Role.ADMINISTRATOR: "Administration",
    Role.BOARD_MEMBER: "Partnership board",
}


@dataclass(frozen=True)
class Standing:
    """What a user may act as: their roles and the records that give them. `user` is None for the public."""

    user: User | None
    roles: frozenset[Role] = field(default_factory=frozenset)
    staff_member: StaffMember | None = None
    # The person's participant record in the latest programme they joined (a person has one record per
    # programme they took part in; the earlier ones are their history).
    participant_id: int | None = None
    participant_programme_id: int | None = None
    # The language the person's own participant record asks for (their pages are shown in it).
    participant_language: str | None = None
    # The partnership on whose board this person sits as a lived-experience member, if any.
    board_partnership_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    @property
    def primary_role(self) -> Role | None:
        return next((role for role in HOME_ORDER if role in self.roles), None)

    @property
    def role_label(self) -> str:
        return self.primary_role.value if self.primary_role else ""

    @property
    def partnership_id(self) -> int | None:
        return self.staff_member.partnership_id if self.staff_member else None

    @property
    def organisation_id(self) -> int | None:
        return self.staff_member.organisation_id if self.staff_member else None

    def has(self, role: Role) -> bool:
        return role in self.roles

    @cached_property
    def programmes(self) -> tuple[Programme, ...]:
        """The programmes this person works in or oversees, the one that started last first: the programme
        of their area, those a programme-wide member of staff oversees, their own record's, their board's.
        Administrators see all. Read on first use (one query): most pages of one area never need it.
        """
        if self.has(Role.ADMINISTRATOR):
            return tuple(Programme.objects.order_by("-starts_on", "pk"))
        wanted = Q(pk__in=[])
        if self.staff_member is not None:
            if self.staff_member.partnership_id is not None:
                wanted |= Q(partnerships=self.staff_member.partnership_id)
            if self.staff_member.partnership_id is None or self.roles & PROGRAMME_WIDE_ROLES:
                wanted |= Q(overseen_by=self.staff_member)
        if self.participant_programme_id is not None:
            wanted |= Q(pk=self.participant_programme_id)
        if self.board_partnership_id is not None:
            wanted |= Q(partnerships=self.board_partnership_id)
        if self.user is None:
            return ()
        return tuple(Programme.objects.filter(wanted).distinct().order_by("-starts_on", "pk"))

    @property
    def programme_ids(self) -> frozenset[int]:
        return frozenset(programme.pk for programme in self.programmes)

    def purpose_for(self, role: Role | None = None) -> str:
        chosen = role or self.primary_role
        return ROLE_PURPOSE[chosen] if chosen else ""


# Roles whose work spans a whole programme rather than one area.
PROGRAMME_WIDE_ROLES = frozenset({Role.FUNDER, Role.EVALUATOR})

ANONYMOUS = Standing(user=None)


def standing_of(actor: ActingUser | None) -> Standing:
    """The Standing for a user (anonymous users get ANONYMOUS). Cached on the user object."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return ANONYMOUS
    cached = getattr(actor, "_coproduce_standing", None)
    if cached is not None:
        return cached
    staff_member = (
        StaffMember.objects.filter(user=actor, is_active=True).select_related("partnership", "organisation").first()
    )
    roles: set[Role] = set()
    if staff_member is not None:
        roles.update(
            Role(value) for value in StaffRole.objects.filter(staff_member=staff_member).values_list("role", flat=True)
        )
    if actor.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    participant_id, participant_programme_id, participant_language, board_partnership_id = (
        _participant_and_board_seat_of(actor)
    )
    if participant_id is not None:
        roles.add(Role.PARTICIPANT)
    if board_partnership_id is not None:
        roles.add(Role.BOARD_MEMBER)
    standing = Standing(
        user=actor,
        roles=frozenset(roles),
        staff_member=staff_member,
        participant_id=participant_id,
        participant_programme_id=participant_programme_id,
        participant_language=participant_language,
        board_partnership_id=board_partnership_id,
    )
    # Kept on the user object, which lives as long as the request.
    vars(actor)["_coproduce_standing"] = standing
    return standing


def _participant_and_board_seat_of(actor: ActingUser) -> tuple[int | None, int | None, str | None, int | None]:
    """In one query: the user's current participant record (the one in the programme that started last; its
    programme and language), and the partnership whose board they sit on
    as a lived-experience member now (a seat with no leaving date, or one still to come)."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    with connection.cursor() as cursor:
        # The seat's subquery comes first in the statement, then the participant record's.
        cursor.execute(_own_record_and_seat_sql(), [actor.pk, BoardMember.Kind.LIVED_EXPERIENCE, today, actor.pk])
        row = cursor.fetchone()
    return (row[0], row[1], row[2], row[3]) if row is not None else (None, None, None, None)


@cache
def _own_record_and_seat_sql() -> str:
    """The statement for `_participant_and_board_seat_of`, written out once.

    Every request of a signed-in person runs it (standing_of), and building it with the ORM (three
    subqueries of the same join and one more) cost more of the processor than the rest of working
    out who they are together, for a statement that never changes. Table and column names come from
    the models; tests/programmes/test_standing.py checks it against the same question asked of the ORM.
    """
    # Read the participants table without importing the participants app, which sits above this one.
    from django.apps import apps

    participant = apps.get_model("participants", "Participant")
    qn = connection.ops.quote_name

    def table(model: Any) -> str:
        return qn(model._meta.db_table)

    def column(model: Any, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    own = (
        f"SELECT p.{column(participant, 'id')} AS id, pa.{column(Partnership, 'programme')} AS programme_id, "
        f"p.{column(participant, 'language')} AS language "
        f"FROM {table(participant)} p "
        f"JOIN {table(Partnership)} pa ON pa.{column(Partnership, 'id')} = p.{column(participant, 'partnership')} "
        f"JOIN {table(Programme)} pr ON pr.{column(Programme, 'id')} = pa.{column(Partnership, 'programme')} "
        f"WHERE p.{column(participant, 'user')} = %s "
        f"ORDER BY pr.{column(Programme, 'starts_on')} DESC, p.{column(participant, 'joined_on')} DESC, "
        f"p.{column(participant, 'id')} DESC LIMIT 1"
    )
    seat = (
        f"SELECT b.{column(BoardMember, 'partnership')} FROM {table(BoardMember)} b "
        f"WHERE b.{column(BoardMember, 'user')} = %s AND b.{column(BoardMember, 'kind')} = %s "
        f"AND (b.{column(BoardMember, 'left_on')} IS NULL OR b.{column(BoardMember, 'left_on')} > %s) "
        f"ORDER BY b.{column(BoardMember, 'joined_on')}, b.{column(BoardMember, 'id')} LIMIT 1"
    )
    # One row whether or not the person has a participant record: the record's columns, else NULLs.
    return (
        f"SELECT own.id, own.programme_id, own.language, ({seat}) "
        f"FROM (SELECT 1 AS one) anchor LEFT JOIN ({own}) own ON 1 = 1"
    )
