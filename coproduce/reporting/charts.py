"""Server-rendered SVG charts for the funder's figures. Pure functions: data in, markup out, no queries.

Every chart has a title and a description in words, and the page shows the same numbers in a
table beside it. Series are told apart by more than colour: bars are solid with the interval
as a black whisker; the target line is dashed with square markers, those who joined solid with
round markers, and the legend says so in words. A value that is not shown (suppressed) is not
drawn, and its label says why.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
LABEL_WIDTH = 110
BAR_AREA = 190
BAR_HEIGHT = 18
BAR_GAP = 10
TOP = 24
BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREY = "#b1b4b6"


def _number(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


@dataclass(frozen=True)
class Bar:
    """One area's rate (0–1) with its interval; `value` None when it is not shown, `note` saying why."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""
    text: str = ""  # the value as the table shows it, like "30% (22%–40%)"


def rate_bar_chart(*, title: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars on a 0–100% scale, one per area, each with its 95% interval as a whisker."""
    height = TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + 24
    label = escape(title)
    words = " ".join(f"{bar.label}: {bar.text or bar.note}." for bar in bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{label}" class="cp-chart" font-family="sans-serif" font-size="12">',
        f"<title>{label}</title>",
        f"<desc>{escape(words)}</desc>",
    ]
    bottom = height - 20
    for percent in (0, 50, 100):
        x = _number(LABEL_WIDTH + BAR_AREA * percent / 100)
        out.append(f'<line x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{bottom}" stroke="{GREY}" stroke-width="1"/>')
        out.append(f'<text x="{x}" y="{bottom + 14}" text-anchor="middle">{percent}%</text>')
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + BAR_GAP)
        middle = _number(y + BAR_HEIGHT / 2 + 4)
        out.append(f'<text x="{LABEL_WIDTH - 6}" y="{middle}" text-anchor="end">{escape(bar.label)}</text>')
        if bar.value is None:
            out.append(f'<text x="{LABEL_WIDTH + 4}" y="{middle}" fill="{BLACK}">{escape(bar.note)}</text>')
            continue
        width = _number(BAR_AREA * bar.value)
        out.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{BLUE}">'
            f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
        )
        if bar.low is not None and bar.high is not None:
            x1, x2 = _number(LABEL_WIDTH + BAR_AREA * bar.low), _number(LABEL_WIDTH + BAR_AREA * bar.high)
            whisker_y = _number(y + BAR_HEIGHT / 2)
            out.append(
                f'<line x1="{x1}" y1="{whisker_y}" x2="{x2}" y2="{whisker_y}" stroke="{BLACK}" stroke-width="2"/>'
            )
            for x in (x1, x2):
                out.append(
                    f'<line x1="{x}" y1="{y + 3}" x2="{x}" y2="{y + BAR_HEIGHT - 3}" '
                    f'stroke="{BLACK}" stroke-width="2"/>'
                )
    out.append("</svg>")
    return mark_safe("".join(out))  # every piece of text above is escaped


@dataclass(frozen=True)
class Series:
    """Values by position along the x axis; None where a value is not shown."""

    label: str
    values: Sequence[int | None]
    dashed: bool = False


def line_chart(*, title: str, x_labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """Counts over years: each series a line with markers (dashed with squares, or solid with circles)."""
    plot_left, plot_width, plot_top, plot_height = 50, 290, 12, 120
    height = plot_top + plot_height + 56
    highest = max([value for line in series for value in line.values if value is not None] + [1])
    label = escape(title)
    words = " ".join(
        f"{line.label}: "
        + ", ".join(f"{x} {'not shown' if v is None else f'{v:,}'}" for x, v in zip(x_labels, line.values, strict=True))
        + "."
        for line in series
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{label}" class="cp-chart" font-family="sans-serif" font-size="12">',
        f"<title>{label}</title>",
        f"<desc>{escape(words)}</desc>",
    ]

    def x_at(index: int) -> float:
        return plot_left + (plot_width / 2 if len(x_labels) < 2 else index * plot_width / (len(x_labels) - 1))

    def y_at(value: int) -> float:
        return plot_top + plot_height - value * plot_height / highest

    axis_y = plot_top + plot_height
    for value in (0, highest):
        grid_y = _number(y_at(value))
        out.append(
            f'<line x1="{plot_left}" y1="{grid_y}" x2="{plot_left + plot_width}" y2="{grid_y}" '
            f'stroke="{GREY}" stroke-width="1"/>'
        )
        out.append(f'<text x="{plot_left - 6}" y="{_number(y_at(value) + 4)}" text-anchor="end">{value:,}</text>')
    for index, x_label in enumerate(x_labels):
        out.append(f'<text x="{_number(x_at(index))}" y="{axis_y + 16}" text-anchor="middle">{escape(x_label)}</text>')
    for line in series:
        colour = BLACK if line.dashed else BLUE
        points = [(x_at(i), y_at(v), x_labels[i], v) for i, v in enumerate(line.values) if v is not None]
        if len(points) > 1:
            dash = ' stroke-dasharray="6 4"' if line.dashed else ""
            joined = " ".join(f"{_number(x)},{_number(y)}" for x, y, _, _ in points)
            out.append(f'<polyline points="{joined}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for point_x, point_y, x_label, value in points:
            cx, cy = _number(point_x), _number(point_y)
            tip = f"<title>{escape(line.label)}, {escape(x_label)}: {value:,}</title>"
            if line.dashed:
                out.append(
                    f'<rect x="{_number(point_x - 4)}" y="{_number(point_y - 4)}" width="8" height="8" '
                    f'fill="{colour}">{tip}</rect>'
                )
            else:
                out.append(f'<circle cx="{cx}" cy="{cy}" r="4" fill="{colour}">{tip}</circle>')
    legend_x, legend_y = plot_left, height - 10
    for line in series:
        colour = BLACK if line.dashed else BLUE
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        out.append(
            f'<line x1="{legend_x}" y1="{legend_y - 4}" x2="{legend_x + 24}" y2="{legend_y - 4}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{legend_x + 30}" y="{legend_y}">{escape(line.label)}</text>')
        legend_x += 150
    out.append("</svg>")
    return mark_safe("".join(out))  # every piece of text above is escaped


# Counts (not rates): horizontal bars with an optional target mark each.
BAR_HEIGHT, GAP, LABEL_WIDTH, PLOT_WIDTH, RIGHT = 22, 8, 190, 300, 70


def bar_chart_svg(title: str, bars: Sequence[tuple[str, int | None, int | None]], *, unit: str) -> SafeString:
    """Horizontal bars with an optional target mark each, as accessible SVG; "" when nothing to draw.

    A bar whose value is hidden is drawn as no bar, labelled "hidden"; the table beside it says why.
    """
    if not bars or not any(value or target for _, value, target in bars):
        return SafeString("")
    top = max(max(value or 0, target or 0) for _, value, target in bars) or 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT
    parts = [
        f'<svg class="cp-chart" xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value, target) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#0b0c0c">'
            f"{escape(short)}</text>"
        )
        if value is not None:
            length = round(PLOT_WIDTH * value / top)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#1d70b8">'
                f"<title>{escape(label)}: {value:,} {unit}</title></rect>"
            )
            text = f"{value:,}"
        else:
            length, text = 0, "hidden"
        if target is not None:
            x = LABEL_WIDTH + round(PLOT_WIDTH * target / top)
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="{y - 3}" y2="{y + BAR_HEIGHT + 3}" stroke="#d4351c" stroke-width="3">'
                f"<title>Target: {target:,}</title></line>"
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + 15}" font-size="12" fill="#0b0c0c">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


# Step lines (Kaplan–Meier survival curves): several curves told apart by dash pattern as well as colour.
STEP_STYLES = (
    (BLUE, ""),
    (BLACK, "6 4"),
    ("#d4351c", "2 3"),
    ("#00703c", "9 3 2 3"),
    ("#4c2c92", "12 4"),
    ("#f47738", "4 2 4 6"),
)


@dataclass(frozen=True)
class StepCurve:
    """A curve that falls in steps: (x, y) points from its start, y a share from 0 to 1.

    Between two points the value stays at the first one's y, then drops at the second one's x;
    the curve ends at its last point's x (the end of follow-up). `text` sums it up in words.
    """

    label: str
    points: Sequence[tuple[float, float]]
    text: str = ""


def step_chart(
    *, title: str, curves: Sequence[StepCurve], x_label: str, y_label: str, x_max: float | None = None
) -> SafeString:
    """Step lines on a 0–100% scale against x (like months), one per curve, with a legend in words.

    Points beyond `x_max` are cut off at it. Curves with no points are named in the legend only.
    """
    plot_left, plot_width, plot_top, plot_height = 46, 294, 12, 160
    drawn = [curve for curve in curves if curve.points]
    longest = max([x for curve in drawn for x, _ in curve.points] + [1.0])
    right_end = x_max if x_max is not None else longest
    tick_every = 6 if right_end <= 48 else 12
    legend_top = plot_top + plot_height + 44
    height = legend_top + len(curves) * 18 + 4
    label = escape(title)
    words = " ".join(f"{curve.label}: {curve.text or 'not drawn'}." for curve in curves)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{label}" class="cp-chart" font-family="sans-serif" font-size="12">',
        f"<title>{label}</title>",
        f"<desc>{escape(words)}</desc>",
    ]

    def x_at(value: float) -> float:
        return plot_left + min(value, right_end) * plot_width / right_end

    def y_at(share: float) -> float:
        return plot_top + plot_height - share * plot_height

    axis_y = plot_top + plot_height
    for percent in (0, 25, 50, 75, 100):
        grid_y = _number(y_at(percent / 100))
        out.append(
            f'<line x1="{plot_left}" y1="{grid_y}" x2="{plot_left + plot_width}" y2="{grid_y}" '
            f'stroke="{GREY}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{plot_left - 6}" y="{_number(y_at(percent / 100) + 4)}" text-anchor="end">{percent}%</text>'
        )
    tick = 0.0
    while tick <= right_end + 1e-9:
        tick_x = _number(x_at(tick))
        out.append(f'<line x1="{tick_x}" y1="{axis_y}" x2="{tick_x}" y2="{axis_y + 4}" stroke="{BLACK}"/>')
        out.append(f'<text x="{tick_x}" y="{axis_y + 16}" text-anchor="middle">{_number(tick)}</text>')
        tick += tick_every
    out.append(f'<line x1="{plot_left}" y1="{axis_y}" x2="{plot_left + plot_width}" y2="{axis_y}" stroke="{BLACK}"/>')
    out.append(
        f'<text x="{plot_left + plot_width / 2:.0f}" y="{axis_y + 32}" text-anchor="middle">{escape(x_label)}</text>'
    )
    out.append(
        f'<text x="12" y="{plot_top + plot_height / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {plot_top + plot_height / 2:.0f})">{escape(y_label)}</text>'
    )
    for index, curve in enumerate(curves):
        colour, dash = STEP_STYLES[index % len(STEP_STYLES)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        if curve.points:
            path: list[str] = []
            previous_y: float | None = None
            for x, y in curve.points:
                if x > right_end:
                    break
                if y == previous_y:
                    continue  # no fall here (someone left the count): the line runs on
                if previous_y is not None:
                    path.append(f"{_number(x_at(x))},{_number(y_at(previous_y))}")
                path.append(f"{_number(x_at(x))},{_number(y_at(y))}")
                previous_y = y
            if previous_y is not None:
                path.append(f"{_number(x_at(min(curve.points[-1][0], right_end)))},{_number(y_at(previous_y))}")
            out.append(
                f'<polyline points="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"'
                f"{dash_attribute}><title>{escape(curve.label)}: {escape(curve.text)}</title></polyline>"
            )
        legend_y = legend_top + index * 18
        out.append(
            f'<line x1="{plot_left}" y1="{legend_y - 4}" x2="{plot_left + 30}" y2="{legend_y - 4}" '
            f'stroke="{colour}" stroke-width="2"{dash_attribute}/>'
        )
        note = "" if curve.points else " (not drawn)"
        out.append(f'<text x="{plot_left + 36}" y="{legend_y}">{escape(curve.label)}{note}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # every piece of text above is escaped
