"""Report tables with small numbers suppressed, ready for a page to show as they are.

Everything a page shows from one set of counts is suppressed together: the same total can
appear in two tables (an area's "all" is both the sum of its statuses and the sum of its years),
and hiding it in one while showing it in the other would undo the hiding.
"""

from collections.abc import Hashable
from dataclasses import dataclass

from coproduce.reporting.selectors import ProgrammeAreaCounts, ProgrammeCounts
from coproduce.reporting.suppression import TOTAL, Cell, Line, suppress

ACTIVE, NOT_ACTIVE, ALL = "active", "not_active", "all"
CellKey = tuple[Hashable, Hashable]


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def any_hidden(self) -> bool:
        return any(cell.hidden for row in self.rows for cell in row.cells)


@dataclass(frozen=True)
class ProgrammeReport:
    programme_name: str
    engaged: Cell
    active: Cell
    by_status: Table
    by_year: Table

    @property
    def any_hidden(self) -> bool:
        return self.by_status.any_hidden or self.by_year.any_hidden


@dataclass(frozen=True)
class AreaReport:
    programme_name: str
    total: Cell
    table: Table


def programme_cells(counts: ProgrammeCounts) -> tuple[dict[CellKey, int], list[Line[CellKey]]]:
    """Every number of the funder's tables, keyed (area or TOTAL, column), and how they add up.

    Per area (and for all areas): active + paused or closed = all, and the years add up to all.
    Per column: the areas add up to the total.
    """
    areas = [area.partnership_id for area in counts.areas]
    years = counts.years
    columns: list[Hashable] = [ACTIVE, NOT_ACTIVE, ALL, *years]
    values: dict[CellKey, int] = {}
    for area in counts.areas:
        key = area.partnership_id
        values[(key, ACTIVE)] = area.active
        values[(key, NOT_ACTIVE)] = area.not_active
        values[(key, ALL)] = area.engaged
        for year in years:
            values[(key, year)] = area.joined_by_year.get(year, 0)
    for column in columns:
        values[(TOTAL, column)] = sum(values[(key, column)] for key in areas)
    lines: list[Line[CellKey]] = []
    for row in [*areas, TOTAL]:
        lines.append(Line((row, ALL), ((row, ACTIVE), (row, NOT_ACTIVE))))
        lines.append(Line((row, ALL), tuple((row, year) for year in years)))
    for column in columns:
        lines.append(Line((TOTAL, column), tuple((key, column) for key in areas)))
    return values, lines


def programme_report(counts: ProgrammeCounts) -> ProgrammeReport:
    """Participants by area and status, and by area and year of joining, suppressed together."""
    years = counts.years
    values, lines = programme_cells(counts)
    cells = suppress(values, lines)

    def rows(row_columns: list[Hashable]) -> tuple[Row, ...]:
        labelled: list[tuple[Hashable, str, bool]] = [(a.partnership_id, a.area_name, False) for a in counts.areas]
        labelled.append((TOTAL, "All areas", True))
        return tuple(
            Row(label, tuple(cells[(key, column)] for column in row_columns), is_total)
            for key, label, is_total in labelled
        )

    return ProgrammeReport(
        programme_name=counts.programme_name,
        engaged=cells[(TOTAL, ALL)],
        active=cells[(TOTAL, ACTIVE)],
        by_status=Table(("Active now", "Paused or closed", "All who joined"), rows([ACTIVE, NOT_ACTIVE, ALL])),
        by_year=Table((*[str(year) for year in years], "All years"), rows([*years, ALL])),
    )


def area_report(counts: ProgrammeAreaCounts, column: str) -> AreaReport:
    """One count per area and their total, suppressed."""
    areas = [area.partnership_id for area in counts.areas]
    values: dict[Hashable, int] = {area.partnership_id: area.count for area in counts.areas}
    values[TOTAL] = sum(area.count for area in counts.areas)
    cells = suppress(values, [Line(TOTAL, tuple(areas))])
    rows = [Row(area.area_name, (cells[area.partnership_id],)) for area in counts.areas]
    rows.append(Row("All areas", (cells[TOTAL],), is_total=True))
    return AreaReport(programme_name=counts.programme_name, total=cells[TOTAL], table=Table((column,), tuple(rows)))
