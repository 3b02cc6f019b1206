"""Revoke an API token at once, by its number (as printed when it was issued)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.accounts.models import ApiToken
from coproduce.accounts.services import revoke_api_token_at_the_server
from coproduce.core.errors import DomainError


class Command(BaseCommand):
    help = "Revoke an API token by its number. Requests with its key are refused from now on."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token_id", type=int)

    def handle(self, *args: Any, token_id: int, **options: Any) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No token {token_id}.")
        try:
            revoke_api_token_at_the_server(token_id=token.pk)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Revoked token {token.pk} ({token.name}) of {token.user}.")
