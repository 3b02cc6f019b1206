"""Erasure on a phone: Mo records Pat's request to erase her data from her record, keeps it for now
for the funder's audit period, changes his mind and anonymises it; Priya's inbox tells her what to
delete, and she says she has, without JavaScript. Every page is checked with axe-core and for
fitting a 360-pixel-wide screen."""

import pytest
from playwright.sync_api import Browser, Page, expect

from coproduce.participants.models import Participant
from coproduce.retention.models import ErasureRequest, PartnerDeletionNotice
from tests.browser.conftest import PHONE, follow
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas().with_referrals()


def test_mo_records_and_decides_pats_request_and_priya_deletes_what_she_received(
    page: Page, browser: Browser, live_server, people: Personas
) -> None:
    sign_in(page, live_server.url, "mo@fifelpt.example.org")
    follow(page.get_by_role("link", name="Keeping and erasing personal data"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Keeping and erasing personal data")
    check_page(page)

    page.goto(f"{live_server.url}/participants/{people.participant.pk}/")
    follow(page.get_by_role("link", name="Record a request to erase their data"))
    check_page(page)
    page.get_by_label("On the phone").check()
    follow(page.get_by_role("button", name="Record the request"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Request to erase their data")
    check_page(page)

    # Kept for now: the funder's audit period, until the end of March 2031.
    page.get_by_label("The funder's audit period: grant records must be kept for audit").check()
    page.get_by_label("When does the reason end?").fill("2031-03-31")
    follow(page.get_by_role("button", name="Keep it until that date"))
    expect(page.get_by_text("Their data is kept until 31 March 2031, then anonymised.")).to_be_visible()
    check_page(page)

    # Then anonymised after all: without the box ticked, a message; with it, done.
    follow(page.get_by_role("button", name="Anonymise their record now"))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_page(page)
    page.get_by_label("I understand that this cannot be undone").check()
    follow(page.get_by_role("button", name="Anonymise their record now"))
    expect(page.get_by_text("Their record is anonymised.")).to_be_visible()
    check_page(page)
    assert Participant.objects.get(pk=people.participant.pk).anonymised_at is not None
    assert ErasureRequest.objects.get(participant=people.participant).status == "done"

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    priya = context.new_page()
    sign_in(priya, live_server.url, "priya@kma.example.org", javascript=False)
    expect(priya.get_by_role("heading", name="Delete what you received")).to_be_visible()
    assert "Pat" not in priya.locator("main").inner_text()
    follow(priya.get_by_role("button", name="We have deleted it"))
    expect(priya.get_by_text(f"Thank you: referral {people.referral.pk} is recorded as deleted.")).to_be_visible()
    context.close()
    assert PartnerDeletionNotice.objects.get(referral=people.referral).deleted_at is not None
