"""Who may do what with requests, feedback and group sessions."""

import rules

from coproduce.participants.permissions import is_keyworker, is_partnership_manager, is_the_participant

rules.add_perm("voice.make_request", is_the_participant)
rules.add_perm("voice.give_feedback", is_the_participant)
rules.add_perm("voice.view_requests_board", is_keyworker | is_partnership_manager)
rules.add_perm("voice.run_group_sessions", is_partnership_manager)
