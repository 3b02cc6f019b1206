"""How the PDF copy writes the values of data.json for a person: dates in words, blanks as a dash."""

import datetime
from typing import Any

from django import template

register = template.Library()

BLANK = "–"


@register.filter
def moment(value: str | None) -> str:
    """ "2026-09-03T14:05:00+01:00" → "3 September 2026, 14:05"."""
    if not value:
        return BLANK
    parsed = datetime.datetime.fromisoformat(value)
    return f"{parsed.day} {parsed:%B %Y, %H:%M}"


@register.filter
def in_month(value: str | None) -> str:
    """ "2026-09-03T14:05:00+01:00" → "In September 2026"."""
    if not value:
        return BLANK
    return f"In {datetime.datetime.fromisoformat(value):%B %Y}"


@register.filter
def on_day(value: str | None) -> str:
    """ "2026-09-03" → "3 September 2026"."""
    if not value:
        return BLANK
    parsed = datetime.date.fromisoformat(value)
    return f"{parsed.day} {parsed:%B %Y}"


@register.filter
def label(value: dict[str, Any] | None) -> str:
    """A coded value's plain-English label, or a dash."""
    return str(value["label"]) if value else BLANK


@register.filter
def labels(values: list[dict[str, Any] | None]) -> str:
    return ", ".join(str(value["label"]) for value in values if value) or BLANK


@register.filter
def or_dash(value: Any) -> Any:
    return BLANK if value in (None, "") else value


@register.filter
def yes_no(value: bool | None) -> str:
    if value is None:
        return "Not recorded"
    return "Yes" if value else "No"


@register.filter
def field_words(names: list[str] | tuple[str, ...]) -> str:
    """Field names as words: ["given_name", "postcode"] → "given name, postcode"."""
    return ", ".join(name.replace("_", " ") for name in names)
