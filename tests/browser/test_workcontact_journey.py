"""Issue 12 on a 360-pixel phone: Kim sets her work phone and email from her account links, and
Pat then finds them on his own page, ready to tap to call or write."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, follow
from tests.browser.test_journeys import check_page, people, sign_in  # noqa: F401 (people is a fixture)
from tests.personas import Personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_kim_sets_her_work_contact_details_and_pat_sees_them(
    page: Page,
    browser: Browser,
    live_server,
    people: Personas,  # noqa: F811
) -> None:
    sign_in(page, live_server.url, "kim@fifelpt.example.org")
    follow(page.get_by_role("link", name="Your work contact details"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work contact details")
    check_page(page)
    page.get_by_label("Work phone").fill("01632 960001")
    page.get_by_label("Work email").fill("not an email")
    follow(page.get_by_role("button", name="Save my work contact details"))
    expect(page.get_by_role("link", name="Enter a work email address, like name@example.org.")).to_be_visible()
    check_page(page)
    page.get_by_label("Work email").fill("kim.keyworker@example.org")
    follow(page.get_by_role("button", name="Save my work contact details"))
    expect(page.get_by_text("Your work contact details are saved.")).to_be_visible()
    expect(page.get_by_label("Work phone")).to_have_value("01632 960001")
    check_page(page)

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    pat = context.new_page()
    try:
        sign_in(pat, live_server.url, "07700 900001")
        expect(pat.get_by_text("Your keyworker: Kim Keyworker")).to_be_visible()
        expect(pat.get_by_role("link", name="01632 960001")).to_have_attribute("href", "tel:+441632960001")
        expect(pat.get_by_role("link", name="kim.keyworker@example.org")).to_have_attribute(
            "href", "mailto:kim.keyworker@example.org"
        )
        check_page(pat)
    finally:
        context.close()
