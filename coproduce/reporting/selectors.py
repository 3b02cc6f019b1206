"""Counts for dashboards and reports: plain numbers from aggregate queries, never rows.

Each function answers in a fixed number of queries however many participants there are. Counts
shown to people who may not see the records behind them (funders, evaluators) must be
suppressed first: reporting/tables.py does that with reporting/suppression.py.
"""

from collections import defaultdict
from dataclasses import dataclass

import rules
from django.db.models import Count, Q

from coproduce.accounts.acting import ActingUser
from coproduce.core.errors import NotAllowed
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.models import Partnership
from coproduce.programmes.standing import standing_of


@dataclass(frozen=True)
class AreaCount:
    partnership_id: int
    area_name: str
    count: int


@dataclass(frozen=True)
class ProgrammeAreaCounts:
    programme_id: int
    programme_name: str
    areas: tuple[AreaCount, ...]


def _partnerships_by_programme(programme_ids: list[int]) -> dict[int, list[Partnership]]:
    by_programme: dict[int, list[Partnership]] = defaultdict(list)
    partnerships = Partnership.objects.filter(programme_id__in=programme_ids).select_related("programme")
    for partnership in partnerships.order_by("programme__name", "area_name", "pk"):
        by_programme[partnership.programme_id].append(partnership)
    return by_programme


def research_consent_counts(actor: ActingUser, *, programme_id: int | None = None) -> list[ProgrammeAreaCounts]:
    """Per area of the programmes the evaluator oversees (or of `programme_id` alone, if they oversee it), how
    many participants have agreed to take part in the evaluation and not withdrawn.

    Two queries. Unsuppressed: pages show them through reporting.tables.area_report.
    """
    if not rules.has_perm("reporting.view_research_consent_counts", actor):
        raise NotAllowed("Only evaluators see how many participants agreed to the research.")
    overseen = standing_of(actor).programme_ids
    programme_ids = sorted(overseen) if programme_id is None else [pk for pk in [programme_id] if pk in overseen]
    partnerships = _partnerships_by_programme(programme_ids)
    consenting = (
        Consent.objects.filter(
            purpose=Consent.Purpose.RESEARCH,
            withdrawn_at__isnull=True,
            participant__partnership__programme_id__in=programme_ids,
        )
        .order_by()
        .values("participant__partnership_id")
        .annotate(n=Count("participant_id", distinct=True))
    )
    counts = {row["participant__partnership_id"]: row["n"] for row in consenting}
    return [
        ProgrammeAreaCounts(
            programme_id=programme_id,
            programme_name=areas[0].programme.name,
            areas=tuple(AreaCount(p.pk, p.area_name, counts.get(p.pk, 0)) for p in areas),
        )
        for programme_id, areas in partnerships.items()
    ]


def area_status_counts(actor: ActingUser) -> dict[str, int]:
    """The manager's own area: how many participants are active, paused, closed, in all. One query.

    Not suppressed: the manager may see every record these are counted from.
    """
    if not rules.has_perm("reporting.view_area_counts", actor):
        raise NotAllowed("Only a partnership manager sees the counts for their area.")
    partnership_id = standing_of(actor).partnership_id
    assert partnership_id is not None  # the permission asks for one
    return (
        participants_visible_to(actor)
        .filter(partnership_id=partnership_id)
        .aggregate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=Participant.Status.ACTIVE)),
            paused=Count("pk", filter=Q(status=Participant.Status.PAUSED)),
            closed=Count("pk", filter=Q(status=Participant.Status.CLOSED)),
        )
    )
