"""On a 360-pixel phone: a member of the public finds a service from the start page, and two
people who share one phone each sign in with a link sent to it, choosing who they are only
once the link has proved they hold the phone."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import follow
from tests.browser.test_journeys import check_page
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def test_a_member_of_the_public_reaches_find_a_service_from_the_start_page(
    page: Page, live_server, people: Personas
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    check_page(page)
    follow(page.get_by_role("link", name="Find a service", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a service")
    check_page(page)
