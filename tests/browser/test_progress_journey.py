"""Issue 12: on a 360 px phone, Pat answers the progress check one question a screen, skips one,
saves it to finish later, comes back through My progress, and sends it from the check page."""

import pytest
from playwright.sync_api import Page, expect

from coproduce.plans.models import ProgressCheck, ProgressCheckDraft
from tests.browser.conftest import fits_the_screen, follow, menu_link, serious_accessibility_problems
from tests.browser.test_journeys import sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def check_page(page: Page) -> None:
    assert serious_accessibility_problems(page) == [], page.url
    assert fits_the_screen(page), f"{page.url} is wider than a phone screen"


def test_pat_answers_two_skips_one_saves_for_later_and_finishes(page: Page, live_server, people: Personas) -> None:
    assert page.viewport_size is not None
    assert page.viewport_size["width"] == 360
    sign_in(page, live_server.url, "pat@example.net")
    page.goto(f"{live_server.url}/me/progress/")
    check_page(page)
    follow(page.get_by_role("link", name="Say how things are going"))

    expect(page.get_by_text("Question 1 of 8")).to_be_visible()
    check_page(page)
    page.get_by_label("8", exact=True).check(force=True)
    page.get_by_label("Anything you want to say about it").fill("I spoke up at the parents' group.")
    follow(page.get_by_role("button", name="Continue"))
    page.get_by_label("4", exact=True).check(force=True)
    follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_text("Question 3 of 8")).to_be_visible()
    follow(page.get_by_role("button", name="Skip this question"))
    follow(page.get_by_role("button", name="Save and finish later"))

    expect(page.get_by_text("You have a progress check you have not finished.")).to_be_visible()
    check_page(page)
    assert ProgressCheck.objects.count() == 0
    assert len(ProgressCheckDraft.objects.get(participant=people.participant).answers) == 3

    # Later: back through the menu to My progress, and carry on at question 4.
    page.goto(f"{live_server.url}/me/")
    follow(menu_link(page, "My progress"))
    follow(page.get_by_role("link", name="Carry on"))
    expect(page.get_by_text("Question 4 of 8")).to_be_visible()
    for _ in range(5):
        follow(page.get_by_role("button", name="Skip this question"))

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    check_page(page)
    follow(page.get_by_role("link", name="Change How are you managing with money?"))
    page.get_by_label("5", exact=True).check(force=True)
    follow(page.get_by_role("button", name="Continue"))
    follow(page.get_by_role("button", name="Send"))

    check = ProgressCheck.objects.get(participant=people.participant)
    assert dict(check.scores.values_list("area", "score")) == {"confidence": 8, "money": 5}
    assert not ProgressCheckDraft.objects.exists()
    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    check_page(page)


def test_the_check_works_without_javascript(page_without_javascript: Page, live_server, people: Personas) -> None:
    page = page_without_javascript
    sign_in(page, live_server.url, "pat@example.net", javascript=False)
    page.goto(f"{live_server.url}/me/progress/new/")
    page.get_by_label("6", exact=True).check()
    follow(page.get_by_role("button", name="Continue"))
    follow(page.get_by_role("button", name="Save and finish later"))
    follow(page.get_by_role("link", name="Carry on"))
    for _ in range(7):
        follow(page.get_by_role("button", name="Skip this question"))
    follow(page.get_by_role("button", name="Send"))

    check = ProgressCheck.objects.get(participant=people.participant)
    assert dict(check.scores.values_list("area", "score")) == {"confidence": 6}
