"""The evaluator's outcome analytics: time to first job, a model of paid work, and rates.

Aggregates only, over research-consented participants who let the evaluators use their service
records; each table downloads as CSV. Every read is audited as a read of aggregates. The figures are of the
programme the evaluator chose (coproduce/web/research/scope.py), never of several added together.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.audit.models import AuditEvent
from coproduce.reporting.charts import Bar, StepCurve, rate_bar_chart, step_chart
from coproduce.reporting.exports import CONTENT_TYPES, CSV, to_csv
from coproduce.reporting.research_outcomes import (
    SURVIVAL_MONTHS,
    TABLE_SLUGS,
    AreaTimeToWork,
    RateRow,
    ResearchOutcomes,
    analytics_tables,
    read_research_outcomes,
)
from coproduce.reporting.suppression import THRESHOLD
from coproduce.web.access import require_roles
from coproduce.web.research.scope import programme_context, programme_id_of

CHART_MONTHS = 24


def _curve(row: AreaTimeToWork) -> StepCurve:
    if row.estimate is None:
        return StepCurve(row.area, (), row.note)
    text = f"n = {row.estimate.n:,}, {row.estimate.events:,} found work, median {row.estimate.median_label}"
    return StepCurve(row.area, row.estimate.steps, text)


def _bars(rows: tuple[RateRow, ...]) -> list[Bar]:
    return [
        Bar(
            label=row.label,
            value=row.paid_work.rate,
            low=row.paid_work.ci_low,
            high=row.paid_work.ci_high,
            note="not shown: small numbers" if row.paid_work.rate is None else "",
            text=row.paid_work.label,
        )
        for row in rows
    ]


def _context(outcomes: ResearchOutcomes) -> dict[str, Any]:
    tables = {table.slug.replace("-", "_"): table for table in analytics_tables(outcomes)}
    time = outcomes.time_to_work
    return {
        "outcomes": outcomes,
        "tables": tables,
        "model": outcomes.paid_work_model,
        "survival_chart": step_chart(
            title=f"Share still not in work by months since joining (Kaplan–Meier), first {CHART_MONTHS} months",
            curves=[_curve(row) for row in time.rows],
            x_label="Months since joining",
            y_label="Still not in work",
            x_max=CHART_MONTHS,
        ),
        "area_chart": rate_bar_chart(
            title="Paid work by area, with 95% Wilson intervals", bars=_bars(outcomes.rates.by_area)
        ),
        "barrier_chart": rate_bar_chart(
            title="Paid work by number of barriers, with 95% Wilson intervals", bars=_bars(outcomes.rates.by_barriers)
        ),
        "survival_months": SURVIVAL_MONTHS,
        "threshold": THRESHOLD,
    }


def _outcomes(request: HttpRequest, action: str) -> ResearchOutcomes:
    """The analyses of the programme the page shows; not found for an evaluator who oversees none."""
    return read_research_outcomes(
        actor=request.user, today=timezone.localdate(), programme_id=programme_id_of(request), action=action
    )


@require_roles(Role.EVALUATOR)
def research_analytics(request: HttpRequest) -> HttpResponse:
    outcomes = _outcomes(request, AuditEvent.Action.VIEW)
    context = {"page_title": "Outcome analytics", **programme_context(request), **_context(outcomes)}
    return render(request, "web/research/analytics/analytics.html", context)


@audited_as_export
@require_roles(Role.EVALUATOR)
def research_analytics_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One of the page's tables as CSV (404 for any other table)."""
    if table not in TABLE_SLUGS:
        raise Http404("No such table.")
    outcomes = _outcomes(request, AuditEvent.Action.EXPORT)
    chosen = next(candidate for candidate in analytics_tables(outcomes) if candidate.slug == table)
    response = HttpResponse(to_csv(chosen), content_type=CONTENT_TYPES[CSV])
    response["Content-Disposition"] = f'attachment; filename="{chosen.slug}-{outcomes.today.isoformat()}.csv"'
    response["Cache-Control"] = "no-store"
    return response
