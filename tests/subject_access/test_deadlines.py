"""The legal due date, as the ICO calculates it (coproduce/subject_access/deadlines.py)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.referrals.selectors import is_working_day
from coproduce.subject_access.deadlines import due_date, same_date_months_later

D = datetime.date


@pytest.mark.parametrize(
    ("received_on", "due_on"),
    [
        # The ICO's own examples: from the day after receipt to the corresponding date next month.
        (D(2025, 9, 3), D(2025, 10, 6)),  # 4 October 2025 is a Saturday: the next working day
        (D(2026, 9, 3), D(2026, 10, 5)),  # 4 October 2026 is a Sunday
        (D(2024, 9, 3), D(2024, 10, 4)),  # a Friday: as it is
        # No corresponding date: the last day of that month.
        (D(2026, 3, 30), D(2026, 4, 30)),  # starts 31 March; April has no 31st (a Thursday)
        (D(2027, 1, 30), D(2027, 3, 1)),  # starts 31 January: 28 February 2027 is a Sunday
        (D(2028, 1, 30), D(2028, 2, 29)),  # a leap year, a Tuesday
        (D(2026, 1, 31), D(2026, 3, 2)),  # starts 1 February: 1 March 2026 is a Sunday
        # Scottish bank holidays: 2 January 2026 is one (then a weekend).
        (D(2025, 12, 1), D(2026, 1, 5)),
        # Christmas Day 2026 is a Friday, Boxing Day is made up on Monday 28th.
        (D(2026, 11, 24), D(2026, 12, 29)),
    ],
)
def test_the_due_date_is_one_calendar_month_from_the_day_after_receipt(
    received_on: datetime.date, due_on: datetime.date
) -> None:
    assert due_date(received_on) == due_on


def test_extensions_count_two_or_three_months_from_the_same_first_day() -> None:
    received = D(2026, 3, 30)  # the first day is 31 March
    assert due_date(received, extended_by_months=1) == D(2026, 6, 1)  # 31 May 2026 is a Sunday
    assert due_date(received, extended_by_months=2) == D(2026, 6, 30)


def test_an_extension_of_three_months_is_refused() -> None:
    with pytest.raises(ValueError, match="0, 1 or 2"):
        due_date(D(2026, 1, 5), extended_by_months=3)


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)), st.integers(min_value=0, max_value=2))
def test_the_due_date_is_a_working_day_on_or_after_the_corresponding_date(day: datetime.date, months: int) -> None:
    due = due_date(day, extended_by_months=months)
    corresponding = same_date_months_later(day + datetime.timedelta(days=1), 1 + months)
    assert is_working_day(due)
    assert corresponding <= due
    # Never more than the longest run of days off (Christmas and New Year in Scotland) late.
    assert (due - corresponding).days <= 5
    assert all(
        not is_working_day(corresponding + datetime.timedelta(days=n)) for n in range((due - corresponding).days)
    )
