"""Any report table as CSV or XLSX (openpyxl). Pure functions: a table in, bytes out.

A table's cells are what the page shows: whole numbers, sums of money (Decimal), or text (a
suppressed count's "fewer than 5", a rate with its interval). Numbers stay numbers in XLSX.
Text goes through coproduce.core.spreadsheets, so that nothing a person typed (a service's
name, a quote, a note) can become a live formula in the spreadsheet that opens the file.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from coproduce.core.spreadsheets import SafeCsvWriter, xlsx_cell

Value = int | Decimal | str | None


@dataclass(frozen=True)
class ExportTable:
    slug: str  # names the download, like "areas"
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]

    @property
    def display_rows(self) -> list[list[str]]:
        """The cells as a page shows them: 1,234 and £1,234.50."""
        return [[display(value) for value in row] for row in self.rows]


def display(value: Value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"£{value:,.2f}" if value % 1 else f"£{value:,.0f}"
    return value


def to_csv(table: ExportTable) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read "–" and "£" right; text in
    double quotes and inert, numbers bare."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: ExportTable) -> bytes:
    """One sheet named after the table: a heading row, then the rows; money formatted as pounds."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(table.title)
    sheet.append([xlsx_cell(column) for column in table.columns])
    for row in table.rows:
        sheet.append([xlsx_cell(value) for value in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(_source(table, cell.row, cell.column), Decimal):
                cell.number_format = "£#,##0.00"
    for index, column in enumerate(table.columns, start=1):
        width = max([len(column), *(len(display(row[index - 1])) for row in table.rows)]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _source(table: ExportTable, row: int, column: int) -> Value:
    return table.rows[row - 2][column - 1]


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
