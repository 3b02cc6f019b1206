"""What a seal hashes: each audit event's canonical bytes, a Merkle tree over a batch, and the seal.

Format 1 (docs/audit.md gives it in full). An event's canonical form is a UTF-8 JSON array,
with no spaces, of a tag, the format number and every column of the event in a fixed order:

    ["coproduce.audit.event",1,id,at,actor_id,actor_role,action,channel,participant_id,
     record_type,record_id,purpose,changed_fields,path,api_token_name]

`at` is written in UTC with microseconds ("2026-03-31T09:15:02.123456+00:00"), missing
foreign keys as null, and `changed_fields` as JSON with sorted keys. SQLite and PostgreSQL
give back the same values for every column, so the same bytes come out of either, and out of
a database restored from a dump.

The tree is RFC 6962's (certificate transparency): a leaf is SHA-256(0x00 ‖ bytes), a node
SHA-256(0x01 ‖ left ‖ right), split at the largest power of two below the size. A seal's hash
covers its batch's root and the hash of the seal before it, so that the seals form a chain.
"""

import datetime
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

FORMAT_VERSION = 1
EVENT_TAG = "coproduce.audit.event"
SEAL_TAG = "coproduce.audit.seal"
# The columns of AuditEvent that format 1 covers, in order. A new column needs a new format:
# tests/audit/test_hashing.py fails while the model has a column this list does not name.
EVENT_COLUMNS: tuple[str, ...] = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "channel",
    "participant_id",
    "record_type",
    "record_id",
    "purpose",
    "changed_fields",
    "path",
    "api_token_name",
)
# The hash the first seal follows: there is no seal before it.
NO_PREVIOUS_SEAL = "0" * 64
DIGEST_SIZE = 32
ID_SIZE = 8


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical_event(row: Sequence[Any]) -> bytes:
    """The bytes that stand for one event: `row` holds its EVENT_COLUMNS, in that order."""
    values = list(row)
    values[EVENT_COLUMNS.index("at")] = utc_text(values[EVENT_COLUMNS.index("at")])
    return canonical_json([EVENT_TAG, FORMAT_VERSION, *values])


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def event_digest(row: Sequence[Any]) -> bytes:
    """The leaf of one event in its batch's Merkle tree."""
    return leaf_hash(canonical_event(row))


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962's Merkle tree hash of `leaves` (already leaf-hashed).

    Built bottom-up: pairing neighbours and carrying an odd last node up unchanged gives the
    same tree as the RFC's split at the largest power of two.
    """
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    while len(level) > 1:
        paired = [node_hash(level[index], level[index + 1]) for index in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def pack_digests(digests: Sequence[tuple[int, bytes]]) -> bytes:
    """Each event's id (8 bytes, big-endian) and leaf hash, in id order: lets verification name
    the event that no longer matches, where the root alone would only say that one does not."""
    return b"".join(event_id.to_bytes(ID_SIZE, "big") + digest for event_id, digest in digests)


def unpack_digests(packed: bytes) -> list[tuple[int, bytes]]:
    size = ID_SIZE + DIGEST_SIZE
    if len(packed) % size:
        raise ValueError("The stored digests are not whole (id, hash) pairs.")
    return [
        (int.from_bytes(packed[start : start + ID_SIZE], "big"), packed[start + ID_SIZE : start + size])
        for start in range(0, len(packed), size)
    ]


def seal_fields(
    *,
    sequence: int,
    format_version: int,
    after_event_id: int,
    last_event_id: int,
    event_count: int,
    events_root: str,
    previous_hash: str,
    sealed_at: datetime.datetime | str,
) -> dict[str, Any]:
    """What a seal's hash covers, the same in the database and in the external checkpoint."""
    return {
        "sequence": sequence,
        "format_version": format_version,
        "after_event_id": after_event_id,
        "last_event_id": last_event_id,
        "event_count": event_count,
        "events_root": events_root,
        "previous_hash": previous_hash,
        "sealed_at": sealed_at if isinstance(sealed_at, str) else utc_text(sealed_at),
    }


def seal_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json([SEAL_TAG, dict(fields)])).hexdigest()
