"""Reads of outcomes, work wishes and sustainment checks, always through participants_visible_to."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.outcomes.models import Outcome, SustainmentCheck, WorkWish
from coproduce.outcomes.quality import JobFit, job_fits
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to

JOB_KINDS = (Outcome.Kind.JOB_START, Outcome.Kind.PROGRESSION)


def outcomes_visible_to(actor: ActingUser) -> QuerySet[Outcome]:
    """Outcomes of the participants this person may see: their own, a caseload's, an area's; else none."""
    return Outcome.objects.filter(participant__in=participants_visible_to(actor))


def work_wishes_visible_to(actor: ActingUser) -> QuerySet[WorkWish]:
    return WorkWish.objects.filter(participant__in=participants_visible_to(actor))


def sustainment_checks_visible_to(actor: ActingUser) -> QuerySet[SustainmentCheck]:
    return SustainmentCheck.objects.filter(outcome__participant__in=participants_visible_to(actor))


def due_sustainment_checks_for(
    actor: ActingUser, today: datetime.date, *, participants: QuerySet[Participant] | None = None
) -> QuerySet[SustainmentCheck]:
    """Checks still to be asked whose day has come (due on or before today), oldest first, one query.

    `participants`, a part of `participants_visible_to(user)` (e.g. `caseload_and_cover(user)`),
    stands in for everyone the person may see: the query is then driven from those few people,
    not from every due check in the programme.
    """
    if participants is None:
        checks = sustainment_checks_visible_to(actor)
    else:
        checks = SustainmentCheck.objects.filter(outcome__participant__in=participants.order_by().values("pk"))
    return (
        checks.filter(status=SustainmentCheck.Status.DUE, due_on__lte=today)
        .select_related("outcome__participant")
        .order_by("due_on", "pk")
    )


@dataclass
class OutcomeRow:
    outcome: Outcome
    fit: JobFit | None
    checks: list[SustainmentCheck] = field(default_factory=list)


def outcome_rows(actor: ActingUser, participant: Participant, *, to_participant: bool = False) -> list[OutcomeRow]:
    """A participant's outcomes, newest first, with job quality for jobs and their checks (three queries).

    `to_participant`: the job quality reasons speak to the participant ("you") rather than about them.
    """
    wish = work_wishes_visible_to(actor).filter(participant=participant).first()
    outcomes = (
        outcomes_visible_to(actor)
        .filter(participant=participant)
        .select_related("recorded_by", "goal")
        .prefetch_related(
            Prefetch("sustainment_checks", queryset=SustainmentCheck.objects.select_related("checked_by"))
        )
        .order_by("-achieved_on", "-pk")
    )
    return [
        OutcomeRow(
            outcome=outcome,
            fit=job_fits(outcome, wish, to_participant=to_participant)
            if outcome.kind in JOB_KINDS and outcome.hourly_pay is not None
            else None,
            checks=list(outcome.sustainment_checks.all()),
        )
        for outcome in outcomes
    ]
