"""Finding the words a coder means in a transcript's text.

A coder pastes or types a passage (or selects it, and the page sends where the selection
starts). Matching forgives differences in spacing and line breaks, and straight against curly
quotes, because a passage copied from a page or retyped rarely keeps them; the offsets returned
are always exact positions in the original text, so `text[start:end]` is what was coded.
"""

import re

from coproduce.core.validation import InvalidInput

NOT_FOUND = "These words are not in the transcript."
EMPTY = "Enter the words you want to code."

# Characters a typed passage may use for what the transcript writes otherwise.
_EQUIVALENT = {
    "'": "['‘’]",
    "‘": "['‘’]",
    "’": "['‘’]",
    '"': '["“”]',
    "“": '["“”]',
    "”": '["“”]',
}


def _word_pattern(word: str) -> str:
    return "".join(_EQUIVALENT.get(character, re.escape(character)) for character in word)


def passage_pattern(passage: str) -> re.Pattern[str] | None:
    """The passage as a pattern: its words in order, any run of whitespace between them."""
    words = passage.split()
    if not words:
        return None
    return re.compile(r"\s+".join(_word_pattern(word) for word in words))


def _occurrences(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    # Overlapping occurrences count too ("ha ha" appears twice in "ha ha ha").
    found = []
    position = 0
    while (match := pattern.search(text, position)) is not None:
        found.append(match)
        position = match.start() + 1
    return found


def too_many_message(count: int) -> str:
    return (
        f"These words appear {count} times in the transcript. "
        "Add a few words before or after them so they point to one place."
    )


def locate_passage(text: str, passage: str, start: int | None = None) -> tuple[int, int]:
    """Where `passage` is in `text`, as (start, end) offsets into `text`.

    With `start` (from a selection on the page), the words must begin exactly there. Without
    it, or if they are not there (the text around them was typed again), they must occur exactly
    once. Raises InvalidInput on the `passage` field otherwise, with a message the coder can act on.
    """
    pattern = passage_pattern(passage)
    if pattern is None:
        raise InvalidInput({"passage": [EMPTY]})
    if start is not None and 0 <= start <= len(text):
        at_start = pattern.match(text, start)
        if at_start is not None:
            return at_start.start(), at_start.end()
    found = _occurrences(pattern, text)
    if not found:
        raise InvalidInput({"passage": [NOT_FOUND]})
    if len(found) > 1:
        raise InvalidInput({"passage": [too_many_message(len(found))]})
    return found[0].start(), found[0].end()
