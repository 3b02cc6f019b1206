"""Who is acting: a signed-in person's roles, their staff record and their own participant record.

Worked out once per request (two queries) and cached on the user object, so every permission
check and visibility function after that is free.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from coproduce.accounts.roles import HOME_ORDER, Role
from coproduce.programmes.models import BoardMember, StaffMember, StaffRole

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
class Actor:
    user: Any
    roles: frozenset[Role] = field(default_factory=frozenset)
    staff_member: StaffMember | None = None
    participant_id: int | None = None
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

    def purpose_for(self, role: Role | None = None) -> str:
        chosen = role or self.primary_role
        return ROLE_PURPOSE[chosen] if chosen else ""


ANONYMOUS = Actor(user=None)


def actor_for(user: Any) -> Actor:
    """The Actor for a user (anonymous users get ANONYMOUS). Cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_coproduce_actor", None)
    if cached is not None:
        return cached
    staff_member = (
        StaffMember.objects.filter(user=user, is_active=True).select_related("partnership", "organisation").first()
    )
    roles: set[Role] = set()
    if staff_member is not None:
        roles.update(
            Role(value) for value in StaffRole.objects.filter(staff_member=staff_member).values_list("role", flat=True)
        )
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    participant_id, participant_language, board_partnership_id = _participant_and_board_seat_of(user)
    if participant_id is not None:
        roles.add(Role.PARTICIPANT)
    if board_partnership_id is not None:
        roles.add(Role.BOARD_MEMBER)
    actor = Actor(
        user=user,
        roles=frozenset(roles),
        staff_member=staff_member,
        participant_id=participant_id,
        participant_language=participant_language,
        board_partnership_id=board_partnership_id,
    )
    user._coproduce_actor = actor
    return actor


def _participant_and_board_seat_of(user: Any) -> tuple[int | None, str | None, int | None]:
    """In one query: the user's own participant record (and its language), and the partnership whose board they sit on
    as a lived-experience member now (a seat with no leaving date, or one still to come)."""
    # Read the participants table without importing the participants app, which sits above this one.
    from django.apps import apps

    participant_model = apps.get_model("participants", "Participant")
    today = timezone.localdate()
    seats = BoardMember.objects.filter(user=OuterRef("pk"), kind=BoardMember.Kind.LIVED_EXPERIENCE).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=today)
    )
    own = participant_model.objects.filter(user=OuterRef("pk"))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            own_participant_id=Subquery(own.values("pk")[:1]),
            own_participant_language=Subquery(own.values("language")[:1]),
            board_partnership_id=Subquery(seats.order_by("joined_on", "pk").values("partnership_id")[:1]),
        )
        .values_list("own_participant_id", "own_participant_language", "board_partnership_id")
        .first()
    )
    return row if row is not None else (None, None, None)
