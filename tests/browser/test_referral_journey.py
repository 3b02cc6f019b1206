"""Issue 4's journey on a phone: Kim and Pat look at the services suggested for Pat, Pat asks for
one, agrees and chooses what to share; Kim sends it; Priya at the partner agency accepts it, records
that Pat started and what was delivered; then Pat stops sharing and Priya loses access at once.
Every page is checked with axe-core and for fitting the screen.
"""

import datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from coproduce.participants.models import Consent
from coproduce.plans.models import Barrier
from coproduce.referrals.models import Referral
from tests.browser.conftest import PHONE, follow
from tests.browser.test_journeys import check_page, sign_in
from tests.directory.factories import tag_service
from tests.personas import Personas, build_personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    people = build_personas()
    assessment = AssessmentFactory(participant=people.participant, aspirations="Work in an office, in school hours")
    AssessmentBarrierFactory(
        assessment=assessment,
        barrier=Barrier.MONEY_AND_DEBT,
        own_words="The debts keep me awake.",
        importance=3,
    )
    tag_service(people.partner_service, Barrier.MONEY_AND_DEBT)
    return people


def new_phone_page(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


def test_a_suggested_service_is_chosen_agreed_sent_accepted_completed_then_sharing_stops(
    browser: Browser, page: Page, live_server, people: Personas
) -> None:
    pat, service = people.participant, people.partner_service
    base = live_server.url

    # Kim reads the suggestions for Pat: each says why, and nothing is referred by itself.
    kim = new_phone_page(browser)
    sign_in(kim, base, "kim@fifelpt.example.org")
    kim.goto(f"{base}/participants/{pat.pk}/suggestions/")
    check_page(kim)
    expect(kim.get_by_text("Money and debt advice").first).to_be_visible()
    expect(kim.get_by_text("Helps with money and debt").first).to_be_visible()
    assert not Referral.objects.exists()

    # Pat picks the same service from her own suggestions, then agrees and ticks what to share.
    sign_in(page, base, "pat@example.net")
    page.goto(f"{base}/me/suggestions/")
    check_page(page)
    follow(page.get_by_role("link", name="I’d like this").first)
    check_page(page)
    page.get_by_label("Why would you like it? In your own words").fill("I want help to sort out my debts.")
    follow(page.get_by_role("button", name="Continue"))
    check_page(page)
    referral = Referral.objects.get(participant=pat, service=service)
    assert (referral.state, referral.proposed_by) == (Referral.State.PROPOSED, "participant")
    page.get_by_label("Name", exact=False).first.check()
    page.locator("input[name=shared_fields][value=mobile]").check()
    page.locator("input[name=shared_fields][value=barriers]").check()
    follow(page.get_by_role("button", name="I agree to share what I ticked"))
    check_page(page)
    referral.refresh_from_db()
    assert referral.state == Referral.State.AGREED
    assert sorted(referral.shared_fields) == ["barriers", "mobile", "name"]
    consent = Consent.objects.get(pk=referral.consent_id)
    assert (consent.purpose, consent.organisation, consent.given_how) == (
        Consent.Purpose.SHARE_WITH_ORGANISATION,
        people.partner_agency,
        Consent.How.ONLINE,
    )

    # Kim sends it.
    kim.goto(f"{base}/referrals/{referral.pk}/")
    check_page(kim)
    follow(kim.get_by_role("button", name="Send to Kingdom Money Advice"))
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT

    # Priya sees only what Pat shared, accepts, records the start and what was delivered.
    priya = new_phone_page(browser)
    sign_in(priya, base, people.partner_worker.user.email)
    check_page(priya)
    follow(priya.get_by_role("link", name=pat.full_name))
    check_page(priya)
    expect(priya.get_by_text("The debts keep me awake.")).to_be_visible()
    assert pat.email not in priya.content()
    follow(priya.get_by_role("button", name="Accept"))
    check_page(priya)
    follow(priya.get_by_role("link", name="Record that they started"))
    check_page(priya)
    priya.get_by_label("Date they started").fill(datetime.date.today().isoformat())
    follow(priya.get_by_role("button", name="Save"))
    referral.refresh_from_db()
    assert referral.state == Referral.State.STARTED
    priya.goto(f"{base}/partner/referrals/{referral.pk}/")
    follow(priya.get_by_role("link", name="Record what you delivered and how it ended"))
    check_page(priya)
    priya.get_by_label("Date it ended").fill(datetime.date.today().isoformat())
    priya.get_by_label("What you delivered").fill("A benefits check and a budget plan.")
    priya.get_by_label("How it ended").fill("Pat is on top of her debts.")
    follow(priya.get_by_role("button", name="Save"))
    referral.refresh_from_db()
    assert (referral.state, referral.delivered) == (Referral.State.COMPLETED, "A benefits check and a budget plan.")

    # Pat sees who holds her information and stops sharing in one step.
    page.goto(f"{base}/me/who-holds-my-information/")
    check_page(page)
    follow(page.get_by_role("link", name="Stop sharing"))
    check_page(page)
    follow(page.get_by_role("button", name="Stop sharing"))
    check_page(page)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None

    # Priya has lost access at once: the referral is gone from her inbox and its page.
    priya.goto(f"{base}/partner/")
    check_page(priya)
    expect(priya.get_by_text(pat.full_name)).to_have_count(0)
    response = priya.goto(f"{base}/partner/referrals/{referral.pk}/")
    assert response is not None
    assert response.status == 404
