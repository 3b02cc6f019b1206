"""Who may do what about retention and erasure, as `rules` predicates.

Visibility (which rows) lives in selectors.py; these answer "may this person do this to that row".
The retention run itself is the system's, with no person acting.
"""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.participants.permissions import is_anonymised, is_partnership_manager, manages_their_area
from coproduce.programmes.standing import standing_of


@rules.predicate
def manages_the_area_of_the_person(actor: ActingUser, erasure_request: Any) -> bool:
    """The manager of the partnership of the person the request is about."""
    standing = standing_of(actor)
    return (
        erasure_request is not None
        and standing.has(Role.PARTNERSHIP_MANAGER)
        and standing.partnership_id is not None
        and erasure_request.participant.partnership_id == standing.partnership_id
    )


@rules.predicate
def works_for_the_organisation_told(actor: ActingUser, notice: Any) -> bool:
    """A partner worker of the organisation a deletion notice is addressed to."""
    standing = standing_of(actor)
    return (
        notice is not None
        and standing.has(Role.PARTNER_WORKER)
        and standing.organisation_id is not None
        and notice.organisation_id == standing.organisation_id
    )


@rules.predicate
def is_administrator(actor: ActingUser) -> bool:
    return standing_of(actor).has(Role.ADMINISTRATOR)


rules.add_perm("retention.view_schedule", is_partnership_manager)
rules.add_perm("retention.change_schedule", is_administrator)
rules.add_perm("retention.record_erasure_request", manages_their_area & ~is_anonymised)
rules.add_perm("retention.decide_erasure_request", manages_the_area_of_the_person)
rules.add_perm("retention.confirm_deletion", works_for_the_organisation_told)
