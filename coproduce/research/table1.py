"""Table 1 of the paper: interviews done, by area × wave year × participant or stakeholder.

A count holds no personal data, so interviews whose interviewee later withdrew still count
(the interviews happened). Only evaluators read it, one programme at a time. Two queries, whatever the
data: the areas crossed with their programme's wave years, and the counts (reading which programmes the
evaluator oversees costs one more, once per request).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from coproduce.accounts.acting import ActingUser
from coproduce.programmes.models import Partnership
from coproduce.research.models import Interview
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import evaluation_programme

# The paper's Table 1 ("Interviews undertaken for MIW research"): area → year → (lone parents, stakeholders).
PAPER_TABLE_1: dict[str, dict[int, tuple[int, int]]] = {
    "Edinburgh": {2014: (6, 12), 2015: (8, 8), 2016: (6, 7), 2017: (3, 3)},
    "Fife": {2014: (8, 9), 2015: (8, 9), 2016: (5, 8), 2017: (3, 3)},
    "Glasgow": {2014: (11, 5), 2015: (4, 5), 2016: (2, 8), 2017: (2, 2)},
    "North Lanarkshire": {2014: (5, 3), 2015: (5, 7), 2016: (2, 6), 2017: (1, 2)},
    "South Lanarkshire": {2014: (6, 5), 2015: (9, 6), 2016: (5, 6), 2017: (3, 3)},
}
# The paper's Total row: year → (lone parents, stakeholders).
PAPER_TABLE_1_TOTALS: dict[int, tuple[int, int]] = {
    2014: (36, 34),
    2015: (34, 35),
    2016: (20, 35),
    2017: (12, 13),
}


@dataclass(frozen=True)
class Cell:
    participants: int
    stakeholders: int

    @property
    def total(self) -> int:
        return self.participants + self.stakeholders

    def __add__(self, other: "Cell") -> "Cell":
        return Cell(self.participants + other.participants, self.stakeholders + other.stakeholders)


EMPTY = Cell(0, 0)


@dataclass(frozen=True)
class Row:
    area: str
    partnership_id: int
    wave: int
    participants: int
    stakeholders: int


@dataclass(frozen=True)
class TableOne:
    programme_id: int
    programme: str
    areas: tuple[str, ...]
    years: tuple[int, ...]
    rows: tuple[Row, ...]  # one per area × year, zeros included, areas then years in order

    def cell(self, area: str, year: int) -> Cell:
        return next(
            (Cell(row.participants, row.stakeholders) for row in self.rows if row.area == area and row.wave == year),
            EMPTY,
        )

    def by_wave(self) -> dict[int, Cell]:
        totals = dict.fromkeys(self.years, EMPTY)
        for row in self.rows:
            totals[row.wave] = totals[row.wave] + Cell(row.participants, row.stakeholders)
        return totals

    def by_area(self) -> dict[str, Cell]:
        totals = dict.fromkeys(self.areas, EMPTY)
        for row in self.rows:
            totals[row.area] = totals[row.area] + Cell(row.participants, row.stakeholders)
        return totals

    def overall(self) -> Cell:
        total = EMPTY
        for row in self.rows:
            total = total + Cell(row.participants, row.stakeholders)
        return total

    def as_paper(self) -> dict[str, dict[int, tuple[int, int]]]:
        """The same shape as PAPER_TABLE_1, to compare cell by cell."""
        return {
            area: {
                year: (cell.participants, cell.stakeholders) for year in self.years for cell in [self.cell(area, year)]
            }
            for area in self.areas
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "programme_id": self.programme_id,
            "programme": self.programme,
            "rows": [
                {"area": row.area, "wave": row.wave, "participants": row.participants, "stakeholders": row.stakeholders}
                for row in self.rows
            ],
            "totals": {
                "by_wave": [
                    {"wave": year, "participants": cell.participants, "stakeholders": cell.stakeholders}
                    for year, cell in self.by_wave().items()
                ],
                "by_area": [
                    {"area": area, "participants": cell.participants, "stakeholders": cell.stakeholders}
                    for area, cell in self.by_area().items()
                ],
                "overall": {"participants": self.overall().participants, "stakeholders": self.overall().stakeholders},
            },
        }

    def flat(self) -> tuple[tuple[str, ...], tuple[tuple[int | str, ...], ...]]:
        """Columns and rows for a spreadsheet: areas as rows; for each year, lone parents and
        stakeholders; then all years; a Total row."""
        columns = ["Area"]
        for year in self.years:
            columns += [f"{year} lone parents", f"{year} stakeholders"]
        columns += ["All years lone parents", "All years stakeholders"]
        by_area = self.by_area()
        rows: list[tuple[int | str, ...]] = []
        for area in self.areas:
            cells: list[int | str] = [area]
            for year in self.years:
                cell = self.cell(area, year)
                cells += [cell.participants, cell.stakeholders]
            cells += [by_area[area].participants, by_area[area].stakeholders]
            rows.append(tuple(cells))
        total: list[int | str] = ["Total"]
        for cell in self.by_wave().values():
            total += [cell.participants, cell.stakeholders]
        total += [self.overall().participants, self.overall().stakeholders]
        rows.append(tuple(total))
        return tuple(columns), tuple(rows)


def table_one(actor: ActingUser, *, programme_id: int | None = None) -> TableOne:
    """Interviews done by area × wave year × kind in one programme, for evaluators. Zeros included.

    Counts every interview done, including those whose interviewee has since withdrawn: a
    count names nobody. The programme is `programme_id` (NotFound if the evaluator does not oversee
    it), else the one of theirs that started last: a programme's table never counts another's
    interviews, so the paper's Table 1 comes from the closed programme alone.
    """
    refuse_unless_evaluator(actor, "Only evaluators see the interviews table.")
    programme = evaluation_programme(actor, programme_id)
    areas = Partnership.objects.filter(programme_id=programme.pk, programme__waves__isnull=False)
    interviews = Interview.objects.filter(status=Interview.Status.DONE, wave__programme_id=programme.pk)
    grid = list(
        areas.order_by("area_name", "pk", "programme__waves__year").values_list(
            "pk", "area_name", "programme__waves__year"
        )
    )
    counts: dict[tuple[int, int, str], int] = {
        (row["partnership_id"], row["wave__year"], row["kind"]): row["n"]
        for row in interviews.order_by().values("partnership_id", "wave__year", "kind").annotate(n=Count("pk"))
    }
    rows = tuple(
        Row(
            area=area,
            partnership_id=pk,
            wave=year,
            participants=counts.get((pk, year, Interview.Kind.PARTICIPANT), 0),
            stakeholders=counts.get((pk, year, Interview.Kind.STAKEHOLDER), 0),
        )
        for pk, area, year in grid
    )
    return TableOne(
        programme_id=programme.pk,
        programme=programme.name,
        areas=tuple(dict.fromkeys(row.area for row in rows)),
        years=tuple(sorted({row.wave for row in rows})),
        rows=rows,
    )
