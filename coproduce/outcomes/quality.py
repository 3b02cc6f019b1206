"""Job quality: is the pay at least the real Living Wage, and are the hours and contract what was wanted?

The rates are the real Living Wage for the UK outside London, set by the Living Wage Foundation
and announced each year (usually in November, during Living Wage Week). Source:
https://www.livingwage.org.uk/what-real-living-wage (and the Foundation's announcements for past
years). Employers are asked to pay a new rate within six months of its announcement; we treat each
rate as in force from its announcement date, which is the stricter reading: a job starting on or
after that day is compared with the new rate, a job starting the day before with the old one.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop

# (announced on, £ an hour), oldest first. Add each year's rate when it is announced.
LIVING_WAGE_RATES: tuple[tuple[datetime.date, Decimal], ...] = (
    (datetime.date(2011, 10, 31), Decimal("7.20")),
    (datetime.date(2012, 11, 5), Decimal("7.45")),
    (datetime.date(2013, 11, 4), Decimal("7.65")),
    (datetime.date(2014, 11, 3), Decimal("7.85")),
    (datetime.date(2015, 11, 2), Decimal("8.25")),
    (datetime.date(2016, 10, 31), Decimal("8.45")),
    (datetime.date(2017, 11, 6), Decimal("8.75")),
    (datetime.date(2018, 11, 5), Decimal("9.00")),
    (datetime.date(2019, 11, 11), Decimal("9.30")),
    (datetime.date(2020, 11, 9), Decimal("9.50")),
    (datetime.date(2021, 11, 15), Decimal("9.90")),
    (datetime.date(2022, 9, 22), Decimal("10.90")),
    (datetime.date(2023, 10, 24), Decimal("12.00")),
    (datetime.date(2024, 10, 22), Decimal("12.60")),
    (datetime.date(2025, 10, 22), Decimal("13.45")),
)


def living_wage_in_force(day: datetime.date) -> tuple[datetime.date, Decimal] | None:
    """The (announcement date, rate) in force on this day, or None before the first rate in the table."""
    found = None
    for announced_on, rate in LIVING_WAGE_RATES:
        if announced_on <= day:
            found = (announced_on, rate)
        else:
            break
    return found


def living_wage_on(day: datetime.date) -> Decimal:
    """The real Living Wage (outside London) in force on this day, in pounds an hour.

    Before the first rate in the table the first rate is used (no job here starts that early).
    """
    found = living_wage_in_force(day)
    return found[1] if found is not None else LIVING_WAGE_RATES[0][1]


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class JobFit:
    """How a job compares with the Living Wage and with what the participant wanted.

    `fits` is None when no work wish was recorded: it cannot be confirmed, and reports count it as
    not confirmed ("any job" but not "a job that fits").
    """

    pay_ok: bool
    hours_ok: bool | None
    contract_ok: bool | None
    fits: bool | None
    living_wage: Decimal
    reasons: list[str] = field(default_factory=list)


# What staff read about a participant's job ("they"), and what the participant reads ("you").
_STAFF_WORDS = {
    "no_pay": "The hourly pay is not recorded.",
    "pay_ok": "Paid at or above the real Living Wage (£%(rate)s on %(on)s).",
    "pay_low": "Paid £%(pay)s an hour, below the real Living Wage (£%(rate)s on %(on)s).",
    "no_wish": "No work wish is recorded, so whether the hours and contract fit is not known.",
    "no_hours": "The hours are not recorded.",
    "hours_ok": "%(hours)s hours a week, within the %(low)s to %(high)s hours they wanted.",
    "hours_off": "%(hours)s hours a week, outside the %(low)s to %(high)s hours they wanted.",
    "no_contract": "The contract type is not recorded.",
    "contract_ok": "%(contract)s contract, one they would take.",
    "contract_off": "%(contract)s contract, not one they said they would take.",
}
_PARTICIPANT_WORDS = {
    "no_pay": gettext_noop("Your hourly pay is not written down yet."),
    "pay_ok": gettext_noop("You are paid at or above the real Living Wage (£%(rate)s on %(on)s)."),
    "pay_low": gettext_noop("You are paid £%(pay)s an hour, below the real Living Wage (£%(rate)s on %(on)s)."),
    "no_wish": gettext_noop(
        "You have not told us what hours and contract you want, so we cannot say if this job fits them."
    ),
    "no_hours": gettext_noop("Your hours are not written down yet."),
    "hours_ok": gettext_noop("%(hours)s hours a week, within the %(low)s to %(high)s hours you wanted."),
    "hours_off": gettext_noop("%(hours)s hours a week, outside the %(low)s to %(high)s hours you wanted."),
    "no_contract": gettext_noop("Your type of contract is not written down yet."),
    "contract_ok": gettext_noop("%(contract)s contract, one you said you would take."),
    "contract_off": gettext_noop("%(contract)s contract, not one you said you would take."),
}


def job_fits(outcome: Any, wish: Any | None, *, to_participant: bool = False) -> JobFit:
    """Compare a job start's pay, hours and contract with the Living Wage and the participant's wish.

    The reasons speak to whoever reads them: staff read about "they"; the participant, reading about
    their own job, reads "you" (translated).
    """
    rate = living_wage_on(outcome.achieved_on)
    pay = outcome.hourly_pay
    reasons: list[str] = []
    pay_ok = pay is not None and pay >= rate
    on = f"{outcome.achieved_on:%-d %B %Y}"
    words = _PARTICIPANT_WORDS if to_participant else _STAFF_WORDS

    def say(key: str, **values: Any) -> None:
        text = words[key]
        reasons.append(str(gettext(text) if to_participant else text) % values)

    if pay is None:
        say("no_pay")
    elif pay_ok:
        say("pay_ok", rate=rate, on=on)
    else:
        say("pay_low", pay=pay, rate=rate, on=on)
    if wish is None:
        say("no_wish")
        return JobFit(pay_ok=pay_ok, hours_ok=None, contract_ok=None, fits=None, living_wage=rate, reasons=reasons)
    hours = outcome.hours_per_week
    hours_ok = hours is not None and wish.min_hours <= hours <= wish.max_hours
    wanted = {"low": _hours(wish.min_hours), "high": _hours(wish.max_hours)}
    if hours is None:
        say("no_hours")
    elif hours_ok:
        say("hours_ok", hours=_hours(hours), **wanted)
    else:
        say("hours_off", hours=_hours(hours), **wanted)
    contract_ok = bool(outcome.contract_type) and outcome.contract_type in (wish.contract_types or [])
    contract = outcome.get_contract_type_display() if outcome.contract_type else ""
    if not outcome.contract_type:
        say("no_contract")
    elif contract_ok:
        say("contract_ok", contract=contract)
    else:
        say("contract_off", contract=contract)
    return JobFit(
        pay_ok=pay_ok,
        hours_ok=hours_ok,
        contract_ok=contract_ok,
        fits=pay_ok and hours_ok and contract_ok,
        living_wage=rate,
        reasons=reasons,
    )
