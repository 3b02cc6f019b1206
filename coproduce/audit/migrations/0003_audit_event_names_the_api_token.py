from django.db import migrations, models

# SQLite adds a column by rebuilding the table, which drops its triggers: put the append-only one back.
SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
)


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_audit_events_are_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="api_token_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
