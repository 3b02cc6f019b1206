"""The pitfall sealing is built around: ids are drawn when an event is inserted, not when its
transaction commits. A slow transaction's event must never be sealed out of, or into, a batch
it was not part of, so that it turns into a false alarm when it commits.

Two connections, committing for real: the test's own, and a slow writer's.
"""

import threading
from collections.abc import Iterator

import pytest
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from coproduce.audit.models import AuditSeal
from coproduce.audit.sealing import _seal_next_batch, seal_audit_log
from coproduce.audit.verification import verify_audit_log
from tests.audit.logbook import append_events

pytestmark = pytest.mark.django_db(transaction=True)

INSERT_EVENT = (
    "INSERT INTO audit_auditevent (at, actor_role, action, channel, record_type, record_id, purpose, "
    "changed_fields, path, api_token_name) VALUES (%s, '', 'view', 'page', 'x.Y', 'slow', '', '[]', '', '')"
)


@pytest.fixture
def slow_writer() -> Iterator[BaseDatabaseWrapper]:
    """Another connection to the same database, in the middle of a transaction."""
    other = connections.create_connection("default")
    other.set_autocommit(False)
    try:
        yield other
    finally:
        if other.in_atomic_block or not other.get_autocommit():
            other.rollback()
        other.close()


def slow_insert(other: BaseDatabaseWrapper) -> int:
    with other.cursor() as cursor:
        cursor.execute(INSERT_EVENT, [timezone.now()])
        cursor.execute("SELECT max(id) FROM audit_auditevent")
        return int(cursor.fetchone()[0])


@pytest.fixture
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Only PostgreSQL lets a lower id commit after a higher one; SQLite has one writer at a time.")


def test_an_event_committed_after_a_higher_id_is_sealed_with_it_not_flagged(
    postgresql_only: None, slow_writer: BaseDatabaseWrapper
) -> None:
    append_events(1)
    seal_audit_log()
    slow_id = slow_insert(slow_writer)  # drawn first, not committed yet
    late = append_events(1)[0]  # drawn after it, committed at once
    assert late.pk == slow_id + 1

    waiting = seal_audit_log(wait_seconds=0.2)

    assert waiting.summary() == (
        "Nothing new to seal. 1 newer event not sealed yet. Waiting for 1 unfinished transaction writing audit events."
    )
    slow_writer.commit()
    assert seal_audit_log().summary() == "Sealed 2 events in seal 2."
    assert AuditSeal.objects.get(sequence=2).last_event_id == late.pk
    assert verify_audit_log().ok


def test_without_waiting_for_writers_the_same_story_is_a_false_alarm(
    postgresql_only: None, slow_writer: BaseDatabaseWrapper
) -> None:
    """Why the sealer waits: sealing what is visible, as a naive sealer would, flags an honest event."""
    slow_id = slow_insert(slow_writer)
    append_events(1)
    with transaction.atomic():
        _seal_next_batch(cutoff=timezone.now(), ceiling=None, batch_size=100)
    slow_writer.commit()

    assert [(problem.kind, problem.event_id) for problem in verify_audit_log().problems] == [("inserted", slow_id)]


def test_a_writer_that_finishes_while_the_sealer_waits_is_sealed_in_the_same_run(
    postgresql_only: None, slow_writer: BaseDatabaseWrapper
) -> None:
    slow_insert(slow_writer)
    append_events(1)
    slow_writer.inc_thread_sharing()
    committer = threading.Timer(0.3, slow_writer.commit)  # commits while the sealer waits

    committer.start()
    try:
        result = seal_audit_log(wait_seconds=10)
    finally:
        committer.join()
        slow_writer.dec_thread_sharing()

    assert result.summary() == "Sealed 2 events in seal 1."


def test_on_sqlite_the_sealer_waits_for_a_writer_and_then_seals_its_event(slow_writer: BaseDatabaseWrapper) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer")
    append_events(1)
    slow_id = slow_insert(slow_writer)

    assert seal_audit_log().held_back == "The database is busy: the rest waits for the next run."
    assert AuditSeal.objects.count() == 0

    slow_writer.commit()
    assert seal_audit_log().summary() == "Sealed 2 events in seal 1."
    assert AuditSeal.objects.get().last_event_id == slow_id
    assert verify_audit_log().ok
