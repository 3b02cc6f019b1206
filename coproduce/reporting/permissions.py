"""Who may see which reports. Reports hold counts, never records; who sees them is still a choice."""

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.programmes.standing import standing_of
from coproduce.research.permissions import is_evaluator


@rules.predicate
def is_funder(actor: ActingUser) -> bool:
    return standing_of(actor).has(Role.FUNDER)


@rules.predicate
def manages_a_partnership(actor: ActingUser) -> bool:
    standing = standing_of(actor)
    return standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None


# Programme-wide counts by area, shown only after small numbers are suppressed.
rules.add_perm("reporting.view_programme_counts", is_funder)
# How many participants in each area have agreed to take part in the evaluation.
rules.add_perm("reporting.view_research_consent_counts", is_evaluator)
# Unsuppressed counts for one area, for the manager who can see every record behind them.
rules.add_perm("reporting.view_area_counts", manages_a_partnership)
