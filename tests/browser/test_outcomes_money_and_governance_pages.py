"""Issue 5's pages on a phone, each checked with axe-core and for fitting the screen: outcomes
and budget for Kim and Pat, the partnership's dashboard, budgets, board and targets for Mo, the
board for Bea (a lived-experience member), and the funder's dashboard, targets, grants, labour
market and 360Giving pages for Fran. Kim also records a job start, which schedules its checks.
"""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page

from coproduce.outcomes.models import Outcome, SustainmentCheck
from tests.browser.conftest import PHONE, follow
from tests.browser.test_journeys import check_page, sign_in
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory
from tests.outcomes.factories import JobStartFactory, WorkWishFactory
from tests.personas import Personas, build_personas
from tests.programmes.grant_factories import GrantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    people = build_personas()
    pat = people.participant
    WorkWishFactory(participant=pat, recorded_by=people.keyworker.user)
    JobStartFactory(participant=people.second_participant, recorded_by=people.keyworker.user)
    pot = BudgetPotFactory(partnership=people.fife)
    ApprovedSpendFactory(pot=pot, participant=pat, amount=Decimal("35.00"))
    GrantFactory(partnership=people.fife, funder=people.funder_organisation, recipient=people.lead_organisation)
    return people


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    check_page(page)


def new_phone_page(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


def test_kim_records_a_job_start_and_every_new_page_is_accessible_on_a_phone(
    browser: Browser, page: Page, live_server, people: Personas
) -> None:
    base = live_server.url
    pat = people.participant

    sign_in(page, base, "kim@fifelpt.example.org")
    visit(page, f"{base}/participants/{pat.pk}/outcomes/")
    visit(page, f"{base}/participants/{pat.pk}/work-wish/")
    visit(page, f"{base}/participants/{pat.pk}/budget/")
    visit(page, f"{base}/participants/{pat.pk}/outcomes/new/")
    page.get_by_label("Started a job").check(force=True)
    page.locator("#id_achieved_on").fill(datetime.date.today().isoformat())
    page.locator("#id_description").fill("Receptionist")
    page.locator("#id_employer_sector").select_option("admin")
    page.locator("#id_hours_per_week").fill("20")
    page.locator("#id_contract_type").select_option("permanent")
    page.locator("#id_hourly_pay").fill("13.50")
    page.get_by_label("Contract or offer letter").check(force=True)
    follow(page.get_by_role("button", name="Record outcome"))
    check_page(page)
    job = Outcome.objects.get(participant=pat, kind=Outcome.Kind.JOB_START)
    assert sorted(SustainmentCheck.objects.filter(outcome=job).values_list("weeks", flat=True)) == [4, 13, 26, 52]

    pat_page = new_phone_page(browser)
    sign_in(pat_page, base, "pat@example.net")
    visit(pat_page, f"{base}/me/achievements/")
    visit(pat_page, f"{base}/me/money/")

    mo = new_phone_page(browser)
    sign_in(mo, base, "mo@fifelpt.example.org")
    for path in ("/partnership/dashboard/", "/partnership/budgets/", "/partnership/board/", "/partnership/targets/"):
        visit(mo, base + path)

    bea = new_phone_page(browser)
    sign_in(bea, base, "bea@example.net")
    visit(bea, f"{base}/board/")

    fran = new_phone_page(browser)
    sign_in(fran, base, "fran@goodcauses.example.org")
    for path in (
        "/funder/dashboard/",
        "/funder/targets/",
        "/funder/grants/",
        "/funder/labour-market/",
        "/funder/360giving/",
    ):
        visit(fran, base + path)
