"""The external checkpoints: every seal, appended to a file outside the database.

A database administrator who rewrites events and recomputes every seal after them leaves a
database that agrees with itself; it no longer agrees with this file. The file lives in
`COPRODUCE_AUDIT_CHECKPOINT_DIR`, which must be somewhere the database's administrators
cannot write (docs/audit.md).

One JSON object a line, appended and flushed to disk under an exclusive lock:
- `{"kind": "seal", ...the seal's fields, "seal_hash": ...}` for each seal, in sequence order;
- `{"kind": "resume", "after_sequence": N, "seal_hash": ..., "reason": ..., "at": ...}` where an
  operator accepted the database's seals up to N as they are (after restoring an older backup,
  or starting a new file): checkpoints after N written before it are then superseded.
"""

import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from coproduce.audit.hashing import NO_PREVIOUS_SEAL, seal_hash

FILE_NAME = "audit-checkpoints.jsonl"
LOCK_NAME = ".audit-checkpoints.lock"
# Enough of the file's end to hold its last line (a line is about 500 bytes).
TAIL_BYTES = 8192


@dataclass(frozen=True)
class Checkpoint:
    """One seal as the file records it."""

    fields: dict[str, Any]
    seal_hash: str
    line: int = 0

    @property
    def sequence(self) -> int:
        return int(self.fields["sequence"])

    def as_line(self) -> str:
        return json.dumps({"kind": "seal", **self.fields, "seal_hash": self.seal_hash}, sort_keys=True) + "\n"


@dataclass(frozen=True)
class Resumption:
    """An operator's note that the file carries on from the database's seal `after_sequence`."""

    after_sequence: int
    seal_hash: str
    reason: str
    at: str
    line: int = 0

    def as_line(self) -> str:
        entry = {
            "kind": "resume",
            "after_sequence": self.after_sequence,
            "seal_hash": self.seal_hash,
            "reason": self.reason,
            "at": self.at,
        }
        return json.dumps(entry, sort_keys=True) + "\n"


@dataclass
class CheckpointHistory:
    """The whole file, read once: what it says each seal is, now."""

    # By sequence: the checkpoint in force (a resumption supersedes those after its seal).
    checkpoints: dict[int, Checkpoint] = field(default_factory=dict)
    superseded: list[Checkpoint] = field(default_factory=list)
    resumptions: list[Resumption] = field(default_factory=list)
    # Line numbers and what is wrong with them: the file itself was edited or damaged.
    damaged_lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def last_sequence(self) -> int:
        return max(self.checkpoints, default=0)


@dataclass(frozen=True)
class Tail:
    """Where the file ends: the sequence and hash the next checkpoint must follow."""

    sequence: int
    seal_hash: str


EMPTY_TAIL = Tail(sequence=0, seal_hash=NO_PREVIOUS_SEAL)


class CheckpointFile:
    """The append-only file of checkpoints in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / FILE_NAME

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file alone (every process on this machine, or sharing the directory, waits)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / LOCK_NAME, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append(self, lines: Sequence[Checkpoint | Resumption]) -> None:
        """Add `lines` at the end and make sure they are on disk before returning. Call it locked."""
        if not lines:
            return
        text = "".join(line.as_line() for line in lines)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, text.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def tail(self) -> Tail:
        """The last entry's sequence and hash, read from the end of the file only."""
        if not self.path.exists():
            return EMPTY_TAIL
        with open(self.path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - TAIL_BYTES))
            lines = [line for line in handle.read().split(b"\n") if line.strip()]
        if not lines:
            return EMPTY_TAIL
        entry = json.loads(lines[-1])
        if entry.get("kind") == "resume":
            return Tail(sequence=int(entry["after_sequence"]), seal_hash=str(entry["seal_hash"]))
        return Tail(sequence=int(entry["sequence"]), seal_hash=str(entry["seal_hash"]))

    def last_entry(self) -> dict[str, Any] | None:
        """The last line as written, for the admin's status (None when there is none)."""
        if not self.path.exists():
            return None
        with open(self.path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - TAIL_BYTES))
            lines = [line for line in handle.read().split(b"\n") if line.strip()]
        try:
            return json.loads(lines[-1]) if lines else None
        except ValueError:
            return None

    def read(self) -> CheckpointHistory:
        """Every line, checked against the ones before it: each seal line must hash to its own
        `seal_hash` and follow the line before it, as the seals in the database do."""
        history = CheckpointHistory()
        if not self.path.exists():
            return history
        previous = EMPTY_TAIL
        with open(self.path, encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    entry = json.loads(text)
                    kind = entry.pop("kind")
                    if kind == "resume":
                        resumption = Resumption(
                            after_sequence=int(entry["after_sequence"]),
                            seal_hash=str(entry["seal_hash"]),
                            reason=str(entry.get("reason", "")),
                            at=str(entry.get("at", "")),
                            line=number,
                        )
                    else:
                        claimed = str(entry.pop("seal_hash"))
                        checkpoint = Checkpoint(fields=entry, seal_hash=claimed, line=number)
                        sequence = checkpoint.sequence
                except (ValueError, KeyError, AttributeError, TypeError):
                    history.damaged_lines.append((number, "it is not a checkpoint"))
                    continue
                if kind == "resume":
                    history.resumptions.append(resumption)
                    later = [sequence for sequence in history.checkpoints if sequence > resumption.after_sequence]
                    for sequence in later:
                        history.superseded.append(history.checkpoints.pop(sequence))
                    previous = Tail(resumption.after_sequence, resumption.seal_hash)
                    continue
                if seal_hash(entry) != claimed:
                    history.damaged_lines.append((number, "its hash does not match its content"))
                elif sequence != previous.sequence + 1 or entry.get("previous_hash") != previous.seal_hash:
                    history.damaged_lines.append((number, f"it does not follow checkpoint {previous.sequence}"))
                history.checkpoints[sequence] = checkpoint
                previous = Tail(sequence, claimed)
        return history


def checkpoint_file() -> CheckpointFile:
    """The file named by settings.COPRODUCE_AUDIT_CHECKPOINT_DIR."""
    return CheckpointFile(Path(settings.COPRODUCE_AUDIT_CHECKPOINT_DIR))
