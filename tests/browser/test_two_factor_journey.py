"""Two-factor sign-in on a phone: Kim sets up an authenticator app, then signs in with a
recovery code. Every page is checked with axe-core and for fitting the screen."""

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from coproduce.accounts import two_factor
from tests.accounts.test_two_factor import code_now
from tests.browser.conftest import follow
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def test_a_keyworker_sets_up_an_app_then_signs_in_with_a_recovery_code(
    page: Page, live_server, people: Personas
) -> None:
    base = live_server.url
    with override_settings(STAFF_TWO_FACTOR_REQUIRED=True):
        sign_in(page, base, "kim@fifelpt.example.org")
        expect(page).to_have_url(f"{base}/account/two-factor/set-up/?next=/home/")
        check_page(page)
        expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
        setup = two_factor.pending_setup(people.keyworker.user)
        assert setup is not None
        page.get_by_label("Code", exact=True).fill(code_now(setup.device))
        follow(page.get_by_role("button", name="Turn on two-factor sign-in"))
        check_page(page)
        codes = page.locator("main li code").all_inner_texts()
        assert len(codes) == 10
        follow(page.get_by_role("link", name="Continue"))
        expect(page).to_have_url(f"{base}/caseload/")

        follow(page.get_by_role("button", name="Sign out"))
        sign_in(page, base, "kim@fifelpt.example.org")
        expect(page).to_have_url(f"{base}/sign-in/code/?next=/home/")
        check_page(page)
        page.get_by_label("Code", exact=True).fill(codes[0])
        follow(page.get_by_role("button", name="Continue"))
        expect(page).to_have_url(f"{base}/caseload/")
        check_page(page)
        expect(page.get_by_text("You used a recovery code: 9 left.")).to_be_visible()
