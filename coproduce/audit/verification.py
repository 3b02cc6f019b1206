"""Checking the audit log: every seal recomputed from its events, the chain, the checkpoints.

`verify_audit_log` only reads. `check_audit_log` runs it, records the outcome (the admin's
"Audit log checks") and, when asked, emails the administrators if it failed: what
`manage.py verify_audit --notify` and the daily task do.
"""

import bisect
import datetime
import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import send_mail
from django.db.models import Min, Q
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.audit.checkpoints import Checkpoint, CheckpointHistory, Resumption, checkpoint_file
from coproduce.audit.hashing import (
    EVENT_COLUMNS,
    NO_PREVIOUS_SEAL,
    event_digest,
    merkle_root,
    seal_hash,
    unpack_digests,
)
from coproduce.audit.models import AuditArchive, AuditEvent, AuditSeal, AuditVerification
from coproduce.audit.sealing import SEALER_RUN, SealingError, fields_of, unsealed_events
from coproduce.core.locks import run_alone

# A seal this recent may not be in the file yet: its sealer writes it just after committing.
CHECKPOINT_WRITE_ALLOWANCE = datetime.timedelta(minutes=1)
# Seals read at a time, and the most events read with them.
SEALS_PER_READ = 500
EVENTS_PER_READ = 20_000
# Problems listed in full in the command's output and the email; all are counted.
PROBLEMS_SHOWN = 50
# The lock that lets one check run at a time (coproduce/core/locks.py): the daily cron job and a task.
VERIFICATION_RUN = "coproduce.audit.verification"
AT = EVENT_COLUMNS.index("at")


class ProblemKind(enum.StrEnum):
    CHANGED = "changed"
    MISSING = "missing"
    INSERTED = "inserted"
    SEAL_REWRITTEN = "seal rewritten"
    CHECKPOINT_MISMATCH = "checkpoint mismatch"
    CHECKPOINT_FILE_DAMAGED = "checkpoint file damaged"


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    event_id: int | None = None
    event_at: datetime.datetime | None = None
    seal_sequence: int | None = None


@dataclass
class VerificationReport:
    seals_checked: int = 0
    events_checked: int = 0
    # Events of sealed batches now in archive files (checked there: `archive_audit --verify`).
    events_archived: int = 0
    unsealed_events: int = 0
    oldest_unsealed_at: datetime.datetime | None = None
    against_checkpoints: bool = True
    checkpoint_path: str = ""
    checkpoints_matched: int = 0
    # Seals made in the last minute whose sealer has not written them out yet.
    seals_awaiting_checkpoint: int = 0
    # Seals an operator accepted from the database as they were (`seal_audit --resume`).
    seals_accepted_on_resuming: int = 0
    superseded_checkpoints: list[Checkpoint] = field(default_factory=list)
    resumptions: list[Resumption] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: what was checked, or the first problem."""
        if not self.ok:
            more = len(self.problems) - 1
            return f"The audit log FAILED its check: {self.problems[0].message}" + (
                f" (and {more} more {'problem' if more == 1 else 'problems'})" if more else ""
            )
        text = (
            f"The audit log checks out: {count_of(self.events_checked, 'event')} "
            f"in {count_of(self.seals_checked, 'seal')}, chained"
        )
        if self.against_checkpoints:
            text += f", matching {count_of(self.checkpoints_matched, 'checkpoint')} in {self.checkpoint_path}"
        text += "."
        if self.events_archived:
            text += f" {count_of(self.events_archived, 'event')} archived to files."
        if self.seals_accepted_on_resuming:
            text += f" {count_of(self.seals_accepted_on_resuming, 'seal')} accepted when the checkpoints resumed."
        if self.seals_awaiting_checkpoint:
            text += (
                f" {count_of(self.seals_awaiting_checkpoint, 'seal')} made in the last minute still being written out."
            )
        if self.resumptions:
            last = self.resumptions[-1]
            text += (
                f" The checkpoints resumed from seal {last.after_sequence} on {last.at} ({last.reason}); "
                f"{count_of(len(self.superseded_checkpoints), 'earlier checkpoint')} set aside."
            )
        if self.unsealed_events:
            oldest = f", the oldest from {when(self.oldest_unsealed_at)}" if self.oldest_unsealed_at else ""
            text += f" {count_of(self.unsealed_events, 'newer event')} not sealed yet{oldest}."
        return text


def count_of(number: int, thing: str) -> str:
    return f"{number:,} {thing}" + ("" if number == 1 else "s")


def when(moment: datetime.datetime | None) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "an unknown time"


def verify_audit_log(
    *,
    against_checkpoints: bool = True,
    now: datetime.datetime | None = None,
    from_sequence: int = 1,
    to_sequence: int | None = None,
) -> VerificationReport:
    """Recompute every seal from the events it covers and check that the seals form one chain
    and (unless `against_checkpoints` is False) that each matches its line in the external
    checkpoint file. Finds every event changed, deleted or inserted in a sealed batch, every
    seal rewritten or deleted, and history rewritten together with its seals, in log order:
    the first problem is the earliest. Events after the last seal are counted, not judged.
    Events archived (coproduce/audit/archiving.py) are in their files, not missing: their seals
    are checked in the chain and against the checkpoints, their events by `archive_audit --verify`.

    `from_sequence` and `to_sequence` check only those seals (the chain from the seal before
    `from_sequence` as it is in the database): the check since the last full one, or of one
    month before archiving it. Reads only."""
    now = now or timezone.now()
    store = checkpoint_file()
    history = store.read() if against_checkpoints else CheckpointHistory()
    report = VerificationReport(
        against_checkpoints=against_checkpoints,
        checkpoint_path=str(store.path),
        superseded_checkpoints=history.superseded,
        resumptions=history.resumptions,
    )
    accepted_up_to = max((resumption.after_sequence for resumption in history.resumptions), default=0)
    previous_sequence, previous_last, previous_hash = 0, 0, NO_PREVIOUS_SEAL
    if from_sequence > 1:
        before = AuditSeal.objects.defer("event_digests").filter(sequence=from_sequence - 1).first()
        if before is not None:
            previous_sequence, previous_last, previous_hash = before.sequence, before.last_event_id, before.seal_hash
    archived = archived_ranges()
    seal_hashes: dict[int, str] = {}
    for seal, rows in _seals_with_their_events(after_sequence=previous_sequence, to_sequence=to_sequence):
        report.seals_checked += 1
        report.events_checked += len(rows)
        seal_hashes[seal.sequence] = seal.seal_hash
        report.problems += _chain_problems(seal, previous_sequence, previous_last, previous_hash)
        in_archive = _archived_within(archived, seal)
        if in_archive is None:
            report.problems += _event_problems(seal, rows)
        elif in_archive == "whole":
            report.events_archived += seal.event_count
        else:
            report.problems += _event_problems(seal, rows, archived=archived)
        if against_checkpoints:
            checkpoint = history.checkpoints.get(seal.sequence)
            if checkpoint is not None:
                if checkpoint.fields == fields_of(seal) and checkpoint.seal_hash == seal.seal_hash:
                    report.checkpoints_matched += 1
                else:
                    report.problems.append(_checkpoint_mismatch(seal, checkpoint))
            elif seal.sequence <= accepted_up_to:
                report.seals_accepted_on_resuming += 1
            elif now - CHECKPOINT_WRITE_ALLOWANCE <= seal.sealed_at <= now + CHECKPOINT_WRITE_ALLOWANCE:
                report.seals_awaiting_checkpoint += 1
            else:
                report.problems.append(
                    Problem(
                        ProblemKind.CHECKPOINT_MISMATCH,
                        f"Seal {seal.sequence} (events {seal.after_event_id + 1}–{seal.last_event_id}, sealed "
                        f"{when(seal.sealed_at)}) is not in the external checkpoints: it was added to the database "
                        "behind the sealer's back, or the checkpoint file was cut short.",
                        event_id=seal.after_event_id + 1,
                        seal_sequence=seal.sequence,
                    )
                )
        previous_sequence, previous_last, previous_hash = seal.sequence, seal.last_event_id, seal.seal_hash
    if against_checkpoints:
        if to_sequence is None:
            report.problems += _checkpoints_without_seals(history, previous_sequence)
        report.problems += _resumption_problems(
            [resumption for resumption in history.resumptions if resumption.after_sequence >= from_sequence],
            seal_hashes,
        )
        report.problems += [
            Problem(ProblemKind.CHECKPOINT_FILE_DAMAGED, f"Line {line} of {store.path} was altered: {what}.")
            for line, what in history.damaged_lines
        ]
    unsealed = unsealed_events()
    report.unsealed_events = unsealed.count()
    if report.unsealed_events:
        report.oldest_unsealed_at = unsealed.aggregate(oldest=Min("at"))["oldest"]
    return report


def archived_ranges() -> list[tuple[int, int]]:
    """Every run of event ids archived (AuditArchive.archived_ranges), sorted."""
    return sorted(
        (int(low), int(high))
        for ranges in AuditArchive.objects.values_list("archived_ranges", flat=True)
        for low, high in ranges
    )


def _archived_within(archived: list[tuple[int, int]], seal: AuditSeal) -> str | None:
    """Whether the seal's events are archived: "whole", "part", or None."""
    low, high = seal.after_event_id + 1, seal.last_event_id
    # Runs do not overlap: those touching the seal come just before the first that starts after it.
    touching = []
    index = bisect.bisect_right(archived, (high, float("inf"))) - 1
    while index >= 0 and archived[index][1] >= low:
        touching.append(archived[index])
        index -= 1
    if not touching:
        return None
    return "whole" if any(run[0] <= low and run[1] >= high for run in touching) else "part"


def _is_archived(archived: list[tuple[int, int]], event_id: int) -> bool:
    index = bisect.bisect_right(archived, (event_id, float("inf")))
    return index > 0 and archived[index - 1][0] <= event_id <= archived[index - 1][1]


def _seals_with_their_events(
    *, after_sequence: int = 0, to_sequence: int | None = None
) -> Iterator[tuple[AuditSeal, list[tuple[Any, ...]]]]:
    """Every seal in sequence order (after `after_sequence`, up to `to_sequence`) with the events
    now in its range, read a few hundred seals (and at most about EVENTS_PER_READ events) at a time."""
    while True:
        wanted = AuditSeal.objects.defer("event_digests").filter(sequence__gt=after_sequence)
        if to_sequence is not None:
            wanted = wanted.filter(sequence__lte=to_sequence)
        seals = list(wanted.order_by("sequence")[:SEALS_PER_READ])
        if not seals:
            return
        chunk: list[AuditSeal] = []
        counted = 0
        for seal in seals:
            chunk.append(seal)
            counted += seal.event_count
            if counted >= EVENTS_PER_READ:
                break
        low = min(seal.after_event_id for seal in chunk)
        high = max(seal.last_event_id for seal in chunk)
        rows = list(AuditEvent.objects.filter(pk__gt=low, pk__lte=high).order_by("pk").values_list(*EVENT_COLUMNS))
        ids = [row[0] for row in rows]
        for seal in chunk:
            start = bisect.bisect_right(ids, seal.after_event_id)
            end = bisect.bisect_right(ids, seal.last_event_id)
            yield seal, rows[start:end]
        after_sequence = chunk[-1].sequence


def _chain_problems(seal: AuditSeal, previous_sequence: int, previous_last: int, previous_hash: str) -> list[Problem]:
    def rewritten(what: str) -> Problem:
        return Problem(
            ProblemKind.SEAL_REWRITTEN,
            f"Seal {seal.sequence} (events {seal.after_event_id + 1}–{seal.last_event_id}) was rewritten: {what}.",
            event_id=seal.after_event_id + 1,
            seal_sequence=seal.sequence,
        )

    if seal.sequence != previous_sequence + 1:
        missing = (
            f"seal {previous_sequence + 1}"
            if seal.sequence == previous_sequence + 2
            else f"seals {previous_sequence + 1}–{seal.sequence - 1}"
        )
        return [
            Problem(
                ProblemKind.SEAL_REWRITTEN,
                f"The database has lost {missing}: seal {seal.sequence} follows seal {previous_sequence}, "
                f"so the events after {previous_last} are no longer sealed as they were.",
                event_id=previous_last + 1,
                seal_sequence=previous_sequence + 1,
            )
        ]
    problems = []
    if seal.after_event_id != previous_last:
        problems.append(rewritten(f"it should start after event {previous_last}, where seal {previous_sequence} ends"))
    if seal.previous_hash != previous_hash:
        problems.append(rewritten(f"it no longer follows seal {previous_sequence} (the chain is broken)"))
    if seal_hash(fields_of(seal)) != seal.seal_hash:
        problems.append(rewritten("its hash no longer matches its content"))
    return problems


def _event_problems(
    seal: AuditSeal, rows: Sequence[tuple[Any, ...]], *, archived: list[tuple[int, int]] | None = None
) -> list[Problem]:
    """The events of one batch against its root; where they differ, each event that differs.
    Events in `archived` runs may be missing: they are in an archive file."""
    digests = [event_digest(row) for row in rows]
    if not archived and len(rows) == seal.event_count and merkle_root(digests).hex() == seal.events_root:
        return []
    try:
        sealed = unpack_digests(bytes(AuditSeal.objects.values_list("event_digests", flat=True).get(pk=seal.pk)))
    except ValueError:
        sealed = []
    if len(sealed) != seal.event_count or merkle_root([digest for _, digest in sealed]).hex() != seal.events_root:
        return [
            Problem(
                ProblemKind.SEAL_REWRITTEN,
                f"Seal {seal.sequence} (events {seal.after_event_id + 1}–{seal.last_event_id}) was rewritten: "
                "its record of each event no longer gives its root.",
                event_id=seal.after_event_id + 1,
                seal_sequence=seal.sequence,
            )
        ]
    now_there = {row[0]: (digest, row[AT]) for row, digest in zip(rows, digests, strict=True)}
    sealed_then = dict(sealed)
    problems = []
    for event_id in sorted(now_there.keys() | sealed_then.keys()):
        if event_id not in now_there and archived and _is_archived(archived, event_id):
            continue
        if event_id not in now_there:
            problems.append(
                Problem(
                    ProblemKind.MISSING,
                    f"Event {event_id} is missing: seal {seal.sequence} (sealed {when(seal.sealed_at)}) holds it, "
                    "and the database no longer does.",
                    event_id=event_id,
                    seal_sequence=seal.sequence,
                )
            )
            continue
        digest, at = now_there[event_id]
        if event_id not in sealed_then:
            problems.append(
                Problem(
                    ProblemKind.INSERTED,
                    f"Event {event_id} ({when(at)}) was inserted: it lies in the range of seal {seal.sequence}, "
                    "which does not hold it.",
                    event_id=event_id,
                    event_at=at,
                    seal_sequence=seal.sequence,
                )
            )
        elif sealed_then[event_id] != digest:
            problems.append(
                Problem(
                    ProblemKind.CHANGED,
                    f"Event {event_id} ({when(at)}) was changed after seal {seal.sequence} sealed it.",
                    event_id=event_id,
                    event_at=at,
                    seal_sequence=seal.sequence,
                )
            )
    return problems


def _checkpoint_mismatch(seal: AuditSeal, checkpoint: Checkpoint) -> Problem:
    return Problem(
        ProblemKind.CHECKPOINT_MISMATCH,
        f"Seal {seal.sequence} (events {seal.after_event_id + 1}–{seal.last_event_id}) does not match its external "
        f"checkpoint (line {checkpoint.line}): the events and the seals were rewritten together in the database.",
        event_id=seal.after_event_id + 1,
        seal_sequence=seal.sequence,
    )


def _checkpoints_without_seals(history: CheckpointHistory, last_sequence: int) -> list[Problem]:
    return [
        Problem(
            ProblemKind.CHECKPOINT_MISMATCH,
            f"Checkpoint {sequence} (events {checkpoint.fields['after_event_id'] + 1}–"
            f"{checkpoint.fields['last_event_id']}, sealed {checkpoint.fields['sealed_at']}) has no seal in the "
            "database: its seal was deleted, or the database was restored from an older backup.",
            event_id=int(checkpoint.fields["after_event_id"]) + 1,
            seal_sequence=sequence,
        )
        for sequence, checkpoint in sorted(history.checkpoints.items())
        if sequence > last_sequence
    ]


def _resumption_problems(resumptions: list[Resumption], seal_hashes: dict[int, str]) -> list[Problem]:
    return [
        Problem(
            ProblemKind.CHECKPOINT_MISMATCH,
            f"The checkpoints resumed from seal {resumption.after_sequence} on {resumption.at}, and the database's "
            "seal of that number is no longer the one they resumed from.",
            seal_sequence=resumption.after_sequence,
        )
        for resumption in resumptions
        if resumption.after_sequence and seal_hashes.get(resumption.after_sequence) != resumption.seal_hash
    ]


def administrator_addresses() -> list[str]:
    """The email addresses of the active administrators: superusers, and staff holding the administrator role."""
    administrators = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(staff_member__is_active=True, staff_member__roles__role=Role.ADMINISTRATOR)
    )
    return sorted(set(administrators.exclude(email="").values_list("email", flat=True)))


def check_audit_log(*, notify: bool, from_sequence: int = 1) -> tuple[VerificationReport, AuditVerification]:
    """Verify the audit log, record the outcome for the admin and, if it failed and `notify` is
    set, email every active administrator what was found and what to do."""
    report = verify_audit_log(from_sequence=from_sequence)
    listed = "\n".join(f"- {problem.message}" for problem in report.problems[:PROBLEMS_SHOWN])
    told = 0
    if notify and not report.ok:
        told = _tell_administrators(report, listed)
    check = AuditVerification.objects.create(
        ran_at=timezone.now(),
        outcome=AuditVerification.Outcome.PASSED if report.ok else AuditVerification.Outcome.FAILED,
        seals_checked=report.seals_checked,
        events_checked=report.events_checked,
        unsealed_events=report.unsealed_events,
        summary=report.summary(),
        problems=listed,
        administrators_told=told,
    )
    return report, check


def _tell_administrators(report: VerificationReport, listed: str) -> int:
    addresses = administrator_addresses()
    if not addresses:
        return 0
    count = len(report.problems)
    body = (
        f"The check of Coproduce's audit log at {when(timezone.now())} found "
        f"{count} {'problem' if count == 1 else 'problems'}. The first:\n\n"
        f"    {report.problems[0].message}\n\n"
        "Someone may have changed the audit log directly in the database. Keep the database, its backups "
        "and the checkpoint file as they are: do not restore, repair or re-seal anything yet. Follow "
        '"When the check fails" in docs/audit.md.\n\n'
        f"What the check found:\n{listed}\n"
        + (f"(and {count - PROBLEMS_SHOWN} more)\n" if count > PROBLEMS_SHOWN else "")
        + "\nThe check is listed in the administration pages under Audit > Audit log checks.\n"
    )
    send_mail(
        subject="Coproduce: the audit log failed its check",
        message=body,
        from_email=None,
        recipient_list=addresses,
    )
    return len(addresses)


def resume_checkpoints(*, reason: str) -> Resumption:
    """Let the checkpoint file carry on from the database's last seal, as it is now: after the
    database was restored from a backup older than the file's last checkpoint, or when the file
    was lost. Refused unless the database's own seals and events check out, and `reason` says why.
    The file keeps every line it had; verification reports what the resumption set aside."""
    if not reason.strip():
        raise SealingError("Say why the checkpoints resume from the database (for example which backup was restored).")
    report = verify_audit_log(against_checkpoints=False)
    if not report.ok:
        raise SealingError(f"The database's own seals do not check out, so the file cannot resume: {report.summary()}")
    store = checkpoint_file()
    with run_alone(SEALER_RUN) as alone:
        if not alone:
            raise SealingError("A sealer is at work: try again in a minute.")
        with store.locked():
            last = AuditSeal.objects.defer("event_digests").order_by("-sequence").first()
            resumption = Resumption(
                after_sequence=last.sequence if last else 0,
                seal_hash=last.seal_hash if last else NO_PREVIOUS_SEAL,
                reason=reason.strip(),
                at=timezone.now().isoformat(timespec="seconds"),
            )
            store.append([resumption])
    return resumption
