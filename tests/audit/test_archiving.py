"""Old months of the audit log go to compressed files that still verify; the chain still verifies
from the seals left; a month not sealed, or too recent, is refused. On PostgreSQL the table is
partitioned by month and the archived month's partition is dropped."""

import datetime
import gzip
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coproduce.audit.archiving import ArchiveError, archive_month, archive_path, months_due, verify_archive
from coproduce.audit.models import AuditArchive, AuditEvent
from coproduce.audit.partitions import DEFAULT_PARTITION, ensure_partitions, partition_name, partitions
from coproduce.audit.sealing import seal_audit_log
from coproduce.audit.verification import verify_audit_log
from tests.accounts.factories import UserFactory
from tests.audit.logbook import append_events
from tests.participants.factories import ParticipantFactory

# Committed as the application would: PostgreSQL will not drop a partition holding rows whose
# deferred foreign-key checks are still pending in the same transaction.
pytestmark = pytest.mark.django_db(transaction=True)

JANUARY = datetime.date(2024, 1, 1)
FEBRUARY = datetime.date(2024, 2, 1)
TODAY = datetime.date(2026, 3, 10)


@contextmanager
def clock(moment: datetime.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, 15, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def archive_dir(settings: Any, tmp_path: Path) -> Path:
    settings.COPRODUCE_AUDIT_ARCHIVE_DIR = tmp_path / "archive"
    settings.COPRODUCE_AUDIT_MONTHS_IN_DATABASE = 12
    return tmp_path / "archive"


@pytest.fixture
def two_old_months() -> dict[str, list[AuditEvent]]:
    """Three events in January 2024, three in February, two now; sealed four to a seal, so
    that the first seal holds both months and the second February and now."""
    user, participant = UserFactory(), ParticipantFactory()
    with clock(at(JANUARY)):
        january = append_events(3, actor=user, participant=participant)
    with clock(at(FEBRUARY)):
        february = append_events(3, actor=user, participant=participant)
    recent = append_events(2, actor=user, participant=participant)
    seal_audit_log(batch_size=4)
    assert verify_audit_log().ok
    return {"january": january, "february": february, "recent": recent}


def test_an_old_month_goes_to_a_file_that_verifies_and_the_chain_still_verifies(
    two_old_months: dict[str, list[AuditEvent]], checkpoint_dir: Path
) -> None:
    assert months_due(TODAY) == [JANUARY, FEBRUARY]

    archive = archive_month(JANUARY, today=TODAY)

    assert archive.event_count == 3
    assert (archive.first_event_id, archive.last_event_id) == (
        two_old_months["january"][0].pk,
        two_old_months["january"][-1].pk,
    )
    assert not AuditEvent.objects.filter(pk__in=[event.pk for event in two_old_months["january"]]).exists()
    assert AuditEvent.objects.filter(pk__in=[event.pk for event in two_old_months["february"]]).count() == 3
    path = archive_path(JANUARY)
    check = verify_archive(path)
    assert check.ok, check.problems
    assert (check.events, check.seals, check.month) == (3, 1, "2024-01")
    assert Path(f"{path}.sha256").read_text().split()[0] == archive.file_sha256
    report = verify_audit_log()
    assert report.ok, report.summary()
    # Archiving was itself audited.
    assert AuditEvent.objects.filter(record_type="audit.AuditArchive", record_id=str(archive.pk)).exists()

    # February too: the first seal's events are now all in files, and the log still verifies.
    archive_month(FEBRUARY, today=TODAY)
    report = verify_audit_log()
    assert report.ok, report.summary()
    assert report.seals_checked == 2
    assert months_due(TODAY) == []


def test_a_missing_event_outside_the_archive_is_still_found(two_old_months: dict[str, list[AuditEvent]]) -> None:
    from tests.audit.logbook import execute, triggers_off

    archive_month(JANUARY, today=TODAY)
    with triggers_off():
        execute("DELETE FROM audit_auditevent WHERE id = %s", [two_old_months["february"][0].pk])

    report = verify_audit_log()

    assert not report.ok
    assert f"Event {two_old_months['february'][0].pk} is missing" in report.problems[0].message


def test_a_changed_archive_file_does_not_verify(two_old_months: dict[str, list[AuditEvent]]) -> None:
    archive_month(JANUARY, today=TODAY)
    path = archive_path(JANUARY)
    with gzip.open(path, "rb") as handle:
        text = handle.read()
    with gzip.open(path, "wb") as handle:
        handle.write(text.replace(b'"Casework"', b'"Lunch"', 1))

    check = verify_archive(path)

    assert not check.ok
    assert "is not as its seal holds it" in check.problems[0]
    with pytest.raises(CommandError):
        call_command("archive_audit", verify=str(path), stdout=io.StringIO())


def test_a_month_not_sealed_or_too_recent_is_refused() -> None:
    with clock(at(JANUARY)):
        append_events(2)

    with pytest.raises(ArchiveError, match="not sealed yet"):
        archive_month(JANUARY, today=TODAY)
    with pytest.raises(ArchiveError, match="kept in the database"):
        archive_month(datetime.date(2025, 6, 1), today=TODAY)
    assert AuditEvent.objects.count() == 2
    assert not AuditArchive.objects.exists()


def test_the_command_archives_what_is_due(two_old_months: dict[str, list[AuditEvent]]) -> None:
    out = io.StringIO()
    with mock.patch("coproduce.audit.archiving.first_month_kept", return_value=datetime.date(2025, 4, 1)):
        call_command("archive_audit", dry_run=True, stdout=out)
        assert "Due for archiving: 2024-01, 2024-02." in out.getvalue()
        call_command("archive_audit", stdout=out)
    assert "Archived 3 events of 2024-01" in out.getvalue()
    assert "Archived 3 events of 2024-02" in out.getvalue()
    assert AuditArchive.objects.count() == 2
    assert verify_audit_log().ok


def partition_of(event: AuditEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM audit_auditevent WHERE id = %s", [event.pk])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL partitions")
def test_the_table_is_partitioned_by_month_and_new_months_get_their_partition() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
            "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] WHERE p.partrelid = 'audit_auditevent'::regclass"
        )
        assert cursor.fetchone() == ("r", "at")
    this_month = datetime.date.today().replace(day=1)
    names = [partition.name for partition in partitions()]
    assert partition_name(this_month) in names
    assert names[-1] == DEFAULT_PARTITION
    assert partition_of(append_events(1)[0]) == partition_name(this_month)

    far = datetime.date(2040, 1, 1)
    while partition_name(far) in names:  # partitions made by an earlier run of a kept test database
        far = datetime.date(far.year + 1, 1, 1)
    with clock(at(far)):
        stranded = append_events(2)
    assert partition_of(stranded[0]) == DEFAULT_PARTITION  # an insert never fails for want of a partition
    assert partition_name(far) in ensure_partitions()
    assert {partition_of(event) for event in stranded} == {partition_name(far)}
    seal_audit_log()
    assert verify_audit_log().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL partitions")
def test_archiving_drops_the_months_partition(two_old_months: dict[str, list[AuditEvent]]) -> None:
    archive_month(JANUARY, today=TODAY)

    names = [partition.name for partition in partitions()]
    assert partition_name(JANUARY) not in names
    assert partition_of(two_old_months["february"][0]) == partition_name(FEBRUARY)
    assert verify_audit_log().ok


def test_an_incremental_check_reads_only_the_seals_asked_for() -> None:
    from tests.audit.logbook import execute, triggers_off

    events = append_events(12, actor=UserFactory(), participant=ParticipantFactory())
    seal_audit_log(batch_size=4)
    with triggers_off():
        execute("UPDATE audit_auditevent SET purpose = 'Lunch' WHERE id = %s", [events[0].pk])

    recent = verify_audit_log(from_sequence=2)

    assert recent.ok, recent.summary()
    assert (recent.seals_checked, recent.events_checked) == (2, 8)
    assert not verify_audit_log().ok
    out = io.StringIO()
    call_command("verify_audit", from_seal=3, stdout=out)
    assert "4 events in 1 seal" in out.getvalue()
