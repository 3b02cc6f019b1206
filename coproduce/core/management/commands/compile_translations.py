"""Compile every coproduce/locale/*/LC_MESSAGES/*.po into the .mo file Django reads.

Django's own `compilemessages` needs GNU gettext's msgfmt, which a fresh machine or a slim
container often lacks; polib is pure Python, so this runs wherever Coproduce does. The .mo files
are built, not committed (.gitignore): `make install` and every deploy run this command.
"""

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def po_files(locale_dirs: list[Path]) -> list[Path]:
    return sorted(path for directory in locale_dirs for path in directory.glob("*/LC_MESSAGES/*.po"))


def compile_po(po_path: Path) -> tuple[Path, int]:
    """Write the .mo beside the .po. Fuzzy entries are left out, as msgfmt does. Returns (path, count)."""
    catalogue = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return mo_path, len(catalogue.translated_entries())


class Command(BaseCommand):
    help = "Compile the translations (locale/*/LC_MESSAGES/*.po) to .mo files, without GNU gettext."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if a .mo file is missing or older than its .po.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = po_files([Path(directory) for directory in settings.LOCALE_PATHS])
        if options["check"]:
            stale = [
                str(path)
                for path in paths
                if not path.with_suffix(".mo").exists()
                or path.with_suffix(".mo").stat().st_mtime < path.stat().st_mtime
            ]
            if stale:
                raise CommandError("Not compiled, or older than their .po: " + ", ".join(stale))
            self.stdout.write(f"All {len(paths)} translation files are compiled.")
            return
        for path in paths:
            try:
                mo_path, count = compile_po(path)
            except (OSError, ValueError) as error:
                raise CommandError(f"{path}: {error}") from error
            self.stdout.write(f"{mo_path}: {count} translated messages")
        if not paths:
            self.stdout.write("No translation files to compile.")
