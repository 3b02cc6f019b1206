"""Issue 6's journey on a phone: Eve codes a passage of a new transcript by selecting it, Ezra
(the second coder, at another institution) codes the same passage differently, the agreement
figures change as he does, and Eve puts the passage in the quote bank and exports it with its
attribution. Every page is checked with axe-core and for fitting the screen.
"""

import csv
import datetime
import io

import pytest
from playwright.sync_api import Browser, Page, expect

from coproduce.research.models import CodedSegment, Interview, Quote, Transcript
from tests.browser.conftest import PHONE, follow
from tests.browser.test_journeys import check_page, sign_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = (
    "Interviewer: What changed for you?\n"
    "Service user: Nobody ever told me what to do. It was always my choice.\n"
    "Service user: The bus to the college takes an hour each way.\n"
)
PASSAGE = "It was always my choice."


@pytest.fixture
def people(transactional_db: None) -> Personas:
    people = build_personas()
    story = people.research
    interview = Interview.objects.create(
        wave=story.wave_2016,
        partnership=people.fife,
        kind=Interview.Kind.PARTICIPANT,
        research_consent=story.pat_consent,
        status=Interview.Status.DONE,
        held_on=datetime.date(2016, 5, 3),
        interviewer=people.evaluator.user,
        consent_confirmed=True,
    )
    Transcript.objects.create(
        interview=interview,
        partnership=people.fife,
        wave=story.wave_2016,
        speaker_label="Service User",
        title="Pat, second interview",
        text=TEXT,
        status=Transcript.Status.READY,
        uploaded_by=people.evaluator.user,
    )
    return people


def new_phone_page(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


def overall_figures(page: Page) -> list[str]:
    """The cells of the agreement table's last row (all codes together)."""
    return [cell.strip() for cell in page.locator("table tbody tr").last.locator("td").all_inner_texts()]


def test_two_coders_code_a_passage_differently_the_agreement_changes_and_a_quote_is_exported(
    browser: Browser, page: Page, live_server, people: Personas
) -> None:
    base = live_server.url
    transcript = Transcript.objects.get(title="Pat, second interview")
    start = TEXT.index(PASSAGE)

    # Eve selects the passage with her finger: the page fills in the words and where they start.
    sign_in(page, base, "eve@ceu.example.ac.uk")
    page.goto(f"{base}/research/coding/")
    check_page(page)
    follow(page.get_by_role("link", name="Code Pat, second interview"))
    check_page(page)
    page.evaluate(
        """(passage) => {
            const paragraphs = [...document.querySelectorAll('[data-offset]')];
            const paragraph = paragraphs.find(p => p.textContent.includes(passage));
            const text = paragraph.firstChild;
            const range = document.createRange();
            range.setStart(text, text.textContent.indexOf(passage));
            range.setEnd(text, text.textContent.indexOf(passage) + passage.length);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
            const transcript = document.querySelector('[data-coding-transcript]');
            transcript.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        PASSAGE,
    )
    expect(page.locator("[data-coding-passage]")).to_have_value(PASSAGE)
    expect(page.locator("[data-coding-start]")).to_have_value(str(start))
    page.get_by_label("Choice", exact=True).check()
    follow(page.get_by_role("button", name="Apply codes"))
    check_page(page)
    eves = CodedSegment.objects.get(transcript=transcript, coder=people.evaluator.user)
    assert (eves.code.name, eves.start, eves.end, eves.text) == ("Choice", start, start + len(PASSAGE), PASSAGE)

    # With one coder there is nothing to agree on yet.
    page.goto(f"{base}/research/transcripts/{transcript.pk}/agreement/")
    check_page(page)
    # Units, coders, percentage agreement, Cohen's kappa (Eve and Ezra), Krippendorff's alpha.
    assert overall_figures(page) == ["0", "1", "not defined", "not defined"]

    # Ezra, coding on his own without JavaScript's help, types the words and chooses Childcare.
    ezra = new_phone_page(browser)
    sign_in(ezra, base, "ezra@npr.example.ac.uk")
    ezra.goto(f"{base}/research/transcripts/{transcript.pk}/code/")
    check_page(ezra)
    expect(ezra.locator("blockquote")).to_have_count(0)  # he does not see Eve's coding
    ezra.get_by_label("Passage (exact words)").fill(PASSAGE)
    ezra.get_by_label("Childcare", exact=True).check()
    follow(ezra.get_by_role("button", name="Apply codes"))
    check_page(ezra)
    assert list(
        CodedSegment.objects.filter(transcript=transcript, coder__username="ezra@npr.example.ac.uk").values_list(
            "code__name", "start"
        )
    ) == [("Childcare", start)]

    # Now there are figures, and they say the coders differ.
    page.reload()
    check_page(page)
    # Four sentences × two codes: they differ on two of the eight decisions.
    assert overall_figures(page) == ["8", "2", "75.0%", "75.0%", "-0.143", "-0.071"]

    # Ezra agrees that it is about choice too: the figures change again.
    ezra.get_by_label("Passage (exact words)").fill(PASSAGE)
    ezra.get_by_label("Choice", exact=True).check()
    follow(ezra.get_by_role("button", name="Apply codes"))
    page.reload()
    assert overall_figures(page) == ["8", "2", "87.5%", "87.5%", "0.600", "0.615"]

    # Eve quotes her passage; the quote bank attributes it as the paper does, and exports it.
    follow(page.get_by_role("button", name="Quote this passage (Choice").first)
    check_page(page)
    quote = Quote.objects.get(transcript=transcript)
    assert (quote.text, quote.attribution) == (PASSAGE, "Service User, Fife, 2016")
    expect(page.get_by_text("Service User, Fife, 2016").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    [row] = [row for row in rows if row["text"] == PASSAGE]
    assert row == {
        "text": PASSAGE,
        "attribution": "Service User, Fife, 2016",
        "codes": "Childcare; Choice",
        "themes": "Barriers; Choice and control",
        "note": "",
    }
