"""Outcome analytics for evaluators: time to first job, a model of paid work, rates with intervals.

Who is counted (DESIGN.md §2 rule 4, research use needs its own consent): participants whose
research consent is in force *and* lets the evaluators use their service records
(`ResearchConsent.service_data`), who joined on or before `today`. Withdrawing the consent, or
the service-data element, takes them out of every figure at once. Nothing about one person
leaves this module: only counts, estimates and curves for groups; no pseudonym, no row per person.
Every analysis is of one programme: its participants only, never another programme's (the paper's
figures come from the closed programme alone).

- **Time to work** runs from joining (`Participant.joined_on`) to the first job start on or after
  joining and on or before `today`. People with no such job are censored at the earlier of
  `today` and the day their case closed. Kaplan–Meier (lifelines) per area and for all areas;
  months are days / (365.25 / 12).
- **In paid work** means that job start: someone who found work after their case closed counts.
- **Barriers** are those on the participant's latest assessment (by date, then the later one
  entered); people with no assessment are left out of the model and shown on their own line.
- **Small numbers**: every table's counts go through reporting/suppression.py; an area's curve,
  median and survival figures are shown only when its number of people, of people who found work
  and of people who did not are all shown, since the curve would give a hidden count back. The
  model leaves out areas with fewer than five people in it, and says so.
- **The model's reference area** is the area with the most people in the model, alphabetically
  first among equals.
"""

import datetime
import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connections
from django.db.models import (
    Count,
    OuterRef,
    Subquery,
)
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from coproduce.accounts.acting import ActingUser
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.outcomes.models import Outcome
from coproduce.participants.models import Participant
from coproduce.plans.models import Assessment, AssessmentBarrier
from coproduce.programmes.models import Programme
from coproduce.reporting.exports import (
    PERCENT_FORMAT,
    ExportTable,
    Figure,
    Interval,
    file_heading,
    interval_columns,
    number,
)
from coproduce.reporting.statistics import Rate, rate_interval, reason_text
from coproduce.reporting.suppression import THRESHOLD, TOTAL, Cell, grid_with_totals, suppress
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import evaluation_programme, research_consents_visible_to

DAYS_PER_MONTH = 365.25 / 12
SURVIVAL_MONTHS = (3, 6, 12, 24)
ALL_AREAS = "All areas"
FOUND_WORK, NOT_IN_WORK = "found_work", "not_in_work"
BARRIER_BANDS = ("0–1", "2–3", "4+")
NO_ASSESSMENT = "No assessment recorded"
# Below this many people with each outcome (in work / not) the model is not fitted at all.
MODEL_MINIMUM_EACH = 5
# Ten people with the rarer outcome per estimated odds ratio (Peduzzi et al. 1996): fewer and the
# model still runs but the page says its estimates are unstable.
EVENTS_PER_TERM = 10


NOT_EVALUATOR = "Only evaluators see the evaluation's outcome analytics."


# ---- the people counted (kept inside this module) ------------------------------------------


@dataclass(frozen=True)
class Person:
    """One counted participant, reduced to what the analyses need. Never returned to callers."""

    area: str
    joined_on: datetime.date
    first_job_on: datetime.date | None
    closed_on: datetime.date | None
    barriers: int | None  # on their latest assessment; None with no assessment

    def follow_up(self, today: datetime.date) -> tuple[float, bool]:
        """Months from joining to the first job (True), or to censoring (False)."""
        if self.first_job_on is not None:
            return (self.first_job_on - self.joined_on).days / DAYS_PER_MONTH, True
        end = min(today, self.closed_on) if self.closed_on is not None else today
        return (end - self.joined_on).days / DAYS_PER_MONTH, False

    @property
    def in_paid_work(self) -> bool:
        return self.first_job_on is not None


def counted_people(actor: ActingUser, today: datetime.date, programme: Programme | None = None) -> list[Person]:
    """Everyone of one programme (by default the evaluator's latest) counted on `today`, in two queries
    however many there are. Evaluators of that programme only: research_consents_visible_to gives nothing
    of a programme they do not oversee.

    Per-person rows stay inside this module: the functions below reduce them to aggregates.
    """
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    if programme is None:
        programme = evaluation_programme(actor)
    consents = research_consents_visible_to(actor, programme_id=programme.pk).filter(
        service_data=True, participant__joined_on__lte=today
    )
    first_job = (
        Outcome.objects.filter(
            participant_id=OuterRef("participant_id"),
            kind=Outcome.Kind.JOB_START,
            achieved_on__gte=OuterRef("participant__joined_on"),
            achieved_on__lte=today,
        )
        .order_by("achieved_on")
        .values("achieved_on")[:1]
    )
    rows = list(
        consents.annotate(first_job_on=Subquery(first_job))
        .order_by("participant_id")
        .values(
            "participant_id",
            "participant__partnership__area_name",
            "participant__joined_on",
            "participant__status",
            "participant__status_since",
            "first_job_on",
        )
    )
    latest: dict[int, tuple[datetime.date, int, int]] = {}
    assessments = (
        Assessment.objects.filter(participant__research_consent__in=consents.values("pk"))
        .order_by()
        .values("participant_id", "assessed_on", "pk")
        .annotate(barrier_count=Count("barriers"))
        .values_list("participant_id", "assessed_on", "pk", "barrier_count")
    )
    for participant_id, assessed_on, pk, barrier_count in assessments:
        if participant_id not in latest or (assessed_on, pk) > latest[participant_id][:2]:
            latest[participant_id] = (assessed_on, pk, barrier_count)
    return [
        Person(
            area=row["participant__partnership__area_name"],
            joined_on=row["participant__joined_on"],
            first_job_on=row["first_job_on"],
            closed_on=row["participant__status_since"]
            if row["participant__status"] == Participant.Status.CLOSED
            else None,
            barriers=latest[row["participant_id"]][2] if row["participant_id"] in latest else None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Followed:
    """`count` counted people alike in every analysis: same area, days followed up, outcome and barriers.

    The page's figures are computed from these groups, counted in the database (`counted_groups`):
    a programme of a million people is a few thousand groups, never a row per person in Python.
    """

    area: str
    days: int  # from joining to the first job (found_work) or to censoring
    found_work: bool
    barriers: int | None
    count: int = 1

    @property
    def months(self) -> float:
        return self.days / DAYS_PER_MONTH

    @property
    def in_paid_work(self) -> bool:
        return self.found_work


def grouped(people: Sequence["Person | Followed"], today: datetime.date) -> list[Followed]:
    """People (or groups) as groups, alike people added together, in a stable order."""
    counts: Counter[tuple[str, int, bool, int | None]] = Counter()
    for person in people:
        if isinstance(person, Followed):
            counts[(person.area, person.days, person.found_work, person.barriers)] += person.count
            continue
        end = person.first_job_on or (min(today, person.closed_on) if person.closed_on is not None else today)
        counts[(person.area, (end - person.joined_on).days, person.in_paid_work, person.barriers)] += 1
    return [Followed(*key, count=n) for key, n in sorted(counts.items(), key=lambda item: _group_order(item[0]))]


def _group_order(key: tuple[str, int, bool, int | None]) -> tuple[str, int, bool, int]:
    area, days, found, barriers = key
    return area, days, found, -1 if barriers is None else barriers


def counted_groups(actor: ActingUser, today: datetime.date, programme: Programme | None = None) -> list[Followed]:
    """The people `counted_people` gives, as groups counted in the database: one grouped query.

    Set-based, so that the database joins each table once rather than looking up each person: the
    first job (on or after joining, on or before `today`) is a grouped MIN per participant, the latest
    assessment a ROW_NUMBER window per participant with its barriers counted in one grouped join
    (PostgreSQL hashes both; SQLite runs the same SQL). The days followed up are worked out in SQL and
    the rows grouped by area, days, outcome and barriers.
    """
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    if programme is None:
        programme = evaluation_programme(actor)
    consents = research_consents_visible_to(actor, programme_id=programme.pk).filter(
        service_data=True, participant__joined_on__lte=today
    )
    # The consents' own query already joins each person and their partnership: it gives what is needed.
    counted = consents.order_by().values_list(
        "participant_id",
        "participant__partnership__area_name",
        "participant__joined_on",
        "participant__status",
        "participant__status_since",
    )
    connection = connections[counted.db]  # the database the queryset reads from (a replica, if routed)
    counted_sql, counted_params = counted.query.get_compiler(using=counted.db).as_sql()
    quote = connection.ops.quote_name

    def table(model: Any) -> str:
        return quote(model._meta.db_table)

    def days(end: str) -> str:
        if connection.vendor == "postgresql":
            return f"({end} - p.joined_on)"
        return f"CAST(julianday({end}) - julianday(p.joined_on) AS INTEGER)"

    columns = "participant_id, area_name, joined_on, status, status_since"

    censored_at = "CASE WHEN p.status = %s AND p.status_since < %s THEN p.status_since ELSE %s END"
    sql = f"""
        WITH counted ({columns}) AS ({counted_sql})
        SELECT area, days, found, barriers, COUNT(*) FROM (
            SELECT
                p.area_name AS area,
                CASE WHEN fj.first_on IS NULL THEN {days(censored_at)} ELSE {days("fj.first_on")} END AS days,
                CASE WHEN fj.first_on IS NULL THEN 0 ELSE 1 END AS found,
                la.barriers AS barriers
            FROM counted p
            LEFT JOIN (
                SELECT o.participant_id, MIN(o.achieved_on) AS first_on
                FROM {table(Outcome)} o
                JOIN counted c ON c.participant_id = o.participant_id
                WHERE o.kind = %s AND o.achieved_on >= c.joined_on AND o.achieved_on <= %s
                GROUP BY o.participant_id
            ) fj ON fj.participant_id = p.participant_id
            LEFT JOIN (
                SELECT ranked.participant_id, COUNT(b.assessment_id) AS barriers
                FROM (
                    SELECT a.id, a.participant_id,
                        ROW_NUMBER() OVER (PARTITION BY a.participant_id ORDER BY a.assessed_on DESC, a.id DESC) AS rn
                    FROM {table(Assessment)} a
                    JOIN counted c ON c.participant_id = a.participant_id
                ) ranked
                LEFT JOIN {table(AssessmentBarrier)} b ON b.assessment_id = ranked.id
                WHERE ranked.rn = 1
                GROUP BY ranked.participant_id
            ) la ON la.participant_id = p.participant_id
        ) people
        GROUP BY area, days, found, barriers
    """
    params = [
        *counted_params,
        Participant.Status.CLOSED.value,
        today,
        today,
        Outcome.Kind.JOB_START.value,
        today,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Grouped in SQL already (one row a group): only put in grouped()'s order.
    keyed = sorted(
        (((area, int(followed), bool(found), barriers), n) for area, followed, found, barriers, n in rows),
        key=lambda item: _group_order(item[0]),
    )
    return [Followed(*key, count=n) for key, n in keyed]


def _areas(people: Sequence[Person | Followed]) -> list[str]:
    return sorted({person.area for person in people})


# ---- 1. time to work: Kaplan–Meier ----------------------------------------------------------


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan–Meier estimate: the share still not in work over months since joining."""

    n: int
    events: int
    steps: tuple[tuple[float, float], ...]  # (months, share still not in work) from (0, 1)
    median: float | None  # None: not reached (the curve never falls to one half)
    median_low: float | None  # None: not reached
    median_high: float | None  # None: not reached
    at: tuple[tuple[int, float | None], ...]  # (months, share); None beyond the follow-up

    @property
    def median_label(self) -> str:
        def months(value: float | None) -> str:
            return "not reached" if value is None else f"{value:.1f}"

        if self.median is None:
            return f"not reached (95% CI {months(self.median_low)} to not reached)"
        return f"{months(self.median)} months (95% CI {months(self.median_low)} to {months(self.median_high)})"


def _first_time_at_or_below_half(times: Sequence[float], shares: Sequence[float]) -> float | None:
    # Exact halves computed as products (like 5/6 · 3/5) land on 0.5000000000000001; allow for it.
    return next((float(time) for time, share in zip(times, shares, strict=True) if share <= 0.5 + 1e-9), None)


def kaplan_meier(
    durations: Sequence[float],
    events: Sequence[bool],
    at: Sequence[int] = SURVIVAL_MONTHS,
    weights: Sequence[int] | None = None,
) -> KaplanMeier:
    """Kaplan–Meier with lifelines: S(t) is the product over event times up to t of (1 − d/n).

    The median is the first time S(t) is at most one half; its 95% interval is where the pointwise
    95% band (lifelines' exponential Greenwood) first reaches one half. A share at a time beyond
    the longest follow-up is None (not known), unless the curve had already reached nought.
    `weights`, when given, are how many people each duration and event stand for (whole numbers):
    the same estimate as with each person listed.
    """
    # Imported here, not at the top: lifelines loads slowly and only the analytics need it.
    from lifelines import KaplanMeierFitter

    if not durations:
        raise ValueError("Kaplan–Meier needs at least one person.")
    counts = [1] * len(durations) if weights is None else [int(weight) for weight in weights]
    fitter = KaplanMeierFitter().fit(
        list(durations),
        event_observed=[bool(event) for event in events],
        weights=None if weights is None else counts,
    )
    curve = fitter.survival_function_.iloc[:, 0]
    steps = tuple((float(time), float(value)) for time, value in curve.items())
    band = fitter.confidence_interval_
    times = list(band.index)
    longest = max(durations)
    last = steps[-1][1]
    shares = fitter.survival_function_at_times(list(at))
    return KaplanMeier(
        n=sum(counts),
        events=sum(count for event, count in zip(events, counts, strict=True) if event),
        steps=steps,
        median=_first_time_at_or_below_half([time for time, _ in steps], [share for _, share in steps]),
        # The lower band reaches one half first: it gives the interval's lower end.
        median_low=_first_time_at_or_below_half(times, list(band.iloc[:, 0])),
        median_high=_first_time_at_or_below_half(times, list(band.iloc[:, 1])),
        at=tuple(
            (months, None if months > longest and last > 0 else float(share))
            for months, share in zip(at, shares, strict=True)
        ),
    )


@dataclass(frozen=True)
class AreaTimeToWork:
    area: str
    people: Cell
    found_work: Cell
    not_in_work: Cell  # censored: no job yet when last known
    estimate: KaplanMeier | None  # None when a count it would give back is hidden
    note: str = ""


@dataclass(frozen=True)
class TimeToWork:
    today: datetime.date
    areas: tuple[AreaTimeToWork, ...]
    overall: AreaTimeToWork

    @property
    def rows(self) -> tuple[AreaTimeToWork, ...]:
        return (*self.areas, self.overall)


def _two_column_cells(
    grid: Mapping[tuple[Any, Any], int], rows: Sequence[Hashable], columns: Sequence[Hashable]
) -> dict[tuple[Hashable, Hashable], Cell]:
    counts, lines = grid_with_totals(grid, rows, columns)
    return suppress(counts, lines)


def time_to_work_of(people: Sequence[Person | Followed], today: datetime.date) -> TimeToWork:
    """Kaplan–Meier per area and for all areas, from the people counted (see the module docstring)."""
    groups = grouped(people, today)
    areas = _areas(groups)
    followed: dict[str, list[Followed]] = defaultdict(list)
    for group in groups:
        followed[group.area].append(group)
    grid = {
        (area, column): sum(group.count for group in followed[area] if group.found_work == (column == FOUND_WORK))
        for area in areas
        for column in (FOUND_WORK, NOT_IN_WORK)
    }
    cells = _two_column_cells(grid, areas, (FOUND_WORK, NOT_IN_WORK))

    def row(key: Hashable, name: str, alike: list[Followed]) -> AreaTimeToWork:
        people, found, waiting = (cells[(key, column)] for column in (TOTAL, FOUND_WORK, NOT_IN_WORK))
        hidden = next((cell for cell in (people, found, waiting) if cell.hidden), None)
        if hidden is not None:
            note = f"Not estimated: a number of people here is {reason_text(hidden)}."
            return AreaTimeToWork(name, people, found, waiting, estimate=None, note=note)
        if not alike:
            return AreaTimeToWork(name, people, found, waiting, estimate=None, note="Nobody to count.")
        estimate = kaplan_meier(
            [group.months for group in alike],
            [group.found_work for group in alike],
            weights=[group.count for group in alike],
        )
        return AreaTimeToWork(name, people, found, waiting, estimate=estimate)

    everyone = [group for area in areas for group in followed[area]]
    return TimeToWork(
        today=today,
        areas=tuple(row(area, area, followed[area]) for area in areas),
        overall=row(TOTAL, ALL_AREAS, everyone),
    )


# ---- 2. paid work against barriers and area: logistic regression ----------------------------


@dataclass(frozen=True)
class OddsRatio:
    term: str  # "Each extra barrier", or an area's name
    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    people: int | None = None  # for an area: how many of its people are in the model


@dataclass(frozen=True)
class PaidWorkModel:
    n: int  # people in the model
    in_work: int
    fitted: bool
    message: str  # why there is no model, or a caution about it; "" when neither
    reference_area: str | None
    odds_ratios: tuple[OddsRatio, ...]
    reading: tuple[str, ...]  # the figures in plain words
    left_out: tuple[str, ...]  # who is not in the model and why


class ModelNotEstimable(Exception):
    """The data cannot give a logistic model: too few people, or perfect separation."""


def fit_odds_ratios(
    frame: pd.DataFrame,
    *,
    outcome: str,
    numeric: Sequence[str],
    categorical: str | None,
    reference: str | None,
    frequency: str | None = None,
) -> dict[str, tuple[float, float, float, float]]:
    """Logistic regression (statsmodels GLM, binomial, logit link): odds ratio, 95% CI and p-value per term.

    Terms are the numeric column names and, for the categorical column, each level but the
    reference, as `"<column>=<level>"`. `frequency`, when given, names a column of how many people
    each row stands for (frequency weights): the same maximum-likelihood fit, errors and p-values as
    with each person on a row of their own (statsmodels' logit), with work in proportion to the rows.
    Raises ModelNotEstimable on perfect or quasi-perfect separation (an estimate that runs off to
    infinity) rather than returning nonsense.
    """
    # Here, like lifelines: only the analytics need it.
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    data = frame[[outcome, *numeric]].astype(float)
    terms = list(numeric)
    levels: dict[str, str] = {}
    if categorical is not None:
        values = frame[categorical].astype(str)
        names = sorted(set(values) - {str(reference)})
        # Plain codes in the formula, so that no area name can break it; the reference comes first.
        codes = {str(reference): "level0", **{name: f"level{index + 1}" for index, name in enumerate(names)}}
        data["group"] = pd.Categorical(values.map(codes), categories=list(codes.values()))
        for name in names:
            levels[f"C(group)[T.{codes[name]}]"] = f"{categorical}={name}"
        terms.append("C(group)")
    weights = np.ones(len(data)) if frequency is None else frame[frequency].to_numpy(dtype=float)
    for level in (0.0, 1.0):
        if not ((data[outcome] == level) & (weights > 0)).any():
            raise ModelNotEstimable("Everyone in the model has the same outcome, so there is nothing to compare.")
    formula = f"{outcome} ~ {' + '.join(terms) if terms else '1'}"
    with warnings.catch_warnings():
        for category in (PerfectSeparationWarning, ConvergenceWarning, HessianInversionWarning, RuntimeWarning):
            warnings.simplefilter("error", category)
        try:
            # Tight tolerance: the estimates agree with a person-by-person logit to ~1e-12.
            result = smf.glm(formula, data=data, family=sm.families.Binomial(), freq_weights=weights).fit(
                maxiter=100, tol=1e-12
            )
        except (
            PerfectSeparationError,
            PerfectSeparationWarning,
            ConvergenceWarning,
            HessianInversionWarning,
            RuntimeWarning,
            np.linalg.LinAlgError,
        ) as error:
            raise ModelNotEstimable(
                "The model cannot be estimated: some group's outcome is perfectly predicted "
                "(perfect separation), or there are too few people to tell the groups apart."
            ) from error
    low_high = result.conf_int(alpha=0.05)
    out: dict[str, tuple[float, float, float, float]] = {}
    for name in result.params.index:
        if name == "Intercept":
            continue
        coefficient, standard_error = float(result.params[name]), float(result.bse[name])
        # Quasi-separation: the estimate runs away (odds ratios beyond a million) with a huge error.
        runaway = abs(coefficient) > 14 or standard_error > 50
        if not (math.isfinite(coefficient) and math.isfinite(standard_error)) or runaway:
            raise ModelNotEstimable(
                "The model cannot be estimated: some group's outcome is (almost) perfectly predicted "
                "(separation), so its odds ratio would be infinite."
            )
        out[levels.get(name, name)] = (
            math.exp(coefficient),
            math.exp(float(low_high.loc[name, 0])),
            math.exp(float(low_high.loc[name, 1])),
            float(result.pvalues[name]),
        )
    return out


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _times(value: float) -> str:
    return f"{value:.2f}"


def _reading_for(term: str, ratio: OddsRatio, reference: str | None) -> str:
    interval = f"95% CI {_times(ratio.ci_low)} to {_times(ratio.ci_high)}, {_p(ratio.p_value)}"
    clear = ratio.ci_low > 1 or ratio.ci_high < 1
    if term == BARRIERS_TERM:
        direction = "higher" if ratio.odds_ratio > 1 else "lower"
        words = (
            f"Each extra barrier goes with odds of paid work {_times(ratio.odds_ratio)} times as high "
            f"({interval}), in the same area."
        )
        if clear:
            return f"{words} People facing more barriers had {direction} odds of finding work."
        return f"{words} The data are also consistent with no link between barriers and work."
    words = (
        f"In {ratio.term} the odds of paid work were {_times(ratio.odds_ratio)} times those in {reference} "
        f"({interval}), for people with the same number of barriers."
    )
    if clear:
        return words
    return f"{words} The difference could be chance."


BARRIERS_TERM = "barriers"


def _counts(people: Sequence[Person | Followed]) -> Counter[tuple[str, bool, int | None]]:
    """How many people in each area, outcome and number of barriers, in the order first met."""
    counts: Counter[tuple[str, bool, int | None]] = Counter()
    for person in people:
        counts[(person.area, person.in_paid_work, person.barriers)] += (
            person.count if isinstance(person, Followed) else 1
        )
    return counts


def paid_work_model_of(people: Sequence[Person | Followed]) -> PaidWorkModel:
    """Paid work (any job start) ~ barriers on the latest assessment + area, by logistic regression.

    The reference area is the largest in the model (alphabetically first among equals). People
    with no assessment are left out, and so are areas with fewer than five people in the model
    (their odds ratio would be both unstable and close to identifying).
    """
    counts = _counts(people)
    everyone = sum(counts.values())
    assessed = {key: count for key, count in counts.items() if key[2] is not None}
    left_out: list[str] = []
    if sum(assessed.values()) < everyone:
        left_out.append(f"{everyone - sum(assessed.values()):,} with no assessment recorded")
    sizes: Counter[str] = Counter()
    for (area, _found, _barriers), count in assessed.items():
        sizes[area] += count
    small = sorted(area for area, size in sizes.items() if size < THRESHOLD)
    if small:
        left_out.append(f"everyone in {', '.join(small)} (fewer than {THRESHOLD} people with an assessment)")
    modelled = {key: count for key, count in assessed.items() if key[0] not in small}
    n, in_work = sum(modelled.values()), sum(count for key, count in modelled.items() if key[1])
    areas = sorted({area for area, _found, _barriers in modelled}, key=lambda area: (-sizes[area], area))
    reference = areas[0] if areas else None

    def without_model(message: str) -> PaidWorkModel:
        return PaidWorkModel(n, in_work, False, message, reference, (), (), tuple(left_out))

    rarer = min(in_work, n - in_work)
    if rarer < MODEL_MINIMUM_EACH:
        return without_model(
            f"Too few people to fit the model: it needs at least {MODEL_MINIMUM_EACH} people in paid work "
            f"and {MODEL_MINIMUM_EACH} not, and has {in_work:,} and {n - in_work:,}."
        )
    for area in areas:
        outcomes = {found for (in_area, found, _barriers) in modelled if in_area == area}
        if len(outcomes) == 1:
            who = "everyone" if outcomes == {True} else "nobody"
            return without_model(
                f"The model cannot be estimated: in {area} {who} in the model found paid work, so its "
                "odds ratio would be infinite (perfect separation). Read the rates below instead."
            )
    # One row per area, outcome and number of barriers, weighted by how many people it stands for:
    # the same fit as one row a person, in time proportional to the rows, not the people.
    keys = list(modelled)
    frame = pd.DataFrame(
        {
            "paid": [1 if found else 0 for _area, found, _barriers in keys],
            BARRIERS_TERM: [barriers for _area, _found, barriers in keys],
            "area": [area for area, _found, _barriers in keys],
            "people": list(modelled.values()),
        }
    )
    try:
        fitted = fit_odds_ratios(
            frame,
            outcome="paid",
            numeric=[BARRIERS_TERM],
            categorical="area" if len(areas) > 1 else None,
            reference=reference,
            frequency="people",
        )
    except ModelNotEstimable as error:
        return without_model(str(error))
    ratios: list[OddsRatio] = []
    # The barriers first, then the areas in the order of their names.
    for term, (ratio, low, high, p_value) in sorted(fitted.items(), key=lambda item: item[0] != BARRIERS_TERM):
        if term == BARRIERS_TERM:
            ratios.append(OddsRatio("Each extra barrier", ratio, low, high, p_value))
        else:
            area = term.removeprefix("area=")
            ratios.append(OddsRatio(area, ratio, low, high, p_value, people=sizes[area]))
    terms = len(ratios)
    caution = ""
    if rarer < EVENTS_PER_TERM * terms:
        caution = (
            f"Read with care: with {rarer:,} people in the rarer outcome and {terms} odds ratios to estimate, "
            f"there are fewer than {EVENTS_PER_TERM} per odds ratio, so the estimates are unstable."
        )
    reading = tuple(
        _reading_for(BARRIERS_TERM if ratio.people is None else "area", ratio, reference) for ratio in ratios
    )
    return PaidWorkModel(n, in_work, True, caution, reference, tuple(ratios), reading, tuple(left_out))


# ---- 3. rates with Wilson intervals, suppressed ---------------------------------------------


@dataclass(frozen=True)
class RateRow:
    label: str
    people: Cell
    paid_work: Rate
    is_total: bool = False


@dataclass(frozen=True)
class PaidWorkRates:
    by_area: tuple[RateRow, ...]  # the areas, then all areas
    by_barriers: tuple[RateRow, ...]  # 0–1, 2–3, 4+, no assessment, then all


def barrier_band(barriers: int | None) -> str:
    if barriers is None:
        return NO_ASSESSMENT
    return BARRIER_BANDS[0] if barriers <= 1 else BARRIER_BANDS[1] if barriers <= 3 else BARRIER_BANDS[2]


def _rate_rows(groups: Sequence[str], of: Mapping[tuple[str, bool], int], total_label: str) -> tuple[RateRow, ...]:
    grid = {
        (group, column): of.get((group, column == FOUND_WORK), 0)
        for group in groups
        for column in (FOUND_WORK, NOT_IN_WORK)
    }
    cells = _two_column_cells(grid, groups, (FOUND_WORK, NOT_IN_WORK))
    return tuple(
        RateRow(label, cells[(key, TOTAL)], Rate.of(cells[(key, FOUND_WORK)], cells[(key, TOTAL)]), key == TOTAL)
        for key, label in [*((group, group) for group in groups), (TOTAL, total_label)]
    )


def paid_work_rates_of(people: Sequence[Person | Followed]) -> PaidWorkRates:
    """Rates of paid work by area and by number of barriers, with 95% Wilson intervals; every count
    goes through small-number suppression, and a rate is shown only when its counts are."""
    by_area: Counter[tuple[str, bool]] = Counter()
    by_band: Counter[tuple[str, bool]] = Counter()
    for (area, found, barriers), count in _counts(people).items():
        by_area[(area, found)] += count
        by_band[(barrier_band(barriers), found)] += count
    assessed_none = by_band.get((NO_ASSESSMENT, True), 0) + by_band.get((NO_ASSESSMENT, False), 0)
    bands = [*BARRIER_BANDS, *([NO_ASSESSMENT] if assessed_none else [])]
    return PaidWorkRates(
        by_area=_rate_rows(_areas(people), by_area, ALL_AREAS),
        by_barriers=_rate_rows(bands, by_band, "All"),
    )


# ---- the gated reads ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResearchOutcomes:
    today: datetime.date
    programme: Programme
    time_to_work: TimeToWork
    paid_work_model: PaidWorkModel
    rates: PaidWorkRates


def _programme_for(actor: ActingUser, programme_id: int | None) -> Programme:
    """Refuse non-evaluators, then find the programme (NotFound for one the evaluator does not oversee)."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    return evaluation_programme(actor, programme_id)


def _audit(actor: ActingUser, programme: Programme, *, action: str) -> None:
    # A read of one programme's aggregates: the programme is the record, no participant.
    record_event(actor=actor, action=action, record=programme, participant_id=None)


def read_research_outcomes(
    *,
    actor: ActingUser,
    today: datetime.date,
    programme_id: int | None = None,
    action: str = AuditEvent.Action.VIEW,
) -> ResearchOutcomes:
    """All three analyses of one programme (`programme_id`, else the evaluator's latest), for its evaluators
    only, over research-consented people who allowed the use of their service records. The read is audited
    as a read of aggregates (no participant)."""
    programme = _programme_for(actor, programme_id)
    people = counted_groups(actor, today, programme)
    outcomes = ResearchOutcomes(
        today=today,
        programme=programme,
        time_to_work=time_to_work_of(people, today),
        paid_work_model=paid_work_model_of(people),
        rates=paid_work_rates_of(people),
    )
    _audit(actor, programme, action=action)
    return outcomes


def read_time_to_work(*, actor: ActingUser, today: datetime.date, programme_id: int | None = None) -> TimeToWork:
    """Time from joining to first job by area (Kaplan–Meier) in one programme; its evaluators only; audited."""
    programme = _programme_for(actor, programme_id)
    result = time_to_work_of(counted_groups(actor, today, programme), today)
    _audit(actor, programme, action=AuditEvent.Action.VIEW)
    return result


def read_paid_work_model(*, actor: ActingUser, today: datetime.date, programme_id: int | None = None) -> PaidWorkModel:
    """Paid work against barriers and area (logistic regression) in one programme; its evaluators only;
    audited."""
    programme = _programme_for(actor, programme_id)
    result = paid_work_model_of(counted_groups(actor, today, programme))
    _audit(actor, programme, action=AuditEvent.Action.VIEW)
    return result


def read_paid_work_rates(*, actor: ActingUser, today: datetime.date, programme_id: int | None = None) -> PaidWorkRates:
    """Paid-work rates by area and by barriers with Wilson intervals, suppressed, in one programme; its
    evaluators only; audited."""
    programme = _programme_for(actor, programme_id)
    result = paid_work_rates_of(counted_groups(actor, today, programme))
    _audit(actor, programme, action=AuditEvent.Action.VIEW)
    return result


# ---- tables for the page and the downloads --------------------------------------------------

TABLE_SLUGS = ("time-to-work", "time-to-work-curves", "paid-work-model", "rates-by-area", "rates-by-barriers")


def _count(cell: Cell) -> int | str:
    return cell.label if cell.hidden else cell.value or 0


def _share(value: float | None, estimate: KaplanMeier | None) -> Figure | str | None:
    if estimate is None:
        return None
    if value is None:
        return "beyond follow-up"
    hundred = round(value * 100, 1)
    return Figure(hundred, f"{hundred:.1f}%", PERCENT_FORMAT)


def _median(estimate: KaplanMeier | None, note: str) -> Interval | str:
    """The median and its 95% limits in months, "not reached" where the curve never got there."""
    if estimate is None:
        return note

    def months(value: float | None) -> float | str:
        return "not reached" if value is None else round(value, 1)

    return Interval(
        months(estimate.median),
        months(estimate.median_low),
        months(estimate.median_high),
        estimate.median_label,
        "0.0",
    )


def changes(steps: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The points where a curve falls, with its start and the end of follow-up: enough to redraw it."""
    kept = [point for index, point in enumerate(steps) if index == 0 or point[1] != steps[index - 1][1]]
    return kept if steps[-1] == kept[-1] else [*kept, steps[-1]]


def analytics_tables(outcomes: ResearchOutcomes) -> list[ExportTable]:
    """The page's tables, the same on the page and in the CSV downloads."""
    time = outcomes.time_to_work
    survival = ExportTable(
        slug="time-to-work",
        title="Time from joining to first job, by area (Kaplan–Meier)",
        columns=(
            "Area",
            "People (n)",
            "Found work",
            "Not in work when last known (censored)",
            interval_columns("Median time to first job, months (95% CI)", "Median months to first job", unit=""),
            *(
                file_heading(f"Still not in work at {months} months", f"Still not in work at {months} months %")
                for months in SURVIVAL_MONTHS
            ),
        ),
        rows=tuple(
            (
                row.area,
                _count(row.people),
                _count(row.found_work),
                _count(row.not_in_work),
                _median(row.estimate, row.note),
                *(_share(share, row.estimate) for _, share in (row.estimate.at if row.estimate else ())),
                *((None,) * (0 if row.estimate else len(SURVIVAL_MONTHS))),
            )
            for row in time.rows
        ),
    )
    curves = ExportTable(
        slug="time-to-work-curves",
        title="Kaplan–Meier curves: share still not in work by months since joining",
        columns=("Area", "Months since joining", file_heading("Share still not in work", "Still not in work %")),
        rows=tuple(
            (row.area, number(months, 2), Figure(round(share * 100, 2), f"{share:.4f}", "0.00"))
            for row in time.rows
            if row.estimate is not None
            for months, share in changes(row.estimate.steps)
        ),
    )
    model = outcomes.paid_work_model
    model_table = ExportTable(
        slug="paid-work-model",
        title=f"Odds of paid work by barriers and area (logistic regression, n = {model.n:,})",
        columns=("Term", "People in the model", "Odds ratio", "95% CI low", "95% CI high", "p-value"),
        rows=tuple(
            (
                ratio.term if ratio.people is None else f"{ratio.term} (against {model.reference_area})",
                model.n if ratio.people is None else ratio.people,
                number(ratio.odds_ratio, 3),
                number(ratio.ci_low, 3),
                number(ratio.ci_high, 3),
                number(ratio.p_value, 4),
            )
            for ratio in model.odds_ratios
        ),
    )

    def rate_table(slug: str, title: str, first: str, rows: Sequence[RateRow]) -> ExportTable:
        return ExportTable(
            slug=slug,
            title=title,
            columns=(
                first,
                "People (n)",
                "In paid work",
                interval_columns("Paid-work rate (95% Wilson interval)", "Paid-work rate"),
            ),
            rows=tuple(
                (row.label, _count(row.people), _count(row.paid_work.count), rate_interval(row.paid_work))
                for row in rows
            ),
        )

    return [
        survival,
        curves,
        model_table,
        rate_table("rates-by-area", "Paid work by area", "Area", outcomes.rates.by_area),
        rate_table(
            "rates-by-barriers",
            "Paid work by number of barriers (latest assessment)",
            "Barriers",
            outcomes.rates.by_barriers,
        ),
    ]
