"""`manage.py send_messages`: send every message that is due (cron, every 5 minutes), and with
--poll ask GOV.UK Notify how the recent ones got on.

Kept with subject access, not notifications, because it also tells managers of the requests for a
copy of someone's data that are due (subject_access/reminders.py), and subject access sits above
notifications.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from coproduce.audit.context import audit_context
from coproduce.notifications.sending import due_messages, poll_receipts, send_message_now
from coproduce.subject_access.reminders import requests_due


class Command(BaseCommand):
    help = "Send the texts and emails that are due; with --poll, fetch delivery receipts too."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--poll", action="store_true", help="Also ask the provider for delivery receipts.")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(purpose="Sending texts and emails"):
            told = requests_due(today=timezone.localdate())
            if told:
                self.stdout.write(f"Managers told of data requests due: {told}.")
            results: dict[str, int] = {}
            for message_id in due_messages():
                status = send_message_now(message_id)
                if status:
                    results[status] = results.get(status, 0) + 1
            summary = ", ".join(f"{count} {status}" for status, count in sorted(results.items())) or "nothing due"
            self.stdout.write(f"Messages: {summary}.")
            if options["poll"]:
                self.stdout.write(f"Delivery receipts: {poll_receipts()} changed.")
