"""`manage.py backup` and `manage.py restore` as an operator uses them, on the test database.

A restore into this database must be refused (it is not empty); these tests check that it is,
and that a wrong key or a damaged file is refused before anything is touched. The restore that
succeeds, into a fresh database, is the drill (test_restore_drill.py).
"""

import hashlib
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.test import override_settings

from coproduce.accounts.models import User
from coproduce.backups import databases
from coproduce.backups.contents import (
    StoredFile,
    TableSummary,
    describe_stored_file,
    stored_file_names,
    table_summaries,
)
from coproduce.backups.encryption import new_key
from coproduce.backups.errors import RestoreMismatch
from coproduce.backups.services import Manifest, check_backup, check_restored
from tests.personas import Personas

KEY = new_key()
UPLOADS = {
    "board/2026/minutes-backup-test.txt": b"Minutes of the November board",
    "receipts/2026/11/spend-backup-test.pdf": b"%PDF-1.7 a receipt for a bus pass",
}


@dataclass(frozen=True)
class State:
    """Everything a restore could change: every table and every stored file."""

    tables: dict[str, TableSummary]
    files: list[StoredFile]


def current_state() -> State:
    with transaction.atomic(), connection.cursor() as cursor:
        tables = table_summaries(cursor, connection.vendor)
    return State(
        tables=tables,
        files=[describe_stored_file(default_storage, name) for name in stored_file_names(default_storage)],
    )


@pytest.fixture
def backup_key(settings: Any) -> str:
    settings.COPRODUCE_BACKUP_KEY = KEY
    return KEY


@dataclass(frozen=True)
class MadeBackup:
    path: Path
    state: State
    output: str


@pytest.fixture(scope="module")
def backup_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MadeBackup]:
    """One backup of the test database as migrated, with two uploaded files, and what it held then.

    Made once for these tests, outside any transaction, as an operator's backup runs.
    """
    for name, content in UPLOADS.items():
        assert default_storage.save(name, ContentFile(content)) == name
    try:
        with django_db_blocker.unblock(), override_settings(COPRODUCE_BACKUP_KEY=KEY):
            state = current_state()
            path = tmp_path_factory.mktemp("backups") / "coproduce.backup"
            output = io.StringIO()
            call_command("backup", output=path, stdout=output)
        yield MadeBackup(path=path, state=state, output=output.getvalue())
    finally:
        for name in UPLOADS:
            default_storage.delete(name)


@pytest.fixture
def made_backup(backup_once: MadeBackup, db: None, backup_key: str, tmp_path: Path) -> MadeBackup:
    """A copy of the backup this test may damage, and the test database as it was backed up."""
    path = tmp_path / backup_once.path.name
    path.write_bytes(backup_once.path.read_bytes())
    path.chmod(backup_once.path.stat().st_mode)
    return MadeBackup(path=path, state=backup_once.state, output=backup_once.output)


@pytest.fixture
def world(personas: Personas) -> State:
    """The personas' world in the test database, which a refused restore must leave as it is."""
    state = current_state()
    assert state.tables["participants_participant"].rows == 4
    return state


def restore(path: Path, *arguments: str) -> str:
    output = io.StringIO()
    call_command("restore", str(path), *arguments, stdout=output)
    return output.getvalue()


def test_a_backup_holds_every_table_and_file_and_reads_back_with_the_key(made_backup: MadeBackup) -> None:
    manifest = check_backup(source=made_backup.path)
    assert manifest.vendor == connection.vendor
    assert manifest.tables == made_backup.state.tables
    assert manifest.files == made_backup.state.files
    assert {file.name: file.sha256 for file in manifest.files if file.name in UPLOADS} == {
        name: hashlib.sha256(content).hexdigest() for name, content in UPLOADS.items()
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        assert manifest.migrations == [tuple(row) for row in cursor.fetchall()]
    assert manifest.tables["django_migrations"].rows == len(manifest.migrations)
    rows = sum(table.rows for table in made_backup.state.tables.values())
    assert made_backup.output.startswith(
        f"Backed up {connection.vendor} ({len(made_backup.state.tables)} tables, {rows:,} rows) and "
        f"{len(made_backup.state.files):,} files to "
    )
    assert restore(made_backup.path, "--check").startswith(
        f"{made_backup.path} is a complete, readable backup made {manifest.created_at} of {connection.vendor}: "
        f"{len(manifest.tables)} tables, {rows:,} rows, {len(manifest.files):,} files. Nothing was restored."
    )


def test_a_backup_is_readable_only_by_its_owner_and_holds_no_plain_text(made_backup: MadeBackup) -> None:
    assert made_backup.path.stat().st_mode & 0o777 == 0o600
    content = made_backup.path.read_bytes()
    for plain in [b"Minutes of the November board", b"participants_participant", b"SQLite format 3", b"PGDMP"]:
        assert plain not in content
    assert not made_backup.path.with_name(made_backup.path.name + ".partial").exists()


def test_a_wrong_key_is_refused_and_nothing_is_restored(made_backup: MadeBackup, world: State, settings: Any) -> None:
    settings.COPRODUCE_BACKUP_KEY = new_key()
    with pytest.raises(CommandError) as refused:
        restore(made_backup.path, "--replace-existing")
    assert str(refused.value) == (
        f"{made_backup.path} was made with a different backup key from the one in COPRODUCE_BACKUP_KEY. "
        "Set the key it was made with (keys can be listed with commas). Nothing was restored."
    )
    assert current_state() == world


def test_a_changed_byte_is_refused_and_nothing_is_restored(made_backup: MadeBackup, world: State) -> None:
    content = bytearray(made_backup.path.read_bytes())
    content[len(content) // 2] ^= 0x20
    made_backup.path.write_bytes(bytes(content))
    with pytest.raises(CommandError) as refused:
        restore(made_backup.path, "--replace-existing")
    assert str(refused.value).startswith(f"{made_backup.path} is damaged or has been altered: part ")
    assert str(refused.value).endswith(" fails its check. Nothing was restored.")
    assert current_state() == world


def test_a_backup_cut_short_is_refused_and_nothing_is_restored(made_backup: MadeBackup, world: State) -> None:
    content = made_backup.path.read_bytes()
    made_backup.path.write_bytes(content[: len(content) - 100])
    with pytest.raises(CommandError) as refused:
        restore(made_backup.path, "--replace-existing")
    assert str(refused.value).startswith(f"{made_backup.path} is damaged or has been altered (it ends inside part ")
    assert str(refused.value).endswith("). Nothing was restored.")
    assert current_state() == world


def test_a_restore_into_a_database_that_is_not_empty_is_refused_and_nothing_changes(
    made_backup: MadeBackup, world: State
) -> None:
    tables = sorted(connection.introspection.table_names(include_views=False))
    with pytest.raises(CommandError) as refused:
        restore(made_backup.path)
    assert str(refused.value) == (
        f"The database {connection.settings_dict['NAME']} is not empty: it already has {len(tables)} tables "
        f"(such as {', '.join(tables[:3])}). Nothing was restored. Restore into a new, empty database or, to "
        "replace everything in this one with the backup, add --replace-existing."
    )
    assert current_state() == world


def test_a_backup_never_writes_over_a_file(db: None, backup_key: str, tmp_path: Path) -> None:
    existing = tmp_path / "last-night.backup"
    existing.write_bytes(b"last night's backup")
    with pytest.raises(CommandError) as refused:
        call_command("backup", output=existing)
    assert str(refused.value) == f"{existing} already exists. Give each backup a new name; one is never written over."
    assert existing.read_bytes() == b"last night's backup"


def test_a_backup_that_did_not_finish_is_pointed_out_not_written_over(
    db: None, backup_key: str, tmp_path: Path
) -> None:
    left_over = tmp_path / "coproduce.backup.partial"
    left_over.write_bytes(b"half a backup")
    with pytest.raises(CommandError) as refused:
        call_command("backup", output=tmp_path / "coproduce.backup")
    assert str(refused.value) == f"{left_over} is left from a backup that did not finish. Delete it, then try again."
    assert left_over.read_bytes() == b"half a backup"
    assert not (tmp_path / "coproduce.backup").exists()


def test_a_backup_is_not_made_from_inside_a_transaction(db: None, backup_key: str, tmp_path: Path) -> None:
    """Inside a transaction the copy could hold changes that are never committed."""
    with pytest.raises(CommandError) as refused:
        call_command("backup", output=tmp_path / "coproduce.backup")
    assert str(refused.value) == "A backup must run on its own, not inside a database transaction."
    assert list(tmp_path.iterdir()) == []


def test_without_a_key_no_backup_is_made(db: None, settings: Any, tmp_path: Path) -> None:
    settings.COPRODUCE_BACKUP_KEY = ""
    with pytest.raises(CommandError) as refused:
        call_command("backup", output=tmp_path / "coproduce.backup")
    assert str(refused.value) == (
        "COPRODUCE_BACKUP_KEY is not set. Set it to the backup key (make one with `manage.py new_backup_key`)."
    )
    assert list(tmp_path.iterdir()) == []


def test_new_backup_key_prints_a_key_that_backups_accept(settings: Any) -> None:
    output = io.StringIO()
    call_command("new_backup_key", stdout=output)
    key = output.getvalue().strip()
    settings.COPRODUCE_BACKUP_KEY = key
    from coproduce.backups.encryption import configured_keys

    assert len(configured_keys()[0]) == 32


def test_the_manifest_reads_back_as_it_was_written() -> None:
    manifest = Manifest(
        created_at="2026-11-27T02:00:00+00:00",
        vendor="postgresql",
        database_version="15.8",
        dump_name="database.pgdump",
        dump_size=1234,
        dump_sha256="ab" * 32,
        migrations=[("accounts", "0001_initial")],
        tables={"accounts_user": TableSummary(rows=3, checksum="cd" * 32)},
        files=[StoredFile(name="board/2026/minutes.txt", size=7, sha256="ef" * 32)],
    )
    assert Manifest.from_json(manifest.to_json()) == manifest


def test_a_restore_that_differs_from_its_backup_fails_loudly_naming_each_difference(
    made_backup: MadeBackup, world: State
) -> None:
    """The check run after every restore, here against a database and storage that have moved on."""
    manifest = check_backup(source=made_backup.path)
    content_types = manifest.tables["django_content_type"].rows
    minutes = "board/2026/minutes-backup-test.txt"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE django_content_type SET model = model || 'x' WHERE id = (SELECT min(id) FROM django_content_type)"
        )
        cursor.execute("CREATE TABLE backup_test_extra (id integer)")
    default_storage.delete(minutes)
    default_storage.save(minutes, ContentFile(b"Minutes, rewritten"))
    try:
        with pytest.raises(RestoreMismatch) as mismatch:
            check_restored(manifest)
    finally:
        default_storage.delete(minutes)
        default_storage.save(minutes, ContentFile(UPLOADS[minutes]))
    message = mismatch.value.message
    assert message.startswith("The restore does not match the backup: table ")
    assert message.endswith(
        f"; file {minutes} differs from the backup. Do not use this database: restore again into a new, empty one."
    )
    assert "; table backup_test_extra is in the database but not in the backup; " in message
    assert (
        f"; table django_content_type has the right number of rows ({content_types}) but different content; " in message
    )
    assert "; table participants_participant has 4 rows; the backup had 0; " in message


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's copy is taken in one read of every page; PostgreSQL's dump and checksums share a snapshot.",
)
@pytest.mark.django_db(transaction=True)
def test_rows_committed_while_a_backup_runs_are_in_neither_its_copy_nor_its_manifest(
    backup_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone signs up between pg_dump and the counting: the manifest still describes the dump."""
    users_before = User.objects.count()
    dump = databases.run_postgresql_tool

    def sign_up() -> None:
        try:
            User.objects.create(username="late-comer", email="late.comer@example.org")
        finally:
            connections.close_all()

    def dump_then_someone_signs_up(*arguments: str, settings_dict: dict[str, Any]) -> None:
        dump(*arguments, settings_dict=settings_dict)
        thread = threading.Thread(target=sign_up)
        thread.start()
        thread.join()

    monkeypatch.setattr(databases, "run_postgresql_tool", dump_then_someone_signs_up)
    path = tmp_path / "coproduce.backup"
    call_command("backup", output=path, stdout=io.StringIO())
    assert User.objects.count() == users_before + 1
    assert check_backup(source=path).tables["accounts_user"].rows == users_before
