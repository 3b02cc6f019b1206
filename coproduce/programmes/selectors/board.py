"""Reads of the partnership board: who may open it, and what its page shows.

Its manager and its lived-experience members see it (`programmes.view_board`); the changes are in
coproduce/programmes/board.py.
"""

from dataclasses import dataclass

import rules
from django.db.models import QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.core.errors import NotFound
from coproduce.programmes.models import (
    BoardDecision,
    BoardDocument,
    BoardMeeting,
    BoardMember,
    Partnership,
)
from coproduce.programmes.standing import standing_of


def board_partnership_for(actor: ActingUser) -> Partnership | None:
    """The partnership whose board page this person opens: the one they manage, else the one on
    whose board they sit as a lived-experience member. None if neither."""
    standing = standing_of(actor)
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        partnership_id: int | None = standing.partnership_id
    elif standing.has(Role.BOARD_MEMBER):
        partnership_id = standing.board_partnership_id
    else:
        partnership_id = None
    if partnership_id is None:
        return None
    partnership = Partnership.objects.select_related("programme").filter(pk=partnership_id).first()
    if partnership is None or not rules.has_perm("programmes.view_board", actor, partnership):
        return None
    return partnership


def _board_partnership_or_refuse(actor: ActingUser) -> Partnership:
    partnership = board_partnership_for(actor)
    if partnership is None:
        raise NotFound("You do not sit on or manage a partnership board.")
    return partnership


def board_members_visible_to(actor: ActingUser) -> QuerySet[BoardMember]:
    """The seats on the board this person may see (current and past), organisations joined."""
    partnership = board_partnership_for(actor)
    if partnership is None:
        return BoardMember.objects.none()
    return (
        BoardMember.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("kind", "name", "pk")
    )


def board_meetings_visible_to(actor: ActingUser) -> QuerySet[BoardMeeting]:
    partnership = board_partnership_for(actor)
    if partnership is None:
        return BoardMeeting.objects.none()
    return BoardMeeting.objects.filter(partnership=partnership).order_by("-held_on", "-pk")


def board_decisions_visible_to(actor: ActingUser) -> QuerySet[BoardDecision]:
    partnership = board_partnership_for(actor)
    if partnership is None:
        return BoardDecision.objects.none()
    return (
        BoardDecision.objects.filter(partnership=partnership).select_related("meeting").order_by("-decided_on", "-pk")
    )


def board_documents_visible_to(actor: ActingUser) -> QuerySet[BoardDocument]:
    partnership = board_partnership_for(actor)
    if partnership is None:
        return BoardDocument.objects.none()
    return (
        BoardDocument.objects.filter(partnership=partnership)
        .select_related("meeting", "uploaded_by")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class Board:
    partnership: Partnership
    can_change: bool
    members: list[BoardMember]
    meetings: list[BoardMeeting]
    decisions: list[BoardDecision]
    documents: list[BoardDocument]


def board_for(actor: ActingUser) -> Board:
    """Everything on this person's board page, in a fixed number of queries. NotFound if none."""
    partnership = _board_partnership_or_refuse(actor)
    return Board(
        partnership=partnership,
        can_change=rules.has_perm("programmes.change_board", actor, partnership),
        members=list(board_members_visible_to(actor)),
        meetings=list(board_meetings_visible_to(actor)),
        decisions=list(board_decisions_visible_to(actor)),
        documents=list(board_documents_visible_to(actor)),
    )
