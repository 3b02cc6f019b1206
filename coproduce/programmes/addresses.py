"""An organisation's postal address as 360Giving publishes it: street, town and a UK postcode."""

import re

from django.core.exceptions import ValidationError

UK_POSTCODE = re.compile(r"^(GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$")


def normalise_postcode(postcode: str) -> str:
    """A UK postcode in capitals with one space before the last three characters: "ky11xx" → "KY1 1XX"."""
    compact = "".join(postcode.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def validate_uk_postcode(value: str) -> None:
    if value and not UK_POSTCODE.match(normalise_postcode(value)):
        raise ValidationError("Enter a full UK postcode, like KY1 1XX.", code="invalid")
