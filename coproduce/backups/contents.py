"""What a backup holds, counted and fingerprinted so that a restore can be checked against it.

Every table's rows are counted and given a content checksum: each row is written as text by
the database itself (PostgreSQL's row-to-text; SQLite's `quote()` of every column), hashed
with SHA-256, and the hashes are added together modulo 2**256. Adding makes the checksum
independent of the order rows come back in (a restored table need not return them in the
same order), while any row changed, lost or repeated changes it. It guards against loss and
damage in the backup and restore; it is not a defence against someone forging rows (the
backup file itself is authenticated, and the audit log has its own seals).

Uploaded files are read through Django's storage API, so they are found wherever the default
storage keeps them.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.storage import Storage

CHECKSUM_METHOD = "sum of the SHA-256 of each row's text, modulo 2**256 (v1)"
MODULUS = 2**256
READ_SIZE = 1024 * 1024
ROWS_AT_A_TIME = 2000
# PostgreSQL writes a row as text according to these settings; fixing them makes the text (and
# the checksum) the same whatever the server's or the session's defaults are.
POSTGRESQL_TEXT_SETTINGS = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}
# SHA-256 of each row, split into eight 32-bit parts that PostgreSQL can add up exactly as
# `numeric`; the parts' sums are put back together (with their carries) in Python.
_POSTGRESQL_PARTS = ", ".join(
    f"sum(('x' || lpad(encode(substring(row_hash from {start} for 4), 'hex'), 16, '0'))::bit(64)::bigint)"
    for start in range(1, 33, 4)
)


@dataclass(frozen=True)
class TableSummary:
    rows: int
    checksum: str


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _checksum_of(total: int) -> str:
    return f"{total % MODULUS:064x}"


def table_summaries(cursor: Any, vendor: str) -> dict[str, TableSummary]:
    """Every table's row count and content checksum, by table name, through a DB-API `cursor`.

    On PostgreSQL the cursor must be inside a transaction (the text settings are set for it
    alone) and tables outside the `public` schema are named `schema.table`.
    """
    if vendor == "sqlite":
        return _sqlite_summaries(cursor)
    if vendor == "postgresql":
        return _postgresql_summaries(cursor)
    raise ValueError(f"Backups support SQLite and PostgreSQL, not {vendor}.")


def _sqlite_summaries(cursor: Any) -> dict[str, TableSummary]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    )
    tables = [name for (name,) in cursor.fetchall()]
    summaries = {}
    for table in tables:
        cursor.execute(f"SELECT name FROM pragma_table_info({_sqlite_text(table)}) ORDER BY cid")
        columns = [name for (name,) in cursor.fetchall()]
        cursor.execute(
            f"SELECT {', '.join(f'quote({quote_name(column)})' for column in columns)} FROM {quote_name(table)}"
        )
        rows = 0
        total = 0
        while batch := cursor.fetchmany(ROWS_AT_A_TIME):
            for row in batch:
                total += int.from_bytes(hashlib.sha256(",".join(row).encode("utf-8")).digest(), "big")
            rows += len(batch)
        summaries[table] = TableSummary(rows=rows, checksum=_checksum_of(total))
    return summaries


def _sqlite_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _postgresql_summaries(cursor: Any) -> dict[str, TableSummary]:
    for name, value in POSTGRESQL_TEXT_SETTINGS.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    cursor.execute(
        "SELECT namespace.nspname, class.relname FROM pg_catalog.pg_class AS class "
        "JOIN pg_catalog.pg_namespace AS namespace ON namespace.oid = class.relnamespace "
        # A partitioned table ('p', the audit) is summarised whole, through its parent; its partitions
        # come and go by month, so they are not tables of their own here.
        "WHERE class.relkind IN ('r', 'p') AND NOT class.relispartition "
        "AND namespace.nspname NOT IN ('information_schema', 'pg_toast') "
        "AND namespace.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2"
    )
    tables = cursor.fetchall()
    summaries = {}
    for schema, table in tables:
        # The hashing and adding happen in the database: no row crosses the network.
        cursor.execute(
            f"SELECT count(*), {_POSTGRESQL_PARTS} FROM (SELECT sha256(convert_to(ROW(backed_up_row.*)::text, 'UTF8')) "
            f"AS row_hash FROM {quote_name(schema)}.{quote_name(table)} AS backed_up_row) AS hashed"
        )
        rows, *parts = cursor.fetchone()
        total = sum(int(part or 0) << (32 * (7 - index)) for index, part in enumerate(parts))
        summaries[table if schema == "public" else f"{schema}.{table}"] = TableSummary(
            rows=int(rows), checksum=_checksum_of(total)
        )
    return summaries


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str


def stored_file_names(storage: Storage) -> list[str]:
    """Every file in `storage`, by the name the storage knows it by, in a stable order."""
    names: list[str] = []
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            # A file system storage whose folder was never created holds no files yet.
            continue
        names.extend(f"{folder}/{name}" if folder else name for name in files)
        folders.extend(f"{folder}/{name}" if folder else name for name in subfolders)
    return sorted(names)


def read_in_chunks(file: IO[bytes]) -> Iterator[bytes]:
    while chunk := file.read(READ_SIZE):
        yield chunk


def describe_stored_file(storage: Storage, name: str) -> StoredFile:
    """The size and SHA-256 of the file `name` as `storage` holds it now."""
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as file:
        for chunk in file.chunks(READ_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return StoredFile(name=name, size=size, sha256=digest.hexdigest())
