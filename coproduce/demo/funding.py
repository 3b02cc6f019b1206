"""The demo's money and context: engagement targets, £7m of grants, and each area's labour market.

The live programme has its own: one three-year grant to each co-lead from the same funder
(`data.LIVE_GRANTS_TOTAL`, shared by participants at full size), and targets for its years so far.

Grants: the paper's programme was funded with about £7m over 2013–2017. Here the £7,000,000 is
shared across the five partnerships in proportion to their participants at full size, and across
financial years in proportion to the months each year covers (the first year starts in April,
the last ends in December), to the nearest £100 by largest remainders, so it adds up exactly.

Labour-market figures are INVENTED: illustrative values that follow the real pattern (Edinburgh's
tight labour market, weaker ones in Glasgow and North Lanarkshire, claimant rates falling over the
period), labelled as such in `source`. They are not official statistics.
"""

import datetime
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from coproduce.accounts.roles import Role
from coproduce.demo import data
from coproduce.programmes.models import EngagementTarget, Grant, LabourMarketContext

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder

GRANTS_TOTAL = Decimal("7000000")
GRANT_UNIT = 100  # pounds
YEARS = (2013, 2014, 2015, 2016, 2017)
ILLUSTRATIVE_SOURCE = "Illustrative demo values, not official statistics"

# (claimant rate %, job density) by area and year: invented, following the real pattern.
LABOUR_MARKET: dict[str, tuple[tuple[str, str], ...]] = {
    "EDI": (("2.6", "1.00"), ("2.0", "1.01"), ("1.6", "1.03"), ("1.4", "1.04"), ("1.5", "1.05")),
    "FIF": (("3.9", "0.62"), ("3.2", "0.62"), ("2.6", "0.63"), ("2.4", "0.63"), ("2.6", "0.64")),
    "GLA": (("5.1", "0.90"), ("4.2", "0.90"), ("3.5", "0.91"), ("3.3", "0.92"), ("3.6", "0.93")),
    "NLA": (("4.6", "0.61"), ("3.8", "0.61"), ("3.1", "0.62"), ("2.9", "0.62"), ("3.2", "0.63")),
    "SLA": (("3.7", "0.66"), ("3.0", "0.67"), ("2.4", "0.68"), ("2.2", "0.68"), ("2.4", "0.69")),
}


def grant_periods() -> list[tuple[int, datetime.date, datetime.date]]:
    """(year, start, end) of each grant: financial years from April 2013 to December 2017."""
    periods = []
    for year in YEARS:
        start = datetime.date(year, 4, 1)
        end = min(datetime.date(year + 1, 3, 31), data.PROGRAMME_ENDS_ON)
        periods.append((year, start, end))
    return periods


def grant_amounts() -> dict[tuple[str, int], Decimal]:
    """£7,000,000 shared by area (participants at full size) and by year (months covered), to £100."""
    periods = grant_periods()
    months = {year: (end.year - start.year) * 12 + end.month - start.month + 1 for year, start, end in periods}
    total_units = int(GRANTS_TOTAL) // GRANT_UNIT
    weight_total = sum(area.participants for area in data.AREAS) * sum(months.values())
    shares = {
        (area.short_code, year): total_units * area.participants * months[year] / weight_total
        for area in data.AREAS
        for year in YEARS
    }
    units = {key: int(share) for key, share in shares.items()}
    left = total_units - sum(units.values())
    for key in sorted(shares, key=lambda key: (-(shares[key] - int(shares[key])), key))[:left]:
        units[key] += 1
    return {key: Decimal(count * GRANT_UNIT) for key, count in units.items()}


def live_grant_amounts() -> dict[str, Decimal]:
    """The live programme's grant to each area, shared by participants at full size, to £100, adding up."""
    total_units = data.LIVE_GRANTS_TOTAL // GRANT_UNIT
    shares = {area.short_code: total_units * area.participants / data.FULL_SIZE for area in data.AREAS}
    units = {key: int(share) for key, share in shares.items()}
    left = total_units - sum(units.values())
    for key in sorted(shares, key=lambda key: (-(shares[key] - int(shares[key])), key))[:left]:
        units[key] += 1
    return {key: Decimal(count * GRANT_UNIT) for key, count in units.items()}


def write_funding(builder: "_Builder") -> None:
    funder_user = builder.demo_staff[Role.FUNDER].user
    funder = builder.organisations[data.FUNDER.name]
    managers = builder.manager_users
    rng = builder.rng("targets")
    joined = Counter((person.area.short_code, person.joined_on.year) for person in builder.people)
    spec = builder.spec
    years = YEARS if spec.closed else tuple(range(spec.starts_on.year, builder.today.year + 1))
    targets = []
    for area in data.AREAS:
        for year in years:
            # A target a little above or below what happened, to the nearest 5 (at least 5).
            actual = joined[(area.short_code, year)]
            target = max(5, 5 * round(actual * (0.92 + 0.2 * rng.random()) / 5))
            proposed_on = datetime.date(year, 3, 1) if spec.closed else max(datetime.date(year, 3, 1), spec.starts_on)
            proposed_at = builder.at(_previous_working_day(proposed_on), rng.randrange(300))
            agreed_at = proposed_at + datetime.timedelta(days=rng.randint(5, 20), minutes=rng.randrange(120))
            targets.append(
                EngagementTarget(
                    partnership=builder.partnerships[area.short_code],
                    year=year,
                    participants=target,
                    proposed_by=managers[area.short_code],
                    proposed_at=proposed_at,
                    agreed_by=funder_user,
                    agreed_at=agreed_at,
                )
            )
    builder.save(EngagementTarget, targets)

    if not spec.closed:
        _write_live_grants(builder, funder)
        builder.counts.update({"funding:targets": len(targets), "funding:grants": len(data.AREAS)})
        return
    amounts = grant_amounts()
    grants = []
    for area in data.AREAS:
        for year, starts_on, ends_on in grant_periods():
            grants.append(
                Grant(
                    partnership=builder.partnerships[area.short_code],
                    funder=funder,
                    recipient=builder.organisations[area.lead.name],
                    reference=f"{data.PROGRAMME_PREFIX}-{area.short_code}-{year}-01",
                    title=f"{data.PROGRAMME_NAME} in {area.area_name}, {year}–{str(ends_on.year)[-2:]}",
                    description=(
                        f"Keyworker support, partner services and a discretionary budget for lone parents in "
                        f"{area.area_name} moving towards work, {starts_on:%B %Y} to {ends_on:%B %Y}."
                    ),
                    amount=amounts[(area.short_code, year)],
                    awarded_on=_previous_working_day(starts_on - datetime.timedelta(days=30)),
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
            )
    builder.save(Grant, grants)

    contexts = [
        LabourMarketContext(
            partnership=builder.partnerships[area.short_code],
            year=year,
            claimant_rate=Decimal(claimant),
            job_density=Decimal(density),
            source=ILLUSTRATIVE_SOURCE,
        )
        for area in data.AREAS
        for year, (claimant, density) in zip(YEARS, LABOUR_MARKET[area.short_code], strict=True)
    ]
    builder.save(LabourMarketContext, contexts)
    builder.counts.update({"funding:targets": len(targets), "funding:grants": len(grants)})


def _write_live_grants(builder: "_Builder", funder: Any) -> None:
    spec = builder.spec
    amounts = live_grant_amounts()
    builder.save(
        Grant,
        [
            Grant(
                partnership=builder.partnerships[area.short_code],
                funder=funder,
                recipient=builder.organisations[area.lead.name],
                reference=f"{spec.prefix}-{area.short_code}-{spec.starts_on.year}-01",
                title=f"{spec.name} in {area.area_name}, {spec.starts_on.year}–{str(spec.ends_on.year)[-2:]}",
                description=(
                    f"Keyworker support, partner services and a discretionary budget for lone parents in "
                    f"{area.area_name} moving towards work, {spec.starts_on:%B %Y} to {spec.ends_on:%B %Y}."
                ),
                amount=amounts[area.short_code],
                awarded_on=_previous_working_day(spec.starts_on - datetime.timedelta(days=45)),
                starts_on=spec.starts_on,
                ends_on=spec.ends_on,
            )
            for area in data.AREAS
        ],
    )


def _previous_working_day(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day
