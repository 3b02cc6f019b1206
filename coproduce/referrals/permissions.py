"""Who may do what with referrals and signposting, as `rules` predicates.

Visibility (which rows) lives in selectors.py; these answer "may this person do this to that row".
`referrals.propose` takes a participant; the others take a referral.
"""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.participants.permissions import is_anonymised, is_the_participant, is_their_keyworker, manages_their_area
from coproduce.programmes.standing import standing_of


@rules.predicate
def is_the_referred_participant(actor: ActingUser, referral: Any) -> bool:
    return referral is not None and standing_of(actor).participant_id == referral.participant_id


@rules.predicate
def is_the_referred_participants_keyworker(actor: ActingUser, referral: Any) -> bool:
    standing = standing_of(actor)
    return (
        referral is not None
        and standing.has(Role.KEYWORKER)
        and standing.staff_member is not None
        and referral.participant.keyworker_id == standing.staff_member.pk
    )


@rules.predicate
def works_for_the_receiving_organisation(actor: ActingUser, referral: Any) -> bool:
    """A partner worker of the organisation the referral is for, while the sharing consent is in force."""
    standing = standing_of(actor)
    return (
        referral is not None
        and standing.has(Role.PARTNER_WORKER)
        and standing.organisation_id is not None
        and referral.kind == "referral"
        and referral.organisation_id == standing.organisation_id
        and referral.consent_id is not None
        and referral.consent.withdrawn_at is None
    )


@rules.predicate
def is_partner_worker(actor: ActingUser) -> bool:
    standing = standing_of(actor)
    return standing.has(Role.PARTNER_WORKER) and standing.organisation_id is not None


rules.add_perm("referrals.propose", (is_the_participant | is_their_keyworker) & ~is_anonymised)
rules.add_perm("referrals.agree", is_the_referred_participant | is_the_referred_participants_keyworker)
rules.add_perm("referrals.send", is_the_referred_participants_keyworker)
rules.add_perm("referrals.answer", works_for_the_receiving_organisation)
rules.add_perm("referrals.withdraw", is_the_referred_participant | is_the_referred_participants_keyworker)
rules.add_perm("referrals.view_inbox", is_partner_worker)
# Signposting is recorded by the keyworker; nothing is shared with anyone.
rules.add_perm("referrals.signpost", is_their_keyworker & ~is_anonymised)
# Withdrawing a consent to share (takes a participant): the participant, or their keyworker or the
# area's manager recording what the participant told them — as for any other consent.
rules.add_perm("referrals.withdraw_consent", is_the_participant | is_their_keyworker | manages_their_area)
