"""Who may do what with participants and enquiries, as `rules` predicates.

Visibility (which rows) lives in selectors.py; these answer "may this person do this to that row".
"""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.programmes.standing import standing_of


@rules.predicate
def is_the_participant(actor: ActingUser, participant: Any) -> bool:
    return participant is not None and standing_of(actor).participant_id == participant.pk


@rules.predicate
def is_their_keyworker(actor: ActingUser, participant: Any) -> bool:
    standing = standing_of(actor)
    return (
        participant is not None
        and standing.has(Role.KEYWORKER)
        and standing.staff_member is not None
        and participant.keyworker_id == standing.staff_member.pk
    )


@rules.predicate
def manages_their_area(actor: ActingUser, record: Any) -> bool:
    standing = standing_of(actor)
    return (
        record is not None
        and standing.has(Role.PARTNERSHIP_MANAGER)
        and standing.partnership_id is not None
        and record.partnership_id == standing.partnership_id
    )


@rules.predicate
def is_anonymised(actor: ActingUser, participant: Any) -> bool:
    """Everything identifying was removed (coproduce/retention): nothing may be written back."""
    return participant is not None and participant.anonymised_at is not None


@rules.predicate
def is_keyworker(actor: ActingUser) -> bool:
    return standing_of(actor).has(Role.KEYWORKER)


@rules.predicate
def is_partnership_manager(actor: ActingUser) -> bool:
    standing = standing_of(actor)
    return standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None


@rules.predicate
def is_allocated_keyworker(actor: ActingUser, enquiry: Any) -> bool:
    standing = standing_of(actor)
    return (
        enquiry is not None
        and standing.has(Role.KEYWORKER)
        and standing.staff_member is not None
        and enquiry.allocated_to_id == standing.staff_member.pk
    )


rules.add_perm("participants.view_participant", is_the_participant | is_their_keyworker | manages_their_area)
rules.add_perm("participants.change_participant", (is_their_keyworker | manages_their_area) & ~is_anonymised)
rules.add_perm("participants.register_participant", is_keyworker | is_partnership_manager)
rules.add_perm(
    "participants.choose_language", (is_the_participant | is_their_keyworker | manages_their_area) & ~is_anonymised
)
rules.add_perm("participants.reallocate_participant", manages_their_area & ~is_anonymised)
rules.add_perm("participants.view_audit_of_participant", is_the_participant | manages_their_area)
rules.add_perm("participants.record_consent", (is_their_keyworker | manages_their_area) & ~is_anonymised)
rules.add_perm("participants.view_enquiry", manages_their_area | is_allocated_keyworker)
rules.add_perm("participants.allocate_enquiry", manages_their_area)
rules.add_perm("participants.register_from_enquiry", manages_their_area | is_allocated_keyworker)
