"""The evaluator's outcome analytics page and its CSV downloads."""

import csv
import datetime
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.research.models import ResearchConsent
from tests.personas import Personas
from tests.reporting.test_research_outcomes import TODAY, Cohort, build_cohort, consented

URL = "/research/analytics/"


@pytest.fixture(autouse=True)
def _today_is_new_year_2017(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def cohort(personas: Personas) -> Cohort:
    return build_cohort(personas)


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_routes_are_where_the_issue_says() -> None:
    assert reverse("web:research_analytics") == URL
    assert reverse("web:research_analytics_csv", args=["rates-by-area"]) == "/research/analytics/rates-by-area.csv"


def test_the_evaluator_sees_each_analysis_with_its_n_chart_and_table(
    cohort: Cohort, client_for: Callable[[str], Client]
) -> None:
    response = client_for("evaluator").get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "who agreed that the evaluators may use their service records (24 people)" in page
    # Time to work: the step chart and its table side by side.
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "Share still not in work by months since joining (Kaplan–Meier), first 24 months" in page
    assert "Fife: n = 10, 5 found work, median 13.1 months (95% CI 1.0 to not reached)." in page
    assert '<th scope="row" class="govuk-table__header">Glasgow</th>' in page
    assert "5.0 months (95% CI 5.0 to not reached)" in page
    # The model, in figures and in words.
    assert "n = 24 people, 12 of them in paid work." in page
    assert "Areas are compared with Glasgow, the area with the most people in the model" in page
    assert "Each extra barrier goes with odds of paid work" in page
    assert "In Fife the odds of paid work were" in page
    assert "Read with care: with 12 people in the rarer outcome and 2 odds ratios to estimate" in page
    # Rates with Wilson intervals, small numbers suppressed.
    assert "50% (24%–76%)" in page
    assert "fewer than 5" in page
    for slug in ("time-to-work", "time-to-work-curves", "paid-work-model", "rates-by-area", "rates-by-barriers"):
        assert f'href="/research/analytics/{slug}.csv"' in page


def test_no_pseudonym_name_or_reference_reaches_the_page(cohort: Cohort, client_for: Callable[[str], Client]) -> None:
    page = client_for("evaluator").get(URL).content.decode()

    for person in cohort.fife + cohort.glasgow:
        for secret in (person.research_consent.pseudonym, person.reference, person.email, person.mobile):
            assert secret not in page


def test_a_withdrawal_takes_someone_out_at_once(cohort: Cohort, client_for: Callable[[str], Client]) -> None:
    client = client_for("evaluator")
    assert "(24 people)" in client.get(URL).content.decode()

    consent = cohort.glasgow[0].research_consent.consent
    consent.withdrawn_at = datetime.datetime(2016, 12, 1, tzinfo=datetime.UTC)
    consent.save()

    page = client.get(URL).content.decode()
    assert "(23 people)" in page
    assert "n = 23 people, 11 of them in paid work." in page


def test_with_too_few_people_the_page_says_so(personas: Personas, client_for: Callable[[str], Client]) -> None:
    personas.with_research()  # Pat and Gemma agreed to everything; Olive withdrew

    response = client_for("evaluator").get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "(fewer than 5 people)" in page
    assert "Too few people to fit the model: it needs at least 5 people in paid work and 5 not, and has 0 and 0." in (
        page
    )
    assert "Not estimated: a number of people here is fewer than 5." in page
    assert "R-TESTPAT" not in page


def test_the_page_is_audited_as_a_read_of_aggregates(
    cohort: Cohort, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client_for("evaluator").get(URL)

    event = AuditEvent.objects.get(actor=personas.evaluator.user, path=URL)
    assert (event.action, event.channel, event.participant_id) == ("view", "page", None)


def test_each_table_downloads_as_csv(cohort: Cohort, personas: Personas, client_for: Callable[[str], Client]) -> None:
    client = client_for("evaluator")

    response = client.get("/research/analytics/rates-by-area.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="rates-by-area-2017-01-01.csv"'
    rates = rows_of(response.content)
    # The page's "50% (24%–76%)" is three numbers of percent in the file, each its own cell.
    assert rates[0] == [
        "Area",
        "People (n)",
        "In paid work",
        "Paid-work rate %",
        "Paid-work rate lower 95% limit %",
        "Paid-work rate upper 95% limit %",
    ]
    shown = {"Fife": (10, 5, 50, 24, 76), "Glasgow": (14, 7, 50, 27, 73), "All areas": (24, 12, 50, 31, 69)}
    for area, people, in_work, rate, low, high in rates[1:]:
        assert (int(people), int(in_work), *(round(float(value)) for value in (rate, low, high))) == shown[area]
    time = rows_of(client.get("/research/analytics/time-to-work.csv").content)
    assert time[0][:7] == [
        "Area",
        "People (n)",
        "Found work",
        "Not in work when last known (censored)",
        "Median months to first job",
        "Median months to first job lower 95% limit",
        "Median months to first job upper 95% limit",
    ]
    assert time[0][7].endswith(" months %")
    assert time[1] == ["Fife", "10", "5", "5", "13.1", "1.0", "not reached", "67.5", "54.0", "54.0", "36.0"]
    model = rows_of(client.get("/research/analytics/paid-work-model.csv").content)
    assert [row[:2] for row in model] == [
        ["Term", "People in the model"],
        ["Each extra barrier", "24"],
        ["Fife (against Glasgow)", "10"],
    ]
    event = AuditEvent.objects.get(actor=personas.evaluator.user, path="/research/analytics/rates-by-area.csv")
    assert (event.action, event.channel, event.participant_id) == ("export", "export", None)


def test_an_unknown_table_is_404_and_reads_nothing(cohort: Cohort, client_for: Callable[[str], Client]) -> None:
    response = client_for("evaluator").get("/research/analytics/participants.csv")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(path="/research/analytics/participants.csv").exists()


@pytest.mark.parametrize("role", ["funder", "keyworker", "partnership_manager", "participant"])
def test_nobody_else_gets_the_page(role: str, cohort: Cohort, client_for: Callable[[str], Client]) -> None:
    for url in (URL, "/research/analytics/rates-by-area.csv"):
        response = client_for(role).get(url)
        assert response.status_code == 403
        assert "Paid-work rate" not in response.content.decode()


def test_the_page_takes_as_many_queries_with_more_people(
    cohort: Cohort, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("evaluator")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(15):
        consented(personas.glasgow_keyworker)
    ResearchConsent.objects.filter(participant=cohort.fife[0]).update(service_data=False)
    with CaptureQueriesContext(connection) as more:
        response = client.get(URL)
    assert "(38 people)" in response.content.decode()
    assert len(more.captured_queries) == len(few.captured_queries) <= 15
    with CaptureQueriesContext(connection) as csv_file:
        assert client.get("/research/analytics/time-to-work.csv").status_code == 200
    assert len(csv_file.captured_queries) <= 15
