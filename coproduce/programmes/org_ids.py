"""Organisation identifiers as org-id.guide defines them: a list's code, a hyphen, the organisation's number
in that list, like GB-SC-SC012345 (a Scottish charity) or GB-COH-SC123456 (a company registered in Scotland).

360Giving's data-quality checks warn about any identifier whose prefix is not on org-id.guide's register, so
an identifier is accepted only with the code of a confirmed, current list: the United Kingdom's and the
international ones, copied unchanged under `org_id/lists/` (see its SOURCE.md). A few lists also have a
known shape for their numbers, checked here so that a mistyped number is caught where it is entered.
"""

import json
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

LISTS_DIR = Path(__file__).resolve().parent / "org_id" / "lists"

# The number's shape in the lists funders and partners use most. Charity Commission numbers are 6 or 7
# digits; OSCR's are SC and 6 digits; Companies House's are 8 characters (leading zeros kept, or two letters
# and 6 digits, like SC123456); the Charity Commission for Northern Ireland's are 6 digits (1xxxxx).
NUMBER_SHAPES = {
    "GB-CHC": (re.compile(r"^\d{6,7}$"), "a Charity Commission number is 6 or 7 digits, like GB-CHC-1164883"),
    "GB-SC": (re.compile(r"^SC\d{6}$"), "a Scottish charity number is SC and 6 digits, like GB-SC-SC012345"),
    "GB-COH": (
        re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$"),
        "a company number is 8 digits, or 2 letters and 6 digits, like GB-COH-SC123456",
    ),
    "GB-NIC": (re.compile(r"^\d{6}$"), "a Northern Ireland charity number is 6 digits, like GB-NIC-100002"),
}
# What org-id.guide allows in an identifier: letters, digits, hyphens, dots and underscores, no spaces.
IDENTIFIER_CHARACTERS = re.compile(r"^[A-Za-z0-9._-]+$")


@cache
def org_id_lists() -> dict[str, str]:
    """Each confirmed, current list's code (like GB-SC) → its name (like Scottish Charity Register)."""
    lists: dict[str, str] = {}
    for path in sorted(LISTS_DIR.glob("*/*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("confirmed") and not entry.get("deprecated"):
            lists[str(entry["code"]).upper()] = str(entry["name"]["en"])
    return lists


def split_org_id(value: str) -> tuple[str, str] | None:
    """(list code, number) for an identifier whose prefix is a known list; the longest code wins, so
    GB-SCOTEDU-… is not read as GB-SC-OTEDU-…"""
    upper = value.upper()
    for code in sorted(org_id_lists(), key=len, reverse=True):
        if upper.startswith(code + "-"):
            return code, value[len(code) + 1 :]
    return None


def normalise_org_id(value: str) -> str:
    """Spaces taken out and the list code in capitals: " gb-sc-SC 012345 " → "GB-SC-SC012345"."""
    compact = re.sub(r"\s+", "", value)
    parts = split_org_id(compact)
    if parts is None:
        return compact
    code, number = parts
    return f"{code}-{number.upper() if code in NUMBER_SHAPES else number}"


def validate_org_id(value: str) -> None:
    """An identifier with a register's code and a number of the shape that register uses."""
    if not value:
        return
    if not IDENTIFIER_CHARACTERS.match(value):
        raise ValidationError(
            "An organisation identifier has only letters, numbers and hyphens, like GB-SC-SC012345.", code="invalid"
        )
    parts = split_org_id(value)
    if parts is None:
        raise ValidationError(
            "Start the identifier with the code of the register the organisation is in, from org-id.guide: "
            "GB-SC- for a Scottish charity, GB-CHC- for a charity in England and Wales, GB-COH- for a company, "
            "GB-LAS- for a Scottish council, then its number, like GB-SC-SC012345.",
            code="unknown_list",
        )
    code, number = parts
    if not number:
        raise ValidationError(f"Add the organisation's number after {code}-, like GB-SC-SC012345.", code="no_number")
    shape = NUMBER_SHAPES.get(code)
    if shape is not None and not shape[0].match(number):
        raise ValidationError(f"{value} does not look right: {shape[1]}.", code="bad_number")
