"""Who may take a participant's summary on their visits: whoever works with them as their (covering) keyworker."""

import rules

from coproduce.participants.permissions import is_their_keyworker
from coproduce.plans.permissions import is_covering_keyworker, still_identified

rules.add_perm("offline.take_on_visits", (is_their_keyworker | is_covering_keyworker) & still_identified)
