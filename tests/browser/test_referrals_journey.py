"""Issue 12's referral journeys on a 360 px phone.

Priya follows the "overdue" warning to the inbox showing only overdue referrals, filters it by state
(without JavaScript too), and writes to Kim about Pat's referral; Kim reads it on his referral page
and answers. Pat rates the money advice she finished; Mo sees the service's average on "Service
ratings" once five people have rated it, and "Fewer than 5 ratings" before.
"""

import datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from coproduce.referrals.models import Referral, ReferralMessage, ServiceRating
from tests.browser.conftest import follow, menu_link
from tests.browser.test_journeys import check_page, sign_in
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas, build_personas
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)

NARROW_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas().with_referrals()


def phone(browser: Browser, *, javascript: bool = True) -> Page:
    context = browser.new_context(viewport=NARROW_PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript)
    page = context.new_page()
    # The first page a fresh live server serves can be slow on a busy machine.
    page.set_default_navigation_timeout(120_000)
    return page


def finished_referral(people: Personas, participant: object) -> Referral:
    referral = ReferralFactory(
        participant=participant, service=people.partner_service, reason="Money advice", started=True
    )
    Referral.objects.filter(pk=referral.pk).update(state=Referral.State.COMPLETED, ended_on=datetime.date.today())
    return referral


def test_priya_follows_the_overdue_warning_and_writes_to_kim(browser: Browser, live_server, people: Personas) -> None:
    base = live_server.url
    Referral.objects.filter(pk=people.referral.pk).update(answer_due_on=datetime.date.today() - datetime.timedelta(1))

    priya = phone(browser)
    sign_in(priya, base, "priya@kma.example.org")
    follow(menu_link(priya, "Referrals"))
    check_page(priya)
    follow(priya.get_by_role("link", name="1 referral is overdue"))
    check_page(priya)
    assert priya.url.endswith("/partner/?state=overdue")
    expect(priya.get_by_text("1 referral (overdue: waiting for your answer)")).to_be_visible()

    follow(priya.get_by_role("link", name="Pat Participant"))
    check_page(priya)
    priya.get_by_label("Your message").fill("Can Pat come in on Tuesday morning?")
    follow(priya.get_by_role("button", name="Send message"))
    check_page(priya)
    expect(priya.get_by_text("Can Pat come in on Tuesday morning?")).to_be_visible()

    kim = phone(browser)
    sign_in(kim, base, "kim@fifelpt.example.org")
    kim.goto(f"{base}/referrals/{people.referral.pk}/")
    check_page(kim)
    expect(kim.get_by_text("Can Pat come in on Tuesday morning?")).to_be_visible()
    kim.get_by_label("Your message").fill("Yes, after 9:30.")
    follow(kim.get_by_role("button", name="Send message"))
    assert list(ReferralMessage.objects.order_by("pk").values_list("text", flat=True)) == [
        "Can Pat come in on Tuesday morning?",
        "Yes, after 9:30.",
    ]


def test_the_inbox_filter_works_without_javascript(browser: Browser, live_server, people: Personas) -> None:
    base = live_server.url
    priya = phone(browser, javascript=False)
    sign_in(priya, base, "priya@kma.example.org", javascript=False)
    priya.goto(f"{base}/partner/")
    priya.get_by_label("Show", exact=True).select_option("accepted")
    follow(priya.get_by_role("button", name="Show referrals"))
    assert priya.url.endswith("/partner/?state=accepted")
    expect(priya.get_by_text("No referrals match “Accepted”.")).to_be_visible()
    follow(priya.get_by_role("link", name="Show all referrals").first)
    expect(priya.get_by_role("link", name="Pat Participant")).to_be_visible()


def test_pats_rating_shows_on_the_managers_page_once_five_people_rated(
    browser: Browser, live_server, people: Personas
) -> None:
    base = live_server.url
    for score in (5, 4, 4, 3):
        someone = ParticipantFactory(keyworker=people.keyworker)
        referral = finished_referral(people, someone)
        ServiceRating.objects.create(
            referral=referral, service=people.partner_service, participant=someone, score=score
        )
    pats = finished_referral(people, people.participant)

    # Four ratings: Mo sees that there are too few to show.
    mo = phone(browser)
    sign_in(mo, base, "mo@fifelpt.example.org")
    follow(menu_link(mo, "Service ratings"))
    check_page(mo)
    ratings = mo.locator(".cp-service-ratings")
    expect(ratings.get_by_text("Fewer than 5 ratings").first).to_be_visible()
    expect(ratings).not_to_contain_text("out of 5")

    # Pat rates the service from her referrals.
    pat = phone(browser)
    sign_in(pat, base, "pat@example.net")
    follow(menu_link(pat, "My page"))
    follow(pat.get_by_role("link", name="My referrals"))
    check_page(pat)
    follow(pat.get_by_role("link", name="Rate this service"))
    check_page(pat)
    pat.get_by_label("5 – Very good").check()
    pat.get_by_label("Tell us why in a sentence (optional)").fill("They sorted my debts out with me.")
    pat.get_by_label("Do not show my name to the service").check()
    follow(pat.get_by_role("button", name="Save my rating"))
    check_page(pat)
    expect(pat.get_by_text("5 out of 5")).to_be_visible()
    assert ServiceRating.objects.get(referral=pats).anonymous is True

    # Five ratings: the average (5 + 4 + 4 + 3 + 5) / 5 shows, with no names.
    mo.reload()
    check_page(mo)
    expect(ratings).to_contain_text("Money and debt advice")
    expect(ratings).to_contain_text("4.2 out of 5, from 5 ratings")
    expect(ratings).not_to_contain_text("Pat")
