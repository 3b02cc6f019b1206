"""Issue 12's redaction journey on a phone: Eve cannot mark a transcript ready for coding while a
suggested redaction is open; once each is redacted or left in with a reason, she can. Every page
is checked with axe-core and for fitting the screen; "Accept all suggestions" works without
JavaScript too.
"""

import pytest
from playwright.sync_api import Page, expect

from coproduce.research.models import DismissedSuggestion, Transcript
from tests.browser.conftest import follow, menu_link
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)

KIM = "Keyworker, Fife, 2015"  # the story's transcript still being redacted: it names Kim, Pat and Jamie


@pytest.fixture
def people(transactional_db: None) -> Personas:
    people = build_personas()
    assert people.research.kim_transcript.title == KIM  # the research story is built on first use
    return people


def test_a_transcript_with_an_open_suggestion_cannot_be_ready_until_each_is_settled(
    page: Page, live_server, people: Personas
) -> None:
    sign_in(page, live_server.url, "eve@ceu.example.ac.uk")
    follow(menu_link(page, "Transcripts"))
    check_page(page)
    follow(page.get_by_role("link", name=KIM))
    check_page(page)
    boxes = page.locator('input[name="suggestion"]')
    expect(boxes).to_have_count(5)
    for number in range(5):
        expect(boxes.nth(number)).to_be_checked()

    # Ready too soon: refused, and the page says why.
    follow(page.get_by_role("button", name="Ready for coding"))
    check_page(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "5 suggested redactions are still open. Redact each one, or leave it in with a reason"
    )
    assert Transcript.objects.get(title=KIM).status == Transcript.Status.REDACTING

    # Leaving the first "Kim" in needs a reason.
    boxes.first.uncheck()
    follow(page.get_by_role("button", name="Redact the ticked ones"))
    check_page(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why “Kim” can stay, or tick it to redact it.")
    page.get_by_label("If “Kim” stays in, why?").first.fill("The speaker label: quotes use the role instead.")
    follow(page.get_by_role("button", name="Redact the ticked ones"))
    check_page(page)
    expect(page.get_by_text("4 passages redacted, 1 left in, with your reason.")).to_be_visible()
    expect(page.get_by_text("No suggestion is open.")).to_be_visible()

    follow(page.get_by_role("button", name="Ready for coding"))
    check_page(page)
    expect(page.get_by_text("The transcript is ready for coding.")).to_be_visible()
    transcript = Transcript.objects.get(title=KIM)
    assert transcript.status == Transcript.Status.READY
    assert "Jamie" not in transcript.text
    assert "Pat" not in transcript.text
    assert DismissedSuggestion.objects.get(transcript=transcript).reason.startswith("The speaker label")


def test_accept_all_suggestions_without_javascript(
    page_without_javascript: Page, live_server, people: Personas
) -> None:
    page = page_without_javascript
    sign_in(page, live_server.url, "eve@ceu.example.ac.uk", javascript=False)
    page.goto(f"{live_server.url}/research/transcripts/")
    follow(page.get_by_role("link", name=KIM))
    follow(page.get_by_role("button", name="Accept all suggestions"))
    expect(page.get_by_text("5 passages redacted.")).to_be_visible()
    follow(page.get_by_role("button", name="Ready for coding"))
    expect(page.get_by_text("The transcript is ready for coding.")).to_be_visible()
