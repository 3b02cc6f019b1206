"""The legal deadline of a subject access request, as the ICO calculates it.

One calendar month, counted from the day after the request is received to the corresponding
date in the next month; where that month has no such date, its last day. A deadline that falls
on a weekend or a bank holiday moves to the next working day (Scottish bank holidays, as for
referrals: the programme runs in Scotland). It can be extended by up to two further months,
counted the same way from the same starting day.
"""

import calendar
import datetime

from coproduce.referrals.selectors import is_working_day

MOST_MONTHS_OF_EXTENSION = 2


def same_date_months_later(day: datetime.date, months: int) -> datetime.date:
    """The corresponding date `months` calendar months after `day`, or that month's last day."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day_from(day: datetime.date) -> datetime.date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def due_date(received_on: datetime.date, *, extended_by_months: int = 0) -> datetime.date:
    """When the copy must be with the person: one calendar month (plus any extension) from the
    day after `received_on`, moved to the next working day if it falls on a weekend or holiday."""
    if not 0 <= extended_by_months <= MOST_MONTHS_OF_EXTENSION:
        raise ValueError("A request can be extended by 0, 1 or 2 months.")
    first_day = received_on + datetime.timedelta(days=1)
    return next_working_day_from(same_date_months_later(first_day, 1 + extended_by_months))
