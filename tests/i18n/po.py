"""The shipped translations, read with polib: which languages, where their .po files are."""

from pathlib import Path

import polib
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
# Every language we ship but the one the pages are written in.
SHIPPED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def catalogue(language: str) -> polib.POFile:
    path = po_path(language)
    assert path.exists(), f"No translations for {language!r}: {path} is missing."
    return polib.pofile(str(path))


def untranslated(entry: polib.POEntry) -> bool:
    """Empty (any plural form too), or marked fuzzy: a translator has not yet confirmed it."""
    if "fuzzy" in entry.flags:
        return True
    if entry.msgid_plural:
        return not entry.msgstr_plural or any(not text.strip() for text in entry.msgstr_plural.values())
    return not entry.msgstr.strip()


def english_left_in(texts: list[str], po: polib.POFile) -> list[str]:
    """The texts that are exactly an English message translated into something else: English left on the page."""
    translated = {
        " ".join(entry.msgid.split())
        for entry in po
        if not entry.obsolete and not untranslated(entry) and entry.msgstr.strip() != entry.msgid.strip()
    }
    return sorted({text for text in texts if text in translated})
