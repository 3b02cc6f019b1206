"""The audit events table on PostgreSQL: one partition a month, by `at` (docs/audit.md).

Migration 0006 turns `audit_auditevent` into a table PARTITION BY RANGE (at), with a partition
for every month that has events, the next few months, and a DEFAULT partition so that an
insert never fails for want of one. `ensure_partitions` (the daily archive run, and
`manage.py archive_audit --ensure-partitions`) creates the coming months ahead of time; a month
whose events already went to the DEFAULT partition is moved out of it into its own.

SQLite keeps one plain table: every function here does nothing there.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction

TABLE = "audit_auditevent"
DEFAULT_PARTITION = f"{TABLE}_default"
# Months created ahead of the current one.
MONTHS_AHEAD = 3


@dataclass(frozen=True)
class Partition:
    name: str
    # The first instant of its month (UTC), or None for the DEFAULT partition.
    month: datetime.date | None


def month_start(moment: datetime.datetime | datetime.date) -> datetime.date:
    return datetime.date(moment.year, moment.month, 1)


def next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def partition_name(month: datetime.date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def bounds(month: datetime.date) -> tuple[str, str]:
    """The partition's range, as UTC timestamps: [first of the month, first of the next)."""
    return f"{month.isoformat()} 00:00:00+00", f"{next_month(month).isoformat()} 00:00:00+00"


def is_partitioned(using: str = "default") -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
        return cursor.fetchone() is not None


def partitions(using: str = "default") -> list[Partition]:
    """The table's partitions, months in order, then the DEFAULT one (empty list on SQLite)."""
    if not is_partitioned(using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
            [TABLE],
        )
        names = [name for (name,) in cursor.fetchall()]
    months = sorted(
        (Partition(name, _month_of(name)) for name in names if name != DEFAULT_PARTITION),
        key=lambda partition: partition.month or datetime.date.min,
    )
    return months + [Partition(DEFAULT_PARTITION, None)] * (DEFAULT_PARTITION in names)


def _month_of(name: str) -> datetime.date:
    stamp = name.removeprefix(f"{TABLE}_y")
    return datetime.date(int(stamp[:4]), int(stamp[5:7]), 1)


def create_partition_sql(month: datetime.date) -> str:
    low, high = bounds(month)
    return (
        f'CREATE TABLE IF NOT EXISTS "{partition_name(month)}" PARTITION OF "{TABLE}" '
        f"FOR VALUES FROM ('{low}') TO ('{high}')"
    )


def create_default_sql() -> str:
    return f'CREATE TABLE IF NOT EXISTS "{DEFAULT_PARTITION}" PARTITION OF "{TABLE}" DEFAULT'


def ensure_partitions(
    *, today: datetime.date | None = None, months_ahead: int = MONTHS_AHEAD, using: str = "default"
) -> list[str]:
    """Create the partitions of this month and the next `months_ahead`, and of any month whose
    events are in the DEFAULT partition; returns the names created. Does nothing on SQLite."""
    if not is_partitioned(using):
        return []
    today = today or datetime.datetime.now(datetime.UTC).date()
    wanted = [month_start(today)]
    for _ in range(months_ahead):
        wanted.append(next_month(wanted[-1]))
    existing = {partition.month for partition in partitions(using)}
    connection = connections[using]
    created = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC')::date FROM \"{DEFAULT_PARTITION}\"")
        stranded = sorted(month for (month,) in cursor.fetchall())
        for month in sorted(set(wanted) | set(stranded)):
            if month in existing:
                continue
            if month in stranded:
                _move_out_of_default(cursor, month)
            else:
                cursor.execute(create_partition_sql(month))
            created.append(partition_name(month))
    return created


def _move_out_of_default(cursor: Any, month: datetime.date) -> None:
    """Give a month that has events in the DEFAULT partition its own partition. PostgreSQL will not
    attach one while the DEFAULT holds rows of its range, and the append-only trigger forbids
    deleting them, so the DEFAULT is detached, replaced, and its rows routed anew (then it is
    dropped, rows and all, which no row trigger sees). Normally the DEFAULT is empty or tiny."""
    stranded = f"{DEFAULT_PARTITION}_moving"
    # The rows' deferred foreign-key checks are made now, not at commit: PostgreSQL will not drop
    # a table while checks on rows copied from it are pending.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f'ALTER TABLE "{TABLE}" DETACH PARTITION "{DEFAULT_PARTITION}"')
    cursor.execute(f'ALTER TABLE "{DEFAULT_PARTITION}" RENAME TO "{stranded}"')
    cursor.execute(create_partition_sql(month))
    cursor.execute(create_default_sql())
    cursor.execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{stranded}"')
    cursor.execute(f'DROP TABLE "{stranded}"')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
