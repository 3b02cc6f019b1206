"""`manage.py load_demo`: build the invented demo to try Coproduce with: "Making It Work" (2013–2017,
closed) and its live successor "Making It Work Together" (2025–2028)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.demo import data
from coproduce.demo.builder import DEFAULT_SEED, DemoError, build_demo, demo_is_loaded, remove_demo
from coproduce.reporting.rollups import refresh_rollups


class Command(BaseCommand):
    help = (
        f'Load the demo: "{data.PROGRAMME_NAME}" ({data.FULL_SIZE:,} invented participants in five areas, '
        f'2013–2017) and the live "{data.LIVE_PROGRAMME_NAME}" (a tenth of the size, since 2025). Every demo '
        f'account\'s password is "{data.DEMO_PASSWORD}": for demo databases only.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo data first, then build it again.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="The same seed gives the same programme.")
        parser.add_argument(
            "--participants",
            type=int,
            default=data.FULL_SIZE,
            help="How many participants in Making It Work (default: the real 3,115); the live programme gets a tenth.",
        )

    def handle(self, *args: Any, reset: bool, seed: int, participants: int, **options: Any) -> None:
        started = time.perf_counter()
        try:
            if reset:
                removed = remove_demo()
                if removed:
                    self.stdout.write(f"Removed the previous demo data ({removed:,} rows).")
            elif demo_is_loaded():
                self.stdout.write(
                    "The demo programme is already loaded; nothing was changed. "
                    "Use `load_demo --reset` to build it again."
                )
                return
            summary = build_demo(participants=participants, seed=seed)
        except DemoError as error:
            raise CommandError(str(error)) from error
        areas = ", ".join(f"{name} {count:,}" for name, count in summary.participants_by_area.items())
        statuses = ", ".join(f"{count:,} {status}" for status, count in sorted(summary.status_counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f'Loaded "{data.PROGRAMME_NAME}" in {time.perf_counter() - started:.1f} s: '
                f"{sum(summary.participants_by_area.values()):,} participants ({areas}; {statuses}), "
                f"{summary.staff} staff, {summary.contacts:,} contacts; "
                + ", ".join(
                    f"{count:,} {name.split(':')[1].replace('_', ' ')}" for name, count in summary.support.items()
                )
                + "."
            )
        )
        live = summary.live
        if live is not None:
            statuses = ", ".join(f"{count:,} {status}" for status, count in sorted(live.status_counts.items()))
            self.stdout.write(
                self.style.SUCCESS(
                    f'And the live "{data.LIVE_PROGRAMME_NAME}": {sum(live.participants_by_area.values()):,} '
                    f"participants ({statuses}), {live.staff} staff, {live.contacts:,} contacts, "
                    f"{live.enquiries} enquiries waiting."
                )
            )
        # The funder's pages read the rollups of their counts: leave them fresh (docs/performance.md).
        report = refresh_rollups(everything=True)
        self.stdout.write(f"Rollups of the funder's statistics: {report.summary()}")
        self.stdout.write("Run `manage.py demo_logins` to see how to sign in as each role.")
