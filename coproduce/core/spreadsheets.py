"""Text a person typed, made safe to open in a spreadsheet: every CSV and XLSX we write goes through here.

Excel, LibreOffice and Google Sheets run a cell that starts with "=", "+", "-" or "@" (some also
a tab or a carriage return) as a formula, so a service called `=HYPERLINK("http://…","Help")`
would be a live link in a manager's download ("CSV injection"). OWASP's advice, followed here:
put a single quote in front of such text, and in CSV also enclose the field in double quotes
(every text field is quoted, so that a separator inside text can never start a new cell).

Real numbers (int, float, Decimal) are written as numbers, so a negative amount stays a number;
text that merely looks like one ("-5 days", a phone number "+44 …") is text and is neutralised.

`restored_text` undoes `inert_text` exactly, for importers that read our own files back (the
HSDS data package): a text that already starts with quotes before a formula character gets one
more quote, so that restoring never eats a quote the person typed.
"""

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

# OWASP's list (CSV Injection, https://owasp.org/www-community/attacks/CSV_Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Characters an XLSX (XML) cell cannot hold; openpyxl refuses them, so they are dropped.
_NOT_IN_XLSX = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

Number = int | float | Decimal


def is_number(value: object) -> bool:
    """A real number (bool is not one, though Python says it is an int)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def inert_text(text: str) -> str:
    """`text` with a single quote in front when a spreadsheet would take it for a formula."""
    if text.lstrip(QUOTE).startswith(FORMULA_STARTS):
        return QUOTE + text
    return text


def restored_text(text: str) -> str:
    """The text `inert_text` was given: its one added quote removed."""
    if text.startswith(QUOTE) and text.lstrip(QUOTE).startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_cell(value: object) -> Number | str:
    """A numeric cell as the number, anything else as inert text (None as empty)."""
    if is_number(value):
        return value  # type: ignore[return-value]
    return inert_text("" if value is None else str(value))


def xlsx_cell(value: object) -> object:
    """What to put in an openpyxl cell: numbers (and None) as they are, anything else as inert text."""
    if value is None or is_number(value):
        return value
    return inert_text(_NOT_IN_XLSX.sub("", str(value)))


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeCsvWriter:
    """A csv.writer whose rows are made safe: text quoted and inert, numbers bare."""

    def __init__(self, stream: _Writable, *, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC, lineterminator=lineterminator)

    def writerow(self, row: Sequence[object]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Sequence[object]]) -> None:
        for row in rows:
            self.writerow(row)
