"""Every page a demo role's main menu reaches fits a 360-pixel phone, and the menu opens there.

Each role of the README's role tour signs in to the demo programme on a phone, follows every
link of its main menu, and finds each page no wider than the screen and without serious
accessibility problems. The menu folds away on a phone: "Menu" opens it with JavaScript (a
button) and without (a link), and every page in it can then be reached.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from coproduce.demo.builder import build_demo
from coproduce.demo.data import DEMO_PASSWORD
from tests.browser.conftest import fits_the_screen, follow, menu_link, serious_accessibility_problems
from tests.browser.test_journeys import sign_in
from tests.demo.test_demo import SEED
from tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db(transaction=True)

# The demo accounts of the README's role tour, one per role.
DEMO_ROLES = {
    "participant": "nicola.watt@example.net",
    "keyworker": "kirsty.morrison@kingdomlpt.example.org",
    "partner worker": "fiona.baird@kingdommoney.example.org",
    "partnership manager": "morag.henderson@kingdomlpt.example.org",
    "funder": "douglas.reid@saltiregoodcauses.example.org",
    "evaluator": "aileen.mckay@carrick.example.ac.uk",
    "administrator": "iain.fraser@coproduce.example.org",
    "lived-experience board member": "lorraine.kerr@example.net",
}

# Enough people in each area to fill every list a menu reaches; build_demo needs one per area.
PARTICIPANTS = 60


@pytest.fixture
def demo(transactional_db: None) -> None:
    build_demo(participants=PARTICIPANTS, seed=SEED)


def main_menu_urls(page: Page) -> list[str]:
    """The pages the main menu links to (not the links that open or close the menu itself)."""
    menu = page.get_by_role("navigation", name="Main menu")
    links = menu.locator("a[href]:not([href^='#'])")
    return [str(link.get_attribute("href")) for link in links.all()]


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_page_of_a_roles_main_menu_fits_a_phone(page: Page, live_server, demo: None, role: str) -> None:
    base = live_server.url
    sign_in(page, base, DEMO_ROLES[role], DEMO_PASSWORD)
    if not main_menu_urls(page):  # the administrator lands in Django's admin, which has its own menu
        page.goto(base + reverse("web:api_tokens"))
    urls = main_menu_urls(page)
    assert urls, f"The {role} has no main menu"

    problems = []
    for url in urls:
        response = page.goto(base + url)
        assert response is not None
        if response.status != 200:
            problems.append(f"{url}: answered {response.status}")
            continue
        if not fits_the_screen(page):
            width = page.evaluate("document.documentElement.scrollWidth")
            problems.append(f"{url}: {width} px wide on a 360 px screen")
        problems += [f"{url}: {problem}" for problem in serious_accessibility_problems(page)]
    assert problems == [], f"The {role}'s menu pages:\n" + "\n".join(problems)


@pytest.fixture
def people(transactional_db: None) -> Personas:
    return build_personas()


def test_the_menu_opens_without_javascript_and_reaches_every_page(
    page_without_javascript: Page, live_server, people: Personas
) -> None:
    page = page_without_javascript
    sign_in(page, live_server.url, "mo@fifelpt.example.org", javascript=False)
    menu = page.get_by_role("navigation", name="Main menu")
    data_requests = menu.get_by_role("link", name="Data requests", exact=True)
    expect(data_requests).to_be_hidden()
    expect(page.get_by_role("button", name="Menu", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Menu", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/partnership/#main-menu")
    # The manager's pages are grouped under headings, each group a list named by its heading.
    for heading in ("Overview", "People", "Services and referrals", "Money", "Governance", "Data protection"):
        expect(menu.get_by_role("list", name=heading)).to_be_visible()
    for name in ("Area overview", "Staff", "Find a service", "Grants", "Partnership board", "Data requests"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()

    page.get_by_role("link", name="Close menu").click()
    expect(data_requests).to_be_hidden()

    follow(menu_link(page, "Data requests"))
    expect(page).to_have_url(f"{live_server.url}{reverse('web:subject_access_list')}")
    expect(menu.locator("[aria-current=page]")).to_have_text("Data requests")


def test_the_menu_button_opens_and_closes_the_menu_with_javascript(page: Page, live_server, people: Personas) -> None:
    sign_in(page, live_server.url, "pat@example.net")
    menu = page.get_by_role("navigation", name="Main menu")
    my_plan = menu.get_by_role("link", name="My plan", exact=True)
    button = page.get_by_role("button", name="Menu", exact=True)
    expect(my_plan).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Menu", exact=True)).to_have_count(0)

    # By keyboard: the button opens the menu, and the next Tab reaches its first link.
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(my_plan).to_be_visible()
    expect(page.get_by_role("link", name="Close menu")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="My page", exact=True)).to_be_focused()
    assert serious_accessibility_problems(page) == []
    assert fits_the_screen(page)

    # Escape closes it and puts the focus back on the button.
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(my_plan).to_be_hidden()

    follow(menu_link(page, "My plan"))
    expect(page).to_have_url(f"{live_server.url}{reverse('web:my_plan')}")


def test_on_a_wide_screen_the_menu_is_open_and_has_no_button(browser: Browser, live_server, people: Personas) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "mo@fifelpt.example.org")
        menu = page.get_by_role("navigation", name="Main menu")
        expect(menu.get_by_role("link", name="Data requests", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
        assert serious_accessibility_problems(page) == []
    finally:
        context.close()
