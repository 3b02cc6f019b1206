"""Issue an API token for a person and print its key (shown this once, never stored)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.accounts.models import User
from coproduce.accounts.services import issue_api_token
from coproduce.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue an API token for a user and print the key. The key cannot be shown again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user's username or email address.")
        parser.add_argument("--name", required=True, help="What the token is for, like 'caseload sync'.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = (
            User.objects.filter(username=username).first()
            or User.objects.filter(email__iexact=username.strip()).exclude(email="").first()
        )
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        try:
            token, key = issue_api_token(actor=user, name=name)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(f"Issued token {token.pk} ({token.name}) for {user}. Keep the key safe; it is shown once:")
        self.stdout.write(key)
