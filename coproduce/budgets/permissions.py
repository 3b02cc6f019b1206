"""Who may do what with budget pots and spend, as rules predicates.

Which rows someone sees lives in selectors.py; these answer "may this person do this to that row".
"""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.participants.permissions import is_anonymised, is_partnership_manager, is_their_keyworker
from coproduce.programmes.models import PartnershipMembership
from coproduce.programmes.standing import standing_of


@rules.predicate
def manages_the_pot(actor: ActingUser, pot: Any) -> bool:
    """The manager of the pot's partnership, or of a partnership the pot's organisation belongs to."""
    standing = standing_of(actor)
    if pot is None or not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return False
    if pot.partnership_id is not None:
        return bool(pot.partnership_id == standing.partnership_id)
    return PartnershipMembership.objects.filter(
        partnership_id=standing.partnership_id, organisation_id=pot.organisation_id
    ).exists()


@rules.predicate
def is_keyworker_of_spend_within_limit(actor: ActingUser, spend: Any) -> bool:
    """The participant's own keyworker, for an amount up to the pot's keyworker limit (inclusive)."""
    standing = standing_of(actor)
    return (
        spend is not None
        and standing.has(Role.KEYWORKER)
        and standing.staff_member is not None
        and spend.participant.keyworker_id == standing.staff_member.pk
        and spend.amount <= spend.pot.keyworker_limit
    )


@rules.predicate
def is_keyworker_of_spend(actor: ActingUser, spend: Any) -> bool:
    standing = standing_of(actor)
    return (
        spend is not None
        and standing.has(Role.KEYWORKER)
        and standing.staff_member is not None
        and spend.participant.keyworker_id == standing.staff_member.pk
    )


@rules.predicate
def manages_the_spends_area(actor: ActingUser, spend: Any) -> bool:
    """The partnership manager of the participant's area: any amount."""
    standing = standing_of(actor)
    return (
        spend is not None
        and standing.has(Role.PARTNERSHIP_MANAGER)
        and standing.partnership_id is not None
        and spend.participant.partnership_id == standing.partnership_id
    )


@rules.predicate
def is_for_an_anonymised_person(actor: ActingUser, spend: Any) -> bool:
    """The spend's participant was anonymised (coproduce/retention): no receipt may come back."""
    return spend is not None and spend.participant.anonymised_at is not None


@rules.predicate
def is_the_spends_participant(actor: ActingUser, spend: Any) -> bool:
    """The person the money is for, signed in themselves."""
    return spend is not None and standing_of(actor).participant_id == spend.participant_id


rules.add_perm("budgets.create_pot", is_partnership_manager)
rules.add_perm("budgets.change_pot", manages_the_pot)
# The participant (object) of a new spend: only their own keyworker asks for it.
rules.add_perm("budgets.request_spend", is_their_keyworker & ~is_anonymised)
rules.add_perm("budgets.approve_spend", is_keyworker_of_spend_within_limit | manages_the_spends_area)
rules.add_perm("budgets.decline_spend", is_keyworker_of_spend_within_limit | manages_the_spends_area)
rules.add_perm("budgets.cancel_spend", is_keyworker_of_spend | manages_the_spends_area)
rules.add_perm(
    "budgets.attach_receipt", (is_keyworker_of_spend | manages_the_spends_area) & ~is_for_an_anonymised_person
)
# The participant's yes or no to a spend proposed for them: given by them, or recorded by the
# staff who work with them (saying how it was given), as with offered steps on the plan.
rules.add_perm(
    "budgets.answer_spend",
    (is_the_spends_participant | is_keyworker_of_spend | manages_the_spends_area) & ~is_for_an_anonymised_person,
)
