"""Who may do what in the evaluation, as rules predicates.

Which rows someone sees lives in selectors.py; these answer "may this person do this".
Evaluators do the evaluation's work; a participant, their keyworker and their area's manager
record and withdraw the participant's research consent. Nobody else touches research data.
"""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.core.errors import NotAllowed
from coproduce.participants.permissions import is_the_participant, is_their_keyworker, manages_their_area
from coproduce.programmes.standing import standing_of


@rules.predicate
def is_evaluator(actor: ActingUser) -> bool:
    """The one evaluator check: research selectors, services and reporting's evaluation reads use it."""
    return standing_of(actor).has(Role.EVALUATOR)


def refuse_unless_evaluator(actor: ActingUser, refusal: str) -> None:
    """NotAllowed, saying `refusal`, for anyone who may not work on the evaluation: what every evaluation
    service and analysis does first."""
    if not rules.has_perm("research.work_on_evaluation", actor):
        raise NotAllowed(refusal)


@rules.predicate
def coded_it(actor: ActingUser, segment: Any) -> bool:
    """The coder who applied a segment (consensus segments belong to every evaluator)."""
    return segment is not None and (segment.is_consensus or segment.coder_id == getattr(actor, "pk", None))


@rules.predicate
def belongs_to_the_team(actor: ActingUser, organisation: Any) -> bool:
    """An evaluator of the organisation (their evaluation team) in question."""
    standing = standing_of(actor)
    return organisation is not None and standing.organisation_id == getattr(organisation, "pk", organisation)


@rules.predicate
def was_invited(actor: ActingUser, invitation: Any) -> bool:
    return invitation is not None and standing_of(actor).participant_id == invitation.participant_id


# A participant's research consent: they, their keyworker or their area's manager record it.
rules.add_perm("research.record_research_consent", is_the_participant | is_their_keyworker | manages_their_area)

# The evaluation's work: waves, interviews, stakeholders, transcripts, codebook, coding,
# quotes, agreement, exports, outcome analytics and surveys.
rules.add_perm("research.work_on_evaluation", is_evaluator)
rules.add_perm("research.remove_segment", is_evaluator & coded_it)
rules.add_perm("research.change_transcript_policy", is_evaluator & belongs_to_the_team)

rules.add_perm("research.answer_survey", was_invited)
