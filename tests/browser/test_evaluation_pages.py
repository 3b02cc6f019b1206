"""Issue 6's pages on a phone, each checked with axe-core and for fitting the screen: every page
of Eve's evaluation workspace, Pat's research consent and survey pages, and Kim's research
consent page for Pat. Pat also answers the survey on her phone.
"""

import pytest
from playwright.sync_api import Page

from coproduce.research.models import SurveyResponse
from tests.browser.conftest import follow
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas().with_research()


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    check_page(page)


def test_every_page_of_the_evaluation_workspace_is_accessible_on_a_phone(
    page: Page, live_server, people: Personas
) -> None:
    base = live_server.url
    story = people.research
    pat_transcript, kim_transcript = story.pat_transcript.pk, story.kim_transcript.pk
    survey = story.survey.pk

    sign_in(page, base, "eve@ceu.example.ac.uk")
    for path in [
        "/research/",
        "/research/waves/",
        "/research/waves/new/",
        f"/research/waves/{story.wave_2015.pk}/",
        "/research/stakeholders/",
        "/research/stakeholders/new/",
        f"/research/stakeholders/{story.kim_stakeholder.pk}/",
        "/research/interviews/",
        "/research/interviews/new/",
        f"/research/interviews/{story.pat_interview.pk}/",
        f"/research/interviews/{story.pat_interview.pk}/edit/",
        "/research/table1/",
        "/research/sampling/",
        f"/research/sampling/?wave={story.wave_2016.pk}&per_area=2",
        "/research/transcripts/",
        "/research/transcripts/upload/",
        "/research/transcripts/policy/",
        f"/research/transcripts/{kim_transcript}/",
        f"/research/transcripts/{pat_transcript}/",
        "/research/codebook/",
        f"/research/codebook/{story.codebook.pk}/edit/",
        f"/research/codes/{story.choice.pk}/edit/",
        "/research/coding/",
        f"/research/transcripts/{pat_transcript}/code/",
        f"/research/transcripts/{pat_transcript}/compare/",
        "/research/agreement/",
        f"/research/transcripts/{pat_transcript}/agreement/",
        "/research/quotes/",
        f"/research/segments/{story.quote.segment_id}/quote/",
        "/research/analytics/",
        "/research/surveys/",
        "/research/surveys/new/",
        f"/research/surveys/{survey}/",
        f"/research/surveys/{survey}/results/",
        f"/research/surveys/{survey}/questions/{story.text_question.pk}/answers/",
    ]:
        visit(page, base + path)


def test_pat_answers_the_survey_and_sees_her_research_consent_on_her_phone(
    page: Page, live_server, people: Personas
) -> None:
    base = live_server.url
    sign_in(page, base, "pat@example.net")
    visit(page, f"{base}/me/")
    follow(page.get_by_role("link", name="Answer their survey").first)
    check_page(page)
    visit(page, f"{base}/me/surveys/")
    visit(page, f"{base}/me/surveys/{people.research.pat_invitation.pk}/")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_label("At home").check()
    page.get_by_label("What would you change about the service?").fill("Sessions after school pick-up.")
    follow(page.get_by_role("button", name="Send my answers"))
    check_page(page)
    assert SurveyResponse.objects.count() == 2
    visit(page, f"{base}/me/research/")

    sign_in(page, base, "kim@fifelpt.example.org")
    visit(page, f"{base}/participants/{people.participant.pk}/research/")
