"""Budgets as a shared decision, and the ways in to the budget and the 360Giving pages, on a phone.

The keyworker reaches a participant's budget from their record by clicks; the participant sees a
spend proposed for them and says yes; the funder reaches the 360Giving page from their home page.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from coproduce.budgets.models import Spend
from tests.browser.conftest import fits_the_screen, follow, menu_link, serious_accessibility_problems
from tests.browser.test_journeys import sign_in
from tests.budgets.factories import BudgetPotFactory, ProposedSpendFactory
from tests.personas import Personas, build_personas
from tests.plans.factories import GoalFactory
from tests.programmes.grant_factories import GrantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def check_page(page: Page) -> None:
    assert serious_accessibility_problems(page) == [], page.url
    assert fits_the_screen(page), f"{page.url} is wider than a phone screen"


def test_the_keyworker_reaches_the_budget_from_the_record_and_the_goal(
    page: Page, live_server, people: Personas
) -> None:
    pot = BudgetPotFactory(partnership=people.fife, name="Fife barrier fund")
    goal = GoalFactory(participant=people.participant, title="Get to interviews")
    ProposedSpendFactory(pot=pot, participant=people.participant, goal=goal, description="Train fare to Dundee")
    sign_in(page, live_server.url, "kim@fifelpt.example.org")
    follow(menu_link(page, "My caseload"))
    follow(page.get_by_role("link", name="Pat Participant"))
    follow(page.get_by_role("link", name="Budget: money asked for and spent on them"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget")
    expect(page.get_by_text("Waiting for Pat’s answer")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    check_page(page)

    follow(page.get_by_role("link", name="Their plan"))
    follow(page.get_by_role("link", name="Spending for this goal"))
    expect(page.get_by_text("Showing only the spending for the goal “Get to interviews”")).to_be_visible()
    expect(page.get_by_text("Train fare to Dundee")).to_be_visible()
    check_page(page)


def test_the_participant_sees_a_proposed_spend_and_says_yes(page: Page, live_server, people: Personas) -> None:
    pot = BudgetPotFactory(partnership=people.fife, name="Fife barrier fund")
    spend = ProposedSpendFactory(
        pot=pot, participant=people.participant, amount=Decimal("35.00"), description="Work boots"
    )
    sign_in(page, live_server.url, "07700 900001")
    follow(menu_link(page, "Money spent on me"))
    expect(page.get_by_text("Would you like this?", exact=True)).to_be_visible()
    expect(page.get_by_text("£35.00, paid by the programme.")).to_be_visible()
    check_page(page)

    follow(page.get_by_role("button", name="Yes, I’d like this"))
    expect(page.get_by_text("Thank you. You said yes.")).to_be_visible()
    expect(page.get_by_text("You said yes", exact=True)).to_be_visible()
    check_page(page)
    spend.refresh_from_db()
    assert (spend.participant_answer, spend.answered_how) == (Spend.Answer.YES, Spend.AnsweredHow.THEMSELVES)


def test_the_funder_reaches_the_360giving_page_from_their_home_page(page: Page, live_server, people: Personas) -> None:
    GrantFactory(
        partnership=people.fife,
        funder=people.funder_organisation,
        recipient=people.lead_organisation,
        reference="MIW-FIF-2013-01",
        title="Fife grant",
    )
    sign_in(page, live_server.url, "fran@goodcauses.example.org")
    expect(page).to_have_url(f"{live_server.url}/funder/")
    follow(page.get_by_role("link", name="Your grants as open data (360Giving)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Grants as open data (360Giving)")
    expect(page.get_by_text("your organisation’s 360Giving identifier prefix has not been set")).to_be_visible()
    assert "GIVING_PREFIX" not in page.content()
    check_page(page)
