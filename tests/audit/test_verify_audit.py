"""Must show: history rewritten in the database behind the application's back is caught by
`manage.py verify_audit`, which exits non-zero naming the first bad event; an untouched log verifies."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coproduce.audit.checkpoints import checkpoint_file
from coproduce.audit.models import AuditEvent, AuditSeal, AuditVerification
from coproduce.audit.sealing import seal_audit_log
from coproduce.audit.verification import verify_audit_log, when
from tests.accounts.factories import UserFactory
from tests.audit.logbook import append_events, execute, reseal_from, triggers_off
from tests.participants.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed_log() -> list[AuditEvent]:
    """Twelve events in three seals of four, and two newer events not sealed yet."""
    events = append_events(12, actor=UserFactory(), participant=ParticipantFactory())
    seal_audit_log(batch_size=4)
    return events


def verify() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails() -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return str(failure.value), err.getvalue()


def test_an_untouched_log_verifies_in_one_line(sealed_log: list[AuditEvent], checkpoint_dir: Path) -> None:
    newer = append_events(2)  # after the last seal

    out, err = verify()

    assert out == (
        f"The audit log checks out: 12 events in 3 seals, chained, matching 3 checkpoints in "
        f"{checkpoint_dir / 'audit-checkpoints.jsonl'}. 2 newer events not sealed yet, the oldest from "
        f"{when(newer[0].at)}.\n"
    )
    assert err == ""
    check = AuditVerification.objects.get()
    assert (check.outcome, check.seals_checked, check.events_checked, check.unsealed_events) == ("passed", 3, 12, 2)


def test_an_event_changed_in_the_database_is_named(sealed_log: list[AuditEvent]) -> None:
    changed = sealed_log[5]
    with triggers_off():
        execute("UPDATE audit_auditevent SET purpose = 'Nothing to see' WHERE id = %s", [changed.pk])

    message, listed = verify_fails()

    expected = f"Event {changed.pk} ({when(changed.at)}) was changed after seal 2 sealed it."
    assert message == f"The audit log FAILED its check: {expected}"
    assert listed == f"changed: {expected}\n"
    assert AuditVerification.objects.get().outcome == "failed"


def test_a_change_to_any_column_is_caught(sealed_log: list[AuditEvent]) -> None:
    """Every column is hashed, the newest (the API token's name) and the JSON one included."""
    changed: list[int] = []
    for event, column, value in [
        (sealed_log[1], "api_token_name", "stolen"),
        (sealed_log[4], "changed_fields", '["mobile"]'),
        (sealed_log[7], "actor_id", None),
        (sealed_log[10], "at", "2020-01-01 00:00:00+00:00"),
    ]:
        with triggers_off():
            execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, event.pk])
        changed.append(event.pk)
        report = verify_audit_log()
        assert [(problem.kind, problem.event_id) for problem in report.problems] == [
            ("changed", event_id) for event_id in changed
        ], column


def test_a_deleted_event_is_named(sealed_log: list[AuditEvent]) -> None:
    deleted = sealed_log[8]
    with triggers_off():
        execute("DELETE FROM audit_auditevent WHERE id = %s", [deleted.pk])

    message, _ = verify_fails()

    seal = AuditSeal.objects.get(sequence=3)
    assert message == (
        f"The audit log FAILED its check: Event {deleted.pk} is missing: seal 3 (sealed {when(seal.sealed_at)}) "
        "holds it, and the database no longer does."
    )


def test_an_event_inserted_into_a_sealed_batch_is_named(checkpoint_dir: Path) -> None:
    first = append_events(2)
    # An id a cancelled write drew and never used: a gap inside the batch, as PostgreSQL leaves.
    if connection.vendor == "postgresql":
        execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))")
    else:
        execute("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'audit_auditevent'")
    last = append_events(2)
    seal_audit_log()
    gap = first[-1].pk + 1
    assert last[0].pk == gap + 1

    execute(
        "INSERT INTO audit_auditevent (id, at, actor_role, action, channel, record_type, record_id, purpose, "
        "changed_fields, path, api_token_name) "
        "SELECT %s, at, actor_role, action, channel, record_type, record_id, purpose, changed_fields, path, "
        "api_token_name FROM audit_auditevent WHERE id = %s",
        [gap, first[0].pk],
    )

    message, _ = verify_fails()

    assert message == (
        f"The audit log FAILED its check: Event {gap} ({when(first[0].at)}) was inserted: it lies in the range "
        "of seal 1, which does not hold it."
    )


def test_a_rewritten_seal_is_named(sealed_log: list[AuditEvent]) -> None:
    with triggers_off():
        execute("UPDATE audit_auditseal SET event_count = 3 WHERE sequence = 2")

    message, listed = verify_fails()

    first_event = sealed_log[4].pk
    assert message == (
        f"The audit log FAILED its check: Seal 2 (events {first_event}–{first_event + 3}) was rewritten: "
        "its hash no longer matches its content. (and 2 more problems)"
    )
    assert listed.splitlines()[1:] == [
        f"seal rewritten: Seal 2 (events {first_event}–{first_event + 3}) was rewritten: its record of each event "
        "no longer gives its root.",
        f"checkpoint mismatch: Seal 2 (events {first_event}–{first_event + 3}) does not match its external "
        "checkpoint (line 2): the events and the seals were rewritten together in the database.",
    ]


def test_history_rewritten_with_its_seals_is_caught_by_the_external_checkpoints(sealed_log: list[AuditEvent]) -> None:
    changed = sealed_log[6]
    with triggers_off():
        execute("UPDATE audit_auditevent SET record_id = '999' WHERE id = %s", [changed.pk])
        reseal_from(2)
    # Inside the database everything agrees again: only the file outside it remembers.
    assert verify_audit_log(against_checkpoints=False).ok

    message, listed = verify_fails()

    first_event = sealed_log[4].pk
    assert message == (
        f"The audit log FAILED its check: Seal 2 (events {first_event}–{first_event + 3}) does not match its "
        "external checkpoint (line 2): the events and the seals were rewritten together in the database. "
        "(and 1 more problem)"
    )
    assert listed.splitlines()[1].startswith("checkpoint mismatch: Seal 3 ")


def test_a_deleted_last_seal_is_caught_by_the_external_checkpoints(sealed_log: list[AuditEvent]) -> None:
    with triggers_off():
        execute("DELETE FROM audit_auditseal WHERE sequence = 3")

    message, _ = verify_fails()

    checkpoint = json.loads(checkpoint_file().path.read_text().splitlines()[2])
    assert message == (
        f"The audit log FAILED its check: Checkpoint 3 (events {sealed_log[8].pk}–{sealed_log[11].pk}, sealed "
        f"{checkpoint['sealed_at']}) has no seal in the database: its seal was deleted, or the database was "
        "restored from an older backup."
    )


def test_a_seal_deleted_from_the_middle_is_named(sealed_log: list[AuditEvent]) -> None:
    with triggers_off():
        execute("DELETE FROM audit_auditseal WHERE sequence = 2")

    message, _ = verify_fails()

    assert message.startswith(
        f"The audit log FAILED its check: The database has lost seal 2: seal 3 follows seal 1, so the events "
        f"after {sealed_log[3].pk} are no longer sealed as they were."
    )


def test_an_edited_checkpoint_file_is_named(sealed_log: list[AuditEvent]) -> None:
    path = Path(verify_audit_log().checkpoint_path)
    lines = path.read_text().splitlines()
    entry = json.loads(lines[0])
    entry["event_count"] = 5
    path.write_text("\n".join([json.dumps(entry), *lines[1:]]) + "\n")

    report = verify_audit_log()

    assert [problem.message for problem in report.problems] == [
        # The first seal's batch starts after event 0, whatever id its first event has.
        f"Seal 1 (events 1–{sealed_log[3].pk}) does not match its external checkpoint (line 1): "
        "the events and the seals were rewritten together in the database.",
        f"Line 1 of {path} was altered: its hash does not match its content.",
    ]


def test_the_first_of_several_problems_comes_first(sealed_log: list[AuditEvent]) -> None:
    with triggers_off():
        execute("UPDATE audit_auditevent SET purpose = 'x' WHERE id IN (%s, %s)", [sealed_log[9].pk, sealed_log[2].pk])

    report = verify_audit_log()

    assert [(problem.kind, problem.event_id) for problem in report.problems] == [
        ("changed", sealed_log[2].pk),
        ("changed", sealed_log[9].pk),
    ]


def test_events_not_sealed_yet_are_reported_and_do_not_fail() -> None:
    append_events(3)

    out, _ = verify()

    assert out.startswith("The audit log checks out: 0 events in 0 seals, chained, matching 0 checkpoints in ")
    assert "3 newer events not sealed yet" in out


def test_a_damaged_checkpoint_line_is_named_not_a_crash(sealed_log: list[AuditEvent]) -> None:
    path = checkpoint_file().path
    with open(path, "a") as file:
        file.write("not a checkpoint\n")
        file.write('{"kind": "seal", "seal_hash": "00"}\n')

    report = verify_audit_log()

    assert [problem.message for problem in report.problems] == [
        f"Line 4 of {path} was altered: it is not a checkpoint.",
        f"Line 5 of {path} was altered: it is not a checkpoint.",
    ]


def test_a_seal_missing_from_the_file_is_allowed_a_minute_to_be_written(sealed_log: list[AuditEvent]) -> None:
    from django.db import transaction
    from django.utils import timezone

    from coproduce.audit.sealing import _seal_next_batch

    late = append_events(2)
    with transaction.atomic():  # a sealer that has committed and not yet written its checkpoint
        seal = _seal_next_batch(cutoff=timezone.now(), ceiling=None, batch_size=100)
    assert seal is not None

    now = verify_audit_log(now=seal.sealed_at)
    later = verify_audit_log(now=seal.sealed_at + datetime.timedelta(minutes=2))

    assert (now.ok, now.seals_awaiting_checkpoint) == (True, 1)
    assert "1 seal made in the last minute still being written out." in now.summary()
    assert [problem.message for problem in later.problems] == [
        f"Seal 4 (events {late[0].pk}–{late[1].pk}, sealed {when(seal.sealed_at)}) is not in the external "
        "checkpoints: it was added to the database behind the sealer's back, or the checkpoint file was cut short."
    ]
