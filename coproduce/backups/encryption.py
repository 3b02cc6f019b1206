"""The encrypted, authenticated container every backup is written in.

AES-256-GCM over fixed-size chunks (the "STREAM" construction of Hoang, Reyhanitabar, Rogaway
and Vizár, as in Tink's streaming AEAD and age), so that a backup of any size is written and
read a chunk at a time and never has to fit in memory:

    header  = "COPRODUCE-BACKUP" | format version (1 byte) | chunk size (4) | salt (32) | key check (16)
    chunk   = last-chunk flag (1 byte) | length of the sealed chunk (4) | AES-GCM(chunk) with its 16-byte tag

Each file gets its own data key, derived with HKDF-SHA256 from the operator's key and the
file's random salt, so no nonce is ever used twice under one key. A chunk's nonce is its
position and its last-chunk flag, and every chunk authenticates the whole header: a chunk
moved, dropped, repeated or changed, a header altered, or a file cut short at a chunk boundary
all fail the check. The key check (also derived from the key and salt) tells "wrong key" apart
from "damaged file" in the message, and reveals nothing about the key.
"""

import base64
import binascii
import hmac
import io
import secrets
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from coproduce.backups.errors import BackupKeyError, BackupUnreadable

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

MAGIC = b"COPRODUCE-BACKUP"
FORMAT_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 32
KEY_CHECK_BYTES = 16
TAG_BYTES = 16
CHUNK_SIZE = 1024 * 1024
# A damaged header must not make the reader allocate gigabytes before the check fails.
LARGEST_CHUNK_SIZE = 16 * 1024 * 1024
HEADER = struct.Struct(f">{len(MAGIC)}sBI{SALT_BYTES}s{KEY_CHECK_BYTES}s")
CHUNK_HEAD = struct.Struct(">BI")
LAST_CHUNK = 1
MAKE_A_KEY = "make one with `manage.py new_backup_key`"


def new_key() -> str:
    """A new random backup key, written as URL-safe base64 (44 characters)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def configured_keys() -> list[bytes]:
    """The keys in COPRODUCE_BACKUP_KEY: the first encrypts new backups; any of them opens old ones.

    Several keys, separated by commas, let an operator change the key and still restore
    backups made with the old one until those backups expire.
    """
    written = [part.strip() for part in str(getattr(settings, "COPRODUCE_BACKUP_KEY", "")).split(",") if part.strip()]
    if not written:
        raise BackupKeyError(f"COPRODUCE_BACKUP_KEY is not set. Set it to the backup key ({MAKE_A_KEY}).")
    keys = []
    for position, text in enumerate(written, start=1):
        try:
            key = base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise BackupKeyError(
                f"Key {position} in COPRODUCE_BACKUP_KEY is not a backup key: it must be {KEY_BYTES} random bytes "
                f"written in base64 ({MAKE_A_KEY})."
            )
        keys.append(key)
    return keys


def _derive(key: bytes, salt: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=b"coproduce backup v1: " + purpose).derive(
        key
    )


def _nonce(position: int, last: bool) -> bytes:
    return struct.pack(">QB3x", position, LAST_CHUNK if last else 0)


class EncryptingWriter(io.RawIOBase):
    """A write-only file that encrypts what is written to `destination`, a chunk at a time.

    `finish()` seals the last chunk. A writer closed without `finish()` (because something went
    wrong part-way) leaves a file that has no last chunk, which is refused when it is read.
    """

    def __init__(self, destination: BinaryIO, key: bytes, *, chunk_size: int = CHUNK_SIZE) -> None:
        super().__init__()
        self._destination = destination
        self._chunk_size = chunk_size
        salt = secrets.token_bytes(SALT_BYTES)
        self._header = HEADER.pack(
            MAGIC, FORMAT_VERSION, chunk_size, salt, _derive(key, salt, b"key check", KEY_CHECK_BYTES)
        )
        self._cipher = AESGCM(_derive(key, salt, b"data key", KEY_BYTES))
        self._buffer = bytearray()
        self._position = 0
        destination.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: "ReadableBuffer") -> int:
        view = memoryview(data)
        self._buffer += view
        # Hold back a full chunk until more arrives, so the last chunk is always the one finish() seals.
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return view.nbytes

    def finish(self) -> None:
        """Seal what is left as the last chunk; nothing more can be written."""
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self.close()

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        sealed = self._cipher.encrypt(_nonce(self._position, last), plaintext, self._header)
        self._destination.write(CHUNK_HEAD.pack(LAST_CHUNK if last else 0, len(sealed)))
        self._destination.write(sealed)
        self._position += 1


@dataclass(frozen=True)
class _Header:
    raw: bytes
    chunk_size: int
    salt: bytes
    key_check: bytes


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    return data if data is not None else b""


def _read_header(source: BinaryIO, name: str) -> _Header:
    raw = _read_exactly(source, HEADER.size)
    if len(raw) < len(MAGIC) or raw[: len(MAGIC)] != MAGIC:
        raise BackupUnreadable(f"{name} is not a Coproduce backup.")
    if len(raw) < HEADER.size:
        raise BackupUnreadable(f"{name} is incomplete: it ends inside its header. Nothing was restored.")
    _, version, chunk_size, salt, key_check = HEADER.unpack(raw)
    if version != FORMAT_VERSION:
        raise BackupUnreadable(
            f"{name} is a backup in format {version}, which this version of Coproduce cannot read "
            f"(it reads format {FORMAT_VERSION}). Restore it with the version of Coproduce that made it."
        )
    if not 0 < chunk_size <= LARGEST_CHUNK_SIZE:
        raise BackupUnreadable(f"{name} is damaged: its header is not valid. Nothing was restored.")
    return _Header(raw=raw, chunk_size=chunk_size, salt=salt, key_check=key_check)


def _key_for(header: _Header, keys: list[bytes], name: str) -> bytes:
    for key in keys:
        if hmac.compare_digest(_derive(key, header.salt, b"key check", KEY_CHECK_BYTES), header.key_check):
            return key
    raise BackupUnreadable(
        f"{name} was made with a different backup key from the one in COPRODUCE_BACKUP_KEY. "
        "Set the key it was made with (keys can be listed with commas). Nothing was restored."
    )


def decrypt(source: BinaryIO, destination: BinaryIO, *, keys: list[bytes], name: str = "The backup") -> int:
    """Write the backup read from `source` to `destination` in plain form; return its size in bytes.

    Every chunk is authenticated before it is written; the file is accepted only when its last
    chunk has been read and nothing follows it. Until then `destination` must be treated as
    untrusted scratch space: a caller restores nothing before this returns.
    """
    header = _read_header(source, name)
    key = _key_for(header, keys, name)
    cipher = AESGCM(_derive(key, header.salt, b"data key", KEY_BYTES))
    damaged = f"{name} is damaged or has been altered"
    position = 0
    written = 0
    while True:
        head = _read_exactly(source, CHUNK_HEAD.size)
        if not head:
            raise BackupUnreadable(f"{name} is incomplete: it ends before its last part. Nothing was restored.")
        if len(head) < CHUNK_HEAD.size:
            raise BackupUnreadable(f"{damaged} (it ends inside part {position + 1}). Nothing was restored.")
        flag, length = CHUNK_HEAD.unpack(head)
        if flag not in (0, LAST_CHUNK) or length > header.chunk_size + TAG_BYTES or length < TAG_BYTES:
            raise BackupUnreadable(f"{damaged} (part {position + 1} is not valid). Nothing was restored.")
        sealed = _read_exactly(source, length)
        if len(sealed) < length:
            raise BackupUnreadable(f"{damaged} (it ends inside part {position + 1}). Nothing was restored.")
        try:
            plaintext = cipher.decrypt(_nonce(position, flag == LAST_CHUNK), sealed, header.raw)
        except InvalidTag:
            raise BackupUnreadable(f"{damaged}: part {position + 1} fails its check. Nothing was restored.") from None
        destination.write(plaintext)
        written += len(plaintext)
        position += 1
        if flag == LAST_CHUNK:
            break
    if _read_exactly(source, 1):
        raise BackupUnreadable(f"{damaged}: there is data after its last part. Nothing was restored.")
    return written
