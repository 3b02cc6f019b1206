"""`make bench-scale`'s machinery at a tiny size: every page it times answers 200 to the person it
chose, and every page's own SQL runs (PostgreSQL: that SQL is PostgreSQL's)."""

import pytest
from django.db import connection
from django.test import override_settings

from coproduce.demo import bench_scale
from coproduce.demo.builder import build_demo

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bench-scale runs on PostgreSQL only")
def test_every_page_answers_and_its_sql_runs() -> None:
    build_demo(participants=60, seed=7)
    with override_settings(TASKS=bench_scale.PRODUCTION_TASKS):
        people, results = bench_scale.measure(requests=1, warm_ups=1)
    assert {"keyworker_user", "participant_user", "manager_user", "funder_user"} <= {
        name for name, value in people.items() if value is not None
    }
    assert [result.name for result in results] == [page.name for page in bench_scale.PAGES]
    assert {result.name: result.status for result in results if result.status != 200} == {}
    assert all(result.sql_ms > 0 for result in results)
    assert next(r for r in results if r.name == "participant record").queries > 0
    assert next(r for r in results if r.name == "keyworker caseload").sql_rows > 0


def test_the_report_replaces_only_its_own_section(tmp_path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(
        "# Performance\n\nKept.\n\n<!-- bench-scale:start -->\nold\n<!-- bench-scale:end -->\n\nAlso kept.\n"
    )
    bench_scale.write_section("bench-scale", ["new", "lines"], doc)
    bench_scale.write_section("load", ["load figures"], doc)
    text = doc.read_text()
    assert "old" not in text
    assert "<!-- bench-scale:start -->\nnew\nlines\n<!-- bench-scale:end -->" in text
    assert "Kept." in text
    assert "Also kept." in text
    assert text.rstrip().endswith("<!-- load:start -->\nload figures\n<!-- load:end -->")


def test_a_page_is_judged_against_its_target_and_its_sql() -> None:
    def result(median: float, sql: float, dashboard: bool = False) -> bench_scale.PageResult:
        return bench_scale.PageResult("p", "/p/", dashboard, 200, median, median, 5, sql, 1)

    assert result(250, 1).misses() == []  # the SQL is too quick for the ratio to mean anything
    assert result(350, 1).misses() == ["over 300 ms"]
    assert result(900, 100, dashboard=True).misses() == ["over 3× its SQL"]
    assert result(900, 400, dashboard=True).misses() == []
