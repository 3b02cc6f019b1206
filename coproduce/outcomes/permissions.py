"""Who may do what with outcomes, work wishes and sustainment checks. Visibility lives in selectors.py.

The people working with the participant (their keyworker, a keyworker covering for them today,
the area's partnership manager) record outcomes and answer sustainment checks. A participant may
say what work they want themselves; they read their achievements but do not record them.
"""

import rules

from coproduce.participants.permissions import is_the_participant
from coproduce.plans.permissions import still_identified, works_with_them

rules.add_perm("outcomes.record_outcome", works_with_them & still_identified)
rules.add_perm("outcomes.answer_sustainment_check", works_with_them & still_identified)
rules.add_perm("outcomes.set_work_wish", (is_the_participant | works_with_them) & still_identified)
rules.add_perm("outcomes.view_outcomes", is_the_participant | works_with_them)
