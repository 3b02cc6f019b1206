"""Issue 11 §2 on a 360 px phone: Kim takes Paula on her visits, loses the signal, records a note and
two step answers, and when the signal returns they arrive, except the one someone changed meanwhile,
which is shown beside the server's version for her to settle. The site installs as a web app, keeps
nothing of a participant's own pages, and signing out wipes the phone.
"""

import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from coproduce.offline.services import take_on_visits
from coproduce.plans.models import Contact, ProgressArea, ProgressCheck, Step
from coproduce.plans.services.plan import decline_step
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, follow
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas
from tests.plans.factories import GoalFactory, ProgressCheckFactory, StepFactory

pytestmark = pytest.mark.django_db(transaction=True)

NARROW_PHONE = {"width": 360, "height": 740}
KIM = "kim@fifelpt.example.org"
PAT = "pat@example.net"
OFFLINE_DATABASE = "coproduce-offline"


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=NARROW_PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


def offline_databases(page: Page) -> list[str]:
    names: list[str] = page.evaluate("indexedDB.databases().then((all) => all.map((database) => database.name))")
    return names


def cached_addresses(page: Page) -> list[str]:
    script = """async () => {
        const found = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) found.push(new URL(request.url).pathname);
        }
        return found.sort();
    }"""
    addresses: list[str] = page.evaluate(script)
    return addresses


def wait_for_the_stored_shell(page: Page) -> None:
    page.wait_for_function(
        "caches.keys().then(async (names) => {"
        "  for (const name of names) if (await (await caches.open(name)).match('/visits/shell/')) return true;"
        "  return false;"
        "})"
    )


def test_a_visit_recorded_with_no_signal_arrives_and_a_conflicting_edit_is_shown_not_lost(
    phone: BrowserContext, live_server: Any, people: Personas
) -> None:
    paula = people.second_participant
    goal = GoalFactory(participant=paula, title="Work in care, in school hours")
    taster = StepFactory(goal=goal, description="Go to the care taster day")
    evening = StepFactory(goal=goal, description="Go to the college open evening")
    page = phone.new_page()

    sign_in(page, live_server.url, KIM)
    page.goto(f"{live_server.url}/participants/{paula.pk}/")
    follow(page.get_by_role("button", name="Take on today’s visits"))
    page.goto(f"{live_server.url}/visits/")
    card = page.locator("article", has=page.locator(f"#offline-person-{paula.pk}"))
    expect(card).to_be_visible()
    expect(page.locator("#offline-waiting")).to_have_text("Waiting to send: 0")
    check_page(page)

    phone.set_offline(True)
    expect(page.locator("#offline-connection")).to_contain_text("No signal")
    card.get_by_label("Notes").fill("Kitchen table, no signal. Paula wants to try the taster day.")
    card.get_by_role("button", name="Save the note").click()
    expect(page.locator("#offline-waiting")).to_have_text("Waiting to send: 1")
    page.locator(f"#step{taster.pk}-agree").check()
    page.locator("li.cp-step", has=page.locator(f"#step{taster.pk}-agree")).get_by_role(
        "button", name="Save the answer"
    ).click()
    page.locator(f"#step{evening.pk}-agree").check()
    page.locator("li.cp-step", has=page.locator(f"#step{evening.pk}-agree")).get_by_role(
        "button", name="Save the answer"
    ).click()
    expect(page.locator("#offline-waiting")).to_have_text("Waiting to send: 3")
    expect(page.locator(".cp-outbox")).to_contain_text("Contact note for Paula")
    check_page(page)
    assert not Contact.objects.filter(notes__startswith="Kitchen table").exists()

    # Meanwhile, Paula phones the office and says no to the open evening.
    decline_step(
        actor=people.keyworker.user,
        step_id=evening.pk,
        expected_version=1,
        answered_how="phone",
        reason="Evenings are bedtime",
    )

    phone.set_offline(False)
    expect(page.locator("#offline-waiting")).to_have_text("Waiting to send: 1")
    contact = Contact.objects.get(notes="Kitchen table, no signal. Paula wants to try the taster day.")
    assert (contact.participant, contact.kind, contact.recorded_by) == (paula, "home_visit", people.keyworker.user)
    taster.refresh_from_db()
    evening.refresh_from_db()
    assert (taster.state, taster.answered_how) == (Step.State.AGREED, "in_person")
    assert (evening.state, evening.decline_reason) == (Step.State.DECLINED, "Evenings are bedtime")

    conflict = page.locator(".cp-outbox__item")
    columns = conflict.locator(".cp-side-by-side__column")
    expect(columns).to_have_text(
        ["Yours, recorded on this phoneThey agreed", "Now on the serverDeclined: “Evenings are bedtime”"]
    )
    check_page(page)
    # The choice is still waiting after the page is opened again: nothing is dropped on its own.
    page.reload()
    expect(page.locator("#offline-waiting")).to_have_text("Waiting to send: 1")
    expect(page.get_by_role("button", name="Keep theirs")).to_be_visible()

    page.get_by_role("button", name="Keep theirs").click()
    expect(page.locator("#offline-waiting")).to_have_text("Waiting to send: 0")
    evening.refresh_from_db()
    assert (evening.state, evening.decline_reason, evening.version) == (Step.State.DECLINED, "Evenings are bedtime", 2)


def test_a_progress_check_recorded_offline_after_a_newer_one_is_settled_by_changing_mine(
    phone: BrowserContext, live_server: Any, people: Personas
) -> None:
    paula = people.second_participant
    take_on_visits(actor=people.keyworker.user, participant_id=paula.pk)
    page = phone.new_page()
    sign_in(page, live_server.url, KIM)
    page.goto(f"{live_server.url}/visits/")
    card = page.locator("article", has=page.locator(f"#offline-person-{paula.pk}"))
    expect(card).to_be_visible()

    phone.set_offline(True)
    card.get_by_text("Record a progress check").click()
    card.get_by_label("Confidence, from 1 to 10").select_option("7")
    card.get_by_role("button", name="Save the progress check").click()
    expect(page.locator("#offline-waiting")).to_have_text("Waiting to send: 1")
    # Meanwhile Paula fills in her own check on her phone.
    theirs = ProgressCheckFactory(participant=paula, scores={"confidence": 3})

    phone.set_offline(False)
    conflict = page.locator(".cp-outbox__item")
    expect(conflict).to_contain_text("Someone recorded a progress check after you took this person with you.")
    expect(conflict.locator(".cp-side-by-side__column").first).to_contain_text("Confidence: 7")
    expect(conflict.locator(".cp-side-by-side__column").last).to_contain_text("Confidence: 3")
    check_page(page)
    assert ProgressCheck.objects.filter(participant=paula).count() == 1

    page.get_by_role("button", name="Change mine").click()
    page.get_by_label("Confidence (on the server: 3)").select_option("5")
    page.get_by_role("button", name="Send this check").click()

    expect(page.locator("#offline-waiting")).to_have_text("Waiting to send: 0")
    mine = ProgressCheck.objects.filter(participant=paula).exclude(pk=theirs.pk).get()
    assert (mine.reader, mine.recorded_by) == ("participant", people.keyworker.user)
    assert dict(mine.scores.values_list("area", "score")) == dict.fromkeys(ProgressArea.values, 5)


def test_with_no_signal_the_visits_page_opens_from_the_phone(
    phone: BrowserContext, live_server: Any, people: Personas
) -> None:
    take_on_visits(actor=people.keyworker.user, participant_id=people.second_participant.pk)
    page = phone.new_page()
    sign_in(page, live_server.url, KIM)
    page.goto(f"{live_server.url}/visits/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the worker, which keeps the shell once the live page has opened
    expect(page.locator(f"#offline-person-{people.second_participant.pk}")).to_be_visible()
    wait_for_the_stored_shell(page)

    phone.set_offline(True)
    page.goto(f"{live_server.url}/visits/")

    expect(page.locator(f"#offline-person-{people.second_participant.pk}")).to_contain_text(
        people.second_participant.full_name
    )
    expect(page.locator("#offline-connection")).to_contain_text("No signal")
    check_page(page)


def test_the_site_installs_as_a_web_app(browser: Browser, live_server: Any, people: Personas) -> None:
    # Installing needs a profile that is not off the record, as Playwright's contexts are.
    with tempfile.TemporaryDirectory() as profile:
        context = browser.browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=NARROW_PHONE
        )
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/sign-in/")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            cdp = context.new_cdp_session(page)
            manifest = cdp.send("Page.getAppManifest")
            installability = cdp.send("Page.getInstallabilityErrors")
        finally:
            context.close()
    assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
    assert manifest["errors"] == []
    assert installability["installabilityErrors"] == []


def test_the_phone_keeps_nothing_of_a_participants_own_pages(
    phone: BrowserContext, live_server: Any, people: Personas
) -> None:
    page = phone.new_page()
    sign_in(page, live_server.url, PAT)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{live_server.url}/me/")
    page.goto(f"{live_server.url}/me/plan/")
    check_page(page)

    assert [address for address in cached_addresses(page) if not address.startswith("/static/")] == []
    assert OFFLINE_DATABASE not in offline_databases(page)


def test_signing_out_wipes_the_phone(phone: BrowserContext, live_server: Any, people: Personas) -> None:
    take_on_visits(actor=people.keyworker.user, participant_id=people.second_participant.pk)
    page = phone.new_page()
    sign_in(page, live_server.url, KIM)
    page.goto(f"{live_server.url}/visits/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    expect(page.locator(f"#offline-person-{people.second_participant.pk}")).to_be_visible()
    wait_for_the_stored_shell(page)
    assert OFFLINE_DATABASE in offline_databases(page)

    follow(page.get_by_role("button", name="Sign out"))

    assert OFFLINE_DATABASE not in offline_databases(page)
    assert "/visits/shell/" not in cached_addresses(page)
