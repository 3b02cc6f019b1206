"""Sealing the audit log: batches of final events, each under a Merkle root, chained, and
copied to the external checkpoints (docs/audit.md).

Requests append events as before, concurrently, and never wait for this: sealing runs in the
background (coproduce/audit/tasks.py, `manage.py seal_audit`), one sealer at a time.

The pitfall it is built around: an event's id is handed out when it is inserted, not when its
transaction commits, so a slow transaction can commit event 100 after event 101 has been
committed and sealed. Sealing 101 then would turn 100 into an "inserted" event: a false alarm.
So a batch only ever takes events that are final:
- on SQLite there is one writer at a time and the sealer's transaction is it (BEGIN
  IMMEDIATE), so every id at or below the highest visible one is final;
- on PostgreSQL the sealer reads the id sequence's last value L, then waits for every other
  transaction that holds a lock on the events table (any insert takes one before drawing its
  id, and keeps it until it ends) to finish: after that, no id at or below L can still appear.
  While one has not finished, nothing past the last seal is sealed this time.
- on both, only events older than `COPRODUCE_AUDIT_SEAL_GRACE_SECONDS` are taken, a margin for
  clocks and for writers that cannot be seen.
"""

import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.audit.checkpoints import Checkpoint, CheckpointFile, checkpoint_file
from coproduce.audit.hashing import (
    EVENT_COLUMNS,
    FORMAT_VERSION,
    NO_PREVIOUS_SEAL,
    event_digest,
    merkle_root,
    pack_digests,
    seal_fields,
    seal_hash,
)
from coproduce.audit.models import AuditEvent, AuditSeal
from coproduce.core.locks import run_alone

# At most this many events under one seal: bounds the memory of sealing and verifying a batch.
BATCH_SIZE = 5000
# How long the PostgreSQL sealer waits for unfinished writers before leaving their events to the next run.
WRITER_WAIT_SECONDS = 5.0
WRITER_POLL_SECONDS = 0.05
# pg_advisory_lock's key for "a sealer is at work": the first 8 bytes of a hash of its name.
# Only sealers take this lock (coproduce/core/locks.py); on SQLite the sealing transaction is exclusive.
SEALER_RUN = "coproduce.audit.sealer"
AT = EVENT_COLUMNS.index("at")


class SealingError(Exception):
    """Sealing cannot go on until someone looks: the checkpoints and the database disagree, or
    the database is set up so that sealing could raise false alarms."""


@dataclass
class SealResult:
    seals: list[AuditSeal] = field(default_factory=list)
    unsealed_events: int = 0
    # Why events were left unsealed, when something other than their age held them back.
    held_back: str = ""

    @property
    def events_sealed(self) -> int:
        return sum(seal.event_count for seal in self.seals)

    def summary(self) -> str:
        if self.seals:
            first, last = self.seals[0], self.seals[-1]
            numbers = f"seal {first.sequence}" if first is last else f"seals {first.sequence}–{last.sequence}"
            text = f"Sealed {self.events_sealed:,} {'event' if self.events_sealed == 1 else 'events'} in {numbers}."
        else:
            text = "Nothing new to seal."
        if self.unsealed_events:
            several = self.unsealed_events != 1
            text += f" {self.unsealed_events:,} newer {'events' if several else 'event'} not sealed yet."
        if self.held_back:
            text += f" {self.held_back}"
        return text


def grace() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(settings.COPRODUCE_AUDIT_SEAL_GRACE_SECONDS))


def seal_audit_log(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    wait_seconds: float = WRITER_WAIT_SECONDS,
) -> SealResult:
    """Seal every final audit event after the last seal, in id order, in batches of at most
    `batch_size`; each seal follows the one before and is written to the external checkpoints
    before the next is made. Events are final when no unfinished transaction can commit one
    with a lower id and they are older than the grace period (`now` minus the grace; `now` is
    for tests). One sealer at a time: another one running makes this one do nothing.

    Raises SealingError, sealing nothing, when the checkpoint file and the database disagree.
    Call it outside a transaction (a task, a command): each seal must be committed before its
    checkpoint is written, or a rollback would leave the file ahead of the database.
    """
    now = now or timezone.now()
    store = checkpoint_file()
    result = SealResult()
    with run_alone(SEALER_RUN) as alone:
        if not alone:
            result.held_back = "Another sealer is at work."
            return result
        # A sealer that stopped between its commit and its write leaves seals to copy first.
        write_checkpoints(store)
        ceiling, result.held_back = _final_id_ceiling(wait_seconds)
        cutoff = now - grace()
        while True:
            try:
                with transaction.atomic():
                    seal = _seal_next_batch(cutoff=cutoff, ceiling=ceiling, batch_size=batch_size)
            except OperationalError as error:
                # SQLite: another connection held the write lock for longer than the timeout.
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    raise
                result.held_back = "The database is busy: the rest waits for the next run."
                break
            if seal is None:
                break
            result.seals.append(seal)
            write_checkpoints(store, sealed_now={seal.sequence for seal in result.seals})
            if seal.event_count < batch_size:
                break
    try:
        result.unsealed_events = unsealed_events().count()
    except OperationalError as error:
        if connection.vendor != "sqlite" or "locked" not in str(error):
            raise
    return result


def unsealed_events() -> QuerySet[AuditEvent]:
    """The events after the last seal's batch: not protected yet."""
    last = AuditSeal.objects.order_by("-sequence").values_list("last_event_id", flat=True).first() or 0
    return AuditEvent.objects.filter(pk__gt=last)


def _seal_next_batch(*, cutoff: datetime.datetime, ceiling: int | None, batch_size: int) -> AuditSeal | None:
    previous = AuditSeal.objects.defer("event_digests").order_by("-sequence").first()
    after = previous.last_event_id if previous else 0
    events = AuditEvent.objects.filter(pk__gt=after)
    if ceiling is not None:
        events = events.filter(pk__lte=ceiling)
    rows = list(events.order_by("pk").values_list(*EVENT_COLUMNS)[:batch_size])
    # A batch is a run of ids with nothing missing: it stops before the first event that is too new.
    final = []
    for row in rows:
        if row[AT] > cutoff:
            break
        final.append(row)
    if not final:
        return None
    digests = [(row[0], event_digest(row)) for row in final]
    fields = seal_fields(
        sequence=previous.sequence + 1 if previous else 1,
        format_version=FORMAT_VERSION,
        after_event_id=after,
        last_event_id=final[-1][0],
        event_count=len(final),
        events_root=merkle_root([digest for _, digest in digests]).hex(),
        previous_hash=previous.seal_hash if previous else NO_PREVIOUS_SEAL,
        sealed_at=timezone.now(),
    )
    return AuditSeal.objects.create(
        sequence=fields["sequence"],
        format_version=FORMAT_VERSION,
        after_event_id=after,
        last_event_id=fields["last_event_id"],
        event_count=fields["event_count"],
        events_root=fields["events_root"],
        event_digests=pack_digests(digests),
        previous_hash=fields["previous_hash"],
        seal_hash=seal_hash(fields),
        sealed_at=datetime.datetime.fromisoformat(fields["sealed_at"]),
    )


def fields_of(seal: AuditSeal) -> dict[str, object]:
    """What the seal's hash covers, read back from its row."""
    return seal_fields(
        sequence=seal.sequence,
        format_version=seal.format_version,
        after_event_id=seal.after_event_id,
        last_event_id=seal.last_event_id,
        event_count=seal.event_count,
        events_root=seal.events_root,
        previous_hash=seal.previous_hash,
        sealed_at=seal.sealed_at,
    )


def checkpoint_of(seal: AuditSeal) -> Checkpoint:
    return Checkpoint(fields=fields_of(seal), seal_hash=seal.seal_hash)


def write_checkpoints(store: CheckpointFile, *, sealed_now: set[int] | None = None) -> int:
    """Append to the checkpoint file every seal in the database that it does not have yet, each
    checked to follow the one before; returns how many. A file that is missing or empty is only
    started with seals this run made: older ones need an operator (`seal_audit --resume`)."""
    with store.locked():
        try:
            tail = store.tail()
        except (ValueError, KeyError) as error:
            raise SealingError(f"The last line of {store.path} cannot be read ({error}).") from error
        if tail.sequence:
            at_tail = AuditSeal.objects.defer("event_digests").filter(sequence=tail.sequence).first()
            if at_tail is None or at_tail.seal_hash != tail.seal_hash:
                raise SealingError(
                    f"The checkpoint file {store.path} ends with seal {tail.sequence}, which the database "
                    "does not have as written. Run `manage.py verify_audit` to see what differs."
                )
        newer = list(AuditSeal.objects.defer("event_digests").filter(sequence__gt=tail.sequence).order_by("sequence"))
        if not tail.sequence and any(seal.sequence not in (sealed_now or set()) for seal in newer):
            raise SealingError(
                f"The checkpoint file {store.path} is missing or empty, but the database already has seals. "
                "Put the file back, or check the log with `manage.py verify_audit` and start a new file "
                'with `manage.py seal_audit --resume "why"`.'
            )
        previous_sequence, previous_hash = tail.sequence, tail.seal_hash
        for seal in newer:
            if (
                seal.sequence != previous_sequence + 1
                or seal.previous_hash != previous_hash
                or seal_hash(fields_of(seal)) != seal.seal_hash
            ):
                raise SealingError(
                    f"Seal {seal.sequence} does not follow seal {previous_sequence}: it was not written to the "
                    "checkpoints. Run `manage.py verify_audit`."
                )
            previous_sequence, previous_hash = seal.sequence, seal.seal_hash
        store.append([checkpoint_of(seal) for seal in newer])
        return len(newer)


def _final_id_ceiling(wait_seconds: float) -> tuple[int | None, str]:
    """The highest event id that no unfinished transaction can still commit below, and why
    sealing stops short if it must. None on SQLite, where every visible id is final."""
    if connection.vendor != "postgresql":
        return None, ""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.seqcache, pg_sequence_last_value(s.seqrelid) FROM pg_sequence s "
            "WHERE s.seqrelid = pg_get_serial_sequence(%s, 'id')::regclass",
            [table],
        )
        cache_size, last_value = cursor.fetchone() or (1, None)
        if cache_size != 1:
            # Each session would draw ids from its own block: a low id could be committed at any time.
            raise SealingError(
                f"The sequence of {table}.id caches {cache_size} values per session; sealing needs CACHE 1."
            )
        ceiling = int(last_value or 0)
        holders = _writers(cursor, table)
        deadline = time.monotonic() + wait_seconds
        while holders and time.monotonic() < deadline:
            time.sleep(WRITER_POLL_SECONDS)
            holders &= _writers(cursor, table)
    if holders:
        several = "transactions" if len(holders) > 1 else "transaction"
        return 0, f"Waiting for {len(holders)} unfinished {several} writing audit events."
    return ceiling, ""


def _writers(cursor: CursorWrapper, table: str) -> set[str]:
    """Other transactions holding a lock on the events table: any that could still commit an event."""
    cursor.execute(
        "SELECT DISTINCT virtualtransaction FROM pg_locks WHERE locktype = 'relation' "
        "AND relation = %s::regclass "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND pid IS DISTINCT FROM pg_backend_pid()",
        [table],
    )
    return {row[0] for row in cursor.fetchall()}
