"""Trigram indexes for the service search, on PostgreSQL only (SQLite keeps scanning, which is fine at its size).

Django's `icontains` compiles on PostgreSQL to `UPPER(col::text) LIKE UPPER(%s)`, so the indexes are
on that expression, with pg_trgm's GIN operator class: `LIKE '%word%'` can then use them.
"""

from django.db import migrations

INDEXES = [
    ("directory_service_name_trgm", "directory_service", "name"),
    ("directory_service_alternate_name_trgm", "directory_service", "alternate_name"),
    ("directory_service_description_trgm", "directory_service", "description"),
    ("directory_organisation_name_trgm", "directory_directoryorganisation", "name"),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_location_coordinates")]

    operations = [migrations.RunPython(add_indexes, drop_indexes, elidable=False)]
