"""Any report table as CSV or XLSX (openpyxl). Pure functions: a table in, bytes out.

A page and a file show the same figures in two forms. A page shows "36% (32%–40%)" in one cell;
an analyst's file needs every figure in its own cell, as a number or a date a spreadsheet can
compute with. So a table's cells are typed:

- whole numbers (int) and other numbers (float), written as numbers;
- sums of money (Decimal), numbers formatted as pounds in XLSX;
- `Figure`: a number or date with the text a page shows for it, like a percentage (value 36.2,
  shown "36%"), a year (2015) or a day (a real date in XLSX, ISO 8601 in CSV);
- `Interval`: an estimate with its 95% interval. A page shows one cell; a file splits its
  `Split` column into three, the estimate and its lower and upper limits, each a number;
- text, such as a name, or the marker of a suppressed count ("fewer than 5", "hidden").

Percentages are numbers from 0 to 100 with "%" in the column's heading, the same in CSV and
XLSX. A suppressed count keeps its text marker in its (otherwise numeric) column, in every file,
so that a file never shows more than the page; a rate or interval that cannot be shown has the
marker in each of its three columns.

Text goes through coproduce.core.spreadsheets, so that nothing a person typed (a service's
name, a quote, a note) can become a live formula in the spreadsheet that opens the file.
"""

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from coproduce.core.spreadsheets import SafeCsvWriter, xlsx_cell

MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0"  # a percentage as a number from 0 to 100; the heading says "%"
WHOLE_FORMAT = "0"  # a year, without a thousands separator

Number = int | float | Decimal


@dataclass(frozen=True)
class Figure:
    """A number or date a file holds as it is, with the text a page shows for it."""

    value: Number | datetime.date | None
    text: str
    number_format: str = "General"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Interval:
    """An estimate and its 95% interval: one cell on a page, three numbers in a file."""

    value: Number | str | None  # text: why there is no number, like "not reached"
    low: Number | str | None
    high: Number | str | None
    text: str  # like "36% (32%–40%)", or why it is not shown
    number_format: str = PERCENT_FORMAT

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Split:
    """A page column with other headings in a file: three for an estimate and its lower and upper
    limits, or one that names the unit the page's cells show ("Of target %" for "36%")."""

    title: str
    parts: tuple[str, ...]

    def __str__(self) -> str:
        return self.title


Value = int | float | Decimal | str | datetime.date | Figure | Interval | None
Column = str | Split
FileValue = Number | str | datetime.date | None


def percent(share: float | Decimal | None, *, why_not: str = "–") -> Figure | str:
    """A share (0.362) as a percentage: 36.2 in a file, "36%" on a page; `why_not` when there is none."""
    if share is None:
        return why_not
    hundred = Decimal(str(share)) * 100
    shown = hundred.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return Figure(float(hundred.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), f"{shown}%", PERCENT_FORMAT)


def year_figure(value: int) -> Figure:
    """A year: a whole number, shown and formatted without a thousands separator."""
    return Figure(value, str(value), WHOLE_FORMAT)


def day(value: datetime.date, text: str | None = None) -> Figure:
    """A date: a real date in a file, "4 December 2026" (or `text`) on a page."""
    return Figure(value, text if text is not None else f"{value:%-d %B %Y}", DATE_FORMAT)


def number(value: Number | None, places: int, *, why_not: str = "–") -> Figure | str:
    """A measured number shown to `places` decimal places (the file keeps it to those places too)."""
    if value is None:
        return why_not
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Figure(float(rounded), f"{rounded:,}", "0." + "0" * places if places else WHOLE_FORMAT)


def file_heading(title: str, in_files: str) -> Split:
    """A column headed `title` on a page and `in_files` in a file."""
    return Split(title, (in_files,))


def interval_columns(title: str, name: str, unit: str = "%") -> Split:
    """The page heading `title` (like "Paid-work rate (95% interval)") and a file's three headings."""
    suffix = f" {unit}" if unit else ""
    return Split(title, (f"{name}{suffix}", f"{name} lower 95% limit{suffix}", f"{name} upper 95% limit{suffix}"))


@dataclass(frozen=True)
class ExportTable:
    slug: str  # names the download, like "areas"
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    # Said of the whole table, like "Figures as of 10:05, 3 Dec 2026": an XLSX file's description
    # (its document properties); a CSV file has no place for it.
    note: str = ""

    @property
    def display_rows(self) -> list[list[str]]:
        """The cells as a page shows them: 1,234, £1,234.50 and "36% (32%–40%)"."""
        return [[display(value) for value in row] for row in self.rows]

    @property
    def file_columns(self) -> tuple[str, ...]:
        """The headings a file has: a split column's three in its place."""
        return tuple(name for column in self.columns for name in _headings(column))

    @property
    def file_rows(self) -> list[list[tuple[FileValue, str | None]]]:
        """Each file cell as (value, XLSX number format or None for none)."""
        return [
            [cell for column, value in zip(self.columns, row, strict=True) for cell in _file_cells(column, value)]
            for row in self.rows
        ]


def _headings(column: Column) -> tuple[str, ...]:
    return column.parts if isinstance(column, Split) else (column,)


def _file_cells(column: Column, value: Value) -> list[tuple[FileValue, str | None]]:
    if isinstance(column, Split) and len(column.parts) == 3:
        if isinstance(value, Interval):
            parts = (value.value, value.low, value.high)
            if all(part is None for part in parts):
                # Not shown (a count suppressed, or nobody to count): why, in each column.
                return [(value.text, None)] * len(parts)
            return [(part, value.number_format) for part in parts]
        # A suppressed or missing estimate: the same marker in each of its columns.
        return [_file_cell(value)] * len(column.parts)
    return [_file_cell(value)]


def _file_cell(value: Value) -> tuple[FileValue, str | None]:
    if isinstance(value, Figure):
        return value.value, value.number_format
    if isinstance(value, Interval):
        return value.value, value.number_format
    if isinstance(value, datetime.datetime):
        return value, DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    if isinstance(value, Decimal):
        return value, MONEY_FORMAT
    return value, None


def display(value: Value) -> str:
    if value is None:
        return "–"
    if isinstance(value, Figure | Interval):
        return value.text
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"£{value:,.2f}" if value % 1 else f"£{value:,.0f}"
    if isinstance(value, datetime.datetime):
        return f"{value:%-d %B %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return value


def _csv_value(value: FileValue) -> object:
    # ISO 8601, the form every spreadsheet and statistics package reads as a date.
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def to_csv(table: ExportTable) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read "–" and "£" right; text in
    double quotes and inert, numbers bare, dates as ISO 8601 (2015-03-31)."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\r\n")
    writer.writerow(table.file_columns)
    writer.writerows([_csv_value(value) for value, _format in row] for row in table.file_rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: ExportTable) -> bytes:
    """One sheet named after the table: a heading row, then the rows; numbers and dates as such,
    each with its number format (money as pounds, percentages to one place, dates as dates)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(table.title)
    if table.note:
        workbook.properties.description = table.note
    columns = table.file_columns
    sheet.append([xlsx_cell(column) for column in columns])
    rows = table.file_rows
    for row in rows:
        sheet.append([_xlsx_value(value) for value, _format in row])
    for row_cells, row in zip(sheet.iter_rows(min_row=2), rows, strict=True):
        for cell, (value, number_format) in zip(row_cells, row, strict=True):
            if number_format is not None and not isinstance(value, str):
                cell.number_format = number_format
    for index, column in enumerate(columns, start=1):
        width = max([len(column), *(len(_width_text(row[index - 1][0])) for row in rows)]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: FileValue) -> object:
    # openpyxl cannot write a time zone: a moment is written as the local time it was.
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    return xlsx_cell(value)


def _width_text(value: FileValue) -> str:
    if isinstance(value, datetime.date):
        return "2015-03-31 12:00" if isinstance(value, datetime.datetime) else "2015-03-31"
    return "" if value is None else str(value)


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if character in "[]:*?/\\" else character for character in title)
    return cleaned[:31] or "Table"


CSV = "csv"
XLSX = "xlsx"
FORMATS: Sequence[str] = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
