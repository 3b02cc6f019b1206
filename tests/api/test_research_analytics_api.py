"""GET /api/v1/research/analytics/{time-to-work,paid-work-model,rates}: the evaluator's outcome analytics."""

import datetime
import math
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.reporting.research_outcomes import counted_people, paid_work_model_of
from coproduce.reporting.statistics import wilson_interval
from tests.outcomes.factories import JobStartFactory
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.reporting.test_research_outcomes import JOINED, MONTH, TODAY, Cohort, build_cohort, consented

BASE = "/api/v1/research/analytics"


@pytest.fixture(autouse=True)
def _today_is_new_year_2017(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def cohort(personas: Personas) -> Cohort:
    return build_cohort(personas)


def test_the_routes_are_where_the_brief_says() -> None:
    assert reverse("api-v1:research_analytics_time_to_work") == f"{BASE}/time-to-work"
    assert reverse("api-v1:research_analytics_paid_work_model") == f"{BASE}/paid-work-model"
    assert reverse("api-v1:research_analytics_rates") == f"{BASE}/rates"


def test_time_to_work_by_area(cohort: Cohort, personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = client_for("evaluator").get(f"{BASE}/time-to-work")

    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2017-01-01"
    fife, glasgow = body["areas"]
    assert {key: fife[key] for key in ("area", "n", "found_work", "censored", "estimated", "median_reached")} == {
        "area": "Fife",
        "n": 10,
        "found_work": 5,
        "censored": 5,
        "estimated": True,
        "median_reached": True,
    }
    assert fife["median_months"] == pytest.approx(400 / MONTH, rel=1e-12)
    assert fife["median_ci_high"] is None  # not reached
    assert [point["months"] for point in fife["survival"]] == [3, 6, 12, 24]
    assert [point["still_not_in_work"] for point in fife["survival"]] == pytest.approx(
        [0.675, 0.54, 0.54, 0.36], rel=1e-12
    )
    assert fife["curve"][0] == {"months": 0.0, "still_not_in_work": 1.0}
    assert glasgow["median_months"] == pytest.approx(151 / MONTH, rel=1e-12)
    assert (body["all_areas"]["area"], body["all_areas"]["n"]) == ("All areas", 24)
    event = AuditEvent.objects.get(actor=personas.evaluator.user, path=f"{BASE}/time-to-work")
    assert (event.action, event.channel, event.participant_id) == ("view", "api", None)


def test_the_paid_work_model(cohort: Cohort, personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = client_for("evaluator").get(f"{BASE}/paid-work-model")

    assert response.status_code == 200
    body = response.json()
    expected = paid_work_model_of(counted_people(personas.evaluator.user, TODAY))
    assert (body["n"], body["in_paid_work"], body["fitted"], body["reference_area"]) == (24, 12, True, "Glasgow")
    assert body["reference_rule"] == "the area with the most people in the model, alphabetically first among equals"
    barriers, fife = body["odds_ratios"]
    assert (barriers["term"], barriers["kind"], barriers["people"]) == ("Each extra barrier", "barriers", 24)
    assert (fife["term"], fife["kind"], fife["people"]) == ("Fife", "area", 10)
    for ours, theirs in zip(body["odds_ratios"], expected.odds_ratios, strict=True):
        assert (ours["odds_ratio"], ours["ci_low"], ours["ci_high"], ours["p_value"]) == pytest.approx(
            (theirs.odds_ratio, theirs.ci_low, theirs.ci_high, theirs.p_value), rel=1e-12
        )
        assert ours["ci_low"] < ours["odds_ratio"] < ours["ci_high"]
        assert math.isfinite(ours["p_value"])
    assert body["reading"] == list(expected.reading)
    assert body["left_out"] == []


def test_the_model_says_why_when_it_cannot_be_fitted(personas: Personas, client_for: Callable[[str], Client]) -> None:
    personas.with_research()

    body = client_for("evaluator").get(f"{BASE}/paid-work-model").json()

    assert (body["n"], body["fitted"], body["odds_ratios"]) == (0, False, [])
    assert body["message"] == (
        "Too few people to fit the model: it needs at least 5 people in paid work and 5 not, and has 0 and 0."
    )
    assert body["left_out"] == ["2 with no assessment recorded"]


def test_rates_with_wilson_intervals_and_suppression(cohort: Cohort, client_for: Callable[[str], Client]) -> None:
    body = client_for("evaluator").get(f"{BASE}/rates").json()

    fife = body["by_area"][0]
    low, high = wilson_interval(5, 10)
    assert fife == {
        "group": "Fife",
        "n": 10,
        "n_suppressed": None,
        "in_paid_work": 5,
        "in_paid_work_suppressed": None,
        "rate": 0.5,
        "ci_low": low,
        "ci_high": high,
        "rate_suppressed": None,
    }
    four_or_more = body["by_barriers"][2]
    assert four_or_more == {
        "group": "4+",
        "n": None,
        "n_suppressed": "fewer than 5",
        "in_paid_work": None,
        "in_paid_work_suppressed": "fewer than 5",
        "rate": None,
        "ci_low": None,
        "ci_high": None,
        "rate_suppressed": "fewer than 5",
    }
    assert [row["group"] for row in body["by_barriers"]] == ["0–1", "2–3", "4+", "All"]


@pytest.mark.parametrize("role", ["funder", "keyworker", "partnership_manager", "participant", "administrator"])
@pytest.mark.parametrize("path", ["time-to-work", "paid-work-model", "rates"])
def test_nobody_else_gets_them(role: str, path: str, cohort: Cohort, client_for: Callable[[str], Client]) -> None:
    response = client_for(role).get(f"{BASE}/{path}")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only evaluators see the evaluation's outcome analytics."}


def test_anonymous_callers_are_asked_to_sign_in(client_for: Callable[[str], Client]) -> None:
    assert client_for("anonymous").get(f"{BASE}/rates").status_code == 401


def test_each_endpoint_takes_as_many_queries_with_more_people(
    cohort: Cohort, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("evaluator")
    paths = ("time-to-work", "paid-work-model", "rates")
    for path in paths:
        client.get(f"{BASE}/{path}")
    few = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{BASE}/{path}").status_code == 200
        few[path] = len(queries.captured_queries)
    for index in range(12):
        person = consented(personas.glasgow_keyworker)
        if index % 3 == 0:
            JobStartFactory(participant=person, achieved_on=JOINED + datetime.timedelta(days=40 + index))
        assessment = AssessmentFactory(participant=person, assessed_on=JOINED)
        AssessmentBarrierFactory(assessment=assessment)
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{BASE}/{path}").status_code == 200
        assert len(queries.captured_queries) == few[path] <= 15
