"""On a 360 px phone: Kim opens her caseload on today's and this week's to-do list, and Mo moves
Olive to Kim, whose caseload is at the limit, only after confirming. Every page is checked with
axe-core and for fitting the screen."""

from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from coproduce.participants.models import Participant
from coproduce.programmes.models import Partnership
from tests.browser.conftest import follow, menu_link
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas
from tests.plans.factories import AppointmentFactory, StepFactory

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


def test_kim_starts_her_day_from_the_caseload_to_do_list(narrow_page: Page, live_server, people: Personas) -> None:
    page = narrow_page
    pat = people.participant
    AppointmentFactory(
        participant=pat, starts_at=timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0)
    )
    StepFactory(goal__participant=pat, description="Try the CV workshop", wants_to_talk=True)
    sign_in(page, live_server.url, people.keyworker.user.email)
    follow(menu_link(page, "My caseload"))
    check_page(page)
    expect(page.get_by_role("heading", name="Today and this week")).to_be_visible()
    expect(page.get_by_text("Try the CV workshop")).to_be_visible()
    follow(page.get_by_role("link", name="Pat Participant").first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pat Participant")


def test_mo_moves_olive_to_kim_over_the_caseload_limit_only_after_confirming(
    narrow_page: Page, live_server, people: Personas
) -> None:
    page = narrow_page
    Partnership.objects.filter(pk=people.fife.pk).update(caseload_limit=2)
    sign_in(page, live_server.url, people.manager.user.email)
    follow(menu_link(page, "Participants"))
    check_page(page)
    follow(page.get_by_role("link", name="Olive Other").first)
    follow(page.get_by_role("link", name="Move to another keyworker"))
    check_page(page)
    choice = page.get_by_label("New keyworker")
    kim_option = choice.locator("option", has_text="Kim Keyworker")
    expect(kim_option).to_contain_text("2 of 2 active, at the limit")
    choice.select_option(label=kim_option.inner_text())
    follow(page.get_by_role("button", name="Change keyworker"))
    check_page(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("the caseload limit is 2")
    assert Participant.objects.get(pk=people.other_participant.pk).keyworker_id == people.other_keyworker.pk

    page.locator("label", has_text="Yes, they can take one more").click()  # the GOV.UK box sits under its label
    expect(page.get_by_label("Yes, they can take one more")).to_be_checked()
    follow(page.get_by_role("button", name="Change keyworker"))
    check_page(page)
    expect(page.get_by_text("Olive Other's keyworker is now Kim Keyworker.")).to_be_visible()
    assert Participant.objects.get(pk=people.other_participant.pk).keyworker_id == people.keyworker.pk
