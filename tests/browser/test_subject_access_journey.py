"""Subject access on a phone: Pat asks for a copy of everything held about him and downloads it,
with JavaScript and without; Mo logs a request made to staff, decides on a restricted note,
prepares, releases and downloads the copy. Every page is checked with axe-core and for fitting a
360-pixel-wide screen."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from coproduce.subject_access.models import SubjectAccessRequest
from tests.browser.conftest import PHONE, follow, menu_link
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas
from tests.plans.factories import ContactFactory
from tests.subject_access.copies import open_copy

pytestmark = pytest.mark.django_db(transaction=True)

OPEN_NOTE = "Talked about what kind of work would fit around the school run."
RESTRICTED_NOTE = "Pat's former partner phoned the centre asking where he lives."


@pytest.fixture
def people(transactional_db: None) -> Personas:
    people = build_personas()
    ContactFactory(
        participant=people.participant,
        happened_on=datetime.date(2026, 10, 5),
        notes=RESTRICTED_NOTE,
        restricted_at=timezone.now(),
        restricted_reason="Safeguarding",
        restricted_by=people.keyworker.user,
    )
    return people


def test_pat_asks_for_his_copy_and_downloads_it_on_his_phone(
    page: Page, live_server, people: Personas, tmp_path: Path
) -> None:
    sign_in(page, live_server.url, "pat@example.net")
    follow(page.get_by_role("link", name="Download a copy of everything you hold about me"))
    expect(page.get_by_role("heading", level=1)).to_have_text("A copy of everything we hold about you")
    expect(page.get_by_text("You have not asked for a copy yet.")).to_be_visible()
    check_page(page)

    follow(page.get_by_role("button", name="Ask for a copy"))
    # The test server runs tasks at once, as `make demo` does: the copy is ready when the page loads.
    expect(page.get_by_role("heading", name="Your copy is ready")).to_be_visible()
    check_page(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your copy").click()
    download = download_info.value
    assert download.suggested_filename == f"my-data-MIW-FIF-00001-{timezone.localdate():%Y-%m-%d}.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    copy = open_copy(saved.read_bytes())
    assert [contact["notes"] for contact in copy.data["contacts"]] == [OPEN_NOTE]
    assert not copy.contains(RESTRICTED_NOTE)
    assert copy.pdf_is_tagged


def test_without_javascript_pat_still_gets_his_copy(
    page_without_javascript: Page, live_server, people: Personas
) -> None:
    page = page_without_javascript
    sign_in(page, live_server.url, "pat@example.net", javascript=False)
    page.goto(f"{live_server.url}/me/my-data/")
    follow(page.get_by_role("button", name="Ask for a copy"))
    expect(page.get_by_role("link", name="Download your copy")).to_be_visible()
    assert SubjectAccessRequest.objects.get().status == SubjectAccessRequest.Status.RELEASED


def test_mo_handles_a_request_made_to_staff_on_her_phone(browser: Browser, live_server, people: Personas) -> None:
    mo = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(mo, live_server.url, "mo@fifelpt.example.org")
    mo.goto(f"{live_server.url}/participants/{people.participant.pk}/")
    follow(mo.get_by_role("link", name="Log a request for a copy of their data"))
    check_page(mo)
    mo.get_by_label("Date the request was received").fill(timezone.localdate().isoformat())
    mo.get_by_label("By letter").check()
    mo.get_by_label("The participant", exact=True).check()
    mo.get_by_label("Photo identification seen").check()
    follow(mo.get_by_role("button", name="Log the request"))
    expect(mo.get_by_role("heading", level=1)).to_contain_text("Request SAR-")
    check_page(mo)
    request_page = mo.url
    follow(mo.get_by_role("link", name="Extend the deadline"))
    check_page(mo)
    mo.goto(request_page)

    follow(mo.get_by_role("link", name="Decide on the note of 5 October 2026"))
    check_page(mo)
    mo.get_by_label("Yes: withhold this note").check()
    mo.get_by_label("Your reason").fill("His safety: the note names where he lives now.")
    follow(mo.get_by_role("button", name="Record the decision"))
    follow(mo.get_by_role("button", name="Prepare the copy"))
    expect(mo.get_by_text("1 restricted note is withheld")).to_be_visible()
    check_page(mo)
    follow(mo.get_by_role("button", name="Release the copy"))
    check_page(mo)
    with mo.expect_download() as download_info:
        mo.get_by_role("link", name="Download the copy to hand over").click()
    copy = open_copy(Path(download_info.value.path()).read_bytes())
    assert not copy.contains(RESTRICTED_NOTE)

    follow(menu_link(mo, "Data requests"))
    expect(mo.get_by_role("link", name=SubjectAccessRequest.objects.get().reference)).to_be_visible()
    check_page(mo)
