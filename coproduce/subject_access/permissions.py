"""Who may do what with subject access requests, as `rules` predicates (on the participant).

A participant asks for a copy of their own data. A request made to staff is the partnership
manager's of the participant's area: they log it, prepare the copy, decide on restricted notes,
extend the deadline and release the copy. Keyworkers pass such requests on to their manager:
deciding whether the serious-harm exemption applies is not casework.
"""

import rules

from coproduce.participants.permissions import is_the_participant, manages_their_area

rules.add_perm("subject_access.ask_for_own_copy", is_the_participant)
rules.add_perm("subject_access.handle_request", manages_their_area)
