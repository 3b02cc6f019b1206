"""Property: whatever the counts per area, no number from 1 to 4 can be worked out from the funder's figures.

Random areas, each with people joining over some years, some of them in paid work and some of
those in a job that fits, some taking part now and the rest paused or closed (the funder's home
page shows those, from the same suppression). The check (`check_published`, a brute force independent of the code
under test) reads every line the way someone who knows the rule would: shown cells, the totals,
"fewer than 5" meaning 1–4 and "hidden" meaning 5 or more.
"""

from collections.abc import Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.reporting.statistics import (
    ACTIVE,
    ALL,
    FITS,
    NOT_ACTIVE,
    NOT_PAID,
    PAID,
    PAID_NOT_FITTING,
    Rate,
    statistics_cells,
    suppressed_statistics_cells,
)
from coproduce.reporting.suppression import TOTAL, suppress
from tests.reporting.test_suppression import check_published

count = st.one_of(st.integers(0, 6), st.integers(0, 40))

Areas = tuple[
    dict[Hashable, dict[int, int]], dict[Hashable, int], dict[Hashable, int], tuple[int, ...], dict[Hashable, int]
]


@st.composite
def programmes(draw: st.DrawFn) -> Areas:
    years = tuple(range(2013, 2013 + draw(st.integers(1, 3))))
    joined: dict[Hashable, dict[int, int]] = {}
    paid: dict[Hashable, int] = {}
    fits: dict[Hashable, int] = {}
    active: dict[Hashable, int] = {}
    for area in range(draw(st.integers(1, 4))):
        joined[area] = {year: draw(count) for year in years}
        everyone = sum(joined[area].values())
        paid[area] = draw(st.integers(0, everyone))
        fits[area] = draw(st.integers(0, paid[area]))
        active[area] = draw(st.integers(0, everyone))
    return joined, paid, fits, years, active


@settings(max_examples=150, deadline=None)
@given(programmes())
def test_no_small_number_can_be_recovered_from_the_shown_cells_and_totals(programme: Areas) -> None:
    joined, paid, fits, years, active = programme
    values, lines = statistics_cells(joined, paid, fits, years, active)
    cells = suppress(values, lines)
    check_published(values, lines, cells)
    assert cells == suppressed_statistics_cells(joined, paid, fits, years, active)


@settings(max_examples=150, deadline=None)
@given(programmes())
def test_a_rate_is_shown_only_when_both_its_numbers_are(programme: Areas) -> None:
    """A rate beside a shown count would give back a hidden number of participants (count / rate)."""
    joined, paid, fits, years, active = programme
    cells = suppressed_statistics_cells(joined, paid, fits, years, active)
    for row in [*joined, TOTAL]:
        for column in (PAID, FITS):
            rate = Rate.of(cells[(row, column)], cells[(row, ALL)])
            shown = not cells[(row, column)].hidden and not cells[(row, ALL)].hidden
            assert (rate.rate is not None) == (shown and bool(cells[(row, ALL)].value))
            if rate.rate is None:
                assert (rate.ci_low, rate.ci_high) == (None, None)


@settings(max_examples=100, deadline=None)
@given(programmes())
def test_the_cells_not_on_the_page_are_protected_too(programme: Areas) -> None:
    """Those not in paid work and those in work that does not fit are never shown, but can be
    worked out by subtraction, so they are suppressed like any other: a small one is never left
    alone in its line."""
    joined, paid, fits, years, active = programme
    values, lines = statistics_cells(joined, paid, fits, years, active)
    cells = suppress(values, lines)
    for row in [*joined, TOTAL]:
        for derived, whole, other in ((NOT_PAID, ALL, PAID), (PAID_NOT_FITTING, PAID, FITS), (NOT_ACTIVE, ALL, ACTIVE)):
            if 0 < values[(row, derived)] < 5:
                assert cells[(row, whole)].hidden or cells[(row, other)].hidden
