"""One journey per role: sign in on a phone, land on the home page, see what the role should see.

Every page visited is checked with axe-core (no serious or critical findings) and for fitting a
360-pixel-wide screen.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import PASSWORD
from tests.browser.conftest import fits_the_screen, follow, serious_accessibility_problems
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD, *, javascript: bool = True) -> None:
    page.goto(f"{base_url}/sign-in/")
    if javascript:  # axe-core runs as JavaScript in the page
        check_page(page)
    page.get_by_label("Email address or mobile number").fill(username)
    page.get_by_label("Password").fill(password)
    follow(page.get_by_role("button", name="Sign in"))


def check_page(page: Page) -> None:
    assert serious_accessibility_problems(page) == [], page.url
    assert fits_the_screen(page), f"{page.url} is wider than a phone screen"


def test_the_public_can_ask_for_help_without_an_account(page: Page, live_server, people: Personas) -> None:
    page.goto(live_server.url + "/")
    check_page(page)
    follow(page.get_by_role("link", name="Ask for help").first)
    check_page(page)
    page.get_by_label("Your name").fill("Jo Example")
    page.get_by_label("Fife").check()
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address").fill("jo@example.com")
    follow(page.get_by_role("button", name="Send"))
    expect(page.get_by_role("heading", level=1)).to_have_text("We have your message")
    check_page(page)


def test_a_participant_sees_their_own_page(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "07700 900001")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat")
    expect(page.get_by_text("Kim Keyworker").first).to_be_visible()
    check_page(page)
    assert "Olive" not in page.content()


def test_a_keyworker_sees_their_caseload(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "kim@fifelpt.example.org")
    expect(page).to_have_url(f"{live_server.url}/caseload/")
    check_page(page)
    expect(page.get_by_role("link", name="Pat Participant")).to_be_visible()
    assert "Olive" not in page.content()
    follow(page.get_by_role("link", name="Pat Participant"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat Participant")
    check_page(page)


def test_a_partnership_manager_sees_the_area(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "mo@fifelpt.example.org")
    expect(page).to_have_url(f"{live_server.url}/partnership/")
    check_page(page)
    expect(page.get_by_text("Kim Keyworker").first).to_be_visible()
    follow(page.get_by_role("link", name="Enquiries").first)
    expect(page.get_by_text("Erin Enquirer").first).to_be_visible()
    check_page(page)


def test_a_funder_sees_only_aggregates(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "fran@goodcauses.example.org")
    expect(page).to_have_url(f"{live_server.url}/funder/")
    check_page(page)
    expect(page.get_by_text("fewer than 5").first).to_be_visible()
    for name in ("Pat", "Paula", "Olive", "Gemma"):
        assert name not in page.content()


def test_an_evaluator_is_told_what_they_may_see(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "eve@ceu.example.ac.uk")
    expect(page).to_have_url(f"{live_server.url}/research/")
    check_page(page)
    assert "Pat" not in page.content()


def test_a_partner_worker_sees_no_participant_yet(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "priya@kma.example.org")
    expect(page).to_have_url(f"{live_server.url}/partner/")
    check_page(page)
    expect(page.get_by_text("Kingdom Money Advice").first).to_be_visible()
    assert "Pat" not in page.content()


def test_an_administrator_lands_on_the_administration(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "ada@coproduce.example.org")
    expect(page).to_have_url(f"{live_server.url}/admin/")


def test_signing_in_and_the_caseload_work_without_javascript(
    page_without_javascript: Page, live_server, people: Personas
) -> None:
    page = page_without_javascript
    sign_in(page, live_server.url, "kim@fifelpt.example.org", javascript=False)
    expect(page).to_have_url(f"{live_server.url}/caseload/")
    page.get_by_label("Search").fill("Paula")
    follow(page.get_by_role("button", name="Search"))
    expect(page.get_by_role("link", name="Paula Second")).to_be_visible()
    assert "Pat Participant" not in page.locator("table").inner_text()
