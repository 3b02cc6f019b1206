"""Who may change the programme's structure."""

from typing import Any

import rules

from coproduce.accounts.roles import Role
from coproduce.programmes.actors import actor_for


@rules.predicate
def manages_partnership(user: Any, partnership: Any) -> bool:
    actor = actor_for(user)
    return partnership is not None and actor.has(Role.PARTNERSHIP_MANAGER) and actor.partnership_id == partnership.pk


@rules.predicate
def is_staff_role(user: Any) -> bool:
    actor = actor_for(user)
    return bool(actor.roles - {Role.PARTICIPANT})


@rules.predicate
def is_partnership_manager(user: Any) -> bool:
    actor = actor_for(user)
    return actor.has(Role.PARTNERSHIP_MANAGER) and actor.partnership_id is not None


rules.add_perm("programmes.view_structure", is_staff_role)
rules.add_perm("programmes.change_partnership", manages_partnership)
rules.add_perm("programmes.add_organisation", is_partnership_manager)
rules.add_perm("programmes.add_staff", is_partnership_manager)
