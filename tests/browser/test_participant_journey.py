"""The participant changes their mind, on a 360-pixel phone: a "no thanks" becomes "yes".

Every page visited is checked with axe-core and for fitting the screen.
"""

import pytest
from playwright.sync_api import Page, expect

from coproduce.plans.models import Step
from coproduce.plans.services.plan import decline_step
from tests.browser.conftest import fits_the_screen, follow, menu_link, serious_accessibility_problems
from tests.browser.test_journeys import sign_in
from tests.personas import Personas, build_personas
from tests.plans.factories import GoalFactory, StepFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def check_page(page: Page) -> None:
    assert serious_accessibility_problems(page) == [], page.url
    assert fits_the_screen(page), f"{page.url} is wider than a phone screen"


def test_a_participant_changes_no_thanks_to_yes(phone: Page, live_server, people: Personas) -> None:
    page = phone
    goal = GoalFactory(participant=people.participant, title="Find work near home")
    step = StepFactory(goal=goal, description="Try a taster day at the nursery")
    decline_step(actor=people.participant.user, step_id=step.pk, expected_version=1)
    sign_in(page, live_server.url, "07700 900001")
    follow(menu_link(page, "My plan"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    check_page(page)
    page.get_by_text("Change your answer").click()
    expect(page.get_by_text("You said “no thanks” to this. You can change your mind.")).to_be_visible()
    check_page(page)
    follow(page.get_by_role("button", name="Yes, I’d like that"))
    expect(page.get_by_text("You changed your answer to “yes”. It is now part of your plan.")).to_be_visible()
    check_page(page)
    step.refresh_from_db()
    assert (step.state, step.answer_changed_from) == (Step.State.AGREED, Step.State.DECLINED)


def test_a_participant_reads_what_withdrawing_support_means_then_gives_it_again(
    phone: Page, live_server, people: Personas
) -> None:
    page = phone
    sign_in(page, live_server.url, "07700 900001")
    follow(page.get_by_role("link", name="Withdraw consent to receive support", exact=False).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to withdraw your consent?")
    expect(page.get_by_role("heading", name="What happens to your support")).to_be_visible()
    expect(page.get_by_role("heading", name="What happens to your information")).to_be_visible()
    check_page(page)
    follow(page.get_by_role("button", name="Yes, withdraw my consent"))
    expect(page.get_by_text("You have withdrawn your consent. It stops straight away.")).to_be_visible()
    check_page(page)
    follow(page.get_by_role("link", name="Give it again", exact=False).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Give your consent again")
    check_page(page)
    follow(page.get_by_role("button", name="Yes, give my consent again"))
    expect(page.get_by_text("You have given your consent again, from today.")).to_be_visible()
    assert people.participant.consents.filter(purpose="service", withdrawn_at__isnull=True).count() == 1
