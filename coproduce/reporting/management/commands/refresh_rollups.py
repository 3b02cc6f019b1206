"""Refresh the rollups of the funder's statistics: run from cron every 5 minutes.

manage.py refresh_rollups          # count again the partnerships whose records changed
manage.py refresh_rollups --all    # count every partnership again
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.core.locks import run_alone
from coproduce.reporting.rollups import ROLLUP_RUN, refresh_rollups


class Command(BaseCommand):
    help = (
        "Bring the rollups behind the funder's statistics up to date: partnerships whose records changed since "
        "their last refresh are counted again from the records, the others marked checked now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Count every partnership again, changed or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        with run_alone(ROLLUP_RUN) as alone:
            if not alone:
                self.stdout.write("Another refresh of the rollups is under way: this one did nothing.")
                return
            report = refresh_rollups(everything=options["all"])
        self.stdout.write(f"Rollups: {report.summary()}")
