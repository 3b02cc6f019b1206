"""`manage.py generate_programme --participants N [--seed S]`: a programme of any size, to measure at scale."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.demo import data
from coproduce.demo.scale import DEFAULT_SEED, ScaleError, generate_programme
from coproduce.reporting.rollups import refresh_rollups


class Command(BaseCommand):
    help = (
        "Generate a separate live programme of N invented participants with the demo's shapes (partnerships, "
        "keyworkers with 30–60 active participants each, contacts, plans, referrals, outcomes, work wishes, spends, "
        "requests, research consents and interviews, audit events), written with COPY on PostgreSQL. Deterministic "
        "by seed (and day). Into a database without "
        f'one already: it refuses otherwise. Every account\'s password is "{data.DEMO_PASSWORD}".'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, required=True, help="How many participants.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="The same seed gives the same programme.")

    def handle(self, *args: Any, participants: int, seed: int, **options: Any) -> None:
        started = time.perf_counter()
        try:
            summary = generate_programme(participants=participants, seed=seed, out=self.stdout.write)
        except ScaleError as error:
            raise CommandError(str(error)) from error
        # The funder's pages read the rollups of their counts: a million participants need them made.
        rollups = refresh_rollups(everything=True)
        self.stdout.write(f"Rollups of the funder's statistics: {rollups.summary()}")
        elapsed = time.perf_counter() - started
        width = max(len(name) for name in summary.rows)
        self.stdout.write("Rows written:")
        for name, count in sorted(summary.rows.items()):
            self.stdout.write(f"  {name:<{width}}  {count:>12,}")
        self.stdout.write(f"  {'total':<{width}}  {sum(summary.rows.values()):>12,}")
        self.stdout.write(
            "Time: " + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in summary.seconds.items())
        )
        self.stdout.write(f"Audit: {summary.sealed}")
        if summary.skipped_key_checks:
            self.stdout.write("Foreign keys: given by the generator, not checked row by row (see docs/performance.md).")
        low, high = summary.caseloads
        self.stdout.write(
            f"{summary.partnerships} partnerships, {summary.keyworkers:,} keyworkers with {low}–{high} active "
            "participants each."
        )
        self.stdout.write(f'Sign in (password "{data.DEMO_PASSWORD}") as:')
        for role, username in summary.logins.items():
            self.stdout.write(f"  {role:<20} {username}")
        self.stdout.write(
            "  (other keyworkers: keyworker.<area code>.NNNN@…; managers: manager.<area code>@…; partner workers: "
            "partner.<area code>.N@…; participants: participant-<reference>)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f'Generated "{summary.programme.name}" with {summary.participants:,} participants in {elapsed:.1f} s.'
            )
        )
