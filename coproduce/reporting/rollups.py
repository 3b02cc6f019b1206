"""Keeping the rollups of the funder's statistics (coproduce/reporting/models.py) true to the records.

`refresh_rollups` first asks, in four grouped queries over the whole database, for each partnership's
fingerprint: for each kind of record the figures are made from (its participants, their outcomes,
work wishes and spends), how many rows there are and the sum of their `updated_at` in microseconds.
Every change the figures can see changes it:

- a new row adds one to the count; a deleted row takes one away (also a raw delete, as retention's);
- an edited row is saved with a later `updated_at` (`auto_now`; the queryset updates that touch
  these rows also set it), so the sum grows; the clock only moves on, so edits cannot cancel out;
- a participant moved to another area changes both areas' counts.

A sum rather than the latest `updated_at` because a transaction may commit after a refresh with a
timestamp older than rows already seen: the latest would not move, the sum does. A partnership
whose fingerprint is the one stored with its rollup has not changed: only its `checked_at` moves on.
The others are counted again from the records, each in its own transaction (on PostgreSQL at
REPEATABLE READ, so the fingerprint stored and the counts are of the same moment), and their rows
replaced. Writes that set `updated_at` by hand to an earlier time (none do) would go unseen until
`refresh_rollups --all`.

Run by `manage.py refresh_rollups` from cron every 5 minutes, or the task in reporting/tasks.py,
both under `run_alone(ROLLUP_RUN)`: two workers never count at once.
"""

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, Count, F, Func, Min, Q, Sum
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from coproduce.budgets.models import Spend
from coproduce.outcomes.models import Outcome, WorkWish
from coproduce.participants.models import Participant
from coproduce.programmes.models import Partnership
from coproduce.reporting.models import PartnershipRollup, RollupCount
from coproduce.reporting.statistics import _Year, job_fits_condition

ROLLUP_RUN = "reporting.refresh-rollups"


class _Microseconds(Func):
    """A moment as whole microseconds since 1970 (SQLite: to the precision of julianday, ~20 µs)."""

    output_field = BigIntegerField()
    arity = 1

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        if connection.vendor == "postgresql":
            return f"CAST(EXTRACT(EPOCH FROM {sql}) * 1000000 AS bigint)", [*params]
        return f"CAST((julianday({sql}) - 2440587.5) * 86400000000.0 AS integer)", [*params]


# What the figures are made from, and how each reaches its partnership.
_SOURCES: tuple[tuple[Any, str], ...] = (
    (Participant, "partnership_id"),
    (Outcome, "participant__partnership_id"),
    (WorkWish, "participant__partnership_id"),
    (Spend, "participant__partnership_id"),
)


def fingerprints(partnership_ids: Sequence[int] | None = None) -> dict[int, str]:
    """Each partnership's fingerprint (see the module's docstring): four grouped queries."""
    parts: dict[int, list[str]] = defaultdict(lambda: ["0:0"] * len(_SOURCES))
    for index, (model, area) in enumerate(_SOURCES):
        rows = model.objects.all()
        if partnership_ids is not None:
            rows = rows.filter(**{f"{area}__in": partnership_ids})
        for row in rows.order_by().values(area).annotate(n=Count("pk"), stamps=Sum(_Microseconds(F("updated_at")))):
            parts[row[area]][index] = f"{row['n']}:{row['stamps'] or 0}"
    ids = partnership_ids if partnership_ids is not None else Partnership.objects.values_list("pk", flat=True)
    return {pk: "|".join(parts[pk]) for pk in ids}


@dataclass
class RefreshReport:
    checked: int = 0
    refreshed: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.checked} partnerships checked, {len(self.refreshed)} counted again from their records, "
            f"in {self.seconds:.2f} s."
        )


def refresh_rollups(*, everything: bool = False, today: datetime.date | None = None) -> RefreshReport:
    """Bring every partnership's rollup up to date: count again those whose records changed since
    (all of them with `everything`), mark the others checked now. Call it under
    `run_alone(ROLLUP_RUN)` where two processes could start it (the command and the task do)."""
    started = time.perf_counter()
    checked_at = timezone.now()  # before the fingerprints are read: they show at least what was committed by then
    current = fingerprints()
    stored = dict(PartnershipRollup.objects.values_list("partnership_id", "fingerprint"))
    changed = [pk for pk, fingerprint in current.items() if everything or stored.get(pk) != fingerprint]
    unchanged = [pk for pk in current if pk not in changed]
    report = RefreshReport(checked=len(current))
    if unchanged:
        PartnershipRollup.objects.filter(partnership_id__in=unchanged).update(checked_at=checked_at)
    for pk in changed:
        refresh_partnership(pk, today=today)
        report.refreshed.append(pk)
    report.seconds = time.perf_counter() - started
    return report


def refresh_partnership(partnership_id: int, *, today: datetime.date | None = None) -> PartnershipRollup:
    """Count one partnership again from its records and replace its rollup, in one transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql" and _outermost():
            # One snapshot for the fingerprint and every count (not one per statement).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        computed_at = timezone.now()
        as_of = today or timezone.localdate()
        fingerprint = fingerprints([partnership_id])[partnership_id]
        rows = _count_rows(partnership_id, as_of)
        spend = Spend.objects.filter(participant__partnership_id=partnership_id, state=Spend.State.APPROVED).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0.00")
        RollupCount.objects.filter(partnership_id=partnership_id).delete()
        RollupCount.objects.bulk_create(rows)
        rollup, _ = PartnershipRollup.objects.update_or_create(
            partnership_id=partnership_id,
            defaults={
                "fingerprint": fingerprint,
                "as_of": as_of,
                "computed_at": computed_at,
                "checked_at": computed_at,
                "approved_spend": spend,
            },
        )
    return rollup


def _outermost() -> bool:
    """Whether the atomic block just opened is the transaction itself (not a savepoint inside a
    caller's, as in tests): only then may its isolation level still be set."""
    return len(connection.atomic_blocks) == 1


def _count_rows(partnership_id: int, as_of: datetime.date) -> list[RollupCount]:
    """The partnership's counts by year (dates on or before `as_of`) and by day (later dates)."""
    counts: dict[tuple[int, datetime.date | None], dict[str, int]] = defaultdict(
        lambda: {"joined": 0, "active": 0, "first_paid": 0, "first_fitting": 0}
    )

    def bucket(day: datetime.date) -> tuple[int, datetime.date | None]:
        return day.year, (day if day > as_of else None)

    in_area = Participant.objects.filter(partnership_id=partnership_id).order_by()
    active = Count("pk", filter=Q(status=Participant.Status.ACTIVE))
    for row in (
        in_area.filter(joined_on__lte=as_of)
        .annotate(year=_Year("joined_on"))
        .values("year")
        .annotate(n=Count("pk"), active=active)
    ):
        counts[(row["year"], None)]["joined"] += row["n"]
        counts[(row["year"], None)]["active"] += row["active"]
    for row in in_area.filter(joined_on__gt=as_of).values("joined_on").annotate(n=Count("pk"), active=active):
        counts[bucket(row["joined_on"])]["joined"] += row["n"]
        counts[bucket(row["joined_on"])]["active"] += row["active"]
    # Each person's first job start and first that fits: one row per person in work, counted here.
    firsts: Iterable[dict[str, Any]] = (
        Outcome.objects.filter(participant__partnership_id=partnership_id, kind=Outcome.Kind.JOB_START)
        .order_by()
        .values("participant_id")
        .annotate(first=Min("achieved_on"), first_fitting=Min("achieved_on", filter=job_fits_condition()))
    )
    for row in firsts:
        counts[bucket(row["first"])]["first_paid"] += 1
        if row["first_fitting"] is not None:
            counts[bucket(row["first_fitting"])]["first_fitting"] += 1
    return [
        RollupCount(partnership_id=partnership_id, year=year, day=day, **values)
        for (year, day), values in sorted(
            counts.items(), key=lambda item: (item[0][0], item[0][1] or datetime.date.min)
        )
    ]
