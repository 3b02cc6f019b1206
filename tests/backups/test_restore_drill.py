"""The restore drill: back up a programme, restore it into a fresh database, and find it identical.

The programme is the demo (40 participants here; `make drill` sets COPRODUCE_DRILL_PARTICIPANTS
to run the same drill over the full 3,115) with uploaded board papers and a receipt, its audit
log sealed. It is backed up from the test database by `manage.py backup`; `manage.py restore`
and `manage.py verify_audit` then run as separate processes, as an operator would run them on
a new machine, against a database of their own: a new SQLite file, or a PostgreSQL database
created for the drill and dropped afterwards. Every table's row count and content checksum in
the restored database must equal the source's, every file must come back byte for byte, and
the audit log must verify against the checkpoints written when it was sealed. A second restore
over the first, with --replace-existing, gives the same database again.
"""

import datetime
import io
import os
import sqlite3
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.backups.contents import TableSummary, stored_file_names, table_summaries
from coproduce.backups.encryption import new_key
from coproduce.budgets.models import Spend
from coproduce.budgets.services import attach_receipt
from coproduce.demo import data
from coproduce.demo.builder import build_demo
from coproduce.participants.models import Participant
from coproduce.programmes.board import upload_document
from coproduce.programmes.models import BoardDocument

ROOT = Path(__file__).resolve().parents[2]
PARTICIPANTS = int(os.environ.get("COPRODUCE_DRILL_PARTICIPANTS", "40"))
SEED = 5
TODAY = datetime.date(2026, 11, 27)
KEY = new_key()
# Minutes for the full demo on a busy machine; a drill that hangs must still end.
SUBPROCESS_TIMEOUT = 1800


@dataclass(frozen=True)
class FreshDatabase:
    url: str
    summaries: Callable[[], dict[str, TableSummary]]


def sqlite_summaries(path: Path) -> dict[str, TableSummary]:
    with closing(sqlite3.connect(path)) as restored:
        return table_summaries(restored.cursor(), "sqlite")


def postgresql_summaries(settings_dict: dict[str, Any], name: str) -> dict[str, TableSummary]:
    with psycopg.connect(
        dbname=name,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    ) as restored:
        return table_summaries(restored.cursor(), "postgresql")


@contextmanager
def fresh_database(folder: Path) -> Iterator[FreshDatabase]:
    """A new, empty database of the same kind as the test database, removed afterwards."""
    if connection.vendor == "sqlite":
        path = folder / "restored.sqlite3"
        yield FreshDatabase(url=f"sqlite:///{path}", summaries=lambda: sqlite_summaries(path))
        return
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_drill"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = urllib.parse.quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(settings_dict["PASSWORD"], safe="")
    address = f"{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}"
    try:
        yield FreshDatabase(
            url=f"postgres://{credentials}@{address}/{name}",
            summaries=lambda: postgresql_summaries(settings_dict, name),
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `manage.py` as an operator would: its own process, settings and environment."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "COPRODUCE_", "MEDIA_", "TEST_DATABASE"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=SUBPROCESS_TIMEOUT,
    )


def upload_papers_and_a_receipt() -> None:
    """The Fife manager files two board papers and a receipt for an approved spend."""
    manager = User.objects.get(email=data.DEMO_LOGIN_BY_ROLE[Role.PARTNERSHIP_MANAGER].email)
    upload_document(
        actor=manager, title="Minutes, November", upload=SimpleUploadedFile("minutes.txt", b"The board met.\n")
    )
    upload_document(
        actor=manager, title="Annual report", upload=SimpleUploadedFile("report.pdf", b"%PDF-1.7\n" + bytes(range(256)))
    )
    # The manager works in the live programme's Fife: a spend there (Making It Work's Fife is another partnership).
    spend = (
        Spend.objects.filter(state=Spend.State.APPROVED, pot__partnership=manager.staff_member.partnership)
        .order_by("pk")
        .first()
    )
    assert spend is not None
    attach_receipt(
        actor=manager,
        spend_id=spend.pk,
        expected_version=spend.version,
        upload=SimpleUploadedFile("bus-pass.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    )


def source_summaries() -> dict[str, TableSummary]:
    with transaction.atomic(), connection.cursor() as cursor:
        return table_summaries(cursor, connection.vendor)


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_restores_into_a_fresh_database_identical_table_by_table(tmp_path: Path, settings: Any) -> None:
    settings.COPRODUCE_BACKUP_KEY = KEY
    settings.COPRODUCE_AUDIT_CHECKPOINT_DIR = tmp_path / "audit"
    settings.COPRODUCE_AUDIT_SEAL_GRACE_SECONDS = 0
    build_demo(participants=PARTICIPANTS, seed=SEED, today=TODAY)
    upload_papers_and_a_receipt()
    call_command("seal_audit", stdout=io.StringIO())
    source = source_summaries()
    source_files = {name: default_storage.open(name, "rb").read() for name in stored_file_names(default_storage)}
    uploaded = [
        *BoardDocument.objects.values_list("file", flat=True),
        *Spend.objects.exclude(receipt="").values_list("receipt", flat=True),
    ]
    backup = tmp_path / "coproduce.backup"
    call_command("backup", output=backup, stdout=io.StringIO())

    with fresh_database(tmp_path) as target:
        environment = {
            "DATABASE_URL": target.url,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "COPRODUCE_BACKUP_KEY": KEY,
            "COPRODUCE_AUDIT_CHECKPOINT_DIR": str(tmp_path / "audit"),
        }
        restored = manage("restore", str(backup), env=environment)
        assert restored.returncode == 0, restored.stderr
        rows = sum(table.rows for table in source.values())
        assert f"{len(source)} tables, {rows:,} rows and {len(source_files)} files" in restored.stdout

        assert target.summaries() == source
        # Making It Work's participants, and the live successor programme's beside them.
        assert source["participants_participant"].rows == Participant.objects.count()
        assert Participant.objects.filter(partnership__programme__name=data.PROGRAMME_NAME).count() == PARTICIPANTS
        assert files_under(tmp_path / "media") == source_files
        assert len(uploaded) == 3
        assert set(uploaded) <= set(source_files)

        # Again, over what is now there (without the flag that is refused: test_commands.py).
        replaced = manage("restore", str(backup), "--replace-existing", env=environment)
        assert replaced.returncode == 0, replaced.stderr
        assert target.summaries() == source
        assert files_under(tmp_path / "media") == source_files

        verified = manage("verify_audit", env=environment)
        assert verified.returncode == 0, verified.stderr + verified.stdout
        events = source["audit_auditevent"].rows
        assert verified.stdout.startswith(f"The audit log checks out: {events:,} events in ")
