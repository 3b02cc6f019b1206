"""Reads of plans and assessments, always through participants_visible_to."""

from django.db.models import Prefetch, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Assessment, Goal, Step
from coproduce.programmes.standing import standing_of


def goals_visible_to(actor: ActingUser) -> QuerySet[Goal]:
    return Goal.objects.filter(participant__in=participants_visible_to(actor))


def steps_visible_to(actor: ActingUser) -> QuerySet[Step]:
    return Step.objects.filter(goal__participant__in=participants_visible_to(actor))


def is_own_goal(actor: ActingUser, goal_id: int) -> bool:
    """Whether this goal is on the acting user's own plan: a step they add to it is their suggestion,
    where on anyone else's it is a staff offer. One query, none for someone with no participant record."""
    participant_id = standing_of(actor).participant_id
    return (
        participant_id is not None
        and goals_visible_to(actor).filter(pk=goal_id, participant_id=participant_id).exists()
    )


def plan_of(actor: ActingUser, participant_id: int) -> QuerySet[Goal]:
    """A participant's goals, oldest first, each with its steps (as `steps.all()`): two queries.

    Empty if the participant is not visible to this person.
    """
    return _with_steps(goals_visible_to(actor).filter(participant_id=participant_id))


def goal_with_steps(actor: ActingUser, goal_id: int) -> Goal | None:
    """One goal this person may see, with its steps, or None."""
    return _with_steps(goals_visible_to(actor).filter(pk=goal_id)).first()


def _with_steps(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    steps = Step.objects.select_related("proposed_by_user", "answer_recorded_by").order_by("created_at", "pk")
    return (
        goals.select_related("created_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("created_at", "pk")
    )


def assessments_of(actor: ActingUser, participant_id: int) -> QuerySet[Assessment]:
    """Every assessment of a participant, latest first, with its barriers: two queries."""
    return (
        Assessment.objects.filter(participant__in=participants_visible_to(actor), participant_id=participant_id)
        .select_related("recorded_by")
        .prefetch_related("barriers")
        .order_by("-assessed_on", "-pk")
    )


def steps_to_talk_about_for(actor: ActingUser) -> QuerySet[Step]:
    """Steps offered to the keyworker's own participants that they said they would like to talk about first.

    Steps carry no due date; an offer waiting on a conversation is what the keyworker has to do
    next about a step. One query, from the keyworker's own caseload.
    """
    standing = standing_of(actor)
    if standing.staff_member is None:
        return Step.objects.none()
    return (
        steps_visible_to(actor)
        .filter(goal__participant__keyworker_id=standing.staff_member.pk, state=Step.State.OFFERED, wants_to_talk=True)
        .select_related("goal__participant")
        .order_by("created_at", "pk")
    )
