"""The completeness check itself: it must catch what it is there to catch."""

from pathlib import Path

import polib

from tests.i18n.po import english_left_in, untranslated


def entries_from(text: str, tmp_path: Path) -> dict[str, bool]:
    path = tmp_path / "django.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + text, encoding="utf-8")
    return {entry.msgid: untranslated(entry) for entry in polib.pofile(str(path))}


def test_empty_fuzzy_and_half_plural_entries_count_as_untranslated(tmp_path: Path) -> None:
    found = entries_from(
        'msgid "Done"\nmsgstr "Gotowe"\n\n'
        'msgid "Save"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Cancel"\nmsgstr "Anuluj"\n\n'
        'msgid "one child"\nmsgid_plural "%(count)s children"\nmsgstr[0] "jedno dziecko"\nmsgstr[1] ""\n',
        tmp_path,
    )

    assert found == {"Done": False, "Save": True, "Cancel": True, "one child": True}


def test_english_left_on_a_page_is_found_and_names_and_the_same_words_are_not(tmp_path: Path) -> None:
    path = tmp_path / "django.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Your keyworker"\nmsgstr "Twój doradca"\n\n'
        'msgid "Status"\nmsgstr "Status"\n\n'
        'msgid "Not given"\nmsgstr ""\n',
        encoding="utf-8",
    )
    texts = ["Twój doradca", "Your keyworker", "Status", "Not given", "Kim Keyworker"]

    assert english_left_in(texts, polib.pofile(str(path))) == ["Your keyworker"]
