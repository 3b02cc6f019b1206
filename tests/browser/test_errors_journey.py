"""A participant leaves a form empty on a phone: the page says so in its title, moves focus to the
error summary and names what to fill in; a link in the summary takes them to the field."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import fits_the_screen, follow, menu_link, serious_accessibility_problems
from tests.browser.test_journeys import sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def focused_class(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.className")


def test_an_empty_feedback_form_is_explained_and_focus_goes_to_the_summary(
    page: Page, live_server, people: Personas
) -> None:
    sign_in(page, live_server.url, "07700 900001")
    follow(menu_link(page, "Requests and feedback"))
    follow(page.get_by_role("link", name="Give feedback on your support"))
    assert not page.title().startswith("Error:")

    follow(page.get_by_role("button", name="Send feedback"))

    assert page.title().startswith("Error: ")
    assert page.title().count("Error:") == 1
    assert "govuk-error-summary" in focused_class(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Tell us what you think of the support you get.")
    assert "This field is required" not in page.content()
    assert serious_accessibility_problems(page) == []
    assert fits_the_screen(page)

    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_text"


def test_without_javascript_the_summary_still_takes_focus(
    page_without_javascript: Page, live_server, people: Personas
) -> None:
    page = page_without_javascript
    page.goto(f"{live_server.url}/ask-for-help/")
    follow(page.get_by_role("button", name="Send"))

    assert page.title().startswith("Error: ")
    assert "govuk-error-summary" in focused_class(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your name")
