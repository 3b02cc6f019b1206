"""The progress chart, drawn from a hand-made series: exact coordinates, and readable without colour."""

import datetime

from coproduce.plans.charts import Line, line_chart, progress_charts, x_for, y_for
from coproduce.plans.selectors.progress import AreaSeries, Reading

JAN_1 = datetime.date(2026, 1, 1)
JAN_8 = datetime.date(2026, 1, 8)
JAN_15 = datetime.date(2026, 1, 15)
JAN_29 = datetime.date(2026, 1, 29)  # 28 days after the first: 10 pixels a day across 280

THEIRS = Line(label="Pat's readings", points=[(JAN_1, 3), (JAN_15, 6), (JAN_29, 8)])
KEYWORKER = Line(label="Keyworker's readings", points=[(JAN_8, 4), (JAN_29, 5)], dashed=True, colour="#0b0c0c")


def test_scale_positions() -> None:
    assert [y_for(score) for score in (10, 5, 1)] == [10, 70, 118]
    assert [x_for(day, JAN_1, JAN_29) for day in (JAN_1, JAN_8, JAN_15, JAN_29)] == [30, 100, 170, 310]
    # One date only: in the middle.
    assert x_for(JAN_1, JAN_1, JAN_1) == 170


def test_lines_are_drawn_at_exact_coordinates() -> None:
    svg = line_chart(title="Confidence", lines=[THEIRS, KEYWORKER])

    assert '<polyline points="30,94 170,58 310,34" fill="none" stroke="#1d70b8" stroke-width="2"/>' in svg
    assert (
        '<polyline points="100,82 310,70" fill="none" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 4"/>' in svg
    )
    # Round markers for the participant, square ones for the keyworker: told apart without colour.
    assert (
        '<circle cx="30" cy="94" r="4" fill="#1d70b8"><title>Pat&#x27;s readings, 1 Jan 2026: 3</title></circle>' in svg
    )
    assert '<circle cx="170" cy="58" r="4"' in svg
    assert '<circle cx="310" cy="34" r="4"' in svg
    assert (
        '<rect x="96" y="78" width="8" height="8" fill="#0b0c0c"><title>Keyworker&#x27;s readings, 8 Jan 2026: 4' in svg
    )
    assert '<rect x="306" y="66" width="8" height="8"' in svg
    assert '<text x="30" y="150" text-anchor="start">1 Jan 2026</text>' in svg
    assert '<text x="310" y="150" text-anchor="end">29 Jan 2026</text>' in svg


def test_chart_is_labelled_for_screen_readers() -> None:
    svg = line_chart(title="Money <and> debt", lines=[THEIRS, KEYWORKER])

    assert svg.startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 176" width="100%" role="img" '
        'aria-label="Money &lt;and&gt; debt"'
    )
    assert "<title>Money &lt;and&gt; debt</title>" in svg
    assert (
        "<desc>Pat&#x27;s readings: 3 on 1 Jan 2026, 6 on 15 Jan 2026, 8 on 29 Jan 2026. "
        "Keyworker&#x27;s readings: 4 on 8 Jan 2026, 5 on 29 Jan 2026.</desc>"
    ) in svg
    # The legend names each line in words, beside a sample of its dash and marker.
    assert '<text x="60" y="168">Pat&#x27;s readings</text>' in svg
    assert '<line x1="170" y1="164" x2="194" y2="164" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 4"/>' in svg


def test_a_single_reading_is_a_marker_without_a_line() -> None:
    svg = line_chart(title="Home", lines=[Line(label="Mine", points=[(JAN_8, 10)])])

    assert "<polyline" not in svg
    assert '<circle cx="170" cy="10" r="4"' in svg
    assert "<desc>Mine: 10 on 8 Jan 2026.</desc>" in svg


def test_no_readings_yet() -> None:
    svg = line_chart(title="Home", lines=[Line(label="Mine", points=[])])

    assert "<polyline" not in svg
    assert svg.count("<circle") == 1  # only the legend's sample
    assert "<desc>Mine: no readings yet.</desc>" in svg


def test_every_area_chart_shares_one_time_axis() -> None:
    early = AreaSeries(area="confidence", label="Confidence", participant=[Reading(JAN_1, 2, "")])
    late = AreaSeries(area="money", label="Money", keyworker=[Reading(JAN_29, 9, "")])

    charts = progress_charts([early, late], participant_label="Yours", keyworker_label="Keyworker's")

    assert [chart.series.area for chart in charts] == ["confidence", "money"]
    assert '<circle cx="30" cy="106" r="4"' in charts[0].svg
    assert '<rect x="306" y="18" width="8" height="8"' in charts[1].svg
