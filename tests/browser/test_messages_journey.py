"""On a 360 px phone: Pat chooses texts about her appointments, and someone without a password asks
for a sign-in link. Every page is checked with axe-core and for fitting the screen."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from coproduce.notifications.models import ContactPreference
from tests.browser.conftest import follow
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)

NARROW_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


@pytest.fixture
def narrow_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=NARROW_PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_pat_chooses_texts_about_her_appointments(narrow_page: Page, live_server, people: Personas) -> None:
    page = narrow_page
    sign_in(page, live_server.url, "07700 900001")
    follow(page.get_by_role("link", name="How we contact you: texts and emails"))
    expect(page.get_by_role("heading", level=1)).to_have_text("How we contact you")
    check_page(page)
    page.get_by_label("By text message", exact=True).check()
    page.get_by_label("My appointments, and reminders of them").check()
    follow(page.get_by_role("button", name="Save my choice"))
    expect(page.get_by_text("Your choice is saved.")).to_be_visible()
    expect(page.get_by_label("By text message", exact=True)).to_be_checked()
    check_page(page)
    preference = ContactPreference.objects.get(participant=people.participant)
    assert (preference.channel, preference.topics) == ("text", ["appointments"])
    follow(page.get_by_role("link", name="See the messages we sent you"))
    expect(page.get_by_text("We have not sent you any messages yet.")).to_be_visible()
    check_page(page)


def test_someone_without_a_password_asks_for_a_sign_in_link(narrow_page: Page, live_server, people: Personas) -> None:
    page = narrow_page
    page.goto(f"{live_server.url}/sign-in/")
    follow(page.get_by_role("link", name="No password, or forgotten it? Get a sign-in link by text or email"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Get a sign-in link")
    check_page(page)
    page.get_by_label("Your mobile number or email address").fill("07700 900001")
    follow(page.get_by_role("button", name="Send me a link"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your phone or email")
    check_page(page)
