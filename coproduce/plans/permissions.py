"""Who may do what in the participant's plan and record. Visibility comes from participants_visible_to."""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.participants.permissions import is_anonymised, is_the_participant, is_their_keyworker, manages_their_area
from coproduce.participants.selectors import covered_by
from coproduce.programmes.standing import standing_of


@rules.predicate
def is_covering_keyworker(actor: ActingUser, participant: Any) -> bool:
    standing = standing_of(actor)
    if participant is None or standing.staff_member is None:
        return False
    return covered_by(standing.staff_member.pk).filter(participant_id=participant.pk).exists()


works_with_them = is_their_keyworker | is_covering_keyworker | manages_their_area
# Nothing new is written about someone whose record was anonymised (coproduce/retention).
still_identified = ~is_anonymised

rules.add_perm("plans.work_on_plan", works_with_them & still_identified)
rules.add_perm("plans.answer_step", (is_the_participant | works_with_them) & still_identified)
rules.add_perm("plans.add_own_goal", (is_the_participant | works_with_them) & still_identified)
rules.add_perm("plans.record_contact", works_with_them & still_identified)
rules.add_perm("plans.restrict_note", works_with_them & still_identified)
rules.add_perm("plans.manage_appointments", works_with_them & still_identified)
rules.add_perm("plans.ask_to_rearrange", is_the_participant & still_identified)
rules.add_perm("plans.record_progress_check", (is_the_participant | works_with_them) & still_identified)
rules.add_perm("plans.log_job_search", (is_the_participant | works_with_them) & still_identified)
rules.add_perm("plans.share_for_cover", (is_their_keyworker | manages_their_area) & still_identified)
