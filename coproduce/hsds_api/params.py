"""Query parameters of the HSDS API, parsed and checked before any query runs.

Every bad value raises `BadParameter` with a message that names the parameter and says what
to send; the views answer it with 400 and `{"detail": message}`.
"""

import datetime
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_SEARCH_LENGTH = 200
MAX_PROXIMITY_METRES = 200_000

# iCalendar day codes, as HSDS schedules store them in `byday`.
DAY_CODES = {
    "MO": "MO",
    "MON": "MO",
    "MONDAY": "MO",
    "TU": "TU",
    "TUE": "TU",
    "TUESDAY": "TU",
    "WE": "WE",
    "WED": "WE",
    "WEDNESDAY": "WE",
    "TH": "TH",
    "THU": "TH",
    "THURSDAY": "TH",
    "FR": "FR",
    "FRI": "FR",
    "FRIDAY": "FR",
    "SA": "SA",
    "SAT": "SA",
    "SATURDAY": "SA",
    "SU": "SU",
    "SUN": "SU",
    "SUNDAY": "SU",
}
# A UK postcode, or just its outward code (district), like "KY1 1XX" or "KY1".
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*([0-9][A-Z]{2}))?$")
TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}


class BadParameter(ValueError):
    """A query parameter the API cannot use; the message says which and what to send."""


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


@dataclass(frozen=True)
class Postcode:
    district: str  # the outward code, "KY1"
    full: str  # "KY1 1XX", or "" when only a district was given


def _one(query: Mapping[str, str], name: str) -> str:
    return query.get(name, "").strip()


def _whole_number(query: Mapping[str, str], name: str, *, minimum: int, maximum: int | None = None) -> int | None:
    raw = _one(query, name)
    if raw == "":
        return None
    if not re.fullmatch(r"[0-9]+", raw):
        raise BadParameter(f"'{name}' must be a whole number, like {name}={max(minimum, 1)}.")
    value = int(raw)
    if value < minimum:
        raise BadParameter(f"'{name}' must be {minimum} or more.")
    if maximum is not None and value > maximum:
        raise BadParameter(f"'{name}' must be {maximum} or less.")
    return value


def paging(query: Mapping[str, str]) -> Paging:
    page = _whole_number(query, "page", minimum=1)
    per_page = _whole_number(query, "per_page", minimum=1, maximum=MAX_PER_PAGE)
    return Paging(page=page or 1, per_page=per_page or DEFAULT_PER_PAGE)


def boolean(query: Mapping[str, str], name: str) -> bool:
    raw = _one(query, name).lower()
    if raw == "" or raw in FALSE_WORDS:
        return False
    if raw in TRUE_WORDS:
        return True
    raise BadParameter(f"'{name}' must be true or false.")


def an_id(query: Mapping[str, str], name: str) -> uuid.UUID | None:
    raw = _one(query, name)
    if raw == "":
        return None
    return parse_uuid(raw, name)


def parse_uuid(raw: str, name: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(
            f"'{name}' must be a UUID, like 3fa85f64-5717-4562-b3fc-2c963f66afa6 (got '{raw[:60]}')."
        ) from None


def search(query: Mapping[str, str]) -> list[str]:
    raw = _one(query, "search")
    if len(raw) > MAX_SEARCH_LENGTH:
        raise BadParameter(f"'search' must be {MAX_SEARCH_LENGTH} characters or fewer.")
    return raw.split()


def modified_after(query: Mapping[str, str]) -> datetime.datetime | None:
    raw = _one(query, "modified_after")
    if raw == "":
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+")) if "T" in raw or ":" in raw else None
        day = parse_date(raw) if moment is None else None
    except ValueError:
        moment, day = None, None
    if moment is None and day is not None:
        moment = datetime.datetime.combine(day, datetime.time.min)
    if moment is None:
        raise BadParameter("'modified_after' must be a date or date and time, like 2024-03-31 or 2024-03-31T09:00:00Z.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def time_of_day(query: Mapping[str, str], name: str) -> datetime.time | None:
    raw = _one(query, name)
    if raw == "":
        return None
    try:
        value = parse_time(raw) if re.fullmatch(r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?", raw) else None
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(f"'{name}' must be a time of day on the 24-hour clock, like 09:30.")
    return value


def day(query: Mapping[str, str]) -> str | None:
    raw = _one(query, "day")
    if raw == "":
        return None
    code = DAY_CODES.get(raw.upper())
    if code is None:
        raise BadParameter("'day' must be a day of the week, like Monday or MO.")
    return code


def age(query: Mapping[str, str], name: str) -> float | None:
    """An age in years; the UK profile types it as a number, so 16 and 16.5 are both accepted."""
    raw = _one(query, name)
    if raw == "":
        return None
    if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]+)?", raw):
        raise BadParameter(f"'{name}' must be an age in years, like {name}=16.")
    return float(raw)


def postcode(query: Mapping[str, str]) -> Postcode | None:
    raw = _one(query, "postcode").upper()
    if raw == "":
        return None
    match = POSTCODE.fullmatch(raw)
    if match is None:
        raise BadParameter("'postcode' must be a UK postcode, like KY1 1XX, or its first half, like KY1.")
    district, inward = match.group(1), match.group(2)
    return Postcode(district=district, full=f"{district} {inward}" if inward else "")


def proximity(query: Mapping[str, str]) -> int | None:
    raw = _one(query, "proximity")
    if raw == "":
        return None
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", raw):
        raise BadParameter("'proximity' must be a distance in metres, like 5000.")
    metres = float(raw)
    if metres <= 0 or metres > MAX_PROXIMITY_METRES:
        raise BadParameter(f"'proximity' must be more than 0 and at most {MAX_PROXIMITY_METRES} metres.")
    return round(metres)


def output_format(query: Mapping[str, str]) -> str:
    raw = _one(query, "format").lower() or "json"
    if raw not in ("json", "ndjson"):
        raise BadParameter("'format' must be json or ndjson.")
    return raw
