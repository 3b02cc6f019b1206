"""Every participant-facing string has a confirmed translation in every language we ship.

Strict on purpose: an empty msgstr or a fuzzy entry (a guess left by makemessages) fails, with
the list of what is missing, so that no parent meets an English sentence in the middle of a
Polish or Arabic page.
"""

import pytest

from tests.i18n.po import SHIPPED, catalogue, po_path, untranslated


def test_polish_and_arabic_are_shipped() -> None:
    assert SHIPPED == ["pl", "ar"]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_string_has_a_translation(language: str) -> None:
    entries = [entry for entry in catalogue(language) if not entry.obsolete]

    missing = [entry.msgid for entry in entries if untranslated(entry)]

    assert entries, f"{po_path(language)} has no strings: run makemessages -l {language}."
    assert missing == [], f"{len(missing)} strings not translated (or fuzzy) into {language}: {missing}"


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_their_placeholders(language: str) -> None:
    """A translation that drops or renames %(name)s or {name} would break the page it is on."""
    entries = [entry for entry in catalogue(language) if not entry.obsolete and not untranslated(entry)]

    broken = [
        entry.msgid
        for entry in entries
        if not entry.msgid_plural and sorted(_placeholders(entry.msgid)) != sorted(_placeholders(entry.msgstr))
    ]

    assert broken == []


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}", text)
