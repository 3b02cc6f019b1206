"""The funder's statistics: Wilson intervals, figures counted from records, suppression, constant queries."""

import datetime
import math
from decimal import Decimal

import pytest

from coproduce.reporting.statistics import (
    SECONDARY_REASON,
    SMALL_REASON,
    ProgrammeStats,
    Rate,
    dashboard_tables,
    programme_statistics,
    wilson_interval,
)
from coproduce.reporting.suppression import Cell, Reason
from tests.outcomes.factories import JobStartFactory
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.programmes.factories import PartnershipFactory, StaffMemberFactory
from tests.reporting.stats_story import SUCCESSOR_NAME, TODAY, build_story, build_successor


def wilson_by_hand(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = successes / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_published_values(successes: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(successes, n)
    assert (round(interval[0], 4), round(interval[1], 4)) == (low, high)


def test_wilson_interval_is_the_formula_worked_by_hand() -> None:
    # 30 of 100 with z = 1.96 exactly: 0.218948 to 0.395850 (0.2189–0.3958 with z = 1.959964).
    by_hand = wilson_by_hand(30, 100)
    assert round(by_hand[0], 6) == 0.218948
    assert round(by_hand[1], 6) == 0.395850
    computed = wilson_interval(30, 100)
    assert computed[0] == pytest.approx(by_hand[0], abs=1e-12)
    assert computed[1] == pytest.approx(by_hand[1], abs=1e-12)
    assert wilson_interval(20, 20) == (round(wilson_by_hand(20, 20)[0], 12), 1.0)


def test_wilson_interval_refuses_impossible_proportions() -> None:
    for successes, n in ((1, 0), (-1, 5), (6, 5)):
        with pytest.raises(ValueError, match="A proportion needs"):
            wilson_interval(successes, n)


def figures(stats: ProgrammeStats) -> dict[str, tuple[object, ...]]:
    return {
        row.area_name: (
            row.participants.value,
            row.paid_work.count.value,
            row.paid_work.label,
            row.fitting_job.count.value,
            row.fitting_job.label,
        )
        for row in (*stats.areas, stats.programme)
    }


def test_programme_statistics_are_counted_from_records(personas: Personas) -> None:
    build_story(personas)

    stats = programme_statistics(TODAY, personas.fife.programme)

    assert stats.programme_name == "Making It Work"
    assert stats.years == (2015, 2016)
    assert figures(stats) == {
        "Fife": (30, 12, "40% (25%–58%)", 6, "20% (10%–37%)"),
        "Glasgow": (20, 5, "25% (11%–47%)", 5, "25% (11%–47%)"),
        "All areas": (50, 17, "34% (22%–48%)", 11, "22% (13%–35%)"),
    }
    assert stats.participants == Cell(50)
    assert stats.paid_work.rate == 0.34
    assert (round(stats.paid_work.ci_low or 0, 4), round(stats.paid_work.ci_high or 0, 4)) == (0.2244, 0.4785)
    fife, glasgow = stats.areas
    assert [(e.year, e.joined.value, e.target, e.of_target) for e in fife.engagement] == [
        (2015, 5, None, "–"),
        (2016, 25, 20, "125%"),
    ]
    # Glasgow's target is only proposed, so all areas together have no agreed target either.
    assert [(e.year, e.joined.value, e.target) for e in glasgow.engagement] == [(2015, 5, None), (2016, 15, None)]
    assert [(e.year, e.joined.value, e.target) for e in stats.programme.engagement] == [
        (2015, 10, None),
        (2016, 40, None),
    ]
    assert fife.labour_market is not None
    assert (fife.labour_market.year, fife.labour_market.claimant_rate, fife.labour_market.job_density) == (
        2016,
        Decimal("2.8"),
        Decimal("0.72"),
    )
    assert glasgow.labour_market is None
    money = [
        (row.grants, row.cost_per_participant.value, row.cost_per_job_outcome.value, row.budget, row.approved_spend)
        for row in (fife, glasgow, stats.programme)
    ]
    assert money == [
        (Decimal("60000.00"), Decimal("2000.00"), Decimal("5000.00"), Decimal("1000.00"), Decimal("40.00")),
        (Decimal("30000.00"), Decimal("1500.00"), Decimal("6000.00"), Decimal("0.00"), Decimal("0.00")),
        (Decimal("90000.00"), Decimal("1800.00"), Decimal("5294.12"), Decimal("1000.00"), Decimal("40.00")),
    ]
    assert stats.spread == (glasgow, fife)
    assert not stats.any_hidden


def test_each_programme_counts_its_own_participants_jobs_and_money_alone(personas: Personas) -> None:
    """Two programmes in the same area (same GSS code), records on the same days: neither's figures hold
    any of the other's participants, jobs, targets, labour market, grants or money."""
    build_story(personas)
    successor = build_successor(personas)

    first = programme_statistics(TODAY, personas.fife.programme)
    assert first.programme_name == "Making It Work"
    assert first.programme_id == personas.fife.programme_id
    assert figures(first) == {
        "Fife": (30, 12, "40% (25%–58%)", 6, "20% (10%–37%)"),
        "Glasgow": (20, 5, "25% (11%–47%)", 5, "25% (11%–47%)"),
        "All areas": (50, 17, "34% (22%–48%)", 11, "22% (13%–35%)"),
    }
    fife, _glasgow = first.areas
    assert fife.labour_market is not None
    assert fife.labour_market.claimant_rate == Decimal("2.8")
    assert [(e.year, e.target) for e in fife.engagement] == [(2015, None), (2016, 20)]
    assert (first.programme.grants, first.programme.budget, first.programme.approved_spend) == (
        Decimal("90000.00"),
        Decimal("1000.00"),
        Decimal("40.00"),
    )

    second = programme_statistics(TODAY, successor)
    assert second.programme_name == SUCCESSOR_NAME
    assert [area.area_name for area in second.areas] == ["Fife"]
    assert figures(second) == {
        "Fife": (10, 5, "50% (24%–76%)", 5, "50% (24%–76%)"),
        "All areas": (10, 5, "50% (24%–76%)", 5, "50% (24%–76%)"),
    }
    (new_fife,) = second.areas
    assert new_fife.labour_market is not None
    assert new_fife.labour_market.claimant_rate == Decimal("9.9")
    assert [(e.year, e.joined.value, e.target) for e in second.programme.engagement] == [(2016, 10, 9)]
    assert (second.programme.grants, second.programme.budget, second.programme.approved_spend) == (
        Decimal("70000.00"),
        Decimal("500.00"),
        Decimal("75.00"),
    )


def test_earlier_in_time_fewer_have_joined_and_small_numbers_are_suppressed(personas: Personas) -> None:
    build_story(personas)

    stats = programme_statistics(datetime.date(2015, 12, 31), personas.fife.programme)

    # Only the 2015 joiners (5 and 5), and nobody in work yet.
    assert figures(stats) == {
        "Fife": (5, 0, "0% (0%–43%)", 0, "0% (0%–43%)"),
        "Glasgow": (5, 0, "0% (0%–43%)", 0, "0% (0%–43%)"),
        "All areas": (10, 0, "0% (0%–28%)", 0, "0% (0%–28%)"),
    }
    assert stats.programme.cost_per_job_outcome.value is None
    assert stats.programme.cost_per_job_outcome.reason == "nobody to count"


def test_a_small_area_is_suppressed_and_what_depends_on_it_is_hidden(personas: Personas) -> None:
    # The personas alone: 3 in Fife and 1 in Glasgow, all joined in 2015; Pat started a job.
    JobStartFactory(participant=personas.participant, achieved_on=datetime.date(2016, 1, 4))

    stats = programme_statistics(TODAY, personas.fife.programme)

    fife = stats.areas[0]
    assert fife.participants == Cell(None, Reason.SMALL)
    assert fife.paid_work == Rate(Cell(None, Reason.SMALL), Cell(None, Reason.SMALL))
    assert fife.paid_work.reason == SMALL_REASON
    assert fife.paid_work.label == "hidden"
    assert fife.cost_per_participant.value is None
    assert fife.cost_per_participant.reason == SMALL_REASON
    assert stats.any_hidden


def test_a_rate_is_hidden_when_its_count_is_hidden_to_protect_another(personas: Personas) -> None:
    # Fife: 3 + 7 = 10 joined, 8 in paid work, so 2 not in paid work: small, and 8 and 10 would
    # give it away, so something in that line is hidden too.
    people = ParticipantFactory.create_batch(7, keyworker=personas.keyworker)
    for participant in [*people, personas.participant]:
        JobStartFactory(participant=participant, achieved_on=datetime.date(2016, 1, 4))
    ParticipantFactory.create_batch(9, keyworker=personas.glasgow_keyworker)

    stats = programme_statistics(TODAY, personas.fife.programme)

    fife = stats.areas[0]
    shown = [fife.participants, fife.paid_work.count]
    assert any(cell.reason is Reason.SECONDARY for cell in shown)
    assert fife.paid_work.rate is None
    assert fife.paid_work.reason == SECONDARY_REASON


def test_dashboard_tables_hold_the_same_figures(personas: Personas) -> None:
    build_story(personas)

    outcomes, engagement, costs = dashboard_tables(programme_statistics(TODAY, personas.fife.programme))

    assert outcomes.display_rows == [
        ["Fife", "30", "12", "40% (25%–58%)", "6", "20% (10%–37%)", "2.8", "0.72", "2016"],
        ["Glasgow", "20", "5", "25% (11%–47%)", "5", "25% (11%–47%)", "–", "–", "–"],
        ["All areas", "50", "17", "34% (22%–48%)", "11", "22% (13%–35%)", "–", "–", "–"],
    ]
    # In a file, the same figures each in a cell of their own, as numbers.
    assert [value for value, _format in outcomes.file_rows[0]] == [
        "Fife",
        30,
        12,
        40.0,
        24.6,
        57.7,
        6,
        20.0,
        9.5,
        37.3,
        Decimal("2.8"),
        Decimal("0.72"),
        2016,
    ]
    assert engagement.display_rows[:2] == [["Fife", "2015", "5", "–", "–"], ["Fife", "2016", "25", "20", "125%"]]
    assert [[value for value, _format in row] for row in engagement.file_rows][:2] == [
        ["Fife", 2015, 5, None, None],
        ["Fife", 2016, 25, 20, 125.0],
    ]
    assert costs.display_rows[2] == ["All areas", "£90,000", "£1,800", "£5,294.12", "£1,000", "£40"]


def more_areas(personas: Personas, count: int) -> None:
    for n in range(count):
        partnership = PartnershipFactory(
            programme=personas.fife.programme, area_name=f"Extra {n}", gss_code=f"S19{n:06d}"
        )
        keyworker = StaffMemberFactory(partnership=partnership, organisation=personas.lead_organisation)
        for participant in ParticipantFactory.create_batch(6, keyworker=keyworker):
            JobStartFactory(participant=participant, achieved_on=datetime.date(2016, 1, 4))


@pytest.mark.parametrize("extra_areas", [0, 4])
def test_the_number_of_queries_does_not_grow_with_areas_or_participants(
    personas: Personas, extra_areas: int, django_assert_num_queries: object
) -> None:
    if extra_areas:
        build_story(personas)
        more_areas(personas, extra_areas)
        build_successor(personas)
    with django_assert_num_queries(6):  # type: ignore[operator]
        programme_statistics(TODAY, personas.fife.programme)


# (achieved_on, hourly pay, hours, contract, wish: (min, max, contracts) or None)
VARIED_JOBS = [
    (datetime.date(2016, 3, 7), "8.25", "20", "permanent", ("16", "25", ["permanent", "fixed_term"])),  # fits
    (datetime.date(2016, 3, 7), "8.24", "20", "permanent", ("16", "25", ["permanent"])),  # a penny short
    (datetime.date(2016, 10, 31), "8.44", "20", "permanent", ("16", "25", ["permanent"])),  # new rate that day
    (datetime.date(2016, 10, 30), "8.25", "20", "permanent", ("16", "25", ["permanent"])),  # old rate the day before
    (datetime.date(2010, 1, 4), "7.20", "20", "permanent", ("16", "25", ["permanent"])),  # before the first rate
    (datetime.date(2016, 3, 7), "9.00", "16", "fixed_term", ("16", "25", ["fixed_term"])),  # fewest hours wished
    (datetime.date(2016, 3, 7), "9.00", "25", "permanent", ("16", "25", ["permanent"])),  # most hours wished
    (datetime.date(2016, 3, 7), "9.00", "25.5", "permanent", ("16", "25", ["permanent"])),  # too many hours
    (datetime.date(2016, 3, 7), "9.00", "15.5", "permanent", ("16", "25", ["permanent"])),  # too few hours
    (datetime.date(2016, 3, 7), "9.00", "20", "zero_hours", ("16", "25", ["permanent"])),  # contract not wished
    (datetime.date(2016, 3, 7), "9.00", "20", "permanent", ("16", "25", [])),  # no contract wished
    (datetime.date(2016, 3, 7), "9.00", "20", "self_employed", ("0", "60", ["temporary", "self_employed"])),
    (datetime.date(2016, 3, 7), "30.00", "20", "permanent", None),  # no wish: not confirmed
    (datetime.date(2016, 3, 7), "0", "20", "permanent", ("16", "25", ["permanent"])),  # unpaid
]


def test_the_sql_that_decides_a_job_fits_agrees_with_job_fits_job_by_job(personas: Personas) -> None:
    """programme_statistics counts fitting jobs in the database; the page's words use job_fits: they agree."""
    from coproduce.outcomes.models import Outcome
    from coproduce.outcomes.quality import job_fits
    from coproduce.reporting.statistics import job_fits_condition
    from tests.outcomes.factories import WorkWishFactory

    keyworkers = [personas.keyworker, personas.other_keyworker]
    for index, (day, pay, hours, contract, wish) in enumerate(VARIED_JOBS):
        participant = ParticipantFactory(
            keyworker=keyworkers[index % len(keyworkers)], joined_on=datetime.date(2009, 1, 5)
        )
        if wish is not None:
            WorkWishFactory(
                participant=participant, min_hours=Decimal(wish[0]), max_hours=Decimal(wish[1]), contract_types=wish[2]
            )
        JobStartFactory(
            participant=participant,
            achieved_on=day,
            hourly_pay=Decimal(pay),
            hours_per_week=Decimal(hours),
            contract_type=contract,
        )
    # Someone with two jobs, one that fits and one that does not, counts once.
    twice = ParticipantFactory(keyworker=personas.keyworker, joined_on=datetime.date(2015, 1, 5))
    WorkWishFactory(participant=twice)
    JobStartFactory(participant=twice, hourly_pay=Decimal("5.00"))
    JobStartFactory(participant=twice, hourly_pay=Decimal("9.00"))

    jobs = Outcome.objects.filter(kind=Outcome.Kind.JOB_START).select_related("participant__work_wish")
    by_python = {job.pk for job in jobs if job_fits(job, getattr(job.participant, "work_wish", None)).fits}
    by_sql = set(
        Outcome.objects.filter(kind=Outcome.Kind.JOB_START).filter(job_fits_condition()).values_list("pk", flat=True)
    )
    assert by_sql == by_python
    assert 0 < len(by_python) < len(jobs)

    stats = programme_statistics(TODAY, personas.fife.programme)
    fitting_people = {job.participant_id for job in jobs if job.pk in by_python and job.achieved_on <= TODAY}
    paid_people = {job.participant_id for job in jobs if job.achieved_on <= TODAY}
    assert stats.programme.fitting_job.count.value == len(fitting_people)
    assert stats.programme.paid_work.count.value == len(paid_people)
