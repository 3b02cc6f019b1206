"""The programme's statistics for the funder: counted from the records, or read from rollups of
those counts that a background task keeps (coproduce/reporting/rollups.py) and the pages date.

Everything here is an aggregate. Counts of people go through reporting/suppression.py together,
as one table, so that no number from 1 to 4 is shown and none can be worked out by subtracting
shown numbers from a shown total. Figures derived from a count (a rate and its interval, a cost
per participant) are shown only when every count they are made from is shown: a rate of paid
work beside a shown number in paid work would otherwise give the hidden number of participants
back.

The table suppressed, per area and for all areas (TOTAL):

- all who joined = the sum of those who joined in each year;
- all who joined = in paid work + not (yet) in paid work;
- in paid work = in a job that fits + in paid work but in no job known to fit;
- all who joined = taking part now + paused or closed;
- each column: the areas add up to all areas.

The funder's home page and the dashboard show these same cells: suppressed apart, two pages
could each hide a different number of the same line and together give a small one away.

"In paid work" is a participant with at least one job start on or before `today`; "a job that
fits" one of those with a job start that `coproduce.outcomes.quality.job_fits` confirms fits
(pay at least the real Living Wage, hours and contract as they wished). The counts are grouped
queries in the database: `job_fits_condition` asks in SQL what job_fits answers in Python (a test
holds them to the same answer, job by job). Rates come with 95% Wilson score intervals.
"""

import datetime
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import rules
from django.core.exceptions import ObjectDoesNotExist
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Expression,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

from coproduce.accounts.acting import ActingUser
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.core.errors import NotAllowed
from coproduce.outcomes.models import Outcome
from coproduce.outcomes.quality import LIVING_WAGE_RATES
from coproduce.participants.models import Participant
from coproduce.programmes.models import EngagementTarget, Grant, LabourMarketContext, Partnership, Programme
from coproduce.programmes.selectors import programme_for
from coproduce.reporting.exports import (
    ExportTable,
    Figure,
    Interval,
    file_heading,
    interval_columns,
    percent,
    year_figure,
)
from coproduce.reporting.models import PartnershipRollup, RollupCount
from coproduce.reporting.suppression import THRESHOLD, TOTAL, Cell, Line, Reason, suppress

ALL, PAID, NOT_PAID, FITS, PAID_NOT_FITTING = "all", "paid", "not_paid", "fits", "paid_not_fitting"
ACTIVE, NOT_ACTIVE = "active", "not_active"
CellKey = tuple[Hashable, Hashable]

SMALL_REASON = f"fewer than {THRESHOLD}"
SECONDARY_REASON = f"hidden so that a number under {THRESHOLD} cannot be worked out"
PENNY = Decimal("0.01")


def reason_text(cell: Cell) -> str | None:
    """Why a cell is not shown, in words (None when it is shown)."""
    if cell.reason is Reason.SMALL:
        return SMALL_REASON
    if cell.reason is Reason.SECONDARY:
        return SECONDARY_REASON
    return None


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for `successes` out of `n` (95% with the default z = 1.96)."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"A proportion needs 0 <= successes <= n and n > 0, not {successes} of {n}.")
    alpha = 2 * (1 - norm.cdf(z))
    low, high = proportion_confint(successes, n, alpha=alpha, method="wilson")
    # At 0 or n the bound is exactly 0 or 1; floating point leaves crumbs like 1e-17.
    return max(0.0, round(float(low), 12)), min(1.0, round(float(high), 12))


def _percent(value: float) -> str:
    return f"{Decimal(str(value * 100)).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class Rate:
    """A count out of a number of people, with its rate and 95% Wilson interval when both are shown."""

    count: Cell
    out_of: Cell
    rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    @classmethod
    def of(cls, count: Cell, out_of: Cell) -> "Rate":
        if count.hidden or out_of.hidden or not out_of.value:
            return cls(count, out_of)
        assert count.value is not None
        low, high = wilson_interval(count.value, out_of.value)
        return cls(count, out_of, count.value / out_of.value, low, high)

    @property
    def reason(self) -> str | None:
        """Why the rate is not shown, if it is not."""
        if self.count.hidden:
            return reason_text(self.count)
        if self.out_of.hidden:
            return reason_text(self.out_of)
        if not self.out_of.value:
            return "nobody to count"
        return None

    @property
    def label(self) -> str:
        """Like "30% (28%–32%)", or why it is not shown."""
        if self.rate is None or self.ci_low is None or self.ci_high is None:
            if self.count.hidden or self.out_of.hidden:
                return "hidden"
            return "no participants"
        return f"{_percent(self.rate)} ({_percent(self.ci_low)}–{_percent(self.ci_high)})"

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count.value, "rate": self.rate, "ci_low": self.ci_low, "ci_high": self.ci_high}


@dataclass(frozen=True)
class Money:
    """A sum of money, or None with the reason it is not shown."""

    value: Decimal | None
    reason: str | None = None

    @property
    def label(self) -> str:
        if self.value is None:
            return "hidden" if self.reason and self.reason != "nobody to count" else "–"
        return f"£{self.value:,.2f}" if self.value % 1 else f"£{self.value:,.0f}"


@dataclass(frozen=True)
class LabourMarket:
    year: int
    claimant_rate: Decimal | None
    job_density: Decimal | None
    source: str


@dataclass(frozen=True)
class Engagement:
    """Those who joined in a year, against the target agreed with the funder for it (if any)."""

    year: int
    joined: Cell
    target: int | None

    @property
    def of_target(self) -> str:
        if self.target is None or self.joined.hidden or not self.target:
            return "–" if self.target is None or not self.target else "hidden"
        assert self.joined.value is not None
        return _percent(self.joined.value / self.target)


@dataclass(frozen=True)
class AreaStats:
    partnership_id: int | None  # None for all areas together
    area_name: str
    participants: Cell
    taking_part_now: Cell
    paused_or_closed: Cell
    joined_by_year: tuple[Cell, ...]  # one per ProgrammeStats.years
    paid_work: Rate
    fitting_job: Rate
    engagement: tuple[Engagement, ...]
    labour_market: LabourMarket | None
    grants: Decimal
    cost_per_participant: Money
    cost_per_job_outcome: Money
    budget: Decimal
    approved_spend: Decimal


@dataclass(frozen=True)
class ProgrammeStats:
    programme_name: str
    today: datetime.date
    years: tuple[int, ...]
    programme: AreaStats
    areas: tuple[AreaStats, ...] = field(default_factory=tuple)
    programme_id: int | None = None
    # When the counts of people and the approved spend were known true: the rollups' last check
    # (coproduce/reporting/rollups.py); None when they were counted from the records just now.
    figures_as_of: datetime.datetime | None = None

    @property
    def as_of_label(self) -> str:
        """Like "Figures as of 10:05, 3 Dec 2026" (local time), or "Figures as of now"."""
        if self.figures_as_of is None:
            return "Figures as of now"
        moment = timezone.localtime(self.figures_as_of)
        return f"Figures as of {moment:%H:%M}, {moment:%-d %b %Y}"

    @property
    def participants(self) -> Cell:
        return self.programme.participants

    @property
    def paid_work(self) -> Rate:
        return self.programme.paid_work

    @property
    def any_hidden(self) -> bool:
        rows = (self.programme, *self.areas)
        return any(
            row.participants.hidden or row.paid_work.count.hidden or row.fitting_job.count.hidden for row in rows
        )

    @property
    def spread(self) -> tuple[AreaStats, AreaStats] | None:
        """The areas with the lowest and the highest shown paid-work rate (None with fewer than two)."""
        shown = [area for area in self.areas if area.paid_work.rate is not None]
        if len(shown) < 2:
            return None
        ordered = sorted(shown, key=lambda area: (area.paid_work.rate, area.area_name))
        return ordered[0], ordered[-1]


def statistics_cells(
    joined: Mapping[Hashable, Mapping[int, int]],
    paid: Mapping[Hashable, int],
    fits: Mapping[Hashable, int],
    years: Sequence[int],
    active: Mapping[Hashable, int] | None = None,
) -> tuple[dict[CellKey, int], list[Line[CellKey]]]:
    """Every count of the funder's statistics, keyed (area or TOTAL, column), and how they add up.

    `joined` is per area, people who joined by year (its keys are the areas); `paid` and `fits`
    per area, people in paid work and in a job that fits (a subset of `paid`); `active`, when
    given, per area, those of them taking part now.
    """
    areas = list(joined)
    columns: list[Hashable] = [ALL, *years, PAID, NOT_PAID, FITS, PAID_NOT_FITTING]
    if active is not None:
        columns += [ACTIVE, NOT_ACTIVE]
    values: dict[CellKey, int] = {}
    for area in areas:
        everyone = sum(joined[area].get(year, 0) for year in years)
        in_work, fitting = paid.get(area, 0), fits.get(area, 0)
        if not 0 <= fitting <= in_work <= everyone:
            raise ValueError(f"Area {area!r}: {fitting} fitting ≤ {in_work} in work ≤ {everyone} joined fails.")
        if active is not None:
            taking_part = active.get(area, 0)
            if not 0 <= taking_part <= everyone:
                raise ValueError(f"Area {area!r}: {taking_part} taking part ≤ {everyone} joined fails.")
            values[(area, ACTIVE)] = taking_part
            values[(area, NOT_ACTIVE)] = everyone - taking_part
        values[(area, ALL)] = everyone
        for year in years:
            values[(area, year)] = joined[area].get(year, 0)
        values[(area, PAID)] = in_work
        values[(area, NOT_PAID)] = everyone - in_work
        values[(area, FITS)] = fitting
        values[(area, PAID_NOT_FITTING)] = in_work - fitting
    for column in columns:
        values[(TOTAL, column)] = sum(values[(area, column)] for area in areas)
    lines: list[Line[CellKey]] = []
    for row in [*areas, TOTAL]:
        if years:
            lines.append(Line((row, ALL), tuple((row, year) for year in years)))
        lines.append(Line((row, ALL), ((row, PAID), (row, NOT_PAID))))
        lines.append(Line((row, PAID), ((row, FITS), (row, PAID_NOT_FITTING))))
        if active is not None:
            lines.append(Line((row, ALL), ((row, ACTIVE), (row, NOT_ACTIVE))))
    for column in columns:
        lines.append(Line((TOTAL, column), tuple((area, column) for area in areas)))
    return values, lines


def suppressed_statistics_cells(
    joined: Mapping[Hashable, Mapping[int, int]],
    paid: Mapping[Hashable, int],
    fits: Mapping[Hashable, int],
    years: Sequence[int],
    active: Mapping[Hashable, int] | None = None,
) -> dict[CellKey, Cell]:
    values, lines = statistics_cells(joined, paid, fits, years, active)
    return suppress(values, lines)


class _Year(ExtractYear):
    """The year of a date, as ExtractYear; on PostgreSQL a whole number from DATE_PART, not the
    numeric that EXTRACT gives (grouping a million participants by it takes half the time)."""

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(DATE_PART('year', {sql}) AS integer)", [*params]


class _JSONListHas(Func):
    """True when a JSON list (of strings) holds the text given: `'["a", "b"]'` holds `'a'`."""

    output_field = BooleanField()
    arity = 2

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        json_list, text = (compiler.compile(expression) for expression in self.get_source_expressions())
        if connection.vendor == "postgresql":
            return f"({json_list[0]} @> jsonb_build_array({text[0]}))", [*json_list[1], *text[1]]
        return (
            f"EXISTS (SELECT 1 FROM json_each({json_list[0]}) WHERE json_each.value = {text[0]})",
            [*json_list[1], *text[1]],
        )


def living_wage_expression(day: str = "achieved_on") -> Expression:
    """The real Living Wage in force on the date in field `day`, in SQL (`quality.living_wage_on`)."""
    return Case(
        *(
            When(**{f"{day}__gte": announced_on}, then=Value(rate))
            for announced_on, rate in reversed(LIVING_WAGE_RATES)
        ),
        default=Value(LIVING_WAGE_RATES[0][1]),
        output_field=DecimalField(max_digits=6, decimal_places=2),
    )


def job_fits_condition() -> Q:
    """A job start that fits, in SQL, on Outcome: what `quality.job_fits(outcome, wish).fits` says in Python.

    Pay recorded and at least the real Living Wage on the start date; a work wish recorded; hours
    recorded and within the hours wished for; a contract recorded and one of those wished for.
    tests/reporting/test_statistics.py checks the two agree, job by job, on a varied set of jobs.
    """
    wish = "participant__work_wish"
    return (
        Q(hourly_pay__isnull=False, hourly_pay__gte=living_wage_expression())
        & Q(**{f"{wish}__isnull": False})
        & Q(hours_per_week__isnull=False)
        & Q(hours_per_week__gte=F(f"{wish}__min_hours"), hours_per_week__lte=F(f"{wish}__max_hours"))
        & ~Q(contract_type="")
        & Q(_JSONListHas(F(f"{wish}__contract_types"), F("contract_type")))
    )


def _sum_of(rows: QuerySet[Any], field_name: str) -> Subquery:
    """The sum of `field_name` over `rows` (a queryset naming OuterRef), as a subquery: None for no rows."""
    return Subquery(
        rows.order_by().annotate(total=Func(F(field_name), function="SUM")).values("total"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(PENNY)


def _per_head(amount: Decimal, people: Cell) -> Money:
    """Amount per person, shown only when the number of people is (else it would give it back)."""
    if people.hidden:
        return Money(None, reason_text(people))
    if not people.value:
        return Money(None, "nobody to count")
    return Money((amount / people.value).quantize(PENNY, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class StatisticsCounts:
    """The counts of people and the approved spend per partnership, before suppression: from the
    records (`live_counts`) or from the rollups (`rollup_counts`), the same either way."""

    joined: dict[Hashable, dict[int, int]]  # per partnership, people who joined on or before today, by year
    active: dict[Hashable, int]  # of them, those taking part now
    paid: dict[Hashable, int]  # people with a job start on or before today
    fits: dict[Hashable, int]  # people with a job start that fits on or before today
    spends: dict[Hashable, Decimal]  # approved spend on the partnership's participants


def live_counts(today: datetime.date, programme_id: int, ids: Sequence[int]) -> StatisticsCounts:
    """The counts made from the records: three grouped queries over the programme's partnerships."""
    # The big tables are filtered by the list of partnership ids: PostgreSQL then knows how many rows
    # each area has and joins by merging indexes (index-only scans of participant_area_joined,
    # participant_id_area and outcome_job_start_terms), where a filter through the partnership's
    # programme had it probe the index once per participant. A programme with no areas yet is filtered
    # by the programme, so that it costs the same queries as any other.
    in_areas = Q(partnership_id__in=ids) if ids else Q(partnership__programme_id=programme_id)
    participant_in_areas = (
        Q(participant__partnership_id__in=ids) if ids else Q(participant__partnership__programme_id=programme_id)
    )
    joined: dict[Hashable, dict[int, int]] = {pk: {} for pk in ids}
    active: dict[Hashable, int] = {}
    rows = (
        Participant.objects.filter(in_areas, joined_on__lte=today)
        .order_by()
        .annotate(year=_Year("joined_on"))
        .values("partnership_id", "year")
        .annotate(n=Count("pk"), active=Count("pk", filter=Q(status=Participant.Status.ACTIVE)))
    )
    for row in rows:
        joined.setdefault(row["partnership_id"], {})[row["year"]] = row["n"]
        active[row["partnership_id"]] = active.get(row["partnership_id"], 0) + row["active"]
    job_starts_in_programme = Outcome.objects.filter(
        participant_in_areas, kind=Outcome.Kind.JOB_START, achieved_on__lte=today
    )
    paid: dict[Hashable, int] = {}
    fits: dict[Hashable, int] = {}
    for row in (
        job_starts_in_programme.order_by()
        .values("participant__partnership_id")
        .annotate(
            paid=Count("participant_id", distinct=True),
            fits=Count("participant_id", distinct=True, filter=job_fits_condition()),
        )
    ):
        paid[row["participant__partnership_id"]] = row["paid"]
        fits[row["participant__partnership_id"]] = row["fits"]
    spends: dict[Hashable, Decimal] = {
        row["participant__partnership_id"]: _money(row["total"])
        for row in Spend.objects.filter(participant_in_areas, state=Spend.State.APPROVED)
        .order_by()
        .values("participant__partnership_id")
        .annotate(total=Sum("amount"))
    }
    return StatisticsCounts(joined, active, paid, fits, spends)


def rollup_counts(today: datetime.date, partnerships: Sequence[Partnership]) -> StatisticsCounts | None:
    """The same counts from the rollups (coproduce/reporting/rollups.py), in one grouped query over a
    few rows per partnership; None when they cannot answer for `today`: a partnership without a
    rollup yet, or one made on a later day than `today` (its counts by year would hold days after it).

    `partnerships` come with their rollup (`select_related("statistics_rollup")`).
    """
    rollups = [_rollup_of(partnership) for partnership in partnerships]
    if not rollups or any(rollup is None or rollup.as_of > today for rollup in rollups):
        return None
    ids = [partnership.pk for partnership in partnerships]
    joined: dict[Hashable, dict[int, int]] = {pk: {} for pk in ids}
    active: dict[Hashable, int] = {}
    paid: dict[Hashable, int] = {}
    fits: dict[Hashable, int] = {}
    rows = (
        RollupCount.objects.filter(Q(day__isnull=True) | Q(day__lte=today), partnership_id__in=ids)
        .order_by()
        .values("partnership_id", "year")
        .annotate(
            joined_then=Sum("joined"),
            active_then=Sum("active"),
            paid_then=Sum("first_paid"),
            fitting_then=Sum("first_fitting"),
        )
    )
    for row in rows:
        pk = row["partnership_id"]
        # Only years someone joined in, as the live count has them (a year of first jobs alone is no row).
        if row["joined_then"]:
            joined[pk][row["year"]] = row["joined_then"]
            active[pk] = active.get(pk, 0) + row["active_then"]
        if row["paid_then"]:
            paid[pk] = paid.get(pk, 0) + row["paid_then"]
        if row["fitting_then"]:
            fits[pk] = fits.get(pk, 0) + row["fitting_then"]
    spends: dict[Hashable, Decimal] = {
        partnership.pk: _money(rollup.approved_spend)
        for partnership, rollup in zip(partnerships, rollups, strict=True)
        if rollup is not None and rollup.approved_spend
    }
    return StatisticsCounts(joined, active, paid, fits, spends)


def _rollup_of(partnership: Partnership) -> PartnershipRollup | None:
    try:
        return partnership.statistics_rollup
    except ObjectDoesNotExist:
        return None


def programme_statistics(today: datetime.date, programme: Programme, *, from_rollups: bool = False) -> ProgrammeStats:
    """One programme's figures on `today`, all its areas and each area, suppressed. Six queries
    counted from the records (four from the rollups), each a grouped count or sum in the database:
    no row is brought into Python.

    "All areas" are the programme's partnerships: another programme's participants, jobs, targets,
    grants and money are never counted, even where the same area (GSS code) runs both.
    Participants are those who joined on or before `today`; paid work and fitting jobs count job
    starts on or before `today`. Targets are the agreed ones only (all areas have one for a year
    when every area agreed one). Labour-market context is each
    area's latest year. Money: grants to the partnership, pots of the partnership, and approved
    spend on the area's participants (from any pot).

    `from_rollups`: take the counts of people and the approved spend from the rollups, as they were
    when last refreshed (four queries; `figures_as_of` says when), or from the records when there
    are none for every area yet (`figures_as_of` None: as of now). Grants, pots, targets and
    labour-market figures are small tables, read as they are now either way.
    """
    in_programme = programme.pk
    listed = Partnership.objects.filter(programme_id=in_programme)
    if from_rollups:
        listed = listed.select_related("statistics_rollup")
    partnerships = list(
        listed.annotate(
            grant_total=_sum_of(Grant.objects.filter(partnership=OuterRef("pk")), "amount"),
            budget_total=_sum_of(BudgetPot.objects.filter(partnership=OuterRef("pk")), "amount"),
        ).order_by("area_name", "pk")
    )
    ids = [partnership.pk for partnership in partnerships]
    counts = rollup_counts(today, partnerships) if from_rollups else None
    figures_as_of: datetime.datetime | None = None
    if counts is None:
        counts = live_counts(today, in_programme, ids)
    else:
        figures_as_of = min(rollup.checked_at for rollup in map(_rollup_of, partnerships) if rollup is not None)
    joined, active, paid, fits, spends = counts.joined, counts.active, counts.paid, counts.fits, counts.spends
    years = tuple(sorted({year for by_year in joined.values() for year, n in by_year.items() if n}))
    years = tuple(range(years[0], years[-1] + 1)) if years else ()

    targets: dict[int, dict[int, int]] = defaultdict(dict)
    for target in EngagementTarget.objects.filter(
        agreed_at__isnull=False, partnership__programme_id=in_programme
    ).order_by("year"):
        targets[target.partnership_id][target.year] = target.participants
    labour: dict[int, LabourMarket] = {}
    for context in LabourMarketContext.objects.filter(partnership__programme_id=in_programme).order_by("year"):
        labour[context.partnership_id] = LabourMarket(
            context.year, context.claimant_rate, context.job_density, context.source
        )
    grants: dict[Hashable, Decimal] = {partnership.pk: _money(partnership.grant_total) for partnership in partnerships}
    budgets: dict[Hashable, Decimal] = {
        partnership.pk: _money(partnership.budget_total) for partnership in partnerships
    }
    cells = suppressed_statistics_cells({pk: joined.get(pk, {}) for pk in ids}, paid, fits, years, active)

    def area_stats(key: Hashable, name: str) -> AreaStats:
        is_total = key == TOTAL
        participants = cells[(key, ALL)]
        paid_work = Rate.of(cells[(key, PAID)], participants)
        grant_total = sum(grants.values(), Decimal("0.00")) if is_total else grants.get(key, Decimal("0.00"))
        area_targets: dict[int, int] = {}
        if is_total:
            # All areas have a target for a year only when every area agreed one for it.
            for year in sorted({year for by_year in targets.values() for year in by_year}):
                if all(year in targets.get(pk, {}) for pk in ids):
                    area_targets[year] = sum(targets[pk][year] for pk in ids)
        else:
            area_targets = targets.get(key, {})  # type: ignore[call-overload]
        return AreaStats(
            partnership_id=None if is_total else key,  # type: ignore[arg-type]
            area_name=name,
            participants=participants,
            taking_part_now=cells[(key, ACTIVE)],
            paused_or_closed=cells[(key, NOT_ACTIVE)],
            joined_by_year=tuple(cells[(key, year)] for year in years),
            paid_work=paid_work,
            fitting_job=Rate.of(cells[(key, FITS)], participants),
            engagement=tuple(
                Engagement(year, cells.get((key, year), Cell(0)), area_targets.get(year))
                for year in sorted(set(years) | set(area_targets))
            ),
            labour_market=None if is_total else labour.get(key),  # type: ignore[call-overload]
            grants=grant_total,
            cost_per_participant=_per_head(grant_total, participants),
            cost_per_job_outcome=_per_head(grant_total, paid_work.count),
            budget=sum(budgets.values(), Decimal("0.00")) if is_total else budgets.get(key, Decimal("0.00")),
            approved_spend=sum(spends.values(), Decimal("0.00")) if is_total else spends.get(key, Decimal("0.00")),
        )

    return ProgrammeStats(
        programme_name=programme.name,
        today=today,
        years=years,
        programme=area_stats(TOTAL, "All areas"),
        areas=tuple(area_stats(partnership.pk, partnership.area_name) for partnership in partnerships),
        programme_id=programme.pk,
        figures_as_of=figures_as_of,
    )


def read_programme_statistics(
    *,
    actor: ActingUser,
    today: datetime.date,
    programme_id: int | None = None,
    action: str = AuditEvent.Action.VIEW,
) -> ProgrammeStats:
    """One programme's figures, for those allowed programme aggregates; the read is audited. The
    counts come from the rollups where every area has one (`ProgrammeStats.figures_as_of` says how old).

    `programme_id` None is the programme that started last among those `actor` oversees; one they do
    not oversee (or that does not exist) is NotFound, as a record they may not see. The audit event
    names the programme and no participant: these are aggregates, not anyone's personal data.
    """
    if not rules.has_perm("reporting.view_programme_counts", actor):
        raise NotAllowed("Only the funder sees the programme's statistics.")
    programme = programme_for(actor, programme_id)
    stats = programme_statistics(today, programme, from_rollups=True)
    record_event(
        actor=actor,
        action=action,
        record=programme,
        participant_id=None,
    )
    return stats


def _count(cell: Cell) -> int | str:
    return cell.label if cell.hidden else cell.value or 0


def rate_interval(rate: Rate) -> Interval:
    """A rate for a file: percentage and 95% limits, or why not in each (the page's label)."""
    if rate.rate is None or rate.ci_low is None or rate.ci_high is None:
        return Interval(None, None, None, rate.label)

    def hundred(share: float) -> float:
        return float((Decimal(str(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    return Interval(hundred(rate.rate), hundred(rate.ci_low), hundred(rate.ci_high), rate.label)


def dashboard_tables(stats: ProgrammeStats) -> list[ExportTable]:
    """The funder's tables, the same on the page, in CSV and XLSX and in the PDF report.

    A file has each figure in its own cell: rates and their 95% limits as percentages (0–100),
    the claimant rate and job density as numbers, years as whole numbers.
    """
    rows = (*stats.areas, stats.programme)
    outcomes = ExportTable(
        slug="outcomes",
        note=stats.as_of_label,
        title="Participants and paid work by area",
        columns=(
            "Area",
            "Participants",
            "In paid work",
            interval_columns("Paid-work rate (95% interval)", "Paid-work rate"),
            "In a job that fits",
            interval_columns("Fitting-job rate (95% interval)", "Fitting-job rate"),
            "Claimant rate %",
            "Job density",
            "Labour market year",
        ),
        rows=tuple(
            (
                row.area_name,
                _count(row.participants),
                _count(row.paid_work.count),
                rate_interval(row.paid_work),
                _count(row.fitting_job.count),
                rate_interval(row.fitting_job),
                _measured(row.labour_market.claimant_rate if row.labour_market else None, "0.0"),
                _measured(row.labour_market.job_density if row.labour_market else None, "0.00"),
                year_figure(row.labour_market.year) if row.labour_market else None,
            )
            for row in rows
        ),
    )
    engagement = ExportTable(
        slug="engagement",
        note=stats.as_of_label,
        title="Participants engaged against targets",
        columns=("Area", "Year", "Joined", "Agreed target", file_heading("Of target", "Of target %")),
        rows=tuple(
            (row.area_name, year_figure(item.year), _count(item.joined), item.target, _of_target(item))
            for row in rows
            for item in row.engagement
        ),
    )
    money = ExportTable(
        slug="costs",
        note=stats.as_of_label,
        title="Grants, costs and budgets by area",
        columns=(
            "Area",
            "Grants",
            "Cost per participant",
            "Cost per job outcome",
            "Budget pots",
            "Approved spend",
        ),
        rows=tuple(
            (
                row.area_name,
                row.grants,
                row.cost_per_participant.value
                if row.cost_per_participant.value is not None
                else row.cost_per_participant.label,
                row.cost_per_job_outcome.value
                if row.cost_per_job_outcome.value is not None
                else row.cost_per_job_outcome.label,
                row.budget,
                row.approved_spend,
            )
            for row in rows
        ),
    )
    return [outcomes, engagement, money]


def _measured(value: Decimal | None, places: str) -> Figure | None:
    """A labour-market figure as the number it is (not money), shown as entered."""
    if value is None:
        return None
    return Figure(value, str(value), places)


def _of_target(item: Engagement) -> Figure | str | None:
    """Joined as a percentage of the target; empty without a target, "hidden" with the count."""
    if not item.target:
        return None
    if item.joined.value is None:
        return item.of_target
    return percent(item.joined.value / item.target)
