"""The database itself refuses to change or delete an audit event, whatever code asks."""

from django.db import migrations

# SQLite empties tables with DELETE when a test database is reset between browser tests, so
# there the database refuses changes only; the model and queryset refuse deletion. PostgreSQL
# resets with TRUNCATE, which row triggers do not see, so it refuses both.
SQLITE = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();",
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS audit_event_no_update;"]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;",
    "DROP FUNCTION IF EXISTS audit_event_append_only();",
]


def statements_for(vendor: str, *, undo: bool) -> list[str]:
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
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
