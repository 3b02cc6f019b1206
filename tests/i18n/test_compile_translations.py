"""compile_translations: .po to .mo in pure Python, readable by Python's (and so Django's) gettext."""

import gettext
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ar\\n"

msgid "Your pages are now in this language."
msgstr "صفحاتك الآن بهذه اللغة."

#, fuzzy
msgid "Save"
msgstr "حفظ"
"""


def test_it_compiles_every_po_file_and_leaves_fuzzy_guesses_out(tmp_path: Path) -> None:
    messages = tmp_path / "ar" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(PO, encoding="utf-8")

    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("compile_translations", verbosity=0)
        call_command("compile_translations", "--check", verbosity=0)

    with (messages / "django.mo").open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("Your pages are now in this language.") == "صفحاتك الآن بهذه اللغة."
    assert translations.gettext("Save") == "Save"


def test_check_fails_when_a_po_file_was_not_compiled(tmp_path: Path) -> None:
    messages = tmp_path / "pl" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(PO.replace("Language: ar", "Language: pl"), encoding="utf-8")

    not_compiled = re.escape("pl/LC_MESSAGES/django.po")
    with override_settings(LOCALE_PATHS=[tmp_path]), pytest.raises(CommandError, match=not_compiled):
        call_command("compile_translations", "--check", verbosity=0)
