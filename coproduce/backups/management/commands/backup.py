"""`manage.py backup --output FILE`: an encrypted backup of the database and the uploaded files."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.backups.errors import BackupError
from coproduce.backups.services import make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (copied while the site runs) and every uploaded file into one file, encrypted "
        "with the key in COPRODUCE_BACKUP_KEY. Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="The file to write. It must not exist yet.")

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        try:
            made = make_backup(output=output)
        except BackupError as error:
            raise CommandError(error.message) from error
        manifest = made.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest.vendor} ({len(manifest.tables)} tables, {manifest.rows:,} rows) and "
                f"{len(manifest.files):,} files to {made.path} ({made.size:,} bytes, encrypted) "
                f"in {made.seconds:.1f} s."
            )
        )
