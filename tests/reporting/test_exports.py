"""Every figure a cell of its own, typed: numbers as numbers, dates as dates, in CSV and XLSX."""

import csv
import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from coproduce.reporting.exports import (
    ExportTable,
    Interval,
    day,
    file_heading,
    interval_columns,
    percent,
    to_csv,
    to_xlsx,
    year_figure,
)

TABLE = ExportTable(
    slug="test",
    title="Typed cells",
    columns=(
        "Area",
        "People",
        interval_columns("Rate (95% interval)", "Rate"),
        file_heading("Share", "Share %"),
        "Year",
        "Since",
        "Grant",
    ),
    rows=(
        (
            "Fife",
            30,
            Interval(40.0, 25.1, 57.9, "40% (25%–58%)"),
            percent(0.362),
            year_figure(2016),
            day(datetime.date(2015, 3, 31)),
            Decimal("1000.50"),
        ),
        # A suppressed count: its marker, in each of the rate's columns too.
        (
            "Glasgow",
            "fewer than 5",
            Interval(None, None, None, "hidden"),
            "hidden",
            year_figure(2015),
            None,
            Decimal("0"),
        ),
    ),
)


def test_the_page_shows_one_cell_per_figure_group() -> None:
    assert [str(column) for column in TABLE.columns][2:4] == ["Rate (95% interval)", "Share"]
    assert TABLE.display_rows == [
        ["Fife", "30", "40% (25%–58%)", "36%", "2016", "31 March 2015", "£1,000.50"],
        ["Glasgow", "fewer than 5", "hidden", "hidden", "2015", "–", "£0"],
    ]


def test_xlsx_cells_are_numbers_and_dates_with_formats() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(TABLE))).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == [
        "Area",
        "People",
        "Rate %",
        "Rate lower 95% limit %",
        "Rate upper 95% limit %",
        "Share %",
        "Year",
        "Since",
        "Grant",
    ]
    fife = sheet[2]
    assert [cell.value for cell in fife[1:7]] == [30, 40.0, 25.1, 57.9, 36.2, 2016]
    assert all(cell.data_type == "n" for cell in fife[1:7])
    assert [cell.number_format for cell in fife[2:7]] == ["0.0", "0.0", "0.0", "0.0", "0"]
    since = fife[7]
    assert since.is_date
    assert since.value == datetime.datetime(2015, 3, 31)
    assert since.number_format == "yyyy-mm-dd"
    assert (fife[8].data_type, fife[8].number_format) == ("n", "£#,##0.00")
    # Suppressed: the marker stays, in text, so a file shows no more than the page.
    assert [cell.value for cell in sheet[3]][1:6] == ["fewer than 5", "hidden", "hidden", "hidden", "hidden"]
    assert sheet["H3"].value is None


def test_csv_cells_parse_as_numbers_and_iso_dates() -> None:
    text = to_csv(TABLE).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][2:5] == ["Rate %", "Rate lower 95% limit %", "Rate upper 95% limit %"]
    fife = rows[1]
    assert [float(value) for value in fife[2:6]] == [40.0, 25.1, 57.9, 36.2]
    assert int(fife[6]) == 2016
    assert datetime.date.fromisoformat(fife[7]) == datetime.date(2015, 3, 31)
    assert Decimal(fife[8]) == Decimal("1000.50")
    assert rows[2][1:6] == ["fewer than 5", "hidden", "hidden", "hidden", "hidden"]
    # Numbers bare, text quoted: a spreadsheet opening the CSV reads numbers as numbers.
    assert '"Fife",30,40.0,25.1,57.9,36.2,2016,"2015-03-31",1000.50\r\n' in text
