"""Archive months of the audit log older than COPRODUCE_AUDIT_MONTHS_IN_DATABASE to compressed,
verifiable files, and make next months' partitions (docs/audit.md, "At scale").

manage.py archive_audit                       # every month due (the daily run does this)
manage.py archive_audit --month 2024-03       # one month
manage.py archive_audit --dry-run             # which months are due
manage.py archive_audit --verify FILE         # check an archive file
manage.py archive_audit --ensure-partitions   # PostgreSQL: make the coming months' partitions only
"""

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.audit.archiving import ARCHIVING_RUN, ArchiveError, archive_month, months_due, verify_archive
from coproduce.audit.partitions import ensure_partitions
from coproduce.core.locks import run_alone


class Command(BaseCommand):
    help = (
        "Move months of audit events older than COPRODUCE_AUDIT_MONTHS_IN_DATABASE to compressed files in "
        "COPRODUCE_AUDIT_ARCHIVE_DIR (each checked against its seals first and after), then drop them from the "
        "database. Refuses a month not all sealed or whose seals do not verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="Archive this month only, like 2024-03.")
        parser.add_argument("--dry-run", action="store_true", help="Only say which months are due.")
        parser.add_argument("--verify", metavar="FILE", help="Check an archive file and exit.")
        parser.add_argument("--ensure-partitions", action="store_true", help="Only make the coming months' partitions.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            check = verify_archive(Path(options["verify"]))
            if not check.ok:
                raise CommandError(f"{check.path} does NOT verify: {'; '.join(check.problems[:5])}", returncode=1)
            self.stdout.write(
                f"{check.path} verifies: {check.events:,} events of {check.month} in {check.seals} seals."
            )
            return
        created = ensure_partitions()
        if created:
            self.stdout.write(f"Made partitions {', '.join(created)}.")
        if options["ensure_partitions"]:
            return
        if options["month"]:
            try:
                months = [datetime.date.fromisoformat(f"{options['month']}-01")]
            except ValueError as error:
                raise CommandError(f"--month must be like 2024-03, not {options['month']!r}.") from error
        else:
            months = months_due()
        if options["dry_run"]:
            self.stdout.write(
                f"Due for archiving: {', '.join(f'{m:%Y-%m}' for m in months)}." if months else "Nothing is due."
            )
            return
        if not months:
            self.stdout.write("Nothing is due for archiving.")
        failed = []
        with run_alone(ARCHIVING_RUN) as alone:
            if not alone:
                self.stdout.write("Another archiving run is under way: this one did nothing.")
                return
            for month in months:
                try:
                    archive = archive_month(month)
                except ArchiveError as error:
                    failed.append(str(error))
                    self.stderr.write(str(error))
                    continue
                self.stdout.write(f"Archived {archive.event_count:,} events of {month:%Y-%m} to {archive.file_name}.")
        if failed:
            raise CommandError(failed[0], returncode=1)
