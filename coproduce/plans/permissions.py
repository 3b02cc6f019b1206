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


@rules.predicate
def may_log_their_job_search(actor: ActingUser, entry: Any) -> bool:
    return rules.has_perm("plans.log_job_search", actor, entry.participant)


@rules.predicate
def is_their_own_log(actor: ActingUser, entry: Any) -> bool:
    return bool(is_the_participant(actor, entry.participant))


@rules.predicate
def added_the_entry(actor: ActingUser, entry: Any) -> bool:
    return actor.is_authenticated and entry.recorded_by_id == actor.pk


# An entry recorded by mistake: the log is the participant's to tidy; staff remove only what they added.
rules.add_perm("plans.remove_job_search_entry", may_log_their_job_search & (is_their_own_log | added_the_entry))
