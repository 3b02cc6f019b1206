"""Sealing: batches of final events, chained, written outside the database, never a false alarm."""

import datetime
import io
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from coproduce.audit.checkpoints import checkpoint_file
from coproduce.audit.hashing import EVENT_COLUMNS, NO_PREVIOUS_SEAL, event_digest, merkle_root, unpack_digests
from coproduce.audit.models import AppendOnlyError, AuditEvent, AuditSeal
from coproduce.audit.sealing import SealingError, _seal_next_batch, fields_of, seal_audit_log
from coproduce.audit.verification import verify_audit_log
from tests.audit.logbook import append_events, execute, triggers_off

pytestmark = pytest.mark.django_db


def checkpoint_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in checkpoint_file().path.read_text().splitlines()]


def test_events_are_sealed_in_chained_batches_and_written_outside_the_database() -> None:
    events = append_events(11)

    result = seal_audit_log(batch_size=4)

    seals = list(AuditSeal.objects.order_by("sequence"))
    assert [(seal.sequence, seal.after_event_id, seal.last_event_id, seal.event_count) for seal in seals] == [
        (1, 0, events[3].pk, 4),
        (2, events[3].pk, events[7].pk, 4),
        (3, events[7].pk, events[10].pk, 3),
    ]
    assert [seal.previous_hash for seal in seals] == [NO_PREVIOUS_SEAL, seals[0].seal_hash, seals[1].seal_hash]
    rows = list(AuditEvent.objects.order_by("pk").values_list(*EVENT_COLUMNS))
    assert seals[1].events_root == merkle_root([event_digest(row) for row in rows[4:8]]).hex()
    assert unpack_digests(bytes(seals[1].event_digests)) == [(row[0], event_digest(row)) for row in rows[4:8]]
    assert checkpoint_lines() == [{"kind": "seal", **fields_of(seal), "seal_hash": seal.seal_hash} for seal in seals]
    assert result.summary() == "Sealed 11 events in seals 1–3."
    assert seal_audit_log().summary() == "Nothing new to seal."


def test_seals_can_be_neither_changed_nor_deleted(settings: Any) -> None:
    append_events(2)
    seal_audit_log()
    seal = AuditSeal.objects.get()
    seal.event_count = 1
    with pytest.raises(AppendOnlyError):
        seal.save()
    with pytest.raises(AppendOnlyError):
        AuditSeal.objects.all().delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        execute("UPDATE audit_auditseal SET event_count = 1")


def test_events_younger_than_the_grace_period_wait_for_the_next_seal(settings: Any) -> None:
    settings.COPRODUCE_AUDIT_SEAL_GRACE_SECONDS = 5
    events = append_events(3)

    now = timezone.now()
    assert seal_audit_log(now=now).summary() == "Nothing new to seal. 3 newer events not sealed yet."
    assert seal_audit_log(now=now + datetime.timedelta(seconds=6)).events_sealed == 3
    assert AuditSeal.objects.get().last_event_id == events[-1].pk


def test_a_batch_stops_before_the_first_event_too_new_to_seal(settings: Any) -> None:
    """Ids and times need not agree (the time is stamped before the insert draws the id): a batch
    takes a run of ids with none left out, so it ends before the first event still in its grace."""
    settings.COPRODUCE_AUDIT_SEAL_GRACE_SECONDS = 5
    now = timezone.now()
    events = []
    for age in (30, 1, 30):
        with mock.patch("django.utils.timezone.now", return_value=now - datetime.timedelta(seconds=age)):
            events += append_events(1)

    seal_audit_log(now=now)

    assert AuditSeal.objects.get().last_event_id == events[0].pk
    assert verify_audit_log().ok


def test_a_seal_left_unwritten_by_a_stopped_sealer_is_written_first() -> None:
    append_events(2)
    seal_audit_log()
    more = append_events(2)
    # A sealer that committed its seal and stopped before writing the checkpoint.
    with transaction.atomic():
        _seal_next_batch(cutoff=timezone.now(), ceiling=None, batch_size=100)
    assert len(checkpoint_lines()) == 1
    append_events(1)

    seal_audit_log()

    assert [line["sequence"] for line in checkpoint_lines()] == [1, 2, 3]
    assert AuditSeal.objects.get(sequence=2).last_event_id == more[-1].pk
    assert verify_audit_log().ok


def test_sealing_stops_when_the_checkpoint_file_is_ahead_of_the_database(checkpoint_dir: Path) -> None:
    """After the database was restored from a backup older than the file's last checkpoint."""
    append_events(2)
    seal_audit_log()
    lines = checkpoint_file().path.read_text()
    append_events(2)
    seal_audit_log()
    ahead = checkpoint_file().path.read_text()
    with triggers_off():  # the restored database has seal 1 only
        execute("DELETE FROM audit_auditseal WHERE sequence = 2")
    assert checkpoint_file().path.read_text() == ahead != lines

    with pytest.raises(SealingError, match="ends with seal 2, which the database does not have as written"):
        seal_audit_log()
    assert AuditSeal.objects.count() == 1

    out = io.StringIO()
    call_command("seal_audit", resume="Restored the backup of 1 March", stdout=out)

    assert out.getvalue().splitlines() == [
        "The checkpoints now carry on from seal 1 (Restored the backup of 1 March).",
        "Sealed 2 events in seal 2.",
    ]
    report = verify_audit_log()
    assert report.ok
    assert f"matching 2 checkpoints in {checkpoint_dir / 'audit-checkpoints.jsonl'}." in report.summary()
    assert "The checkpoints resumed from seal 1 on " in report.summary()
    assert "(Restored the backup of 1 March); 1 earlier checkpoint set aside." in report.summary()


def test_a_lost_checkpoint_file_stops_sealing_until_an_operator_resumes_it() -> None:
    append_events(2)
    seal_audit_log()
    checkpoint_file().path.unlink()
    append_events(1)

    err = io.StringIO()
    with pytest.raises(CommandError, match="is missing or empty, but the database already has seals"):
        call_command("seal_audit", stdout=io.StringIO(), stderr=err)
    with pytest.raises(CommandError, match="Say why"):
        call_command("seal_audit", resume=" ", stdout=io.StringIO())

    call_command("seal_audit", resume="The disk holding the checkpoints failed", stdout=io.StringIO())

    report = verify_audit_log()
    assert report.ok
    assert (report.seals_accepted_on_resuming, report.checkpoints_matched) == (1, 1)


def test_resuming_is_refused_while_the_database_does_not_check_out() -> None:
    events = append_events(2)
    seal_audit_log()
    with triggers_off():
        execute("UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s", [events[0].pk])

    with pytest.raises(CommandError, match="The database's own seals do not check out"):
        call_command("seal_audit", resume="Restored", stdout=io.StringIO())
