"""Parsing the HSDS API's query parameters: good values come out typed, bad ones say what to send."""

import datetime
import uuid

import pytest

from coproduce.hsds_api import params
from coproduce.hsds_api.params import BadParameter, Paging, Postcode


def test_paging_defaults_and_values() -> None:
    assert params.paging({}) == Paging(page=1, per_page=50)
    assert params.paging({"page": "3", "per_page": "7"}) == Paging(page=3, per_page=7)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"page": "0"}, "'page' must be 1 or more."),
        ({"page": "two"}, "'page' must be a whole number, like page=1."),
        ({"page": "-1"}, "'page' must be a whole number, like page=1."),
        ({"per_page": "501"}, "'per_page' must be 500 or less."),
        ({"per_page": "1.5"}, "'per_page' must be a whole number, like per_page=1."),
    ],
)
def test_bad_paging_is_refused(query: dict[str, str], message: str) -> None:
    with pytest.raises(BadParameter) as refused:
        params.paging(query)
    assert str(refused.value) == message


def test_ids_must_be_uuids() -> None:
    some_id = uuid.uuid4()
    assert params.an_id({"taxonomy_id": str(some_id)}, "taxonomy_id") == some_id
    assert params.an_id({}, "taxonomy_id") is None
    with pytest.raises(BadParameter) as refused:
        params.an_id({"taxonomy_id": "42"}, "taxonomy_id")
    assert str(refused.value) == ("'taxonomy_id' must be a UUID, like 3fa85f64-5717-4562-b3fc-2c963f66afa6 (got '42').")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-31", datetime.datetime(2024, 3, 31, tzinfo=datetime.UTC)),
        ("2024-03-31T09:30:00Z", datetime.datetime(2024, 3, 31, 9, 30, tzinfo=datetime.UTC)),
        # An unescaped "+" arrives as a space.
        ("2024-03-31T10:30:00 01:00", datetime.datetime(2024, 3, 31, 9, 30, tzinfo=datetime.UTC)),
    ],
)
def test_modified_after(raw: str, expected: datetime.datetime) -> None:
    assert params.modified_after({"modified_after": raw}) == expected


@pytest.mark.parametrize("raw", ["yesterday", "2024-13-01", "31/03/2024"])
def test_bad_modified_after_is_refused(raw: str) -> None:
    with pytest.raises(BadParameter, match="'modified_after' must be a date or date and time"):
        params.modified_after({"modified_after": raw})


def test_times_and_days() -> None:
    assert params.time_of_day({"start_time": "09:30"}, "start_time") == datetime.time(9, 30)
    assert params.time_of_day({"end_time": "17:00:00"}, "end_time") == datetime.time(17, 0)
    assert params.day({"day": "Monday"}) == "MO"
    assert params.day({"day": "su"}) == "SU"
    for raw in ("25:00", "9am", "12:60"):
        with pytest.raises(BadParameter, match="must be a time of day on the 24-hour clock"):
            params.time_of_day({"start_time": raw}, "start_time")
    with pytest.raises(BadParameter, match="'day' must be a day of the week"):
        params.day({"day": "Funday"})


def test_ages() -> None:
    assert params.age({"minimum_age": "16"}, "minimum_age") == 16
    assert params.age({"maximum_age": "17.5"}, "maximum_age") == 17.5
    assert params.age({}, "maximum_age") is None
    with pytest.raises(BadParameter, match="'maximum_age' must be an age in years, like maximum_age=16"):
        params.age({"maximum_age": "old"}, "maximum_age")


def test_booleans() -> None:
    assert params.boolean({"full": "true"}, "full") is True
    assert params.boolean({"full": "False"}, "full") is False
    assert params.boolean({}, "full") is False
    with pytest.raises(BadParameter, match=r"'full' must be true or false\."):
        params.boolean({"full": "maybe"}, "full")


def test_postcodes_and_proximity() -> None:
    assert params.postcode({"postcode": "ky1 1aa"}) == Postcode(district="KY1", full="KY1 1AA")
    assert params.postcode({"postcode": "KY11AA"}) == Postcode(district="KY1", full="KY1 1AA")
    assert params.postcode({"postcode": "KY11"}) == Postcode(district="KY11", full="")
    assert params.proximity({"proximity": "1500"}) == 1500
    with pytest.raises(BadParameter, match="'postcode' must be a UK postcode"):
        params.postcode({"postcode": "12345"})
    with pytest.raises(BadParameter, match="'proximity' must be a distance in metres"):
        params.proximity({"proximity": "near"})


def test_format() -> None:
    assert params.output_format({}) == "json"
    assert params.output_format({"format": "ndjson"}) == "ndjson"
    with pytest.raises(BadParameter, match=r"'format' must be json or ndjson\."):
        params.output_format({"format": "xml"})
