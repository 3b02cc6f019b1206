"""Queue the daily survey invitations: run once a day from cron or a systemd timer."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.research.tasks import send_survey_invitations


class Command(BaseCommand):
    help = (
        "Queue the task that invites participants due at a point of an open survey "
        "(runs at once with the immediate backend). --today YYYY-MM-DD to run it for another day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="The day to run for, like 2026-03-31 (default: today).")

    def handle(self, *args: Any, today: str | None = None, **options: Any) -> None:
        result = send_survey_invitations.enqueue(today)
        self.stdout.write(f"Queued the survey invitations ({result.id}).")
