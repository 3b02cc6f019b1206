"""The database itself refuses to change (or, on PostgreSQL, delete) a seal, as it does an event.

SQLite keeps deletion open for the same reason as in 0002: test databases are emptied with DELETE.
"""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_auditseal "
    "BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_seal_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit seals are append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER audit_seal_no_change BEFORE UPDATE OR DELETE ON audit_auditseal "
    "FOR EACH ROW EXECUTE FUNCTION audit_seal_append_only();",
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS audit_seal_no_update;"]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS audit_seal_no_change ON audit_auditseal;",
    "DROP FUNCTION IF EXISTS audit_seal_append_only();",
]


def statements_for(vendor, *, undo):
    if vendor == "sqlite":
        return SQLITE_UNDO if undo else SQLITE
    if vendor == "postgresql":
        return POSTGRESQL_UNDO if undo else POSTGRESQL
    return []


def install(apps, schema_editor):
    for statement in statements_for(schema_editor.connection.vendor, undo=False):
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    for statement in statements_for(schema_editor.connection.vendor, undo=True):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_seals_and_checks")]
    operations = [migrations.RunPython(install, remove)]
