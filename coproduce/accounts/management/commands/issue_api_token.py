"""Issue an API token for a person and print its key (shown this once, never stored)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats, timezone

from coproduce.accounts.models import User, longest_api_token_days
from coproduce.accounts.services import issue_api_token_at_the_server
from coproduce.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue an API token for a user and print the key. The key cannot be shown again. "
        "The token works for --days days (default and longest: COPRODUCE_API_TOKEN_DAYS), and only "
        "while its owner meets the two-factor rule for tokens. People can make their own on the "
        "'API tokens' page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user's username or email address.")
        parser.add_argument("--name", required=True, help="What the token is for, like 'caseload sync'.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"How many days it works for (1 to {longest_api_token_days()}; that is also the default).",
        )

    def handle(self, *args: Any, username: str, name: str, days: int | None, **options: Any) -> None:
        user = (
            User.objects.filter(username=username).first()
            or User.objects.filter(email__iexact=username.strip()).exclude(email="").first()
        )
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        try:
            token, key = issue_api_token_at_the_server(user=user, name=name, days=days)
        except DomainError as error:
            raise CommandError(error.message) from error
        until = formats.date_format(timezone.localtime(token.expires_at), "j F Y")
        self.stderr.write(
            f"Issued token {token.pk} ({token.name}) for {user}. It works until {until}. "
            "Keep the key safe; it is shown once:"
        )
        self.stdout.write(key)
