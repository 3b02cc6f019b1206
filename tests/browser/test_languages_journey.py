"""Pat reads his own page in Polish and in Arabic on a 360-pixel phone; Jo asks for help in Arabic.

Each page is checked for sideways scrolling and with axe-core (no serious or critical finding),
and, once the translators have finished, for English left in the middle of it: any visible
text in <main> that is exactly an English message the .po file translates into something else.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.accounts.factories import PASSWORD
from tests.browser.conftest import follow
from tests.browser.test_journeys import check_page
from tests.i18n.po import catalogue, english_left_in
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)

NARROW_PHONE = {"width": 360, "height": 740}
LANGUAGE_NAMES = {"pl": "Polski", "ar": "العربية"}

# Every text node the reader can see in <main>, whitespace collapsed.
VISIBLE_TEXT = """() => {
  const main = document.querySelector("main");
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const element = node.parentElement;
    if (!text || !element || element.closest("script, style, [hidden], [aria-hidden='true']")) continue;
    const style = window.getComputedStyle(element);
    if (style.display === "none" || style.visibility === "hidden") continue;
    texts.push(text);
  }
  return texts;
}"""


# Where a radio's real input is, and the middle of the circle GOV.UK Frontend draws for it (::before).
RADIO_AND_ITS_CIRCLE = """item => {
  const input = item.querySelector("input").getBoundingClientRect();
  const circle = window.getComputedStyle(item.querySelector("label"), "::before");
  const left = item.getBoundingClientRect().left + parseFloat(circle.left);
  return {input_left: input.left, input_right: input.right, circle_middle: left + parseFloat(circle.width) / 2};
}"""


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=NARROW_PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def pats_page_in(page: Page, base_url: str, language: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Email address or mobile number").fill("07700 900001")
    page.get_by_label("Password").fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))
    page.goto(f"{base_url}/me/")
    # The switcher on his page keeps his choice on his record.
    follow(page.get_by_role("button", name=LANGUAGE_NAMES[language]))
    expect(page).to_have_url(f"{base_url}/me/")


@pytest.mark.parametrize(("language", "direction"), [("pl", "ltr"), ("ar", "rtl")])
def test_pats_page_in_his_language_fits_a_phone_and_passes_axe(
    phone: Page, live_server, people: Personas, language: str, direction: str
) -> None:
    pats_page_in(phone, live_server.url, language)

    html = phone.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", direction)
    check_page(phone)
    people.participant.refresh_from_db()
    assert people.participant.language == language
    # His other pages follow, and so does his language page, which says which is chosen.
    follow(phone.locator('main a[href="/me/plan/"]').first)
    expect(html).to_have_attribute("lang", language)
    check_page(phone)
    phone.goto(f"{live_server.url}/me/language/")
    expect(phone.get_by_label(LANGUAGE_NAMES[language])).to_be_checked()
    check_page(phone)


@pytest.mark.parametrize("language", ["pl", "ar"])
def test_pats_page_has_no_english_left_in_it(phone: Page, live_server, people: Personas, language: str) -> None:
    po = catalogue(language)
    pats_page_in(phone, live_server.url, language)

    texts = phone.evaluate(VISIBLE_TEXT)

    assert texts, "Nothing visible in <main>."
    assert english_left_in(texts, po) == []


def test_asking_for_help_in_arabic_fits_a_phone_and_passes_axe(phone: Page, live_server, people: Personas) -> None:
    phone.goto(f"{live_server.url}/ask-for-help/")
    follow(phone.get_by_role("button", name="العربية"))

    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    check_page(phone)
    # The language they chose is already the answer to the form's first question.
    expect(phone.locator('input[name="language"][value="ar"]')).to_be_checked()
    # Radios in right to left: the circle drawn for each one sits over the real (invisible) input.
    for item in phone.locator(".govuk-radios__item").all():
        where = item.evaluate(RADIO_AND_ITS_CIRCLE)
        assert where["input_left"] <= where["circle_middle"] <= where["input_right"], where
