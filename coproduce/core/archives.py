"""Reading a zip someone uploaded without letting it unpack into more than we mean to hold.

A zip says how big each file in it is, and it may lie; a few hundred kilobytes can unpack to
gigabytes (a "zip bomb"), and a file may be named "../../somewhere". Every zip the project
accepts (an HSDS data package, a Word transcript) is opened through `open_zip`, which before
anything is unpacked refuses one with more entries than `limits.entries` (counted from the zip's
last record, before Python builds an entry for each), entries whose declared sizes add up to
more than `limits.unpacked_bytes`, and names that are absolute or climb out of the archive.
`read_entries` and `check_unpacked_size` then unpack a piece at a time, counting what really
comes out, and stop at the limit whatever the zip declared (Python's zipfile also never gives
more than an entry declares, and a CRC check catches the rest).

Errors are `UnsafeArchive` with a `reason` (one of the constants below) and the entry's name,
for the caller to put in words its users understand.
"""

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

CHUNK_BYTES = 256 * 1024
# The end-of-central-directory record: 22 bytes, then a comment of up to 65,535 bytes.
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SEARCH = 22 + 65_535
_ZIP64_ENTRY_COUNT = 0xFFFF

NOT_A_ZIP = "not a zip"
DAMAGED = "damaged"
TOO_MANY_ENTRIES = "too many entries"
TOO_BIG = "too big unpacked"
OUTSIDE = "name outside the archive"


class UnsafeArchive(Exception):
    def __init__(self, reason: str, name: str = "") -> None:
        super().__init__(f"{reason}: {name}" if name else reason)
        self.reason = reason
        self.name = name


@dataclass(frozen=True)
class ZipLimits:
    entries: int  # files and folders in the archive
    unpacked_bytes: int  # everything unpacked, together


def declared_entry_count(data: bytes) -> int | None:
    """How many entries the zip's last record says it has; None when it does not say (no record, or ZIP64)."""
    tail = data[-_END_RECORD_SEARCH:]
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < 22:
        return None
    (count,) = struct.unpack_from("<H", tail, at + 10)
    return None if count == _ZIP64_ENTRY_COUNT else int(count)


def points_outside(name: str) -> bool:
    """An absolute name, a drive letter, or a ".." that would climb out of wherever it is unpacked."""
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":") or "\0" in normal:
        return True
    return ".." in PurePosixPath(normal).parts


def open_zip(data: bytes, limits: ZipLimits) -> zipfile.ZipFile:
    """The archive, opened, if it passes every check that needs nothing unpacked; UnsafeArchive otherwise."""
    declared = declared_entry_count(data)
    if declared is not None and declared > limits.entries:
        raise UnsafeArchive(TOO_MANY_ENTRIES)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise UnsafeArchive(NOT_A_ZIP) from error
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise UnsafeArchive(TOO_MANY_ENTRIES)
    for info in entries:
        if points_outside(info.filename):
            raise UnsafeArchive(OUTSIDE, info.filename)
    if sum(info.file_size for info in entries) > limits.unpacked_bytes:
        raise UnsafeArchive(TOO_BIG)
    return archive


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, allowance: int, keep: bool) -> tuple[bytes, int]:
    """(the entry's content if `keep`, else b""; how many bytes it unpacked to), never past `allowance`."""
    pieces: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as entry:
            while piece := entry.read(CHUNK_BYTES):
                size += len(piece)
                if size > allowance:
                    raise UnsafeArchive(TOO_BIG)
                if keep:
                    pieces.append(piece)
    except UnsafeArchive:
        raise
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError) as error:
        # A CRC that does not match (an entry longer than it says), an unknown compression, a password.
        raise UnsafeArchive(DAMAGED, info.filename) from error
    return b"".join(pieces), size


def read_entries(
    archive: zipfile.ZipFile, limits: ZipLimits, keep: Callable[[zipfile.ZipInfo], bool]
) -> dict[str, bytes]:
    """Every file `keep` wants, by its name in the archive, unpacking everything at most once and
    counting it all against `limits.unpacked_bytes`."""
    kept: dict[str, bytes] = {}
    left = limits.unpacked_bytes
    for info in archive.infolist():
        if info.is_dir():
            continue
        wanted = keep(info)
        content, size = _unpack(archive, info, left, keep=wanted)
        left -= size
        if wanted:
            kept[info.filename] = content
    return kept


def check_unpacked_size(archive: zipfile.ZipFile, limits: ZipLimits) -> None:
    """Unpack every entry to count it, keeping nothing: for a zip another library will open."""
    read_entries(archive, limits, keep=lambda info: False)
