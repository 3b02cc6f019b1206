"""Fran's dashboard: exact figures with intervals, charts with tables, downloads, the PDF report, no records."""

import csv
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
from tests.tagged_pdfs import pdf_tags, pdfinfo_says


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


RATE_COLUMNS = {
    "Paid-work rate": (
        "Paid-work rate %",
        "Paid-work rate lower 95% limit %",
        "Paid-work rate upper 95% limit %",
    ),
    "Fitting-job rate": (
        "Fitting-job rate %",
        "Fitting-job rate lower 95% limit %",
        "Fitting-job rate upper 95% limit %",
    ),
}


def test_a_table_downloads_as_csv_with_every_figure_in_its_own_cell(fran: Client) -> None:
    response = fran.get(reverse("web:funder_dashboard_download", args=["outcomes", "csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="outcomes-making-it-work-2017-01-01.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert table[0] == [
        "Area",
        "Participants",
        "In paid work",
        *RATE_COLUMNS["Paid-work rate"],
        "In a job that fits",
        *RATE_COLUMNS["Fitting-job rate"],
        "Claimant rate %",
        "Job density",
        "Labour market year",
    ]
    rows = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    # The page's "40% (25%–58%)" is three numbers of percent, to one decimal place.
    fife = rows["Fife"]
    rate, low, high = (float(fife[column]) for column in RATE_COLUMNS["Paid-work rate"])
    assert (rate, round(low), round(high)) == (40.0, 25, 58)
    assert low < rate < high
    for area in rows.values():
        for columns in RATE_COLUMNS.values():
            assert all(isinstance(float(area[column]), float) for column in columns)
    assert (fife["Participants"], fife["Claimant rate %"], fife["Job density"], fife["Labour market year"]) == (
        "30",
        "2.8",
        "0.72",
        "2016",
    )
    # Numbers are bare and text is quoted, so a spreadsheet reads the numbers as numbers.
    assert '"Fife",30,12,40.0,' in text
    assert (rows["Glasgow"]["Claimant rate %"], rows["Glasgow"]["Labour market year"]) == ("", "")


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


def test_the_outcomes_table_downloads_as_xlsx_with_numbers_as_numbers(fran: Client) -> None:
    response = fran.get(reverse("web:funder_dashboard_download", args=["outcomes", "xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    heading = [cell.value for cell in sheet[1]]
    assert heading[3:6] == list(RATE_COLUMNS["Paid-work rate"])
    assert heading[10:] == ["Claimant rate %", "Job density", "Labour market year"]
    fife = dict(zip(heading, sheet[2], strict=True))
    assert fife["Area"].value == "Fife"
    for name in (*RATE_COLUMNS["Paid-work rate"], *RATE_COLUMNS["Fitting-job rate"]):
        assert fife[name].data_type == "n"
        assert fife[name].number_format == "0.0"
    assert fife["Paid-work rate %"].value == 40.0
    assert (fife["Claimant rate %"].value, fife["Claimant rate %"].data_type) == (2.8, "n")
    assert fife["Claimant rate %"].number_format == "0.0"
    assert (fife["Job density"].value, fife["Job density"].number_format) == (0.72, "0.00")
    assert (fife["Labour market year"].value, fife["Labour market year"].data_type) == (2016, "n")
    assert fife["Labour market year"].number_format == "0"
    assert fife["Participants"].data_type == "n"


def test_the_engagement_table_downloads_as_xlsx(fran: Client) -> None:
    response = fran.get(reverse("web:funder_dashboard_download", args=["engagement", "xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Area", "Year", "Joined", "Agreed target", "Of target %"],
        ["Fife", 2015, 5, None, None],
        ["Fife", 2016, 25, 20, 125.0],
        ["Glasgow", 2015, 5, None, None],
        ["Glasgow", 2016, 15, None, None],
        ["All areas", 2015, 10, None, None],
        ["All areas", 2016, 40, None, None],
    ]
    assert (sheet["B3"].data_type, sheet["B3"].number_format) == ("n", "0")
    assert (sheet["E3"].data_type, sheet["E3"].number_format) == ("n", "0.0")


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


def test_the_funder_report_is_tagged_for_screen_readers(fran: Client) -> None:
    content = fran.get(reverse("web:funder_report_pdf")).content

    tags = pdf_tags(content)
    assert tags.marked
    assert (tags.language, tags.title, tags.xmp_title) == (
        "en-GB",
        "Making It Work: funder report",
        "Making It Work: funder report",
    )
    assert tags.display_title
    assert tags.elements["H1"] == 1
    assert tags.elements["H2"] == 3
    assert tags.elements["Table"] == len(fran.get(reverse("web:funder_dashboard")).context["tables"])
    assert tags.elements["Caption"] == tags.elements["Table"]
    assert tags.elements["TH"] > 0
    assert tags.elements["TD"] > 0
    assert tags.elements["TR"] > tags.elements["Table"]


def test_the_funder_report_is_tagged_for_pdfinfo(fran: Client) -> None:
    info = pdfinfo_says(fran.get(reverse("web:funder_report_pdf")).content)

    assert info["Tagged"] == "yes"
    assert info["Title"] == "Making It Work: funder report"


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


QUERY_BUDGET = 15


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("web:funder_home", ()),
        ("web:funder_dashboard", ()),
        ("web:funder_dashboard_download", ["outcomes", "csv"]),
        ("web:funder_dashboard_download", ["engagement", "xlsx"]),
        ("web:funder_dashboard_download", ["costs", "csv"]),
        ("web:funder_report_pdf", ()),
    ],
)
def test_every_funder_page_and_file_takes_the_same_queries_within_budget_at_any_size(
    personas: Personas, client_for: Callable[[str], Client], name: str, args: list[str]
) -> None:
    """The figures are grouped queries: more people, jobs and areas cost no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(name, args=args)
    client = client_for("funder")
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    build_story(personas)
    more_areas(personas, 3)
    with CaptureQueriesContext(connection) as bigger:
        assert client.get(url).status_code == 200

    assert len(bigger.captured_queries) == len(small.captured_queries) <= QUERY_BUDGET
