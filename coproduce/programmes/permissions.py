"""Who may change the programme's structure."""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.programmes.standing import standing_of


@rules.predicate
def manages_partnership(actor: ActingUser, partnership: Any) -> bool:
    standing = standing_of(actor)
    return (
        partnership is not None and standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id == partnership.pk
    )


@rules.predicate
def is_staff_role(actor: ActingUser) -> bool:
    standing = standing_of(actor)
    return bool(standing.roles - {Role.PARTICIPANT, Role.BOARD_MEMBER})


@rules.predicate
def is_partnership_manager(actor: ActingUser) -> bool:
    standing = standing_of(actor)
    return standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None


rules.add_perm("programmes.view_structure", is_staff_role)
rules.add_perm("programmes.change_partnership", manages_partnership)
rules.add_perm("programmes.add_organisation", is_partnership_manager)
rules.add_perm("programmes.add_staff", is_partnership_manager)


# ---- engagement targets, grants and labour-market context (coproduce/programmes/funding.py) ----


@rules.predicate
def is_funder(actor: ActingUser) -> bool:
    """Staff of the funder organisation holding the funder role."""
    standing = standing_of(actor)
    return standing.has(Role.FUNDER) and standing.organisation_id is not None


@rules.predicate
def manages_targets_partnership(actor: ActingUser, target: Any) -> bool:
    return target is not None and manages_partnership(actor, target.partnership)


# Either side proposes a target for a partnership: the funder, or that area's manager.
rules.add_perm("programmes.propose_target", is_funder | manages_partnership)
# One target: the funder or the manager of its area. That the other side agrees is the service's rule.
rules.add_perm("programmes.agree_target", is_funder | manages_targets_partnership)
rules.add_perm("programmes.manage_grants", is_funder)
rules.add_perm("programmes.manage_labour_market", is_funder)


@rules.predicate
def sits_on_board_of(actor: ActingUser, partnership: Any) -> bool:
    """A lived-experience member of this partnership's board, now."""
    standing = standing_of(actor)
    return (
        partnership is not None
        and standing.has(Role.BOARD_MEMBER)
        and standing.board_partnership_id == getattr(partnership, "pk", None)
    )


# The partnership board page (meetings, decisions, documents, members): its manager and its
# lived-experience members see it; only the manager changes it.
rules.add_perm("programmes.view_board", manages_partnership | sits_on_board_of)
rules.add_perm("programmes.change_board", manages_partnership)
