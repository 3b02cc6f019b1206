"""Seal the audit events that are final now (the seal task does this in the background)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.audit.sealing import SealingError, seal_audit_log
from coproduce.audit.verification import resume_checkpoints


class Command(BaseCommand):
    help = (
        "Seal the audit events that can no longer change, and write each seal to the external checkpoints. "
        "The background task does this every few seconds; run it by hand or from cron as a backstop. "
        '--resume "why" lets the checkpoint file carry on from the database\'s seals after a restore '
        "from an older backup or a lost file (see docs/audit.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--resume",
            metavar="REASON",
            help="Accept the database's seals as they are and let the checkpoint file carry on from them.",
        )

    def handle(self, *args: Any, resume: str | None = None, **options: Any) -> None:
        try:
            if resume is not None:
                resumption = resume_checkpoints(reason=resume)
                self.stdout.write(
                    f"The checkpoints now carry on from seal {resumption.after_sequence} ({resumption.reason})."
                )
            result = seal_audit_log()
        except SealingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.summary())
