"""A programme's aggregate statistics: the funder's figures, small numbers suppressed, one programme at a
time (the `programme` query parameter, coproduce/api/v1/programme_param.py).

Read from rollups of the counts that a background task keeps up to date (`figures_as_of` says when they
were last found true), or counted from the records when there are none yet (coproduce/reporting/statistics.py).
A suppressed number is null with its reason beside it, as `<name>_suppressed`. Aggregates only: no participant is
named or counted alone, and the read is audited as a read of aggregates (no participant).
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from coproduce.api.v1.auth import caller
from coproduce.api.v1.programme_param import programme_query
from coproduce.api.v1.schemas import error_responses
from coproduce.reporting.statistics import AreaStats, ProgrammeStats, Rate, read_programme_statistics, reason_text

router = Router(tags=["statistics"])


class ProgrammeRateOut(Schema):
    count: int | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None


class AreaLabourMarketOut(Schema):
    year: int
    claimant_rate: float | None
    job_density: float | None
    source: str


class EngagementOut(Schema):
    year: int
    joined: int | None
    joined_suppressed: str | None = None
    target: int | None


class AreaOut(Schema):
    area: str
    participants: int | None
    participants_suppressed: str | None = None
    paid_work: ProgrammeRateOut
    paid_work_suppressed: str | None = None
    fitting_job: ProgrammeRateOut
    fitting_job_suppressed: str | None = None
    engagement: list[EngagementOut]
    labour_market: AreaLabourMarketOut | None = None
    grants: float
    cost_per_participant: float | None
    cost_per_participant_suppressed: str | None = None
    cost_per_job_outcome: float | None
    cost_per_job_outcome_suppressed: str | None = None
    budget: float
    approved_spend: float


class ProgrammeStatsOut(AreaOut):
    programme: str
    programme_id: int
    date: str
    figures_as_of: str | None = Field(
        None,
        description="When the counts were last found true of the records (ISO 8601): the rollups a background task "
        "refreshes every few minutes. Null: counted from the records for this answer.",
    )
    areas: list[AreaOut]


def _rate(rate: Rate) -> tuple[dict[str, Any], str | None]:
    return rate.as_dict(), reason_text(rate.count) or (rate.reason if rate.rate is None else None)


def _area(row: AreaStats) -> dict[str, Any]:
    paid, paid_reason = _rate(row.paid_work)
    fitting, fitting_reason = _rate(row.fitting_job)
    market = row.labour_market
    return {
        "area": row.area_name,
        "participants": row.participants.value,
        "participants_suppressed": reason_text(row.participants),
        "paid_work": paid,
        "paid_work_suppressed": paid_reason,
        "fitting_job": fitting,
        "fitting_job_suppressed": fitting_reason,
        "engagement": [
            {
                "year": item.year,
                "joined": item.joined.value,
                "joined_suppressed": reason_text(item.joined),
                "target": item.target,
            }
            for item in row.engagement
        ],
        "labour_market": None
        if market is None
        else {
            "year": market.year,
            "claimant_rate": None if market.claimant_rate is None else float(market.claimant_rate),
            "job_density": None if market.job_density is None else float(market.job_density),
            "source": market.source,
        },
        "grants": float(row.grants),
        "cost_per_participant": None
        if row.cost_per_participant.value is None
        else float(row.cost_per_participant.value),
        "cost_per_participant_suppressed": row.cost_per_participant.reason,
        "cost_per_job_outcome": None
        if row.cost_per_job_outcome.value is None
        else float(row.cost_per_job_outcome.value),
        "cost_per_job_outcome_suppressed": row.cost_per_job_outcome.reason,
        "budget": float(row.budget),
        "approved_spend": float(row.approved_spend),
    }


def programme_stats_body(stats: ProgrammeStats) -> dict[str, Any]:
    return {
        "programme": stats.programme_name,
        "programme_id": stats.programme_id,
        "date": stats.today.isoformat(),
        "figures_as_of": stats.figures_as_of.isoformat() if stats.figures_as_of else None,
        **_area(stats.programme),
        "area": stats.programme.area_name,
        "areas": [_area(area) for area in stats.areas],
    }


@router.get(
    "/stats/programme",
    response={200: ProgrammeStatsOut, **error_responses(401, 403, 404)},
    summary="One programme's statistics, all its areas and each area, small numbers suppressed",
    url_name="programme_stats",
)
def programme_stats(request: HttpRequest, programme: int | None = programme_query()) -> dict[str, Any]:
    """For the funder, of one programme. Rates come with 95% Wilson intervals; a suppressed number is null
    with a reason."""
    stats = read_programme_statistics(actor=caller(request), today=timezone.localdate(), programme_id=programme)
    return programme_stats_body(stats)
