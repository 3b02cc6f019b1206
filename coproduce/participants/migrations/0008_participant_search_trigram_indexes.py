"""Trigram indexes for finding participants by part of a name, reference or postcode, on PostgreSQL.

Search (`participants.selectors.filter_participants`) asks `field__icontains=word`, which Django
writes on PostgreSQL as `UPPER("field"::text) LIKE UPPER('%word%')`: each index is on that same
expression, with gin_trgm_ops, so that the planner can use it (one bitmap per field, OR-ed).
SQLite has no pg_trgm: there this migration does nothing and search scans, which is fine at its size.
"""

from django.db import migrations

SEARCHED = ("given_name", "family_name", "preferred_name", "reference", "postcode")


def _index(field: str) -> str:
    return f"participant_{field}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for field in SEARCHED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {_index(field)} ON participants_participant '
            f'USING gin (UPPER("{field}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(field)}")


class Migration(migrations.Migration):
    dependencies = [("participants", "0007_one_record_per_programme")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
