"""Report tables with small numbers suppressed, ready for a page to show as they are.

Everything a page shows from one set of counts is suppressed together: the same total can
appear in two tables (an area's "all" is both the sum of its statuses and the sum of its years),
and hiding it in one while showing it in the other would undo the hiding.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from coproduce.reporting.selectors import ProgrammeAreaCounts
from coproduce.reporting.statistics import AreaStats, ProgrammeStats
from coproduce.reporting.suppression import TOTAL, Cell, Line, suppress


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


def funder_home_report(stats: ProgrammeStats) -> ProgrammeReport:
    """The funder's home tables, by area and status and by area and year of joining.

    Their cells are the dashboard's, suppressed with it in reporting/statistics.py, so that the
    two pages together give away no more than either does alone.
    """
    rows = [*stats.areas, stats.programme]

    def table_rows(cells_of: Callable[[AreaStats], tuple[Cell, ...]]) -> tuple[Row, ...]:
        return tuple(Row(area.area_name, cells_of(area), area is stats.programme) for area in rows)

    return ProgrammeReport(
        programme_name=stats.programme_name,
        engaged=stats.programme.participants,
        active=stats.programme.taking_part_now,
        by_status=Table(
            ("Active now", "Paused or closed", "All who joined"),
            table_rows(lambda area: (area.taking_part_now, area.paused_or_closed, area.participants)),
        ),
        by_year=Table(
            (*[str(year) for year in stats.years], "All years"),
            table_rows(lambda area: (*area.joined_by_year, area.participants)),
        ),
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
