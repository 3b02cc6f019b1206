"""PostgreSQL: the audit events table becomes PARTITION BY RANGE (at), one partition a month.

PostgreSQL needs the partition key in the primary key, so the table's key becomes (id, at);
`id` still comes from one sequence (CACHE 1, as sealing requires), so it stays unique, and
Django keeps it as the model's primary key. The rows move across, the indexes, foreign keys
and the append-only trigger are made again with the same names, and there is a partition for
every month with events, the next few, and a DEFAULT one. SQLite keeps its plain table.
"""

import datetime

from django.db import migrations

from coproduce.audit.partitions import (
    MONTHS_AHEAD,
    TABLE,
    create_default_sql,
    create_partition_sql,
    month_start,
    next_month,
)

OLD = f"{TABLE}_unpartitioned"
SEQUENCE = f"{TABLE}_id_seq"
TRIGGER = (
    f'CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON "{TABLE}" '
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
)


def _swap(cursor, *, partitioned: bool) -> None:
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
        "AND indexname <> %s",
        [TABLE, f"{TABLE}_pkey"],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        [TABLE],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(f'SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, \'id\')), max(id) FROM "{TABLE}"', [TABLE])
    last_value, max_id = cursor.fetchone()
    next_id = max(last_value or 0, max_id or 0) + 1
    cursor.execute(f'SELECT min(at), max(at) FROM "{TABLE}"')
    oldest, newest = cursor.fetchone()

    cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{OLD}"')
    cursor.execute(f'ALTER TABLE "{OLD}" ALTER COLUMN id DROP IDENTITY IF EXISTS')
    cursor.execute(f'ALTER TABLE "{OLD}" ALTER COLUMN id DROP DEFAULT')
    if partitioned:
        cursor.execute(f'CREATE TABLE "{TABLE}" (LIKE "{OLD}" INCLUDING DEFAULTS) PARTITION BY RANGE (at)')
        today = datetime.datetime.now(datetime.UTC).date()
        month = month_start(min(oldest.date(), today) if oldest else today)
        last = month_start(max(newest.date(), today) if newest else today)
        for _ in range(MONTHS_AHEAD):
            last = next_month(last)
        while month <= last:
            cursor.execute(create_partition_sql(month))
            month = next_month(month)
        cursor.execute(create_default_sql())
    else:
        cursor.execute(f'CREATE TABLE "{TABLE}" (LIKE "{OLD}" INCLUDING DEFAULTS)')
    cursor.execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{OLD}"')
    # Drops the old table's identity sequence (or the partitioned table's own), indexes and trigger.
    cursor.execute(f'DROP TABLE "{OLD}" CASCADE')
    cursor.execute(f'DROP SEQUENCE IF EXISTS "{SEQUENCE}"')
    cursor.execute(f'CREATE SEQUENCE "{SEQUENCE}" START WITH {next_id} CACHE 1 OWNED BY "{TABLE}".id')
    cursor.execute(f"ALTER TABLE \"{TABLE}\" ALTER COLUMN id SET DEFAULT nextval('\"{SEQUENCE}\"')")
    key = "(id, at)" if partitioned else "(id)"
    cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY {key}')
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(TRIGGER)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _swap(cursor, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _swap(cursor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_audit_seals_are_append_only")]
    operations = [migrations.RunPython(partition, unpartition)]

