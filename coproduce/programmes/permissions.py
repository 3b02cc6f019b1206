"""Who may change the programme's structure."""

from typing import Any

import rules

from coproduce.accounts.roles import Role
from coproduce.programmes.standing import standing_of


@rules.predicate
def manages_partnership(user: Any, partnership: Any) -> bool:
    actor = standing_of(user)
    return partnership is not None and actor.has(Role.PARTNERSHIP_MANAGER) and actor.partnership_id == partnership.pk


@rules.predicate
def is_staff_role(user: Any) -> bool:
    actor = standing_of(user)
    return bool(actor.roles - {Role.PARTICIPANT, Role.BOARD_MEMBER})


@rules.predicate
def is_partnership_manager(user: Any) -> bool:
    actor = standing_of(user)
    return actor.has(Role.PARTNERSHIP_MANAGER) and actor.partnership_id is not None


rules.add_perm("programmes.view_structure", is_staff_role)
rules.add_perm("programmes.change_partnership", manages_partnership)
rules.add_perm("programmes.add_organisation", is_partnership_manager)
rules.add_perm("programmes.add_staff", is_partnership_manager)


# ---- engagement targets, grants and labour-market context (coproduce/programmes/funding.py) ----


@rules.predicate
def is_funder(user: Any) -> bool:
    """Staff of the funder organisation holding the funder role."""
    actor = standing_of(user)
    return actor.has(Role.FUNDER) and actor.organisation_id is not None


@rules.predicate
def manages_targets_partnership(user: Any, target: Any) -> bool:
    return target is not None and manages_partnership(user, target.partnership)


# Either side proposes a target for a partnership: the funder, or that area's manager.
rules.add_perm("programmes.propose_target", is_funder | manages_partnership)
# One target: the funder or the manager of its area. That the other side agrees is the service's rule.
rules.add_perm("programmes.agree_target", is_funder | manages_targets_partnership)
rules.add_perm("programmes.manage_grants", is_funder)
rules.add_perm("programmes.manage_labour_market", is_funder)


@rules.predicate
def sits_on_board_of(user: Any, partnership: Any) -> bool:
    """A lived-experience member of this partnership's board, now."""
    actor = standing_of(user)
    return (
        partnership is not None
        and actor.has(Role.BOARD_MEMBER)
        and actor.board_partnership_id == getattr(partnership, "pk", None)
    )


# The partnership board page (meetings, decisions, documents, members): its manager and its
# lived-experience members see it; only the manager changes it.
rules.add_perm("programmes.view_board", manages_partnership | sits_on_board_of)
rules.add_perm("programmes.change_board", manages_partnership)
