"""Import HSDS 3.0 into the services directory: a JSON file, or a folder holding a CSV data package."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.directory.hsds.importer import (
    ROOT_KINDS,
    ImportRefused,
    import_hsds_json,
    import_hsds_tabular,
    read_package_directory,
)


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 into the directory: a JSON file (one object, a list, an API page or our export) "
        "or a folder with a Tabular Data Package (datapackage.json and CSV files). Records are created or "
        "updated by id. Nothing is imported if anything is wrong; every problem is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A .json file, or a folder of CSV files.")
        parser.add_argument("--kind", choices=ROOT_KINDS, help="What the JSON objects are, when ambiguous.")

    def handle(self, *args: Any, path: str, kind: str | None = None, **options: Any) -> None:
        source = Path(path)
        try:
            if source.is_dir():
                result = import_hsds_tabular(read_package_directory(source), actor=None)
            elif source.is_file():
                result = import_hsds_json(source.read_bytes(), actor=None, kind=kind)
            else:
                raise CommandError(f"No file or folder {path}.")
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(f"Nothing was imported: {len(refused.problems)} problem(s).") from refused
        for warning in result.warnings:
            self.stderr.write(warning)
        created = ", ".join(f"{n} {kind}" for kind, n in result.created.items()) or "nothing"
        updated = ", ".join(f"{n} {kind}" for kind, n in result.updated.items()) or "nothing"
        self.stdout.write(f"Created {created}; updated {updated}.")
