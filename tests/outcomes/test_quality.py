import datetime
from decimal import Decimal

import pytest

from coproduce.outcomes.models import ContractType, Outcome, WorkWish
from coproduce.outcomes.quality import LIVING_WAGE_RATES, job_fits, living_wage_on


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (datetime.date(2013, 11, 3), Decimal("7.45")),
        (datetime.date(2013, 11, 4), Decimal("7.65")),
        (datetime.date(2022, 9, 21), Decimal("9.90")),
        (datetime.date(2022, 9, 22), Decimal("10.90")),
        (datetime.date(2025, 10, 21), Decimal("12.60")),
        (datetime.date(2025, 10, 22), Decimal("13.45")),
        (datetime.date(2026, 11, 28), Decimal("13.45")),
        (datetime.date(2011, 10, 31), Decimal("7.20")),
    ],
)
def test_the_rate_changes_on_its_announcement_day_not_before(day: datetime.date, rate: Decimal) -> None:
    assert living_wage_on(day) == rate


def test_the_table_is_in_date_order_and_rises_every_year() -> None:
    days = [day for day, _ in LIVING_WAGE_RATES]
    rates = [rate for _, rate in LIVING_WAGE_RATES]
    assert days == sorted(days)
    assert rates == sorted(rates)
    assert len(LIVING_WAGE_RATES) == 15


def _job(**terms: object) -> Outcome:
    values: dict[str, object] = {
        "kind": Outcome.Kind.JOB_START,
        "achieved_on": datetime.date(2016, 3, 7),
        "hours_per_week": Decimal("20"),
        "contract_type": ContractType.PERMANENT,
        "hourly_pay": Decimal("8.25"),
    }
    values.update(terms)
    return Outcome(**values)


def _wish(**terms: object) -> WorkWish:
    values: dict[str, object] = {
        "min_hours": Decimal("16"),
        "max_hours": Decimal("25"),
        "contract_types": ["permanent", "fixed_term"],
    }
    values.update(terms)
    return WorkWish(**values)


def test_a_job_at_the_living_wage_with_the_wanted_hours_and_contract_fits() -> None:
    fit = job_fits(_job(), _wish())
    assert (fit.pay_ok, fit.hours_ok, fit.contract_ok, fit.fits) == (True, True, True, True)
    assert fit.living_wage == Decimal("8.25")
    assert fit.reasons == [
        "Paid at or above the real Living Wage (£8.25 on 7 March 2016).",
        "20 hours a week, within the 16 to 25 hours they wanted.",
        "Permanent contract, one they would take.",
    ]


def test_a_penny_under_the_living_wage_does_not_fit() -> None:
    fit = job_fits(_job(hourly_pay=Decimal("8.24")), _wish())
    assert (fit.pay_ok, fit.fits) == (False, False)
    assert fit.reasons[0] == "Paid £8.24 an hour, below the real Living Wage (£8.25 on 7 March 2016)."


def test_the_rate_is_the_one_in_force_on_the_start_date() -> None:
    # £8.25 was enough the day before the November 2016 rate (£8.45) was announced, not on the day.
    assert job_fits(_job(achieved_on=datetime.date(2016, 10, 30)), _wish()).pay_ok is True
    assert job_fits(_job(achieved_on=datetime.date(2016, 10, 31)), _wish()).pay_ok is False


@pytest.mark.parametrize(
    ("hours", "ok"),
    [(Decimal("16"), True), (Decimal("25"), True), (Decimal("15.5"), False), (Decimal("25.5"), False)],
)
def test_hours_must_be_within_the_wish_inclusive(hours: Decimal, ok: bool) -> None:
    fit = job_fits(_job(hours_per_week=hours), _wish())
    assert (fit.hours_ok, fit.fits) == (ok, ok)


def test_a_zero_hours_contract_they_did_not_want_does_not_fit() -> None:
    fit = job_fits(_job(contract_type=ContractType.ZERO_HOURS), _wish())
    assert (fit.pay_ok, fit.hours_ok, fit.contract_ok, fit.fits) == (True, True, False, False)
    assert fit.reasons[2] == "Zero hours contract, not one they said they would take."


def test_without_a_wish_whether_it_fits_is_not_known() -> None:
    fit = job_fits(_job(), None)
    assert (fit.pay_ok, fit.hours_ok, fit.contract_ok, fit.fits) == (True, None, None, None)
    assert fit.reasons[1] == "No work wish is recorded, so whether the hours and contract fit is not known."
