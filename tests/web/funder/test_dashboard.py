"""Fran's dashboard: exact figures with intervals, charts with tables, downloads, the PDF report, no records."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from coproduce.audit.models import AuditEvent
from tests.personas import Personas
from tests.reporting.stats_story import TODAY, build_story
from tests.reporting.test_statistics import more_areas


@pytest.fixture(autouse=True)
def _today_is_new_year_2017(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def fran(personas: Personas, client_for: Callable[[str], Client]) -> Client:
    build_story(personas)
    return client_for("funder")


def test_the_dashboard_shows_the_figures_with_their_intervals(personas: Personas, fran: Client) -> None:
    response = fran.get(reverse("web:funder_dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Funder dashboard</h1>" in html
    assert '<span class="cp-stat__number">50</span><span class="cp-stat__label">participants have joined</span>' in html
    assert (
        '<span class="cp-stat__number">17</span><span class="cp-stat__label">went into paid work: 34% (22%–48%)</span>'
        in html
    )
    assert "Rates of paid work range from 25% (11%–47%) in Glasgow to 40% (25%–58%) in Fife." in html
    tables = response.context["tables"]
    assert tables["outcomes"].display_rows == [
        ["Fife", "30", "12", "40% (25%–58%)", "6", "20% (10%–37%)", "2.8", "0.72", "2016"],
        ["Glasgow", "20", "5", "25% (11%–47%)", "5", "25% (11%–47%)", "–", "–", "–"],
        ["All areas", "50", "17", "34% (22%–48%)", "11", "22% (13%–35%)", "–", "–", "–"],
    ]
    # Each cell names its column, which a phone shows beside it when the table is stacked.
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="{}">'
    fife = f'<th scope="row" class="govuk-table__header">Fife</th>{cell.format("Participants")}30</td>'
    assert f"{fife}{cell.format('In paid work')}12</td>" in html
    # Each chart is inline SVG with a description in words, and its table is below it.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert "<desc>Fife: 40% (25%–58%). Glasgow: 25% (11%–47%). All areas: 34% (22%–48%).</desc>" in html
    assert "<desc>Joined: 2015 10, 2016 40. Agreed target: 2015 not shown, 2016 not shown.</desc>" in html
    for slug in ("outcomes", "engagement", "costs"):
        for file_format in ("csv", "xlsx"):
            assert f'href="/funder/dashboard/{slug}.{file_format}"' in html
    assert 'href="/funder/report.pdf"' in html
    # Numbers only: no one's name or reference.
    for text in (personas.participant.full_name, personas.participant.reference, "MIW-TST-"):
        assert text not in html


def test_viewing_the_dashboard_is_audited_as_a_read_of_aggregates(personas: Personas, fran: Client) -> None:
    fran.get(reverse("web:funder_dashboard"))

    event = AuditEvent.objects.filter(actor=personas.funder.user).latest("pk")
    assert (event.action, event.channel, event.record_type, event.participant_id) == (
        "view",
        "page",
        "programmes.Programme",
        None,
    )


def test_a_table_downloads_as_csv(fran: Client) -> None:
    response = fran.get(reverse("web:funder_dashboard_download", args=["outcomes", "csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="outcomes-making-it-work-2017-01-01.csv"'
    assert response.content.decode("utf-8") == (
        '\ufeff"Area","Participants","In paid work","Paid-work rate (95% interval)","In a job that fits",'
        '"Fitting-job rate (95% interval)","Claimant rate %","Job density","Labour market year"\r\n'
        '"Fife",30,12,"40% (25%–58%)",6,"20% (10%–37%)","2.8","0.72","2016"\r\n'
        '"Glasgow",20,5,"25% (11%–47%)",5,"25% (11%–47%)","","",""\r\n'
        '"All areas",50,17,"34% (22%–48%)",11,"22% (13%–35%)","","",""\r\n'
    )


def test_a_table_downloads_as_xlsx(fran: Client) -> None:
    response = fran.get(reverse("web:funder_dashboard_download", args=["costs", "xlsx"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.title == "Grants, costs and budgets by ar"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Area", "Grants", "Cost per participant", "Cost per job outcome", "Budget pots", "Approved spend"],
        ["Fife", 60000, 2000, 5000, 1000, 40],
        ["Glasgow", 30000, 1500, 6000, 0, 0],
        ["All areas", 90000, 1800, 5294.12, 1000, 40],
    ]
    assert sheet["B2"].number_format == "£#,##0.00"


def test_the_engagement_table_downloads_as_xlsx(fran: Client) -> None:
    response = fran.get(reverse("web:funder_dashboard_download", args=["engagement", "xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Area", "Year", "Joined", "Agreed target", "Of target"],
        ["Fife", "2015", 5, None, "–"],
        ["Fife", "2016", 25, 20, "125%"],
        ["Glasgow", "2015", 5, None, "–"],
        ["Glasgow", "2016", 15, None, "–"],
        ["All areas", "2015", 10, None, "–"],
        ["All areas", "2016", 40, None, "–"],
    ]


@pytest.mark.parametrize(("table", "file_format"), [("participants", "csv"), ("outcomes", "pdf")])
def test_an_unknown_table_or_format_is_not_found(fran: Client, table: str, file_format: str) -> None:
    response = fran.get(reverse("web:funder_dashboard_download", args=[table, file_format]))

    assert response.status_code == 404


def test_the_funder_report_is_a_pdf_with_the_headline(personas: Personas, fran: Client) -> None:
    response = fran.get(reverse("web:funder_report_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Making It Work: funder report" in text
    assert "50 participants" in text
    assert "34% (22%–48%)" in text
    assert personas.participant.full_name not in text
    event = AuditEvent.objects.filter(actor=personas.funder.user).latest("pk")
    assert (event.action, event.channel, event.participant_id) == ("export", "export", None)


@pytest.mark.parametrize("role", ["keyworker", "partnership_manager", "evaluator", "participant", "administrator"])
def test_other_roles_are_refused_and_see_no_figures(
    personas: Personas, client_for: Callable[[str], Client], role: str
) -> None:
    build_story(personas)
    client = client_for(role)
    for url in (
        reverse("web:funder_dashboard"),
        reverse("web:funder_dashboard_download", args=["outcomes", "csv"]),
        reverse("web:funder_report_pdf"),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "34% (22%–48%)" not in response.content.decode(errors="replace")


def test_anonymous_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("web:funder_dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def page_queries(client: Client, django_assert_num_queries: Any, count: int) -> None:
    with django_assert_num_queries(count):
        assert client.get(reverse("web:funder_dashboard")).status_code == 200


def test_the_dashboard_takes_the_same_queries_for_one_area_or_many(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: Any
) -> None:
    client = client_for("funder")
    client.get(reverse("web:funder_dashboard"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:funder_dashboard"))
    build_story(personas)
    more_areas(personas, 3)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("web:funder_dashboard"))

    assert len(many.captured_queries) == len(few.captured_queries)
    page_queries(client, django_assert_num_queries, len(few.captured_queries))
