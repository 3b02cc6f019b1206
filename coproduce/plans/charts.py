"""Server-rendered SVG charts of progress over time. Pure functions: data in, markup out, no queries.

Each line is told apart by more than colour (DESIGN.md: accessible first): the participant's
readings are a solid line with round markers, the keyworker's a dashed line with square
markers, and the legend says so in words. The data table beside every chart carries the same
numbers for anyone who cannot see it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coproduce.plans.selectors.progress import AreaSeries

WIDTH = 320
HEIGHT = 176
PLOT_LEFT = 30
PLOT_WIDTH = 280
PLOT_TOP = 10
STEP = 12  # pixels per point of the 1–10 scale: 10 is at y=10, 1 at y=118
AXIS_Y = PLOT_TOP + 10 * STEP + 4  # the date axis sits just below 1
LOW, HIGH = 1, 10
GRID_VALUES = (1, 5, 10)


@dataclass(frozen=True)
class Line:
    """One reader's readings: (date, score) pairs, drawn solid with circles or dashed with squares."""

    label: str
    points: Sequence[tuple[datetime.date, int]]
    dashed: bool = False
    colour: str = "#1d70b8"


def _number(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def x_for(day: datetime.date, start: datetime.date, end: datetime.date) -> float:
    """Dates spread evenly in time across the plot; a single date sits in the middle."""
    if end <= start:
        return PLOT_LEFT + PLOT_WIDTH / 2
    return PLOT_LEFT + (day - start).days * PLOT_WIDTH / (end - start).days


def y_for(score: int) -> float:
    return PLOT_TOP + (HIGH - score) * STEP


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def describe(lines: Sequence[Line]) -> str:
    parts = []
    for line in lines:
        if line.points:
            readings = ", ".join(f"{score} on {_date(day)}" for day, score in line.points)
            parts.append(f"{line.label}: {readings}.")
        else:
            parts.append(f"{line.label}: no readings yet.")
    return " ".join(parts)


def _marker(x: str, y: str, line: Line, tip: str = "") -> str:
    """A square for a dashed line, a circle for a solid one; `tip` is the reading it marks, in words."""
    tip = f"<title>{escape(tip)}</title>" if tip else ""
    if line.dashed:
        return (
            f'<rect x="{_number(float(x) - 4)}" y="{_number(float(y) - 4)}" width="8" height="8" '
            f'fill="{line.colour}">{tip}</rect>'
        )
    return f'<circle cx="{x}" cy="{y}" r="4" fill="{line.colour}">{tip}</circle>'


def line_chart(
    *,
    title: str,
    lines: Sequence[Line],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> SafeString:
    """A small 1–10 line chart over time, with its title, a description in words and a legend.

    `start` and `end` fix the time axis (so that several charts line up); by default they are
    the first and last dates in `lines`.
    """
    days = [day for line in lines for day, _ in line.points]
    start = start or (min(days) if days else None)
    end = end or (max(days) if days else None)
    label = escape(title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{label}" class="cp-chart" font-family="sans-serif" font-size="12">',
        f"<title>{label}</title>",
        f"<desc>{escape(describe(lines))}</desc>",
    ]
    for value in GRID_VALUES:
        y = _number(y_for(value))
        out.append(
            f'<line x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_LEFT + PLOT_WIDTH}" y2="{y}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
        )
        out.append(f'<text x="{PLOT_LEFT - 6}" y="{_number(y_for(value) + 4)}" text-anchor="end">{value}</text>')
    out.append(
        f'<line x1="{PLOT_LEFT}" y1="{AXIS_Y}" x2="{PLOT_LEFT + PLOT_WIDTH}" y2="{AXIS_Y}" '
        'stroke="#0b0c0c" stroke-width="1"/>'
    )
    if start is not None and end is not None:
        out.append(f'<text x="{PLOT_LEFT}" y="{AXIS_Y + 16}" text-anchor="start">{_date(start)}</text>')
        if end > start:
            out.append(f'<text x="{PLOT_LEFT + PLOT_WIDTH}" y="{AXIS_Y + 16}" text-anchor="end">{_date(end)}</text>')
        for line in lines:
            coordinates = [
                (_number(x_for(day, start, end)), _number(y_for(score)), day, score) for day, score in line.points
            ]
            if len(coordinates) > 1:
                dash = ' stroke-dasharray="6 4"' if line.dashed else ""
                joined = " ".join(f"{x},{y}" for x, y, _, _ in coordinates)
                out.append(f'<polyline points="{joined}" fill="none" stroke="{line.colour}" stroke-width="2"{dash}/>')
            out.extend(_marker(x, y, line, f"{line.label}, {_date(day)}: {score}") for x, y, day, score in coordinates)
    legend_y = HEIGHT - 8
    legend_x = PLOT_LEFT
    for line in lines:
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        out.append(
            f'<line x1="{legend_x}" y1="{legend_y - 4}" x2="{legend_x + 24}" y2="{legend_y - 4}" '
            f'stroke="{line.colour}" stroke-width="2"{dash}/>'
        )
        out.append(_marker(_number(legend_x + 12), _number(legend_y - 4), line))
        out.append(f'<text x="{legend_x + 30}" y="{legend_y}">{escape(line.label)}</text>')
        legend_x += 140
    out.append("</svg>")
    return mark_safe("".join(out))  # every piece of text above is escaped


PARTICIPANT_COLOUR = "#1d70b8"
KEYWORKER_COLOUR = "#0b0c0c"


@dataclass(frozen=True)
class AreaChart:
    series: AreaSeries
    svg: SafeString


def progress_charts(series: Sequence[AreaSeries], *, participant_label: str, keyworker_label: str) -> list[AreaChart]:
    """One small chart per area (readable on a phone), all on the same time axis."""
    days = [reading.checked_on for one in series for reading in (*one.participant, *one.keyworker)]
    start, end = (min(days), max(days)) if days else (None, None)
    charts = []
    for one in series:
        lines = [
            Line(
                label=participant_label,
                points=[(reading.checked_on, reading.score) for reading in one.participant],
                colour=PARTICIPANT_COLOUR,
            ),
            Line(
                label=keyworker_label,
                points=[(reading.checked_on, reading.score) for reading in one.keyworker],
                dashed=True,
                colour=KEYWORKER_COLOUR,
            ),
        ]
        charts.append(AreaChart(series=one, svg=line_chart(title=one.label, lines=lines, start=start, end=end)))
    return charts
