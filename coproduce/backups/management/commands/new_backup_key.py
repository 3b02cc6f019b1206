"""`manage.py new_backup_key`: print a new random key for COPRODUCE_BACKUP_KEY."""

from typing import Any

from django.core.management.base import BaseCommand

from coproduce.backups.encryption import new_key


class Command(BaseCommand):
    help = (
        "Print a new random backup key (32 bytes, base64). Put it in COPRODUCE_BACKUP_KEY where backups are "
        "made and keep a copy apart from the backups: without it no backup can be restored."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_key())
