"""What a backup counts and fingerprints: every table's rows and content, every stored file."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db import connection, transaction

from coproduce.backups.contents import (
    StoredFile,
    TableSummary,
    describe_stored_file,
    stored_file_names,
    table_summaries,
)

TABLE = "backup_test_rows"


def checksum_of(*row_texts: str) -> str:
    """The documented checksum: each row's text hashed with SHA-256, the hashes added modulo 2**256."""
    total = sum(int.from_bytes(hashlib.sha256(text.encode()).digest(), "big") for text in row_texts)
    return f"{total % 2**256:064x}"


@pytest.fixture
def rows_table(db: None) -> None:
    """A table of our own inside the test's transaction (rolled back with it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, name varchar(20), amount real, note text)")


def insert(*rows: tuple[int, str, float, str | None]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TABLE} (id, name, amount, note) VALUES (%s, %s, %s, %s)", rows)


def summary() -> TableSummary:
    with transaction.atomic(), connection.cursor() as cursor:
        return table_summaries(cursor, connection.vendor)[TABLE]


def row_text(row_id: int, name: str, amount: float, note: str | None) -> str:
    """How each database writes a row as text before hashing it."""
    if connection.vendor == "postgresql":
        return f"({row_id},{name},{amount},{note or ''})"
    return f"{row_id},'{name}',{amount},{'NULL' if note is None else repr(note)}"


def test_a_table_is_counted_and_checksummed_row_by_row(rows_table: None) -> None:
    insert((1, "Kim", 12.5, "first"), (2, "Pat", 3.25, None))
    assert summary() == TableSummary(
        rows=2, checksum=checksum_of(row_text(1, "Kim", 12.5, "first"), row_text(2, "Pat", 3.25, None))
    )


def test_an_empty_table_has_no_rows_and_a_zero_checksum(rows_table: None) -> None:
    assert summary() == TableSummary(rows=0, checksum="0" * 64)


def test_the_checksum_does_not_depend_on_the_order_rows_come_back_in(rows_table: None) -> None:
    insert((1, "Kim", 12.5, "first"), (2, "Pat", 3.25, None))
    in_one_order = summary()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    insert((2, "Pat", 3.25, None), (1, "Kim", 12.5, "first"))
    assert summary() == in_one_order


@pytest.mark.parametrize(
    "change",
    [
        f"UPDATE {TABLE} SET name = 'Kin' WHERE id = 1",
        f"UPDATE {TABLE} SET amount = 12.51 WHERE id = 1",
        f"UPDATE {TABLE} SET note = '' WHERE id = 2",  # empty is not the same as nothing
        f"UPDATE {TABLE} SET id = 3 WHERE id = 2",
    ],
)
def test_any_change_to_any_value_changes_the_checksum_but_not_the_count(rows_table: None, change: str) -> None:
    insert((1, "Kim", 12.5, "first"), (2, "Pat", 3.25, None))
    before = summary()
    with connection.cursor() as cursor:
        cursor.execute(change)
    after = summary()
    assert after.rows == before.rows == 2
    assert after.checksum != before.checksum


def test_a_repeated_row_is_not_mistaken_for_none(rows_table: None) -> None:
    """Adding, unlike exclusive-or, does not let two equal rows cancel out."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE}_plain (name varchar(20))")
        cursor.executemany(f"INSERT INTO {TABLE}_plain (name) VALUES (%s)", [("Kim",), ("Kim",)])
    with transaction.atomic(), connection.cursor() as cursor:
        twice = table_summaries(cursor, connection.vendor)[f"{TABLE}_plain"]
    text = "(Kim)" if connection.vendor == "postgresql" else "'Kim'"
    assert twice == TableSummary(rows=2, checksum=checksum_of(text, text))
    assert twice.checksum != "0" * 64


def test_every_table_of_the_database_is_summarised(rows_table: None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        summarised = set(table_summaries(cursor, connection.vendor))
    assert summarised == set(connection.introspection.table_names()) | {TABLE}


def test_stored_files_are_found_in_every_folder_and_fingerprinted() -> None:
    storage = InMemoryStorage()
    storage.save("receipts/2026/11/spend-1.pdf", ContentFile(b"%PDF-1.7 receipt"))
    storage.save("board/2026/minutes.txt", ContentFile(b"Minutes"))
    storage.save("top.txt", ContentFile(b""))
    assert stored_file_names(storage) == ["board/2026/minutes.txt", "receipts/2026/11/spend-1.pdf", "top.txt"]
    assert describe_stored_file(storage, "board/2026/minutes.txt") == StoredFile(
        name="board/2026/minutes.txt", size=7, sha256=hashlib.sha256(b"Minutes").hexdigest()
    )


def test_a_file_storage_whose_folder_does_not_exist_yet_holds_no_files(tmp_path: object) -> None:
    from django.core.files.storage import FileSystemStorage

    assert stored_file_names(FileSystemStorage(location=f"{tmp_path}/never-made")) == []
