"""`manage.py restore FILE`: restore a backup into an empty database and check it against its manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.backups.errors import BackupError
from coproduce.backups.services import check_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database in DATABASE_URL, which must be empty, "
        "and the files into the default storage; then check every table's row count and checksum and every "
        "file against the backup's manifest. Needs the key the backup was made with in COPRODUCE_BACKUP_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only read and check the whole backup with the key; restore nothing.",
        )
        parser.add_argument(
            "--replace-existing",
            action="store_true",
            help=(
                "Restore even though the database already has tables or the storage already has the backup's "
                "files, replacing them. Without it, a restore into anything but an empty database is refused."
            ),
        )

    def handle(self, *args: Any, file: Path, check: bool, replace_existing: bool, **options: Any) -> None:
        try:
            if check:
                manifest = check_backup(source=file)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{file} is a complete, readable backup made {manifest.created_at} of {manifest.vendor}: "
                        f"{len(manifest.tables)} tables, {manifest.rows:,} rows, {len(manifest.files):,} files. "
                        "Nothing was restored."
                    )
                )
                return
            done = restore_backup(source=file, replace_existing=replace_existing)
        except BackupError as error:
            raise CommandError(error.message) from error
        manifest = done.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup made {manifest.created_at}: {len(manifest.tables)} tables, "
                f"{manifest.rows:,} rows and {len(manifest.files):,} files, in {done.seconds:.1f} s. "
                "Every table's row count and checksum and every file match the backup."
            )
        )
        if done.migrations_unknown_here:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup has {len(done.migrations_unknown_here)} migrations this version of Coproduce does "
                    f"not know (such as {'.'.join(done.migrations_unknown_here[0])}): it was made by a newer version. "
                    "Run that version against this database."
                )
            )
        if done.migrations_not_applied:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(done.migrations_not_applied)} migrations of this version are not applied to the backup "
                    "(it was made by an older version): run `manage.py migrate`."
                )
            )
        self.stdout.write(
            "Next: check the audit log with `manage.py verify_audit` "
            "(COPRODUCE_AUDIT_CHECKPOINT_DIR pointing at the audit checkpoints kept beside the backups)."
        )
