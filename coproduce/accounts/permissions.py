"""Who may do what with accounts' own records, as `rules` predicates (checked with
rules.has_perm, never user.has_perm, which would let any superuser through)."""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.programmes.standing import standing_of


@rules.predicate
def is_active_person(actor: ActingUser) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active)


@rules.predicate
def owns_the_token(actor: ActingUser, token: Any) -> bool:
    return token is not None and getattr(actor, "pk", None) is not None and token.user_id == actor.pk


@rules.predicate
def is_administrator(actor: ActingUser) -> bool:
    return standing_of(actor).has(Role.ADMINISTRATOR)


# Anyone may have tokens of their own; they act with exactly that person's roles.
rules.add_perm("accounts.create_api_token", is_active_person)
rules.add_perm("accounts.revoke_api_token", is_active_person & (owns_the_token | is_administrator))
