"""The backup container: what goes in comes out, and a wrong key, a changed byte or a cut file is refused."""

import base64
import io
import secrets

import pytest
from django.test import override_settings

from coproduce.backups.encryption import (
    CHUNK_HEAD,
    HEADER,
    TAG_BYTES,
    EncryptingWriter,
    configured_keys,
    decrypt,
    new_key,
)
from coproduce.backups.errors import BackupKeyError, BackupUnreadable

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
CHUNK = 64
# Three full chunks and a part: the last chunk holds 16 bytes.
CONTENT = secrets.token_bytes(3 * CHUNK + 16)


def encrypted(content: bytes = CONTENT, *, key: bytes = KEY) -> bytes:
    destination = io.BytesIO()
    writer = EncryptingWriter(destination, key, chunk_size=CHUNK)
    # Written in uneven pieces, as tarfile writes.
    for start in range(0, len(content), 50):
        writer.write(content[start : start + 50])
    writer.finish()
    return destination.getvalue()


def decrypted(data: bytes, *, keys: list[bytes] | None = None) -> bytes:
    destination = io.BytesIO()
    decrypt(io.BytesIO(data), destination, keys=keys or [KEY], name="night.backup")
    return destination.getvalue()


def chunk_offsets(data: bytes) -> list[int]:
    """Where each chunk of an encrypted file starts."""
    offsets, offset = [], HEADER.size
    while offset < len(data):
        offsets.append(offset)
        _, length = CHUNK_HEAD.unpack(data[offset : offset + CHUNK_HEAD.size])
        offset += CHUNK_HEAD.size + length
    return offsets


def test_what_is_encrypted_decrypts_to_the_same_bytes() -> None:
    data = encrypted()
    assert decrypted(data) == CONTENT
    assert CONTENT not in data
    # Four chunks: three full ones, the last with what is left.
    assert len(chunk_offsets(data)) == 4
    assert len(data) == HEADER.size + 4 * (CHUNK_HEAD.size + TAG_BYTES) + len(CONTENT)


@pytest.mark.parametrize("size", [0, 1, CHUNK, 2 * CHUNK])
def test_any_length_decrypts_including_nothing_and_whole_chunks(size: int) -> None:
    content = secrets.token_bytes(size)
    assert decrypted(encrypted(content)) == content


def test_the_same_content_encrypts_differently_each_time() -> None:
    assert encrypted() != encrypted()


def test_a_wrong_key_is_refused_by_name() -> None:
    with pytest.raises(BackupUnreadable) as refused:
        decrypted(encrypted(), keys=[OTHER_KEY])
    assert refused.value.message == (
        "night.backup was made with a different backup key from the one in COPRODUCE_BACKUP_KEY. "
        "Set the key it was made with (keys can be listed with commas). Nothing was restored."
    )


def test_any_of_several_keys_opens_a_backup_made_with_it() -> None:
    assert decrypted(encrypted(key=OTHER_KEY), keys=[KEY, OTHER_KEY]) == CONTENT


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (0, "night.backup is not a Coproduce backup."),
        (16, "night.backup is a backup in format 0, which this version of Coproduce cannot read"),
        (20, "night.backup is damaged or has been altered: part 1 fails its check."),  # the chunk size
        # The key check or the salt it is derived from: indistinguishable from another key.
        (HEADER.size - 1, "night.backup was made with a different backup key"),
        (HEADER.size - 20, "night.backup was made with a different backup key"),
        (HEADER.size + CHUNK_HEAD.size + 5, "night.backup is damaged or has been altered: part 1 fails its check."),
        (-1, "night.backup is damaged or has been altered: part 4 fails its check."),  # the last tag
    ],
)
def test_a_changed_byte_anywhere_is_refused(where: int, message: str) -> None:
    data = bytearray(encrypted())
    data[where] ^= 0x01
    with pytest.raises(BackupUnreadable) as refused:
        decrypted(bytes(data))
    assert refused.value.message.startswith(message)


def test_a_chunk_marked_last_too_early_is_refused() -> None:
    """Marking an earlier chunk as the last would hide everything after it: its check fails."""
    data = bytearray(encrypted())
    second = chunk_offsets(bytes(data))[1]
    data[second] = 1
    with pytest.raises(BackupUnreadable) as refused:
        decrypted(bytes(data[: chunk_offsets(bytes(data))[2]]))
    assert refused.value.message == (
        "night.backup is damaged or has been altered: part 2 fails its check. Nothing was restored."
    )


def test_chunks_swapped_are_refused() -> None:
    data = encrypted()
    first, second, third, _ = chunk_offsets(data)
    swapped = data[:first] + data[second:third] + data[first:second] + data[third:]
    with pytest.raises(BackupUnreadable) as refused:
        decrypted(swapped)
    assert refused.value.message == (
        "night.backup is damaged or has been altered: part 1 fails its check. Nothing was restored."
    )


def test_a_file_cut_between_chunks_is_refused() -> None:
    data = encrypted()
    with pytest.raises(BackupUnreadable) as refused:
        decrypted(data[: chunk_offsets(data)[3]])
    assert refused.value.message == "night.backup is incomplete: it ends before its last part. Nothing was restored."


def test_a_file_cut_inside_a_chunk_is_refused() -> None:
    with pytest.raises(BackupUnreadable) as refused:
        decrypted(encrypted()[:-3])
    assert refused.value.message == (
        "night.backup is damaged or has been altered (it ends inside part 4). Nothing was restored."
    )


def test_data_after_the_last_chunk_is_refused() -> None:
    with pytest.raises(BackupUnreadable) as refused:
        decrypted(encrypted() + b"\x00")
    assert refused.value.message == (
        "night.backup is damaged or has been altered: there is data after its last part. Nothing was restored."
    )


def test_a_writer_closed_without_finishing_leaves_a_file_that_is_refused() -> None:
    """A backup that failed part-way cannot be mistaken for a complete one."""
    destination = io.BytesIO()
    writer = EncryptingWriter(destination, KEY, chunk_size=CHUNK)
    writer.write(CONTENT)
    data_before_close = destination.getvalue()
    writer.close()
    assert destination.getvalue() == data_before_close
    with pytest.raises(BackupUnreadable) as refused:
        decrypted(data_before_close)
    assert refused.value.message == "night.backup is incomplete: it ends before its last part. Nothing was restored."


def test_a_new_key_is_32_random_bytes_in_base64() -> None:
    key = new_key()
    assert len(base64.urlsafe_b64decode(key)) == 32
    assert key != new_key()
    with override_settings(COPRODUCE_BACKUP_KEY=key):
        assert configured_keys() == [base64.urlsafe_b64decode(key)]


def test_keys_are_read_from_the_setting_in_order() -> None:
    first, second = new_key(), new_key()
    with override_settings(COPRODUCE_BACKUP_KEY=f" {first} ,{second}"):
        assert configured_keys() == [base64.urlsafe_b64decode(first), base64.urlsafe_b64decode(second)]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("", "COPRODUCE_BACKUP_KEY is not set. Set it to the backup key (make one with `manage.py new_backup_key`)."),
        (
            "not a key",
            "Key 1 in COPRODUCE_BACKUP_KEY is not a backup key: it must be 32 random bytes written in base64 "
            "(make one with `manage.py new_backup_key`).",
        ),
        (
            base64.urlsafe_b64encode(bytes(16)).decode(),
            "Key 1 in COPRODUCE_BACKUP_KEY is not a backup key: it must be 32 random bytes written in base64 "
            "(make one with `manage.py new_backup_key`).",
        ),
    ],
)
def test_a_missing_or_malformed_key_is_explained(setting: str, message: str) -> None:
    with override_settings(COPRODUCE_BACKUP_KEY=setting), pytest.raises(BackupKeyError) as refused:
        configured_keys()
    assert refused.value.message == message
