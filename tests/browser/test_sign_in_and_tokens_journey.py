"""On a phone: Kim makes an API token, sees its key once and revokes it; the lockout page and a
refused "Ask for help" say what to do. Every page is checked with axe-core and for fitting the
screen, and the token pages are used without JavaScript too."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from coproduce.accounts.models import ApiToken
from tests.browser.conftest import follow
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def make_and_revoke_a_token(page: Page, base: str, *, javascript: bool) -> None:
    follow(page.get_by_role("link", name="API tokens"))
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    if javascript:
        check_page(page)
    follow(page.get_by_role("link", name="Make an API token"))
    if javascript:
        check_page(page)
    page.get_by_label("What is it for?").fill("Caseload sync")
    page.get_by_label("30 days").check()
    follow(page.get_by_role("button", name="Make the token"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    if javascript:
        check_page(page)
    key = page.locator("#api-token-key").inner_text()
    assert re.fullmatch(r"cpd_[\w-]{43}", key)
    follow(page.get_by_role("link", name="Back to your API tokens"))
    follow(page.get_by_role("button", name="Revoke Caseload sync"))
    expect(page.get_by_text("“Caseload sync” is revoked: it no longer works.")).to_be_visible()
    if javascript:
        check_page(page)


def test_kim_makes_and_revokes_a_token_on_a_phone(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "kim@fifelpt.example.org")
    make_and_revoke_a_token(page, live_server.url, javascript=True)
    assert ApiToken.objects.get(user=people.keyworker.user).revoked_at is not None


def test_the_token_pages_work_without_javascript(page_without_javascript: Page, live_server, people: Personas) -> None:
    sign_in(page_without_javascript, live_server.url, "kim@fifelpt.example.org", javascript=False)
    make_and_revoke_a_token(page_without_javascript, live_server.url, javascript=False)
    assert ApiToken.objects.get(user=people.keyworker.user).revoked_at is not None


def test_the_lockout_page_and_a_refused_ask_for_help_are_accessible(page: Page, live_server, people: Personas) -> None:
    with override_settings(
        AXES_FAILURE_LIMIT=2, COPRODUCE_API_ENQUIRY_RATE="1/h", COPRODUCE_HELP_PHONE="0808 157 0192"
    ):
        for _ in range(2):
            sign_in(page, live_server.url, "pat@example.net", "not the password")
        expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
        check_page(page)

        for _ in range(2):
            page.goto(f"{live_server.url}/ask-for-help/")
            page.get_by_label("Your name").fill("Jo Example")
            page.get_by_label("Fife").check()
            page.get_by_label("Email", exact=True).check()
            page.get_by_label("Email address").fill("jo@example.com")
            follow(page.get_by_role("button", name="Send"))
        expect(page.get_by_text("Your message has not been sent yet")).to_be_visible()
        expect(page.get_by_label("Your name")).to_have_value("Jo Example")
        expect(page.get_by_role("link", name="0808 157 0192")).to_have_attribute("href", "tel:08081570192")
        check_page(page)
