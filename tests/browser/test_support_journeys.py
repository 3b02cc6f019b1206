"""Issue 3's journeys on a phone: the participant answers offered steps, fills in a progress
check and logs a job search; the keyworker records a home visit and offers a step; the manager
builds a group session from requests. Every page is checked with axe-core and for fitting the screen.
"""

import datetime

import pytest
from playwright.sync_api import Page, expect

from coproduce.plans.models import Contact, JobSearchEntry, ProgressArea, ProgressCheck, Step
from coproduce.voice.models import GroupSession, Invitation
from tests.browser.conftest import follow
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas
from tests.plans.factories import GoalFactory, StepFactory
from tests.voice.factories import RequestFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def test_pat_agrees_to_one_step_declines_another_checks_progress_and_logs_a_job_search(
    page: Page, live_server, people: Personas
) -> None:
    goal = GoalFactory(participant=people.participant, title="Work in care, in school hours")
    wanted = StepFactory(goal=goal, description="Go to the care taster day")
    unwanted = StepFactory(goal=goal, description="Do a weekend placement")

    sign_in(page, live_server.url, "pat@example.net")
    page.goto(f"{live_server.url}/me/plan/")
    check_page(page)
    follow(
        page.locator("form", has=page.locator(f"input[name=step][value='{wanted.pk}']")).get_by_role(
            "button", name="Yes, I’d like that"
        )
    )
    check_page(page)
    follow(
        page.locator("form", has=page.locator(f"input[name=step][value='{unwanted.pk}']")).get_by_role(
            "button", name="No thanks"
        )
    )
    wanted.refresh_from_db()
    unwanted.refresh_from_db()
    assert (wanted.state, wanted.answered_how) == (Step.State.AGREED, "themselves")
    assert (unwanted.state, unwanted.decline_reason) == (Step.State.DECLINED, "")

    page.goto(f"{live_server.url}/me/progress/new/")
    check_page(page)
    for number, _area in enumerate(ProgressArea.values):  # one question a screen
        page.locator(f"input[name=score][value='{3 + number % 5}']").check(force=True)
        follow(page.get_by_role("button", name="Continue"))
    check_page(page)  # check your answers
    follow(page.get_by_role("button", name="Send"))
    check = ProgressCheck.objects.get(participant=people.participant)
    assert (check.reader, check.scores.count()) == ("participant", 8)
    check_page(page)

    page.goto(f"{live_server.url}/me/job-search/new/")
    check_page(page)
    page.get_by_label("Applied").check(force=True)
    page.get_by_label("Employer").fill("Kirkcaldy Care Home")
    page.locator("#id_role").fill("Care assistant")
    follow(page.get_by_role("button", name="Add it"))
    entry = JobSearchEntry.objects.get(participant=people.participant)
    assert (entry.employer, entry.action) == ("Kirkcaldy Care Home", "applied")
    expect(page.get_by_text("Kirkcaldy Care Home").first).to_be_visible()
    check_page(page)


def test_kim_records_a_home_visit_and_offers_a_step(page: Page, live_server, people: Personas) -> None:
    pat = people.participant
    goal = GoalFactory(participant=pat, title="Get my debts sorted")
    sign_in(page, live_server.url, "kim@fifelpt.example.org")

    page.goto(f"{live_server.url}/participants/{pat.pk}/contacts/new/")
    check_page(page)
    page.get_by_label("Date").fill(datetime.date.today().isoformat())
    page.get_by_label("Home visit").check(force=True)
    page.get_by_label("Notes").fill("Visited at home: Ava was unwell. Went through the job search together.")
    follow(page.get_by_role("button", name="Record contact"))
    contact = Contact.objects.filter(participant=pat, kind="home_visit").get()
    assert "Ava was unwell" in contact.notes
    check_page(page)

    page.goto(f"{live_server.url}/participants/{pat.pk}/plan/")
    check_page(page)
    page.get_by_label("Offer a step towards this goal").fill("See the money adviser at Kingdom Money Advice")
    follow(page.get_by_role("button", name="Offer this step"))
    step = Step.objects.get(goal=goal)
    assert (step.state, step.proposed_by) == (Step.State.OFFERED, "keyworker")
    check_page(page)


def test_mo_builds_a_group_session_from_requests(page: Page, live_server, people: Personas) -> None:
    for someone in (people.participant, people.second_participant, people.other_participant):
        RequestFactory(participant=someone, topic="money", kind="group_on")
    sign_in(page, live_server.url, "mo@fifelpt.example.org")
    page.goto(f"{live_server.url}/requests/")
    check_page(page)
    follow(page.get_by_role("link", name="Set up a group session").first)
    check_page(page)
    for checkbox in page.locator("input[name=requests]").all():
        checkbox.check(force=True)
    page.get_by_label("Title").fill("Money matters drop-in")
    page.get_by_label("Topic").select_option("money")
    page.get_by_label("Date").fill((datetime.date.today() + datetime.timedelta(days=14)).isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place", exact=True).fill("Kirkcaldy Community Centre")
    page.get_by_label("Facilitator").fill("Kingdom Money Advice")
    page.get_by_label("Places").fill("12")
    page.get_by_label("Childcare provided").check(force=True)
    follow(page.get_by_role("button", name="Set up session"))
    session = GroupSession.objects.get(title="Money matters drop-in")
    assert session.requests.count() == 3
    check_page(page)
    follow(page.get_by_role("button", name="Invite the people who asked"))
    assert Invitation.objects.filter(group_session=session).count() == 3
    check_page(page)
