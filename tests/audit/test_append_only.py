import pytest
from django.db import DatabaseError, connection, transaction

from coproduce.audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def event(db: None) -> AuditEvent:
    return AuditEvent.objects.create(action="view", channel="page", record_type="x.Y", record_id="1")


def test_an_event_cannot_be_changed_through_the_model(event: AuditEvent) -> None:
    event.purpose = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="rewritten")


def test_an_event_cannot_be_deleted_through_the_model(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_changes_and_deletions_even_in_raw_sql(event: AuditEvent) -> None:
    statements = ["UPDATE audit_auditevent SET purpose = 'x'"]
    if connection.vendor == "postgresql":
        # SQLite keeps only the update trigger: see the migration for why.
        statements.append("DELETE FROM audit_auditevent")
    for statement in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).purpose == ""
