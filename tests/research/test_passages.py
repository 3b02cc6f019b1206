"""Finding a coder's passage in a transcript: exact offsets, forgiving spacing."""

import pytest

from coproduce.core.validation import InvalidInput
from coproduce.research.passages import locate_passage

TEXT = "Interviewer: And then?\nService user: It's all about choices.\n\nShe said it's all about choices too."


def error_for(text: str, passage: str, start: int | None = None) -> str:
    with pytest.raises(InvalidInput) as raised:
        locate_passage(text, passage, start)
    return raised.value.errors["passage"][0]


def test_a_passage_that_occurs_once_is_found_exactly() -> None:
    assert locate_passage(TEXT, "And then?") == (13, 22)
    assert TEXT[13:22] == "And then?"


def test_words_that_are_not_there() -> None:
    assert error_for(TEXT, "nothing like this") == "These words are not in the transcript."


def test_words_that_occur_twice_need_more_context() -> None:
    assert error_for(TEXT, "all about choices") == (
        "These words appear 2 times in the transcript. Add a few words before or after them so they point to one place."
    )
    start, end = locate_passage(TEXT, "She said it's all about choices")
    assert TEXT[start:end] == "She said it's all about choices"


def test_a_start_from_the_selection_picks_the_occurrence() -> None:
    second = TEXT.rindex("all about choices")
    assert locate_passage(TEXT, "all about choices", second) == (second, second + len("all about choices"))
    first = TEXT.index("all about choices")
    assert locate_passage(TEXT, "all about choices", first) == (first, first + len("all about choices"))


def test_a_start_where_the_words_are_not_falls_back_to_the_one_occurrence() -> None:
    assert locate_passage(TEXT, "And then?", 0) == (13, 22)
    assert locate_passage(TEXT, "And then?", 10_000) == (13, 22)
    assert error_for(TEXT, "all about choices", 0).startswith("These words appear 2 times")


def test_spacing_and_line_breaks_are_forgiven_but_offsets_are_exact() -> None:
    start, end = locate_passage(TEXT, "  And   then?\nService\n user: ")
    assert (start, end) == (13, 36)
    assert TEXT[start:end] == "And then?\nService user:"
    start, end = locate_passage(TEXT, "choices. She said")
    assert TEXT[start:end] == "choices.\n\nShe said"


def test_straight_and_curly_quotes_match_each_other() -> None:
    text = "She said it’s up to me."
    assert locate_passage(text, "it's up to me") == (9, 22)


def test_overlapping_repeats_count() -> None:
    assert error_for("ha ha ha", "ha ha").startswith("These words appear 2 times")


def test_an_empty_passage() -> None:
    assert error_for(TEXT, " \n ") == "Enter the words you want to code."


def test_special_characters_are_matched_literally() -> None:
    text = "Costs (about £5.50) a day [child] too."
    start, end = locate_passage(text, "(about £5.50) a day [child]")
    assert text[start:end] == "(about £5.50) a day [child]"
    assert error_for(text, "about £5x50") == "These words are not in the transcript."
