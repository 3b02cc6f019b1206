"""`manage.py subject_access REFERENCE --output FILE.zip`: the participant's copy, for the DPO.

The same ZIP the participant gets on their own page (data.json, data.pdf; no note restricted for
a safeguarding reason), read as the system and audited as an export with the purpose "Subject
access request" once the file is written.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coproduce.core.errors import NotFound
from coproduce.subject_access.services import dpo_copy


class Command(BaseCommand):
    help = "Write a participant's subject access copy (ZIP of data.json and data.pdf) to a file, audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="The participant's reference, like MIW-FIF-00042.")
        parser.add_argument("--output", required=True, help="Where to write the ZIP, like copy.zip.")

    def handle(self, *args: Any, reference: str, output: str, **options: Any) -> None:
        target = Path(output).expanduser().resolve()
        folder = target.parent
        if target.is_dir():
            raise CommandError(f"{target} is a folder: give the name of the file to write, like {target / 'copy.zip'}.")
        if not folder.is_dir():
            raise CommandError(f"Cannot write {target}: the folder {folder} does not exist.")
        if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
            raise CommandError(f"Cannot write {target}: permission denied.")

        def write(content: bytes) -> None:
            # Written beside the target and renamed, so a failure never leaves half a copy behind.
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".subject-access-", suffix=".zip")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(content)
                os.chmod(temporary, 0o600)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

        try:
            participant = dpo_copy(participant_reference=reference, write=write)
        except NotFound as error:
            raise CommandError(error.message) from error
        except OSError as error:
            raise CommandError(f"Cannot write {target}: {error.strerror or error}.") from error
        self.stdout.write(f"Wrote the subject access copy of {participant.reference} to {target} (audited).")
