"""Who may do what with requests, feedback and group sessions."""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.participants.permissions import (
    is_keyworker,
    is_partnership_manager,
    is_the_participant,
    manages_their_area,
)
from coproduce.programmes.standing import standing_of


@rules.predicate
def is_the_invited_participant(actor: ActingUser, invitation: Any) -> bool:
    """The person an invitation is for (and nobody answers for them online)."""
    return invitation is not None and standing_of(actor).participant_id == invitation.participant_id


rules.add_perm("voice.make_request", is_the_participant)
rules.add_perm("voice.give_feedback", is_the_participant)
rules.add_perm("voice.view_requests_board", is_keyworker | is_partnership_manager)
rules.add_perm("voice.run_group_sessions", is_partnership_manager)
# One group session (or a feedback row): the manager of the partnership it belongs to.
rules.add_perm("voice.manage_group_session", manages_their_area)
rules.add_perm("voice.respond_to_invitation", is_the_invited_participant)
rules.add_perm("voice.view_feedback", is_keyworker | is_partnership_manager)
