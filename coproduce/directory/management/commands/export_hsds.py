"""Export the services directory as HSDS 3.0 JSON, or as a CSV data package."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.directory.hsds.exporter import export_directory, export_tabular


class Command(BaseCommand):
    help = (
        "Export the directory as HSDS 3.0 JSON (to standard output, or --output FILE), or with --tabular "
        "as a Tabular Data Package (datapackage.json and CSV files) into the folder --output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="The file (or, with --tabular, the folder) to write.")
        parser.add_argument("--tabular", action="store_true", help="Write CSV files and datapackage.json.")

    def handle(self, *args: Any, output: str | None = None, tabular: bool = False, **options: Any) -> None:
        if tabular:
            folder = Path(output or "hsds")
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in export_tabular().items():
                (folder / name).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote the data package to {folder}.")
            return
        text = json.dumps(export_directory(), indent=2, ensure_ascii=False) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
