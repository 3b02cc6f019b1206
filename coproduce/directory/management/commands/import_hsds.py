"""Import HSDS 3.0 into the services directory: a JSON file, a data package (.zip or a folder of CSV files).

The same limits as the page and the API (coproduce/directory/hsds/limits.py). Run as the system
(the default), the import may change any entry: this is the operator's tool. It says what it
changed and whose directory each changed entry is in, so that nothing changes unnoticed. With
`--as EMAIL` it runs as that partnership manager, who may change only their own partnership's
entries, exactly as on the page; anything else is refused and listed.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.accounts.models import User
from coproduce.audit.context import audit_context
from coproduce.directory.hsds import limits
from coproduce.directory.hsds.importer import (
    ROOT_KINDS,
    ImportRefused,
    ImportResult,
    import_hsds_json,
    import_hsds_tabular,
    read_package_directory,
    read_package_zip,
)


def counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"


def entries(number: int) -> str:
    return f"{number} entry" if number == 1 else f"{number} entries"


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 into the directory: a JSON file (one object, a list, an API page or our export), "
        "or a Tabular Data Package (datapackage.json and CSV files) as a .zip or a folder. Records are created "
        "or updated by id. Nothing is imported if anything is wrong; every problem is listed. As the system it "
        "may change any entry and lists those it changed; with --as, only what that manager may change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A .json file, a .zip data package, or a folder of CSV files.")
        parser.add_argument("--kind", choices=ROOT_KINDS, help="What the JSON objects are, when ambiguous.")
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="Import as this partnership manager: only their partnership's entries may change.",
        )

    def handle(
        self, *args: Any, path: str, kind: str | None = None, as_email: str | None = None, **options: Any
    ) -> None:
        source = Path(path)
        actor = self._actor(as_email)
        try:
            with audit_context(purpose="Directory import (manage.py import_hsds)"):
                result = self._import(source, kind, actor)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(f"Nothing was imported: {len(refused.problems)} problem(s).") from refused
        self._report(result)

    def _actor(self, email: str | None) -> User | None:
        if email is None:
            return None
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account with the email address {email}.")
        return user

    def _import(self, source: Path, kind: str | None, actor: User | None) -> ImportResult:
        if source.is_dir():
            return import_hsds_tabular(read_package_directory(source), actor=actor)
        if not source.is_file():
            raise CommandError(f"No file or folder {source}.")
        # Sized before it is read, like an upload.
        if source.stat().st_size > limits.MAX_IMPORT_BYTES:
            raise ImportRefused([limits.TOO_BIG])
        if source.suffix.lower() == ".zip":
            return import_hsds_tabular(read_package_zip(source.read_bytes()), actor=actor)
        return import_hsds_json(source.read_bytes(), actor=actor, kind=kind)

    def _report(self, result: ImportResult) -> None:
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            f"Created {counted(result.created)}; changed {counted(result.updated)}; "
            f"unchanged {counted(result.unchanged)}."
        )
        if result.changed:
            changed = ", ".join(
                f"{entry.name} ({entry.kind}{'; in ' + ' and '.join(entry.areas) if entry.areas else ''})"
                for entry in result.changed
            )
            self.stdout.write(f"Changed: {changed}.")
        if result.refused:
            left = "it was" if len(result.refused) == 1 else "they were"
            self.stderr.write(f"Refused {entries(len(result.refused))}, left as {left}:")
            for refusal in result.refused:
                self.stderr.write(f"- {refusal.name} ({refusal.kind}): {refusal.reason}")
