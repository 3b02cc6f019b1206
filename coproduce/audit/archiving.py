"""Archiving old months of the audit log: out of the database into a compressed file that can
still be verified (docs/audit.md, "At scale").

The log is kept for the life of the service (docs/data-protection.md); only the database copy
of a month older than `COPRODUCE_AUDIT_MONTHS_IN_DATABASE` moves, to
`COPRODUCE_AUDIT_ARCHIVE_DIR/audit-YYYY-MM.jsonl.gz`, one gzipped JSON line each:

- first `{"kind": "coproduce.audit.archive", "format": 1, "month": "YYYY-MM", "event_count": N}`;
- each event as its canonical form (coproduce/audit/hashing.py), the exact bytes its seal hashed;
- each seal holding events of the month: `{"kind": "seal", ...its fields, "seal_hash", "event_digests"}`.

So the file verifies on its own (`manage.py archive_audit --verify FILE`): every seal's hash, its
root from its digests, and every event's leaf among its seal's digests; and against the database's
seals and the external checkpoints. Its SHA-256 is kept in `AuditArchive` and beside it.

A month is archived only when every event in it is sealed and the seals holding them verify. Then,
in one transaction: the `AuditArchive` row, an audit event, and on PostgreSQL the month's partition
detached and dropped (SQLite: its rows deleted). The seals stay, so the chain still verifies.
"""

import datetime
import gzip
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from coproduce.audit.hashing import (
    EVENT_COLUMNS,
    canonical_event,
    leaf_hash,
    merkle_root,
    seal_hash,
    unpack_digests,
)
from coproduce.audit.models import AuditArchive, AuditEvent, AuditSeal
from coproduce.audit.partitions import (
    TABLE,
    ensure_partitions,
    is_partitioned,
    month_start,
    next_month,
    partition_name,
    partitions,
)
from coproduce.audit.sealing import fields_of
from coproduce.audit.services import record_event
from coproduce.audit.verification import verify_audit_log

ARCHIVE_KIND = "coproduce.audit.archive"
ARCHIVE_FORMAT = 1
READ_CHUNK = 10_000

# Two runs archiving at once (cron and a worker) would race to drop the same partition.
ARCHIVING_RUN = "coproduce.audit.archiving"


class ArchiveError(Exception):
    """The month cannot be archived (yet): nothing was changed."""


@dataclass
class ArchiveCheck:
    path: str
    month: str = ""
    events: int = 0
    seals: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def archive_directory() -> Path:
    return Path(settings.COPRODUCE_AUDIT_ARCHIVE_DIR)


def months_in_database() -> int:
    return int(settings.COPRODUCE_AUDIT_MONTHS_IN_DATABASE)


def first_month_kept(today: datetime.date | None = None) -> datetime.date:
    """The oldest month that stays in the database: this month and the `months_in_database - 1` before."""
    month = month_start(today or timezone.now().astimezone(datetime.UTC).date())
    for _ in range(max(months_in_database(), 1) - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def months_due(today: datetime.date | None = None) -> list[datetime.date]:
    """Months with events in the database older than the months kept, oldest first."""
    keep_from = first_month_kept(today)
    # The oldest event is the first entry of the index on `at` (of each partition, on PostgreSQL).
    oldest = AuditEvent.objects.filter(at__lt=_utc(keep_from)).aggregate(oldest=Min("at"))["oldest"]
    candidates, month = [], month_start(oldest.astimezone(datetime.UTC)) if oldest else keep_from
    while month < keep_from:
        candidates.append(month)
        month = next_month(month)
    archived = set(AuditArchive.objects.values_list("month", flat=True))
    return [month for month in candidates if month not in archived and _events_of(month).exists()]


def _utc(month: datetime.date) -> datetime.datetime:
    return datetime.datetime(month.year, month.month, 1, tzinfo=datetime.UTC)


def _events_of(month: datetime.date) -> Any:
    return AuditEvent.objects.filter(at__gte=_utc(month), at__lt=_utc(next_month(month)))


def archive_path(month: datetime.date, directory: Path | None = None) -> Path:
    return (directory or archive_directory()) / f"audit-{month:%Y-%m}.jsonl.gz"


def archive_month(month: datetime.date, *, today: datetime.date | None = None) -> AuditArchive:
    """Archive one month (see the module's docstring). Raises ArchiveError, changing nothing,
    if the month is not old enough, not all sealed, already archived, or its seals do not verify.
    Call it outside a transaction (a command or a task)."""
    month = month_start(month)
    if month >= first_month_kept(today):
        raise ArchiveError(
            f"{month:%Y-%m} is kept in the database: only months before {first_month_kept(today):%Y-%m} are archived "
            f"(COPRODUCE_AUDIT_MONTHS_IN_DATABASE = {months_in_database()})."
        )
    if AuditArchive.objects.filter(month=month).exists():
        raise ArchiveError(f"{month:%Y-%m} is already archived.")
    ensure_partitions()  # a month whose events sit in the DEFAULT partition gets its own first
    events = _events_of(month)
    span = events.aggregate(first=Min("id"), last=Max("id"))
    first_id, last_id = span["first"], span["last"]
    last_sealed = AuditSeal.objects.order_by("-sequence").values_list("last_event_id", flat=True).first() or 0
    if last_id is None:
        raise ArchiveError(f"{month:%Y-%m} has no events in the database.")
    if last_id > last_sealed:
        raise ArchiveError(
            f"{month:%Y-%m} has events that are not sealed yet (up to event {last_id}; sealed up to {last_sealed}): "
            "run `manage.py seal_audit` first."
        )
    seals = _seals_holding(first_id, last_id)
    if seals:
        report = verify_audit_log(from_sequence=seals[0].sequence, to_sequence=seals[-1].sequence)
        if not report.ok:
            raise ArchiveError(f"{month:%Y-%m} is not archived: its seals do not verify. {report.summary()}")
    directory = archive_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = archive_path(month, directory)
    if path.exists():
        raise ArchiveError(f"{path} already exists: move it away if it is left from an archiving that failed.")
    count, archived_ids = _write_archive(path, month, events, seals)
    digest = _sha256(path)
    Path(f"{path}.sha256").write_text(f"{digest}  {path.name}\n")
    check = verify_archive(path)
    if not check.ok:
        path.rename(path.with_suffix(".failed"))
        raise ArchiveError(f"The archive of {month:%Y-%m} did not verify once written: {check.problems[0]}")
    with transaction.atomic():
        archive = AuditArchive.objects.create(
            month=month,
            file_name=path.name,
            file_sha256=digest,
            event_count=count,
            first_event_id=first_id,
            last_event_id=last_id,
            first_seal=seals[0].sequence if seals else None,
            last_seal=seals[-1].sequence if seals else None,
            archived_ranges=_runs(seals, archived_ids),
            archived_at=timezone.now(),
        )
        _remove_month(month)
        record_event(
            actor=None,
            action=AuditEvent.Action.EXPORT,
            record=archive,
            participant_id=None,
            actor_role="system",
            purpose=f"Archived the audit events of {month:%Y-%m} ({count:,}) to {path.name}",
        )
    return archive


def _seals_holding(first_id: int | None, last_id: int | None) -> list[AuditSeal]:
    if first_id is None or last_id is None:
        return []
    return list(AuditSeal.objects.filter(last_event_id__gte=first_id, after_event_id__lt=last_id).order_by("sequence"))


def _write_archive(path: Path, month: datetime.date, events: Any, seals: list[AuditSeal]) -> tuple[int, set[int]]:
    """Write the file, checking each event against its seal's digest as it goes."""
    sealed: dict[int, bytes] = {}
    for seal in seals:
        sealed.update(unpack_digests(bytes(seal.event_digests)))
    archived: set[int] = set()
    count = events.count()
    with open(path, "xb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        header = {"kind": ARCHIVE_KIND, "format": ARCHIVE_FORMAT, "month": f"{month:%Y-%m}", "event_count": count}
        out.write(json.dumps(header, sort_keys=True).encode() + b"\n")
        written = 0
        for row in events.order_by("pk").values_list(*EVENT_COLUMNS).iterator(chunk_size=READ_CHUNK):
            data = canonical_event(row)
            if sealed.get(row[0]) != leaf_hash(data):
                raise ArchiveError(f"Event {row[0]} does not match its seal: run `manage.py verify_audit`.")
            out.write(data + b"\n")
            archived.add(row[0])
            written += 1
        if written != count:
            raise ArchiveError("Events were added to the month while it was written: try again.")
        for seal in seals:
            line = {
                "kind": "seal",
                **fields_of(seal),
                "seal_hash": seal.seal_hash,
                "event_digests": bytes(seal.event_digests).hex(),
            }
            out.write(json.dumps(line, sort_keys=True).encode() + b"\n")
        out.flush()
        raw.flush()
        os.fsync(raw.fileno())
    return count, archived


def _runs(seals: list[AuditSeal], archived: set[int]) -> list[list[int]]:
    """Runs [first, last] of ids within which every sealed event is archived: over each seal's
    ids in order, widened to the seal's own bounds where they reach them."""
    runs: list[list[int]] = []
    for seal in seals:
        ids = [event_id for event_id, _ in unpack_digests(bytes(seal.event_digests))]
        low = seal.after_event_id + 1
        for index, event_id in enumerate(ids):
            high = ids[index + 1] - 1 if index + 1 < len(ids) else seal.last_event_id
            if event_id in archived:
                if runs and runs[-1][1] + 1 >= low:
                    runs[-1][1] = high
                else:
                    runs.append([low, high])
            low = event_id + 1
    return runs


def _remove_month(month: datetime.date) -> None:
    """PostgreSQL: detach and drop the month's partition (no row trigger sees it). SQLite: delete
    its rows (SQLite's trigger refuses updates only)."""
    if is_partitioned():
        name = partition_name(month)
        if name in {partition.name for partition in partitions()}:
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER TABLE "{TABLE}" DETACH PARTITION "{name}"')
                cursor.execute(f'DROP TABLE "{name}"')
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{TABLE}" WHERE at >= %s AND at < %s',
            [
                connection.ops.adapt_datetimefield_value(_utc(month)),
                connection.ops.adapt_datetimefield_value(_utc(next_month(month))),
            ],
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_archive(path: Path, *, against_database: bool = True) -> ArchiveCheck:
    """Check an archive file on its own (every seal's hash and root, every event among its seal's
    digests) and, unless told not to, against the database's seals and its `AuditArchive` row."""
    check = ArchiveCheck(path=str(path))
    seals: list[dict[str, Any]] = []
    leaves: dict[int, bytes] = {}
    try:
        with gzip.open(path, "rb") as handle:
            header = json.loads(handle.readline())
            if header.get("kind") != ARCHIVE_KIND or header.get("format") != ARCHIVE_FORMAT:
                check.problems.append("It is not an audit archive of format 1.")
                return check
            check.month = str(header["month"])
            for raw in handle:
                data = raw.rstrip(b"\n")
                if data.startswith(b"["):
                    event_id = int(json.loads(data)[2])
                    leaves[event_id] = leaf_hash(data)
                else:
                    seals.append(json.loads(data))
    except (OSError, ValueError, KeyError, EOFError) as error:
        check.problems.append(f"It cannot be read: {error}.")
        return check
    check.events, check.seals = len(leaves), len(seals)
    if header.get("event_count") != len(leaves):
        check.problems.append(f"It holds {len(leaves)} events; its header says {header.get('event_count')}.")
    sealed: dict[int, bytes] = {}
    for entry in seals:
        claimed = entry.pop("seal_hash")
        digests = unpack_digests(bytes.fromhex(entry.pop("event_digests")))
        entry.pop("kind")
        if seal_hash(entry) != claimed:
            check.problems.append(f"Seal {entry['sequence']}'s hash does not match its content.")
        if merkle_root([digest for _, digest in digests]).hex() != entry["events_root"]:
            check.problems.append(f"Seal {entry['sequence']}'s events do not give its root.")
        sealed.update(digests)
        if against_database:
            in_database = AuditSeal.objects.defer("event_digests").filter(sequence=entry["sequence"]).first()
            if in_database is None or in_database.seal_hash != claimed:
                check.problems.append(f"Seal {entry['sequence']} is not the database's seal of that number.")
    for event_id, leaf in sorted(leaves.items()):
        if sealed.get(event_id) != leaf:
            check.problems.append(f"Event {event_id} is not as its seal holds it.")
            break
    if against_database and check.ok:
        record = AuditArchive.objects.filter(file_name=Path(path).name).first()
        if record is not None and record.file_sha256 != _sha256(Path(path)):
            check.problems.append("Its SHA-256 is not the one recorded when it was archived.")
    return check
