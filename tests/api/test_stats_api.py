"""GET /api/v1/stats/programme: the funder's figures as JSON, suppressed cells null with a reason beside them."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from tests.personas import Personas
from tests.reporting.stats_story import TODAY, build_story
from tests.reporting.test_statistics import more_areas

URL = "/api/v1/stats/programme"


@pytest.fixture(autouse=True)
def _today_is_new_year_2017(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def rate(count: int | None, value: float | None, low: float | None, high: float | None) -> dict[str, object]:
    approx = {"count": count, "rate": value, "ci_low": low, "ci_high": high}
    return {key: pytest.approx(v, abs=5e-5) if isinstance(v, float) else v for key, v in approx.items()}


def test_the_route_is_where_the_issue_says() -> None:
    assert reverse("api-v1:programme_stats") == URL


def test_the_funder_gets_the_programme_and_each_area(personas: Personas, client_for: Callable[[str], Client]) -> None:
    build_story(personas)

    response = client_for("funder").get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "programme", "programme_id", "date", "area", "participants", "participants_suppressed", "paid_work",
        "paid_work_suppressed",
        "fitting_job", "fitting_job_suppressed", "engagement", "labour_market", "grants", "cost_per_participant",
        "cost_per_participant_suppressed", "cost_per_job_outcome", "cost_per_job_outcome_suppressed", "budget",
        "approved_spend", "areas", "figures_as_of",
    }  # fmt: skip
    assert (body["programme"], body["date"], body["area"]) == ("Making It Work", "2017-01-01", "All areas")
    assert body["participants"] == 50
    assert body["participants_suppressed"] is None
    assert body["paid_work"] == rate(17, 0.34, 0.2244, 0.4785)
    assert body["fitting_job"] == rate(11, 0.22, 0.1275, 0.3524)
    assert body["engagement"] == [
        {"year": 2015, "joined": 10, "joined_suppressed": None, "target": None},
        {"year": 2016, "joined": 40, "joined_suppressed": None, "target": None},
    ]
    assert (body["grants"], body["cost_per_participant"], body["cost_per_job_outcome"]) == (90000.0, 1800.0, 5294.12)
    assert (body["budget"], body["approved_spend"]) == (1000.0, 40.0)
    fife, glasgow = body["areas"]
    assert fife == {
        "area": "Fife",
        "participants": 30,
        "participants_suppressed": None,
        "paid_work": rate(12, 0.4, 0.2459, 0.5768),
        "paid_work_suppressed": None,
        "fitting_job": rate(6, 0.2, 0.09505, 0.37306),
        "fitting_job_suppressed": None,
        "engagement": [
            {"year": 2015, "joined": 5, "joined_suppressed": None, "target": None},
            {"year": 2016, "joined": 25, "joined_suppressed": None, "target": 20},
        ],
        "labour_market": {"year": 2016, "claimant_rate": 2.8, "job_density": 0.72, "source": "ONS Nomis"},
        "grants": 60000.0,
        "cost_per_participant": 2000.0,
        "cost_per_participant_suppressed": None,
        "cost_per_job_outcome": 5000.0,
        "cost_per_job_outcome_suppressed": None,
        "budget": 1000.0,
        "approved_spend": 40.0,
    }
    assert (glasgow["area"], glasgow["participants"], glasgow["paid_work"]) == (
        "Glasgow",
        20,
        rate(5, 0.25, 0.1119, 0.4687),
    )
    assert glasgow["labour_market"] is None
    assert personas.participant.reference not in response.content.decode()


def test_a_suppressed_cell_is_null_with_its_reason(personas: Personas, client_for: Callable[[str], Client]) -> None:
    # The personas alone: 3 in Fife, 1 in Glasgow, nobody in work.
    body = client_for("funder").get(URL).json()

    assert (body["participants"], body["participants_suppressed"]) == (None, "fewer than 5")
    assert body["paid_work"] == {"count": 0, "rate": None, "ci_low": None, "ci_high": None}
    assert body["paid_work_suppressed"] == "fewer than 5"
    assert (body["cost_per_participant"], body["cost_per_participant_suppressed"]) == (None, "fewer than 5")
    fife = body["areas"][0]
    assert (fife["area"], fife["participants"], fife["participants_suppressed"]) == ("Fife", None, "fewer than 5")
    assert fife["engagement"] == [{"year": 2015, "joined": None, "joined_suppressed": "fewer than 5", "target": None}]


def test_the_read_is_audited_as_aggregates_with_no_participant(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client_for("funder").get(URL)

    event = AuditEvent.objects.filter(actor=personas.funder.user).latest("pk")
    assert (event.action, event.channel, event.record_type, event.participant_id, event.path) == (
        "view",
        "api",
        "programmes.Programme",
        None,
        URL,
    )


@pytest.mark.parametrize("role", ["keyworker", "partner_worker", "partnership_manager", "evaluator", "participant"])
def test_other_roles_are_refused_with_no_figures(
    personas: Personas, client_for: Callable[[str], Client], role: str
) -> None:
    build_story(personas)

    response = client_for(role).get(URL)

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


def test_anonymous_callers_get_401(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 401


def test_the_number_of_queries_does_not_grow_with_areas_or_participants(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("funder")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    build_story(personas)
    more_areas(personas, 3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)
