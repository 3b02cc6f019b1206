"""Small-number suppression for counts shown to people who may not see records (DESIGN.md rule 6).

A count of one to four people can identify them ("the only lone parent in Glenrothes who
joined in 2016"), so such counts are never shown. The rule, in order:

1. **Primary.** Every count from 1 to 4 is hidden and shown as "fewer than 5". Zero is shown:
   "nobody" identifies nobody, and hiding zeros would hide most of a small table for no gain.
2. **Secondary (subtraction).** A table's totals are sums of its cells. A *line* is one total
   with the cells that add up to it (a row with its row total, a column with its column total).
   If exactly one member of a line is hidden, subtracting the others from the total gives it
   back, so a second member is hidden too. This is repeated until no line has exactly one
   hidden member. Which member: hiding one can expose another line and set off a chain, so each
   shown non-zero member of the line is tried (smallest first, the total last), the chain it sets
   off is followed to the end, and the one that ends with the fewest hidden cells (then the
   smallest hidden sum) is chosen. Usually that is the next smallest cell of the line.
3. **Ranges.** Someone who knows this rule knows that a "fewer than 5" cell is 1–4 and that a
   "hidden" cell is 5 or more. With the total shown, that can still pin a cell down: a total of 6
   made of one "fewer than 5" and one hidden cell can only be 1 + 5, and two "fewer than 5"
   cells adding up to 2 are both 1. Such a line gets another member hidden in the same way.

Secondary cells are never zero and never 1–4, so the two labels say no more than the rule does.

What this does not promise: someone who solves several lines at once (a linear programme over
the whole table) can sometimes narrow a hidden cell to a range. Each line on its own never gives
away a number from 1 to 4; the tests check this with an independent brute-force search.

The functions here are pure: numbers in, cells out, no database.
"""

from collections.abc import Hashable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

THRESHOLD = 5

Key = TypeVar("Key", bound=Hashable)


class Reason(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # 1 to 4: primary suppression
    SECONDARY = "secondary"  # hidden so that a small number cannot be worked out


@dataclass(frozen=True)
class Cell:
    """One published count: its value, or None when hidden, and why."""

    value: int | None
    reason: Reason = Reason.SHOWN

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def label(self) -> str:
        if self.reason is Reason.SMALL:
            return f"fewer than {THRESHOLD}"
        if self.reason is Reason.SECONDARY:
            return "hidden"
        return f"{self.value:,}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Line(Generic[Key]):
    """A total and the cells that add up to it."""

    total: Key
    parts: tuple[Key, ...]


def suppress(
    counts: Mapping[Key, int],
    lines: Sequence[Line[Key]],
    *,
    threshold: int = THRESHOLD,
    look_ahead: int | None = None,
) -> dict[Key, Cell]:
    """Hide every count from 1 to threshold - 1, and whatever else would let one be worked out.

    `counts` holds every cell and every total of the table; `lines` says which cells add up to
    which totals. Raises ValueError if a total is not the sum of its parts (a bug upstream:
    published numbers that do not add up are worse than none). `look_ahead` is the table's size's
    (`look_ahead_for`) unless given.
    """
    for key, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"A count must be a whole number of at least 0, not {value!r} (at {key!r}).")
    for line in lines:
        if counts[line.total] != sum(counts[part] for part in line.parts):
            raise ValueError(f"The total at {line.total!r} is not the sum of its parts.")
    order = {key: position for position, key in enumerate(counts)}
    small = frozenset(key for key, value in counts.items() if 0 < value < threshold)
    index = _LineIndex(lines)
    exposed = frozenset(number for number, line in enumerate(lines) if _exposes(line, counts, small, small, threshold))
    secondary = _protect(
        counts,
        index,
        small,
        frozenset(),
        exposed,
        threshold,
        order,
        look_ahead=look_ahead_for(len(counts)) if look_ahead is None else look_ahead,
    )
    return {
        key: Cell(None, Reason.SMALL)
        if key in small
        else Cell(None, Reason.SECONDARY)
        if key in secondary
        else Cell(value)
        for key, value in counts.items()
    }


class _LineIndex(Generic[Key]):
    """The lines, and for each cell the lines it is a member of: hiding a cell can only change
    whether those lines give a number away, so only those are looked at again."""

    def __init__(self, lines: Sequence[Line[Key]]) -> None:
        self.lines = lines
        self.containing: dict[Key, list[int]] = {}
        for number, line in enumerate(lines):
            for key in dict.fromkeys((line.total, *line.parts)):
                self.containing.setdefault(key, []).append(number)


def _protect(
    counts: Mapping[Key, int],
    index: _LineIndex[Key],
    small: frozenset[Key],
    secondary: frozenset[Key],
    exposed: frozenset[int],
    threshold: int,
    order: Mapping[Key, int],
    *,
    look_ahead: int,
) -> frozenset[Key]:
    """Add secondary cells until no line gives a small number away; return them all.

    `exposed` holds the numbers of the lines that give one away now. The first of them (in the
    order of `lines`) is protected next, by hiding one of its members. With `look_ahead` n > 0,
    each choice tries every candidate and follows the chain it sets off choosing with n - 1; with 0
    it takes the smallest candidate.
    """
    hidden = set(small | secondary)
    hidden_secondary = set(secondary)
    still_exposed = set(exposed)

    def hide(key: Key, hidden: set[Key], hidden_secondary: set[Key], still_exposed: set[int]) -> None:
        hidden.add(key)
        hidden_secondary.add(key)
        for number in index.containing.get(key, ()):
            if _exposes(index.lines[number], counts, small, hidden, threshold):
                still_exposed.add(number)
            else:
                still_exposed.discard(number)

    while still_exposed:
        line = index.lines[min(still_exposed)]
        candidates = _candidates(line, counts, hidden, order)
        chosen = candidates[0]
        if look_ahead and len(candidates) > 1:
            # Follow each candidate's chain to its end; min keeps the first of equals.
            endings = []
            for candidate in candidates:
                trial_hidden, trial_secondary, trial_exposed = set(hidden), set(hidden_secondary), set(still_exposed)
                hide(candidate, trial_hidden, trial_secondary, trial_exposed)
                endings.append(
                    _protect(
                        counts,
                        index,
                        small,
                        frozenset(trial_secondary),
                        frozenset(trial_exposed),
                        threshold,
                        order,
                        look_ahead=look_ahead - 1,
                    )
                )
            costs = [(len(ending), sum(counts[key] for key in ending)) for ending in endings]
            chosen = candidates[costs.index(min(costs))]
        hide(chosen, hidden, hidden_secondary, still_exposed)
    return frozenset(hidden_secondary)


def look_ahead_for(size: int) -> int:
    """How far to look ahead in a table of `size` counts: further for small tables, where it is
    cheap; it only changes how much is hidden, never whether a small number is safe.

    Suppression only spreads along lines, so a part of a table that shares no line with the rest
    is suppressed the same alone as within the whole, when both look ahead as far. The whole looks
    ahead no further than the part would alone."""
    return 2 if size <= 200 else 1 if size <= 800 else 0


def _exposes(
    line: Line[Key], counts: Mapping[Key, int], small: frozenset[Key], hidden: AbstractSet[Key], threshold: int
) -> bool:
    """Could someone who knows the rule work out a hidden small number from this line alone?

    `hidden` holds the small cells and the secondary ones."""
    hidden_members = [key for key in (line.total, *line.parts) if key in hidden]
    if not hidden_members:
        return False
    if len(hidden_members) == 1:
        return True  # total minus the shown parts, or the sum of the parts
    if line.total in hidden:
        return False  # two or more unknowns and no known sum to subtract from
    small_parts = sum(1 for part in line.parts if part in small)
    if small_parts == 0:
        return False  # only numbers of 5 or more could be narrowed down, and those may be shown anyway
    secondary_parts = sum(1 for part in line.parts if part in hidden and part not in small)
    unknown_sum = counts[line.total] - sum(counts[part] for part in line.parts if part not in hidden)
    # One small cell is the unknown sum less the other hidden cells, each 1..threshold-1 if small,
    # threshold or more if secondary. Its possible values form one range; one value means exposed.
    others_least = (small_parts - 1) + secondary_parts * threshold
    lowest = 1 if secondary_parts else max(1, unknown_sum - (small_parts - 1) * (threshold - 1))
    highest = min(threshold - 1, unknown_sum - others_least)
    return lowest == highest


def _candidates(
    line: Line[Key], counts: Mapping[Key, int], hidden: AbstractSet[Key], order: Mapping[Key, int]
) -> list[Key]:
    """Members that could be hidden next: shown non-zero parts, smallest first, then the total."""
    parts = sorted(
        (part for part in line.parts if part not in hidden and counts[part] > 0),
        key=lambda part: (counts[part], order[part]),
    )
    candidates = [*parts, line.total] if line.total not in hidden else parts
    # Never empty: a line is only exposed while it has a shown total or a shown non-zero part.
    assert candidates, f"Nothing left to hide in the line totalled at {line.total!r}."
    return candidates


TOTAL = "total"


def grid_with_totals(
    grid: Mapping[Any, int], rows: Sequence[Hashable], columns: Sequence[Hashable]
) -> tuple[dict[tuple[Hashable, Hashable], int], list[Line[tuple[Hashable, Hashable]]]]:
    """A rows × columns table with a total column, a total row and their lines, keyed (row, column).

    Row and column keys must not be the string "total", which names the totals. Missing cells are 0.
    """
    counts: dict[tuple[Hashable, Hashable], int] = {}
    lines: list[Line[tuple[Hashable, Hashable]]] = []
    for row in rows:
        for column in columns:
            counts[(row, column)] = grid.get((row, column), 0)
        counts[(row, TOTAL)] = sum(counts[(row, column)] for column in columns)
        lines.append(Line((row, TOTAL), tuple((row, column) for column in columns)))
    for column in [*columns, TOTAL]:
        counts[(TOTAL, column)] = sum(counts[(row, column)] for row in rows)
        lines.append(Line((TOTAL, column), tuple((row, column) for row in rows)))
    lines.append(Line((TOTAL, TOTAL), tuple((TOTAL, column) for column in columns)))
    return counts, lines
