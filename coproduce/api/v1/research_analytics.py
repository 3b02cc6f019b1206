"""Outcome analytics for evaluators: time to first job, a model of paid work, and rates.

Aggregates only, over participants whose research consent is in force and includes the use of
their service records (coproduce/reporting/research_outcomes.py). A suppressed count is null with
its reason beside it, as `<name>_suppressed`. Each read is audited as a read of aggregates. Each is of
one programme: the `programme` query parameter (coproduce/api/v1/research_programme.py).
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from coproduce.api.v1.auth import caller
from coproduce.api.v1.research_programme import programme_fields, programme_query
from coproduce.api.v1.schemas import error_responses
from coproduce.reporting.research_outcomes import (
    AreaTimeToWork,
    RateRow,
    read_paid_work_model,
    read_paid_work_rates,
    read_time_to_work,
)
from coproduce.reporting.statistics import reason_text

router = Router(tags=["research"])


class SurvivalAt(Schema):
    months: int
    still_not_in_work: float | None  # null: beyond the longest follow-up


class CurvePoint(Schema):
    months: float
    still_not_in_work: float


class AreaTimeToWorkOut(Schema):
    area: str
    n: int | None
    n_suppressed: str | None = None
    found_work: int | None
    found_work_suppressed: str | None = None
    censored: int | None
    censored_suppressed: str | None = None
    estimated: bool
    note: str
    median_months: float | None  # null when not reached (or not estimated)
    median_reached: bool
    median_ci_low: float | None
    median_ci_high: float | None  # null when not reached
    survival: list[SurvivalAt]
    curve: list[CurvePoint]


class TimeToWorkOut(Schema):
    programme_id: int
    programme: str
    date: str
    method: str
    areas: list[AreaTimeToWorkOut]
    all_areas: AreaTimeToWorkOut


class OddsRatioOut(Schema):
    term: str
    kind: str  # "barriers" or "area"
    people: int | None
    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float


class PaidWorkModelOut(Schema):
    programme_id: int
    programme: str
    date: str
    method: str
    n: int
    in_paid_work: int
    fitted: bool
    message: str
    reference_area: str | None
    reference_rule: str
    odds_ratios: list[OddsRatioOut]
    reading: list[str]
    left_out: list[str]


class GroupRateOut(Schema):
    group: str
    n: int | None
    n_suppressed: str | None = None
    in_paid_work: int | None
    in_paid_work_suppressed: str | None = None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    rate_suppressed: str | None = None


class RatesOut(Schema):
    programme_id: int
    programme: str
    date: str
    method: str
    by_area: list[GroupRateOut]
    by_barriers: list[GroupRateOut]


def _time_row(row: AreaTimeToWork) -> dict[str, Any]:
    estimate = row.estimate
    return {
        "area": row.area,
        "n": row.people.value,
        "n_suppressed": reason_text(row.people),
        "found_work": row.found_work.value,
        "found_work_suppressed": reason_text(row.found_work),
        "censored": row.not_in_work.value,
        "censored_suppressed": reason_text(row.not_in_work),
        "estimated": estimate is not None,
        "note": row.note,
        "median_months": estimate.median if estimate else None,
        "median_reached": bool(estimate and estimate.median is not None),
        "median_ci_low": estimate.median_low if estimate else None,
        "median_ci_high": estimate.median_high if estimate else None,
        "survival": [{"months": m, "still_not_in_work": s} for m, s in estimate.at] if estimate else [],
        "curve": [{"months": m, "still_not_in_work": s} for m, s in estimate.steps] if estimate else [],
    }


@router.get(
    "/research/analytics/time-to-work",
    response={200: TimeToWorkOut, **error_responses(401, 403, 404)},
    summary="Time from joining to first job by area (Kaplan–Meier), research-consented participants",
    url_name="research_analytics_time_to_work",
)
def time_to_work(request: HttpRequest, programme: int | None = programme_query()) -> dict[str, Any]:
    """For evaluators. Months from joining to the first job start; people without one are censored
    at today or when their case closed. Survival is the share still not in work."""
    today = timezone.localdate()
    result = read_time_to_work(actor=caller(request), today=today, programme_id=programme)
    return {
        **programme_fields(caller(request), programme),
        "date": today.isoformat(),
        "method": "Kaplan–Meier (lifelines); median 95% CI from the exponential Greenwood band",
        "areas": [_time_row(row) for row in result.areas],
        "all_areas": _time_row(result.overall),
    }


@router.get(
    "/research/analytics/paid-work-model",
    response={200: PaidWorkModelOut, **error_responses(401, 403, 404)},
    summary="Odds of paid work by number of barriers and area (logistic regression)",
    url_name="research_analytics_paid_work_model",
)
def paid_work_model(request: HttpRequest, programme: int | None = programme_query()) -> dict[str, Any]:
    """For evaluators. When the model cannot be estimated (too few people, perfect separation),
    `fitted` is false and `message` says why."""
    today = timezone.localdate()
    model = read_paid_work_model(actor=caller(request), today=today, programme_id=programme)
    return {
        **programme_fields(caller(request), programme),
        "date": today.isoformat(),
        "method": "Logistic regression (statsmodels logit): paid ~ barriers + area",
        "n": model.n,
        "in_paid_work": model.in_work,
        "fitted": model.fitted,
        "message": model.message,
        "reference_area": model.reference_area,
        "reference_rule": "the area with the most people in the model, alphabetically first among equals",
        "odds_ratios": [
            {
                "term": ratio.term,
                "kind": "barriers" if ratio.people is None else "area",
                "people": model.n if ratio.people is None else ratio.people,
                "odds_ratio": ratio.odds_ratio,
                "ci_low": ratio.ci_low,
                "ci_high": ratio.ci_high,
                "p_value": ratio.p_value,
            }
            for ratio in model.odds_ratios
        ],
        "reading": list(model.reading),
        "left_out": list(model.left_out),
    }


def _rate_row(row: RateRow) -> dict[str, Any]:
    rate = row.paid_work
    return {
        "group": row.label,
        "n": row.people.value,
        "n_suppressed": reason_text(row.people),
        "in_paid_work": rate.count.value,
        "in_paid_work_suppressed": reason_text(rate.count),
        "rate": rate.rate,
        "ci_low": rate.ci_low,
        "ci_high": rate.ci_high,
        "rate_suppressed": rate.reason if rate.rate is None else None,
    }


@router.get(
    "/research/analytics/rates",
    response={200: RatesOut, **error_responses(401, 403, 404)},
    summary="Rates of paid work by area and by number of barriers, with 95% Wilson intervals",
    url_name="research_analytics_rates",
)
def rates(request: HttpRequest, programme: int | None = programme_query()) -> dict[str, Any]:
    """For evaluators. Small numbers are suppressed as in the funder's figures."""
    today = timezone.localdate()
    result = read_paid_work_rates(actor=caller(request), today=today, programme_id=programme)
    return {
        **programme_fields(caller(request), programme),
        "date": today.isoformat(),
        "method": "Share in paid work with 95% Wilson score intervals; counts of 1 to 4 suppressed",
        "by_area": [_rate_row(row) for row in result.by_area],
        "by_barriers": [_rate_row(row) for row in result.by_barriers],
    }
