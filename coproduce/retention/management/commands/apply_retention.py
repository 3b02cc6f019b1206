"""Apply the retention schedules: run once a day from cron or a systemd timer.

manage.py apply_retention --dry-run      # what would be done; nothing changes
manage.py apply_retention                # do it
"""

import datetime
from contextlib import nullcontext
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.core.errors import DomainError
from coproduce.core.locks import run_alone
from coproduce.retention.services import BATCH_SIZE, RETENTION_RUN, apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise closed cases and enquiries past their retention period and people whose erasure "
        "was kept until a date now passed; remove unredacted transcript originals past their time, "
        "ended API tokens, expired sessions and old sign-in logs. --dry-run says what would be done."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be done.")
        parser.add_argument(
            "--today",
            help="Apply the schedules as if on this day, like 2026-03-31 (default: today). Tokens, sessions "
            "and sign-in logs go by the clock.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help=f"People per transaction (default {BATCH_SIZE})."
        )

    def handle(self, *args: Any, dry_run: bool = False, today: str | None = None, **options: Any) -> None:
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today must be a date like 2026-03-31, not {today!r}.") from error
        with run_alone(RETENTION_RUN) if not dry_run else nullcontext(True) as alone:
            if not alone:
                self.stdout.write("Another retention run is under way: this one did nothing.")
                return
            try:
                report = apply_retention(today=day, dry_run=dry_run, batch_size=options["batch_size"])
            except DomainError as error:
                raise CommandError(error.message) from error
        for line in report.lines():
            self.stdout.write(line)
