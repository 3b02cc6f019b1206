"""Reads of progress checks, and the series of readings over time that the chart draws."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import ProgressArea, ProgressCheck, ProgressCheckDraft, ProgressScore


def progress_checks_visible_to(actor: ActingUser) -> QuerySet[ProgressCheck]:
    """Progress checks of the participants this person may see, and no others."""
    return ProgressCheck.objects.filter(participant__in=participants_visible_to(actor))


def progress_checks_for(actor: ActingUser, participant_id: int) -> QuerySet[ProgressCheck]:
    """One participant's checks, oldest first, with their scores: two queries however many there are."""
    return (
        progress_checks_visible_to(actor)
        .filter(participant_id=participant_id)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("scores", queryset=ProgressScore.objects.order_by("area")))
        .order_by("checked_on", "pk")
    )


def progress_drafts_visible_to(actor: ActingUser) -> QuerySet[ProgressCheckDraft]:
    """Unfinished progress checks of the participants this person may see, and no others."""
    return ProgressCheckDraft.objects.filter(participant__in=participants_visible_to(actor))


def progress_draft_for(actor: ActingUser, participant_id: int) -> ProgressCheckDraft | None:
    """The participant's unfinished progress check, if they have one and this person may see them."""
    return progress_drafts_visible_to(actor).filter(participant_id=participant_id).first()


@dataclass(frozen=True)
class Reading:
    checked_on: datetime.date
    score: int
    comment: str


@dataclass
class AreaSeries:
    """One area's readings over time, the participant's and the keyworker's kept apart."""

    area: str
    label: str
    participant: list[Reading] = field(default_factory=list)
    keyworker: list[Reading] = field(default_factory=list)

    def rows(self) -> list[tuple[datetime.date, Reading | None, Reading | None]]:
        """For the data table: each date with that day's participant and keyworker readings (latest wins)."""
        by_date: dict[datetime.date, list[Reading | None]] = {}
        for index, readings in enumerate((self.participant, self.keyworker)):
            for reading in readings:
                by_date.setdefault(reading.checked_on, [None, None])[index] = reading
        return [(day, pair[0], pair[1]) for day, pair in sorted(by_date.items())]


def progress_series(checks: list[ProgressCheck] | QuerySet[ProgressCheck]) -> list[AreaSeries]:
    """The eight areas, in the scale's order, each with its readings by reader in date order.

    Takes checks already loaded with their scores (see progress_checks_for): no queries of its own.
    """
    series = {area.value: AreaSeries(area=area.value, label=str(area.label)) for area in ProgressArea}
    ordered = sorted(checks, key=lambda check: (check.checked_on, check.pk))
    for check in ordered:
        for score in check.scores.all():
            if score.area not in series:
                continue
            target = series[score.area]
            readings = target.participant if check.reader == ProgressCheck.Reader.PARTICIPANT else target.keyworker
            readings.append(Reading(checked_on=check.checked_on, score=score.score, comment=score.comment))
    return list(series.values())
