"""Making a backup, checking one, and restoring one.

A backup is one encrypted file (coproduce/backups/encryption.py) holding a gzip-compressed tar
archive:

    database.sqlite3 or database.pgdump   the database, copied while the site runs
    files/<name>                          every file in the default storage (receipts, board papers…)
    manifest.json                         what the backup holds, to check a restore against

The manifest records the format version, when the backup was made, the database vendor and
version, the migrations applied, every table's row count and content checksum, and every
file's name, size and SHA-256.

A restore reads and authenticates the whole file before it changes anything, refuses to write
over a database that is not empty (unless told to replace it), and afterwards compares the
restored database and files with the manifest, failing loudly on any difference.

These are operators' tools, run from the command line by whoever runs the server: there is no
user to check permissions for, so they are not services with an actor.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db.migrations.loader import MigrationLoader

from coproduce.backups.contents import (
    CHECKSUM_METHOD,
    READ_SIZE,
    StoredFile,
    TableSummary,
    describe_stored_file,
    read_in_chunks,
    stored_file_names,
)
from coproduce.backups.databases import (
    DUMP_NAMES,
    copy_database,
    database_vendor,
    refuse_unless_empty,
    restore_database,
    restored_tables,
)
from coproduce.backups.encryption import EncryptingWriter, configured_keys, decrypt
from coproduce.backups.errors import BackupError, BackupUnreadable, RestoreMismatch, RestoreRefused

FORMAT = "coproduce-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
FILES_FOLDER = "files"
# gzip's default balance of size and speed: the demo's SQLite database shrinks to a fifth.
COMPRESSION_LEVEL = 6


@dataclass(frozen=True)
class Manifest:
    created_at: str
    vendor: str
    database_version: str
    dump_name: str
    dump_size: int
    dump_sha256: str
    migrations: list[tuple[str, str]]
    tables: dict[str, TableSummary]
    files: list[StoredFile]

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables.values())

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "database": {
                "vendor": self.vendor,
                "version": self.database_version,
                "dump": self.dump_name,
                "size": self.dump_size,
                "sha256": self.dump_sha256,
            },
            "migrations": [list(migration) for migration in self.migrations],
            "checksum_method": CHECKSUM_METHOD,
            "tables": {
                name: {"rows": table.rows, "checksum": table.checksum} for name, table in sorted(self.tables.items())
            },
            "files": [{"name": file.name, "size": file.size, "sha256": file.sha256} for file in self.files],
        }
        return json.dumps(document, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, text: bytes) -> "Manifest":
        try:
            document = json.loads(text)
            if document.get("format") != FORMAT or document.get("format_version") != FORMAT_VERSION:
                raise BackupUnreadable(
                    f"The backup's manifest is in a format this version of Coproduce cannot read "
                    f"({document.get('format')} {document.get('format_version')})."
                )
            if document.get("checksum_method") != CHECKSUM_METHOD:
                raise BackupUnreadable("The backup's tables were checksummed in a way this version cannot check.")
            database = document["database"]
            return cls(
                created_at=str(document["created_at"]),
                vendor=str(database["vendor"]),
                database_version=str(database["version"]),
                dump_name=str(database["dump"]),
                dump_size=int(database["size"]),
                dump_sha256=str(database["sha256"]),
                migrations=[(str(app), str(name)) for app, name in document["migrations"]],
                tables={
                    str(name): TableSummary(rows=int(table["rows"]), checksum=str(table["checksum"]))
                    for name, table in document["tables"].items()
                },
                files=[
                    StoredFile(name=str(file["name"]), size=int(file["size"]), sha256=str(file["sha256"]))
                    for file in document["files"]
                ],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupUnreadable(f"The backup's manifest cannot be read ({error}). Nothing was restored.") from error


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int
    seconds: float
    manifest: Manifest


@dataclass(frozen=True)
class RestoreDone:
    manifest: Manifest
    seconds: float
    # Migrations in the backup that this code does not have, and the other way round.
    migrations_unknown_here: list[tuple[str, str]] = field(default_factory=list)
    migrations_not_applied: list[tuple[str, str]] = field(default_factory=list)


def _now() -> str:
    return datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds")


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    return info


def _add_stored_file(archive: tarfile.TarFile, storage: Storage, name: str, scratch: Path) -> StoredFile:
    """Copy one stored file into the archive, hashing it on the way.

    It is copied to scratch space first, so that the size written in the archive's header is the
    size of exactly the bytes that follow, even if someone replaces the file meanwhile.
    """
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryFile(dir=scratch) as spool:
        with storage.open(name, "rb") as stored:
            for chunk in stored.chunks(READ_SIZE):
                digest.update(chunk)
                spool.write(chunk)
                size += len(chunk)
        spool.seek(0)
        archive.addfile(_tar_info(f"{FILES_FOLDER}/{name}", size), spool)
    return StoredFile(name=name, size=size, sha256=digest.hexdigest())


def _describe_local_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in read_in_chunks(file):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def make_backup(*, output: Path, storage: Storage = default_storage) -> BackupMade:
    """Write an encrypted backup of the database and every stored file to `output`.

    The rule: a backup never writes over another file, and a file that is not complete never
    has the backup's name (it is written beside it as `.partial` and renamed when done).
    """
    started = time.perf_counter()
    keys = configured_keys()
    vendor = database_vendor()
    if output.exists():
        raise BackupError(f"{output} already exists. Give each backup a new name; one is never written over.")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    partial = output.with_name(output.name + ".partial")
    if partial.exists():
        raise BackupError(f"{partial} is left from a backup that did not finish. Delete it, then try again.")
    with tempfile.TemporaryDirectory(prefix="coproduce-backup-") as scratch_name:
        scratch = Path(scratch_name)
        dump = scratch / DUMP_NAMES[vendor]
        copy = copy_database(dump)
        dump_size, dump_sha256 = _describe_local_file(dump)
        # Only the operator can read the backup (it is encrypted as well).
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as destination:
                writer = EncryptingWriter(destination, keys[0])
                compressor = gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=COMPRESSION_LEVEL, mtime=0)
                with tarfile.open(fileobj=compressor, mode="w|", format=tarfile.PAX_FORMAT) as archive:
                    with dump.open("rb") as dump_file:
                        archive.addfile(_tar_info(dump.name, dump_size), dump_file)
                    dump.unlink()
                    files = [_add_stored_file(archive, storage, name, scratch) for name in stored_file_names(storage)]
                    manifest = Manifest(
                        created_at=_now(),
                        vendor=copy.vendor,
                        database_version=copy.version,
                        dump_name=dump.name,
                        dump_size=dump_size,
                        dump_sha256=dump_sha256,
                        migrations=copy.migrations,
                        tables=copy.tables,
                        files=files,
                    )
                    manifest_bytes = manifest.to_json()
                    archive.addfile(_tar_info(MANIFEST_NAME, len(manifest_bytes)), io.BytesIO(manifest_bytes))
                compressor.close()
                writer.finish()
                destination.flush()
                os.fsync(destination.fileno())
            partial.rename(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupMade(path=output, size=output.stat().st_size, seconds=time.perf_counter() - started, manifest=manifest)


@dataclass(frozen=True)
class OpenedBackup:
    """A backup decrypted, authenticated and unpacked into scratch space, and checked against its manifest."""

    folder: Path
    manifest: Manifest

    @property
    def dump(self) -> Path:
        return self.folder / self.manifest.dump_name

    def stored_file(self, name: str) -> Path:
        return self.folder / FILES_FOLDER / name


@contextmanager
def opened_backup(source: Path) -> Iterator[OpenedBackup]:
    """Decrypt and authenticate the whole backup at `source`, unpack it into scratch space and
    check that every part of it is what its manifest says, before the caller uses any of it."""
    keys = configured_keys()
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    with tempfile.TemporaryDirectory(prefix="coproduce-restore-") as scratch_name:
        scratch = Path(scratch_name)
        packed = scratch / "backup.tar.gz"
        with source.open("rb") as encrypted, packed.open("wb") as destination:
            decrypt(encrypted, destination, keys=keys, name=str(source))
        folder = scratch / "backup"
        try:
            with tarfile.open(packed, mode="r|gz") as archive:
                # The "data" filter refuses links, devices and names outside the folder.
                archive.extractall(folder, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupUnreadable(f"{source} holds no readable archive ({error}). Nothing was restored.") from error
        packed.unlink()
        manifest_path = folder / MANIFEST_NAME
        if not manifest_path.is_file():
            raise BackupUnreadable(f"{source} has no manifest. Nothing was restored.")
        opened = OpenedBackup(folder=folder, manifest=Manifest.from_json(manifest_path.read_bytes()))
        _check_unpacked(opened)
        yield opened


def _check_unpacked(opened: OpenedBackup) -> None:
    """Every part of the backup is there, with the size and SHA-256 its manifest gives, and nothing else."""
    manifest = opened.manifest
    if manifest.dump_name != DUMP_NAMES.get(manifest.vendor):
        raise BackupUnreadable(f"The backup's manifest names an unexpected database copy ({manifest.dump_name}).")
    expected = {opened.dump: (manifest.dump_size, manifest.dump_sha256)}
    for file in manifest.files:
        parts = PurePosixPath(file.name).parts
        if not file.name or file.name.startswith("/") or ".." in parts:
            raise BackupUnreadable(f"The backup names a file outside the storage ({file.name}). Nothing was restored.")
        expected[opened.stored_file(file.name)] = (file.size, file.sha256)
    present = {path for path in opened.folder.rglob("*") if path.is_file()} - {opened.folder / MANIFEST_NAME}
    if present != set(expected):
        missing = sorted(str(path.relative_to(opened.folder)) for path in set(expected) - present)[:3]
        surplus = sorted(str(path.relative_to(opened.folder)) for path in present - set(expected))[:3]
        raise BackupUnreadable(
            f"The backup's contents differ from its manifest (missing: {missing}, not listed: {surplus}). "
            "Nothing was restored."
        )
    for path, size_and_sha256 in expected.items():
        if _describe_local_file(path) != size_and_sha256:
            raise BackupUnreadable(
                f"The backup's {path.relative_to(opened.folder)} differs from its manifest. Nothing was restored."
            )


def check_backup(*, source: Path) -> Manifest:
    """Read the whole backup at `source` with the configured key and check it against its manifest,
    restoring nothing: whether last night's backup could be restored, without restoring it."""
    with opened_backup(source) as opened:
        return opened.manifest


def restore_backup(*, source: Path, replace_existing: bool = False, storage: Storage = default_storage) -> RestoreDone:
    """Restore the backup at `source` into the configured database and the default storage.

    The rules: nothing is changed until the whole backup has been decrypted, authenticated and
    checked; a database that already has tables, or a storage that already has a file the
    backup holds, is refused unless `replace_existing`; afterwards every table's row count and
    checksum and every file's size and SHA-256 must equal the manifest's, or RestoreMismatch.
    """
    started = time.perf_counter()
    with opened_backup(source) as opened:
        manifest = opened.manifest
        if manifest.vendor != database_vendor():
            raise BackupError(
                f"This backup is of a {manifest.vendor} database and cannot be restored into "
                f"{database_vendor()}. Point DATABASE_URL at an empty {manifest.vendor} database."
            )
        refuse_unless_empty(replace_existing=replace_existing)
        clashes = [file.name for file in manifest.files if storage.exists(file.name)]
        if clashes and not replace_existing:
            raise RestoreRefused(
                f"The file storage already has {len(clashes)} of the backup's files (such as {clashes[0]}). "
                "Nothing was restored. Restore into empty storage or, to replace them, add --replace-existing."
            )
        restore_database(opened.dump, vendor=manifest.vendor, replace_existing=replace_existing)
        for file in manifest.files:
            if storage.exists(file.name):
                storage.delete(file.name)
            with opened.stored_file(file.name).open("rb") as content:
                saved_as = storage.save(file.name, File(content, name=file.name))
            if saved_as != file.name:
                raise RestoreMismatch(f"The storage saved {file.name} as {saved_as}; records point at {file.name}.")
    check_restored(manifest, storage=storage)
    unknown, not_applied = _migration_differences(manifest)
    return RestoreDone(
        manifest=manifest,
        seconds=time.perf_counter() - started,
        migrations_unknown_here=unknown,
        migrations_not_applied=not_applied,
    )


def check_restored(manifest: Manifest, *, storage: Storage = default_storage) -> None:
    """The database and storage hold exactly what `manifest` says was backed up, or RestoreMismatch
    naming every difference."""
    differences = []
    restored = restored_tables()
    for name in sorted(set(manifest.tables) | set(restored)):
        backed_up, now = manifest.tables.get(name), restored.get(name)
        if backed_up is None:
            differences.append(f"table {name} is in the database but not in the backup")
        elif now is None:
            differences.append(f"table {name} is missing")
        elif backed_up.rows != now.rows:
            differences.append(f"table {name} has {now.rows} rows; the backup had {backed_up.rows}")
        elif backed_up.checksum != now.checksum:
            differences.append(f"table {name} has the right number of rows ({now.rows}) but different content")
    for file in manifest.files:
        if not storage.exists(file.name):
            differences.append(f"file {file.name} is missing")
        elif describe_stored_file(storage, file.name) != file:
            differences.append(f"file {file.name} differs from the backup")
    if differences:
        raise RestoreMismatch(
            "The restore does not match the backup: "
            + "; ".join(differences)
            + ". Do not use this database: restore again into a new, empty one."
        )


def _migration_differences(manifest: Manifest) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    known: set[tuple[str, str]] = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = set(manifest.migrations)
    return sorted(applied - known), sorted(known - applied)
