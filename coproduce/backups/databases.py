"""Copying the database out and back in: SQLite's online backup API, PostgreSQL's pg_dump/pg_restore.

Both copies are consistent while the site keeps running: SQLite copies every page inside one
read transaction (in WAL mode writers carry on meanwhile); PostgreSQL's dump reads a snapshot
that the backup's own transaction exports, and the same transaction counts and checksums the
tables, so the manifest describes exactly what was dumped.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from coproduce.backups.contents import TableSummary, table_summaries
from coproduce.backups.errors import BackupError, RestoreRefused

DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
POSTGRESQL_TOOLS = Path("/usr/lib/postgresql")
# Where libpq (and so pg_dump and pg_restore) reads each connection detail from.
POSTGRESQL_ENVIRONMENT = {
    "NAME": "PGDATABASE",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",
    "HOST": "PGHOST",
    "PORT": "PGPORT",
}
POSTGRESQL_OPTION_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


@dataclass(frozen=True)
class DatabaseCopy:
    vendor: str
    version: str
    tables: dict[str, TableSummary]
    migrations: list[tuple[str, str]]


def _connection() -> Any:
    return connections[DEFAULT_DB_ALIAS]


def database_vendor() -> str:
    vendor = str(_connection().vendor)
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups work with SQLite and PostgreSQL; this database is {vendor}.")
    return vendor


def database_name() -> str:
    return str(_connection().settings_dict["NAME"])


def _applied_migrations(cursor: Any, tables: dict[str, TableSummary]) -> list[tuple[str, str]]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [(str(app), str(name)) for app, name in cursor.fetchall()]


def copy_database(destination: Path) -> DatabaseCopy:
    """Write a consistent copy of the database to `destination` and describe what it holds."""
    connection = _connection()
    if connection.in_atomic_block:
        raise BackupError("A backup must run on its own, not inside a database transaction.")
    vendor = database_vendor()
    connection.ensure_connection()
    if vendor == "sqlite":
        return _copy_sqlite(connection, destination)
    return _copy_postgresql(connection, destination)


def _copy_sqlite(connection: Any, destination: Path) -> DatabaseCopy:
    with closing(sqlite3.connect(destination)) as copy:
        # One step: every page is read inside a single read transaction, so the copy is of one moment.
        connection.connection.backup(copy)
        # The copy becomes one self-contained file (no write-ahead log beside it).
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        tables = table_summaries(cursor, "sqlite")
        migrations = _applied_migrations(cursor, tables)
    return DatabaseCopy(vendor="sqlite", version=sqlite3.sqlite_version, tables=tables, migrations=migrations)


def _copy_postgresql(connection: Any, destination: Path) -> DatabaseCopy:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, version = cursor.fetchone()
        run_postgresql_tool(
            "pg_dump",
            "--format=custom",
            # The whole backup is compressed once, later.
            "--compress=0",
            f"--snapshot={snapshot}",
            f"--file={destination}",
            settings_dict=connection.settings_dict,
        )
        tables = table_summaries(cursor, "postgresql")
        migrations = _applied_migrations(cursor, tables)
    return DatabaseCopy(vendor="postgresql", version=str(version), tables=tables, migrations=migrations)


def postgresql_tool(name: str) -> str:
    """The path of PostgreSQL's `name` (pg_dump, pg_restore): on PATH, else the newest installed."""
    on_path = shutil.which(name)
    if on_path:
        return on_path
    installed = [path for path in POSTGRESQL_TOOLS.glob(f"*/bin/{name}") if path.parts[-3].isdigit()]
    if not installed:
        raise BackupError(
            f"{name} was not found. Install PostgreSQL's client tools (the same major version as the server, "
            "or newer), for example Debian's postgresql-client package."
        )
    return str(max(installed, key=lambda path: int(path.parts[-3])))


def _postgresql_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment that points PostgreSQL's tools at the database in `settings_dict`.

    The password goes in the environment, never on a command line where other users could see it.
    """
    environment = dict(os.environ)
    for setting, variable in POSTGRESQL_ENVIRONMENT.items():
        if settings_dict.get(setting):
            environment[variable] = str(settings_dict[setting])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in POSTGRESQL_OPTION_ENVIRONMENT.items():
        if options.get(option):
            environment[variable] = str(options[option])
    environment["PGAPPNAME"] = "coproduce backups"
    return environment


def run_postgresql_tool(name: str, *arguments: str, settings_dict: dict[str, Any]) -> None:
    result = subprocess.run(  # a fixed program and arguments we build; no shell
        [postgresql_tool(name), *arguments],
        env=_postgresql_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip() or f'exit status {result.returncode}'}")


def existing_tables() -> list[str]:
    """The tables already in the target database (in the schemas it uses)."""
    connection = _connection()
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor, include_views=False))


def refuse_unless_empty(*, replace_existing: bool) -> None:
    """Refuse to restore over a database that already has tables, unless told to replace them."""
    tables = existing_tables()
    if tables and not replace_existing:
        raise RestoreRefused(
            f"The database {database_name()} is not empty: it already has {len(tables)} tables "
            f"(such as {', '.join(tables[:3])}). Nothing was restored. Restore into a new, empty database "
            "or, to replace everything in this one with the backup, add --replace-existing."
        )


def restore_database(dump: Path, *, vendor: str, replace_existing: bool) -> None:
    """Load the copy at `dump` into the configured database: on PostgreSQL in one transaction; on
    SQLite through the backup API, which replaces the target's pages under one write lock."""
    connection = _connection()
    if connection.in_atomic_block:
        raise BackupError("A restore must run on its own, not inside a database transaction.")
    if vendor != database_vendor():
        raise BackupError(
            f"This backup is of a {vendor} database and cannot be restored into {database_vendor()}. "
            f"Point DATABASE_URL at a {vendor} database."
        )
    if vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(dump)) as source:
            # Every page of the target is replaced, in one step.
            source.backup(connection.connection)
    elif replace_existing:
        _replace_postgresql(dump, connection.settings_dict)
    else:
        run_postgresql_tool(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
            settings_dict=connection.settings_dict,
        )
    # The connection may have cached what the database looked like before.
    connection.close()


def _replace_postgresql(dump: Path, settings_dict: dict[str, Any]) -> None:
    """Empty the database and load the copy, in one transaction: psql runs `DROP SCHEMA public
    CASCADE` and then pg_restore's script. (pg_restore --clean cannot: it drops each partition's
    key on its own, which PostgreSQL refuses for a key the partition inherits.)"""
    environment = _postgresql_environment(settings_dict)
    with tempfile.TemporaryFile() as restore_errors:
        script = subprocess.Popen(  # fixed programs and arguments we build; no shell
            [postgresql_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=restore_errors,
        )
        loaded = subprocess.run(
            [
                postgresql_tool("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={settings_dict['NAME']}",
                "--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
                "--file=-",
            ],
            env=environment,
            stdin=script.stdout,
            capture_output=True,
            text=True,
            check=False,
        )
        assert script.stdout is not None
        script.stdout.close()
        script.wait()
        restore_errors.seek(0)
        script_errors = restore_errors.read().decode(errors="replace").strip()
    if script.returncode != 0:
        raise BackupError(f"pg_restore failed: {script_errors or f'exit status {script.returncode}'}")
    if loaded.returncode != 0:
        raise BackupError(f"psql failed: {loaded.stderr.strip() or f'exit status {loaded.returncode}'}")


def restored_tables() -> dict[str, TableSummary]:
    """Every table's row count and checksum in the configured database, as restored."""
    connection = _connection()
    with transaction.atomic(), connection.cursor() as cursor:
        return table_summaries(cursor, connection.vendor)
