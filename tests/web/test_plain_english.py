"""Every page a participant or a member of the public reads is in plain English: a Flesch reading
ease of 60 or more, and none of the jargon listed in docs/plain-english.md."""

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import textstat
from django.test import Client

from tests.personas import Personas

DOC = Path(__file__).resolve().parents[2] / "docs" / "plain-english.md"
LEAST_READING_EASE = 60

# Pages as the persona who reads them. Pages showing a person's own data are checked with the
# personas' data, which is written plainly; the directory's service pages are data only, so the
# search page (our words around them) stands for them.
PARTICIPANT_PAGES = [
    "/me/",
    "/me/who-looked/",
    "/me/appointments/",
    "/me/requests/",
    "/me/requests/new/",
    "/me/feedback/",
    "/me/plan/",
    "/me/progress/",
    "/me/progress/new/confidence/",
    "/me/job-search/",
    "/me/job-search/new/",
    "/me/record/",
    "/me/referrals/",
    "/me/referrals/new/",
    "/me/suggestions/",
    "/me/who-holds-my-information/",
    "/me/availability/",
    "/me/achievements/",
    "/me/money/",
    "/me/my-data/",
    "/me/research/",
    "/me/surveys/",
    "/me/contact/",
    "/me/messages/",
    "/me/language/",
]
PUBLIC_PAGES = [
    "/",
    "/privacy/",
    "/sign-in/",
    "/sign-in/link/",
    "/sign-in/link/sent/",
    "/ask-for-help/",
    "/ask-for-help/sent/",
    "/directory/",
    "/no-such-page/",
]


def jargon() -> list[str]:
    """The words listed between the markers in docs/plain-english.md."""
    text = DOC.read_text()
    block = text.split("<!-- jargon-list-start -->", 1)[1].split("<!-- jargon-list-end -->", 1)[0]
    return [line[2:].split(":", 1)[0].strip() for line in block.splitlines() if line.startswith("- ")]


def main_text(body: str) -> str:
    """What a person reads in the page's <main>: no scripts, styles or tags."""
    main = body.split("<main", 1)[1].split("</main>", 1)[0].split(">", 1)[1]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    # Block-level ends stop a sentence, so headings and list items are not read as one long sentence.
    main = re.sub(r"</(h[1-6]|p|li|dt|dd|th|td|legend|label|button|a|summary|caption|div)>", ". ", main)
    words = html.unescape(re.sub(r"<[^>]+>", " ", main))
    words = re.sub(r"(\s*\.\s*)+(?=\.)", "", words)
    return " ".join(words.split())


def problems(path: str, body: str) -> list[str]:
    text = main_text(body)
    found = []
    ease = textstat.flesch_reading_ease(text)
    if ease < LEAST_READING_EASE:
        found.append(f"{path}: reading ease {ease:.0f} (under {LEAST_READING_EASE})")
    for word in jargon():
        if re.search(rf"\b{re.escape(word)}\b", text, re.I):
            found.append(f"{path}: uses the jargon word “{word}”")
    return found


def test_the_jargon_list_is_read_from_the_doc() -> None:
    words = jargon()
    for expected in ("intervention", "engagement", "outcome", "provision", "signposting", "capacity building"):
        assert expected in words


def test_a_page_full_of_jargon_fails_and_a_plain_one_passes() -> None:
    jargon_page = (
        "<main id='main'><p>Our holistic intervention will facilitate stakeholder engagement to "
        "utilise cross-sectoral provision, subsequently operationalising organisational deliverables.</p></main>"
    )
    plain_page = "<main id='main'><p>Tell us what you need. We will call you back in a week.</p></main>"
    found = problems("/jargon/", jargon_page)
    assert found[0].startswith("/jargon/: reading ease")
    assert "/jargon/: uses the jargon word “intervention”" in found
    assert "/jargon/: uses the jargon word “provision”" in found
    assert problems("/plain/", plain_page) == []


@pytest.mark.parametrize("path", PARTICIPANT_PAGES)
def test_participant_pages_are_plain_english(
    path: str, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("participant").get(path)
    assert response.status_code == 200
    assert problems(path, response.content.decode()) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_plain_english(path: str, client_for: Callable[[str], Client]) -> None:
    response = client_for("anonymous").get(path)
    assert response.status_code in (200, 404)
    assert problems(path, response.content.decode()) == []


def test_every_participant_page_without_an_id_is_checked() -> None:
    """A new page in the participant's own space cannot miss the check."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def routes(patterns: list, prefix: str = "") -> list[str]:
        found = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                found += routes(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route:
                found.append("/" + route)
        return found

    own_space = {route for route in routes(get_resolver().url_patterns) if route.startswith("/me/")}
    # Downloads and form posts without a page of their own are not read as pages.
    not_pages = {route for route in own_space if route.endswith((".pdf", ".zip", ".csv", ".ics", ".json"))}
    form_posts = {"/me/research/stop/"}  # the button on /me/research/, which is checked
    # Redirects to a question (checked above); the check page is checked with answers below.
    progress_steps = {"/me/progress/new/", "/me/progress/new/check/"}
    assert own_space - not_pages - form_posts - progress_steps - set(PARTICIPANT_PAGES) == set()


def test_progress_check_answers_page_is_plain_english(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client = client_for("participant")
    client.post("/me/progress/new/confidence/", {"score": "6", "action": "continue"})
    client.post("/me/progress/new/money/", {"action": "skip"})
    response = client.get("/me/progress/new/check/")
    assert response.status_code == 200
    assert problems("/me/progress/new/check/", response.content.decode()) == []
