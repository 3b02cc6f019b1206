"""Must show (issue 10, §2): the retention run over the demo anonymises every closed case past its
date, leaves nothing identifying anywhere (history tables included), and every figure the
programme publishes is the same before and after, to the last cell.

The demo is built on 27 November 2026, when its live successor programme runs: under the standard
schedule a Making It Work case closed six years before is due (all of them: every case closed by the
end of 2017), and the live programme's are not. Someone who also holds a live record keeps their
account. 40 participants here; `make test-full` runs the same over the full demo (3,115), on
SQLite and PostgreSQL, with COPRODUCE_RETENTION_DEMO_PARTICIPANTS=3115.
"""

import datetime
import os
from collections.abc import Callable
from typing import Any

import pytest

from coproduce.demo.builder import build_demo
from coproduce.participants.models import Participant
from coproduce.retention.models import PartnerDeletionNotice
from coproduce.retention.services import apply_retention
from tests.retention.demo_figures import published_figures
from tests.retention.search import identifying_needles, where_found

SEED = 2013
# A day when the live successor programme runs too (the demo needs one): its cases are not due.
TODAY = datetime.date(2026, 11, 27)
CLOSED_BY = datetime.date(2020, 11, 27)  # six years before TODAY: every Making It Work case is due
PARTICIPANTS = int(os.environ.get("COPRODUCE_RETENTION_DEMO_PARTICIPANTS", "40"))
# What the run finds and does, by the demo's size (the same on both databases). The full demo's (3,115)
# were measured on the history before the live programme and are to be measured again with `make test-full`.
EXPECTED = {
    40: {
        # Every Making It Work case closed by the end of 2017, so all 40 are due; the live programme's stay.
        "due": 40,
        "still held": 70,
        "needles": 287,
        "tables and columns where they were": 38,
        "of them history tables": 10,
        "anonymised": 40,
        "deletion notices": 22,
        # Each programme's five area dashboards, and the board's.
        "dashboards compared": 11,
    },
}


def check_retention_over_the_demo(today: datetime.date, closed_by: datetime.date) -> dict[str, int]:
    """Run it and check what the must-show asks; return the counts, for the caller to pin."""
    due = list(
        Participant.objects.filter(status=Participant.Status.CLOSED, status_since__lte=closed_by).values_list(
            "pk", flat=True
        )
    )
    needles = identifying_needles(due)
    found_before = where_found(needles)
    figures_before = published_figures(today)

    report = apply_retention(today=today)

    assert sorted(Participant.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)) == sorted(due)
    left = where_found(needles)
    assert left == [], "\n".join(map(str, left))
    figures_after = published_figures(today)
    for name, before in figures_before.items():
        assert figures_after[name] == before, f"{name} changed"
    return {
        "due": len(due),
        "still held": Participant.objects.filter(anonymised_at__isnull=True).count(),
        "needles": len(needles),
        "tables and columns where they were": len({(table, column) for table, column, _ in found_before}),
        "of them history tables": len({table for table, _, _ in found_before if "_historical" in table}),
        "anonymised": report.as_counts()["closed_cases"],
        "deletion notices": PartnerDeletionNotice.objects.count(),
        "dashboards compared": len(figures_before["dashboards"]) + len(figures_before["board dashboards"]),
    }


@pytest.mark.django_db
def test_retention_over_the_demo_anonymises_the_closed_cases_and_keeps_every_figure(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    build_demo(participants=PARTICIPANTS, seed=SEED, today=TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        counts = check_retention_over_the_demo(TODAY, CLOSED_BY)

    if PARTICIPANTS in EXPECTED:
        assert counts == EXPECTED[PARTICIPANTS]
    else:
        # Not pinned at this size yet: every Making It Work case closed by 2017, so all are due and anonymised.
        assert counts["due"] == counts["anonymised"] == PARTICIPANTS
