"""Check the audit log against its seals and the external checkpoints; non-zero exit if anything is wrong."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.audit.verification import PROBLEMS_SHOWN, VERIFICATION_RUN, check_audit_log
from coproduce.core.locks import run_alone


class Command(BaseCommand):
    help = (
        "Recompute every seal of the audit log from its events, check the chain of seals and the external "
        "checkpoints. Prints one line and exits 0 when all is well; otherwise names the first bad event and "
        "exits 1. --notify emails the administrators when it fails (the daily cron job)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--notify", action="store_true", help="Email every active administrator if the check fails."
        )
        parser.add_argument(
            "--from-seal",
            type=int,
            default=1,
            help="Check only this seal and those after it, chained from the seal before (an incremental check).",
        )

    def handle(self, *args: Any, notify: bool = False, from_seal: int = 1, **options: Any) -> None:
        with run_alone(VERIFICATION_RUN) as alone:
            if not alone:
                # The other check records its outcome and tells the administrators: once.
                self.stdout.write("Another check of the audit log is under way: this one did nothing.")
                return
            report, _ = check_audit_log(notify=notify, from_sequence=from_seal)
        if report.ok:
            self.stdout.write(report.summary())
            return
        for problem in report.problems[:PROBLEMS_SHOWN]:
            self.stderr.write(f"{problem.kind}: {problem.message}")
        if len(report.problems) > PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(report.problems) - PROBLEMS_SHOWN} more.")
        raise CommandError(report.summary(), returncode=1)
