"""Small-number suppression: hand-made tables, then properties over many random tables."""

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.reporting.suppression import TOTAL, Cell, Line, Reason, grid_with_totals, suppress

SMALL = Cell(None, Reason.SMALL)
HIDDEN = Cell(None, Reason.SECONDARY)


def shown(value: int) -> Cell:
    return Cell(value)


# Hand-made tables ---------------------------------------------------------------------------


def test_a_table_with_no_small_numbers_is_shown_as_it_is() -> None:
    counts, lines = grid_with_totals(
        {("Fife", 2015): 12, ("Fife", 2016): 7, ("Glasgow", 2015): 30}, ["Fife", "Glasgow"], [2015, 2016]
    )

    cells = suppress(counts, lines)

    assert cells == {key: shown(value) for key, value in counts.items()}
    assert cells[("Glasgow", 2016)] == shown(0)


def test_a_small_number_and_the_next_smallest_in_its_row_and_column_are_hidden() -> None:
    # Fife: 3 joined in 2015, 10 in 2016, 12 in 2017; Glasgow: 7, 8, 20.
    grid = {
        ("Fife", 2015): 3,
        ("Fife", 2016): 10,
        ("Fife", 2017): 12,
        ("Glasgow", 2015): 7,
        ("Glasgow", 2016): 8,
        ("Glasgow", 2017): 20,
    }
    counts, lines = grid_with_totals(grid, ["Fife", "Glasgow"], [2015, 2016, 2017])

    cells = suppress(counts, lines)

    assert cells == {
        ("Fife", 2015): SMALL,
        ("Fife", 2016): HIDDEN,  # next smallest in Fife's row: else 25 - 12 - 10 = 3
        ("Fife", 2017): shown(12),
        ("Fife", TOTAL): shown(25),
        ("Glasgow", 2015): HIDDEN,  # next smallest in 2015's column: else 10 - 7 = 3
        ("Glasgow", 2016): HIDDEN,  # Glasgow's row and 2016's column now had one hidden cell each
        ("Glasgow", 2017): shown(20),
        ("Glasgow", TOTAL): shown(35),
        (TOTAL, 2015): shown(10),
        (TOTAL, 2016): shown(18),
        (TOTAL, 2017): shown(32),
        (TOTAL, TOTAL): shown(60),
    }


def test_when_the_other_cells_are_zero_the_total_is_hidden_instead() -> None:
    counts = {"total": 3, "2015": 3, "2016": 0, "2017": 0}

    cells = suppress(counts, [Line("total", ("2015", "2016", "2017"))])

    assert cells == {"total": SMALL, "2015": SMALL, "2016": shown(0), "2017": shown(0)}


def test_a_big_total_with_one_small_part_and_zeros_is_hidden() -> None:
    counts = {"all": 9, "active": 2, "paused": 0, "closed": 7}

    cells = suppress(counts, [Line("all", ("active", "paused", "closed"))])

    assert cells == {"all": shown(9), "active": SMALL, "paused": shown(0), "closed": HIDDEN}


def test_of_two_ways_to_protect_a_small_number_the_one_hiding_less_is_chosen() -> None:
    # "other" (2) must not be worked out as 17 - 15. Hiding "row" would expose it in turn
    # (6 + 9 = 15), needing a third cell hidden; hiding the column total needs nothing more.
    counts = {"row": 15, "a": 6, "b": 9, "column": 17, "other": 2}
    lines = [Line("row", ("a", "b")), Line("column", ("row", "other"))]

    cells = suppress(counts, lines)

    assert cells == {"row": shown(15), "a": shown(6), "b": shown(9), "column": HIDDEN, "other": SMALL}


def test_one_small_and_one_hidden_making_six_would_give_one_plus_five_so_a_bigger_one_is_hidden() -> None:
    counts = {"total": 16, "a": 1, "b": 5, "c": 10}

    cells = suppress(counts, [Line("total", ("a", "b", "c"))])

    # Hiding b would leave 16 - 10 = 6 = (1 to 4) + (5 or more): only 1 + 5 fits. Hiding c
    # leaves 11 = (1 to 4) + (5 or more), which a can be anything from 1 to 4 of.
    assert cells == {"total": shown(16), "a": SMALL, "b": shown(5), "c": HIDDEN}


def test_two_small_numbers_making_two_would_both_be_one_so_more_is_hidden() -> None:
    counts = {"total": 22, "a": 1, "b": 1, "c": 20}

    cells = suppress(counts, [Line("total", ("a", "b", "c"))])

    assert cells == {"total": shown(22), "a": SMALL, "b": SMALL, "c": HIDDEN}


def test_two_small_numbers_that_leave_room_are_enough_on_their_own() -> None:
    counts = {"total": 25, "a": 2, "b": 3, "c": 20}

    cells = suppress(counts, [Line("total", ("a", "b", "c"))])

    assert cells == {"total": shown(25), "a": SMALL, "b": SMALL, "c": shown(20)}


def test_labels_say_fewer_than_5_hidden_or_the_number() -> None:
    assert [str(cell) for cell in (SMALL, HIDDEN, shown(0), shown(3115))] == ["fewer than 5", "hidden", "0", "3,115"]


def test_totals_that_do_not_add_up_and_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="not the sum of its parts"):
        suppress({"total": 10, "a": 3, "b": 6}, [Line("total", ("a", "b"))])
    with pytest.raises(ValueError, match="at least 0"):
        suppress({"a": -1}, [])


# Properties ---------------------------------------------------------------------------------

count = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def grids(draw: st.DrawFn) -> tuple[dict[tuple[Hashable, Hashable], int], list[Line[tuple[Hashable, Hashable]]]]:
    rows = [f"area {n}" for n in range(draw(st.integers(1, 4)))]
    columns = list(range(2013, 2013 + draw(st.integers(1, 4))))
    grid = {(row, column): draw(count) for row in rows for column in columns}
    return grid_with_totals(grid, rows, columns)


def feasible_values(
    line: Line[Any], counts: Mapping[Any, int], cells: Mapping[Any, Cell], target: Hashable
) -> set[int]:
    """Brute force, independent of the code under test: what could `target` be, knowing the rule?

    Someone who reads the line knows its shown numbers and that each "fewer than 5" cell is 1–4
    and each "hidden" one is 5 or more (and, as it is inside the total, no more than the total).
    """
    total = counts[line.total]
    unknown = total - sum(counts[part] for part in line.parts if not cells[part].hidden)

    def domain(part: Hashable) -> range:
        return range(1, 5) if cells[part].reason is Reason.SMALL else range(5, total + 1)

    others = [part for part in line.parts if cells[part].hidden and part != target]
    sums = {0}
    for part in others:
        sums = {s + v for s in sums for v in domain(part) if s + v <= unknown}
    return {v for v in domain(target) if unknown - v in sums}


def check_published(counts: Mapping[Any, int], lines: Sequence[Line[Any]], cells: Mapping[Any, Cell]) -> None:
    for key, value in counts.items():
        cell = cells[key]
        if 0 < value < 5:
            assert cell.reason is Reason.SMALL, f"{key}: {value} must show as fewer than 5"
        elif cell.reason is Reason.SECONDARY:
            assert value >= 5, f"{key}: only numbers of 5 or more are hidden to protect others"
        else:
            assert cell == Cell(value), f"{key}: a shown number is the true number"
    for line in lines:
        members = [line.total, *line.parts]
        assert sum(cells[m].hidden for m in members) != 1, f"{line}: one hidden member can be worked out"
        if not cells[line.total].hidden:
            for part in line.parts:
                if cells[part].reason is Reason.SMALL:
                    assert len(feasible_values(line, counts, cells, part)) >= 2, f"{line}: {part} can be pinned down"


@settings(max_examples=300, deadline=None)
@given(grids())
def test_no_published_grid_reveals_a_number_from_1_to_4(table: tuple[dict, list]) -> None:
    counts, lines = table
    cells = suppress(counts, lines)
    check_published(counts, lines, cells)


@settings(max_examples=300, deadline=None)
@given(grids())
def test_without_small_numbers_nothing_is_hidden(table: tuple[dict, list]) -> None:
    counts, lines = table
    cells = suppress(counts, lines)
    if not any(0 < value < 5 for value in counts.values()):
        assert not any(cell.hidden for cell in cells.values())


@settings(max_examples=150, deadline=None)
@given(grids(), grids(), st.integers(0, 2))
def test_a_part_sharing_no_line_with_the_rest_is_suppressed_the_same_alone(
    one: tuple[dict, list], other: tuple[dict, list], look_ahead: int
) -> None:
    """What lets the board page suppress only the tables its figures share lines with (reporting/partnership.py
    `participant_figures`): alone or beside another table, a table's cells come out the same, looking as far ahead."""
    counts = {("one", key): value for key, value in one[0].items()}
    lines = [Line(("one", line.total), tuple(("one", part) for part in line.parts)) for line in one[1]]
    alone = suppress(counts, lines, look_ahead=look_ahead)
    for key, value in other[0].items():
        counts[("other", key)] = value
    lines += [Line(("other", line.total), tuple(("other", part) for part in line.parts)) for line in other[1]]
    together = suppress(counts, lines, look_ahead=look_ahead)
    assert {key: cell for key, cell in together.items() if key[0] == "one"} == alone


def test_a_big_table_is_suppressed_quickly() -> None:
    """A caseload table of a big area: 400 keyworkers, many of them with small counts. Only the lines
    through a newly hidden cell are looked at again, so this takes well under a second."""
    import time

    grid = {(row, column): (row * 7 + column * 3) % 9 for row in range(400) for column in range(3)}
    counts, lines = grid_with_totals(grid, list(range(400)), list(range(3)))
    started = time.perf_counter()
    cells = suppress(counts, lines)
    assert time.perf_counter() - started < 2
    # (The brute-force check is too slow for lines of 400 cells: the simplest rule is checked here.)
    for line in lines:
        assert sum(cells[member].hidden for member in (line.total, *line.parts)) != 1
