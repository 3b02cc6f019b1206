"""`manage.py demo_logins`: one sign-in per role for the loaded demo programme."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from coproduce.accounts.models import User
from coproduce.demo import data


def demo_logins(*, with_extras: bool = False) -> list[dict[str, str]]:
    """The demo login of each role, read from the database (found by their fixed email address).

    `with_extras` adds the few other demo people worth signing in as (the second coder of the
    evaluation), after the one login per role; their "role" is a label like "evaluator (second coder)".
    """
    emails = Q()
    for login in (*data.DEMO_LOGINS, *data.EXTRA_DEMO_LOGINS):
        emails |= Q(email__iexact=login.email)
    users = {user.email.lower(): user for user in User.objects.filter(emails, is_active=True)}
    missing = [login.role.value for login in data.DEMO_LOGINS if login.email.lower() not in users]
    if missing:
        raise CommandError(
            "The demo is not loaded (no demo login for: " + ", ".join(missing) + "). Run `manage.py load_demo` first."
        )
    extras = [login for login in data.EXTRA_DEMO_LOGINS if with_extras and login.email.lower() in users]
    return [
        {
            "role": login.label or login.role.value,
            "name": str(users[login.email.lower()]),
            "username": users[login.email.lower()].email,
            "password": data.DEMO_PASSWORD,
        }
        for login in (*data.DEMO_LOGINS, *extras)
    ]


class Command(BaseCommand):
    help = "Print one demo sign-in per role (demo databases only: every demo password is public)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help='Print a JSON list of {"role", "username", "password"}.'
        )

    def handle(self, *args: Any, as_json: bool = False, **options: Any) -> None:
        logins = demo_logins(with_extras=not as_json)  # the JSON stays one login per role
        if as_json:
            self.stdout.write(
                json.dumps(
                    [{key: login[key] for key in ("role", "username", "password")} for login in logins], indent=2
                )
            )
            return
        columns = ("role", "name", "username", "password")
        rows = [{**login, "role": login["role"].replace("_", " ")} for login in logins]
        widths = {column: max(len(column), *(len(row[column]) for row in rows)) for column in columns}

        def line(cells: list[str]) -> str:
            return "  ".join(cell.ljust(widths[column]) for cell, column in zip(cells, columns, strict=True)).rstrip()

        self.stdout.write(line([column.capitalize() for column in columns]))
        self.stdout.write(line(["-" * widths[column] for column in columns]))
        for row in rows:
            self.stdout.write(line([row[column] for column in columns]))
        self.stdout.write(
            "\nSign in at /sign-in/ with the username and password. Demo data only: the password is public."
        )
