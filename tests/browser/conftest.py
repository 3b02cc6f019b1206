"""Browser journeys: Playwright drives Debian's Chromium (never a downloaded browser) on a phone-sized screen."""

import os
import shutil
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}  # a small Android phone, the narrowest screen we design for
# Without these, Chromium tries to reach Google's services, which this machine's network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One browser per worker: keep the journeys on the same xdist worker.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; the Django test database is
    # still only touched synchronously, from this thread and the live server's.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


AXE = Axe()


T = TypeVar("T")


def _on_the_loaded_page(page: Page, evaluate: Callable[[], T]) -> T:
    """Run a check in the page once it has loaded, again if a navigation replaced it meanwhile.

    A click on a link or a form's button returns as soon as the navigation starts, so a check
    straight after it can run in a document that is being torn down ("Execution context was
    destroyed", or axe finding no documentElement). The check then runs on the page that loads.
    """
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            return evaluate()
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
    raise AssertionError("unreachable")


def serious_accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    results = _on_the_loaded_page(page, lambda: AXE.run(page))
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def fits_the_screen(page: Page) -> bool:
    """No sideways scrolling of the whole page on a phone (wide tables scroll inside their wrapper)."""
    no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    return bool(_on_the_loaded_page(page, lambda: page.evaluate(no_sideways_scroll)))


def follow(link_or_button: Locator) -> None:
    """Click a link or a form's button and wait until the page it leads to has loaded.

    A bare click returns once the request is on its way, before the server has answered, so
    the test could read the database or the page before the change it asked for was made.
    """
    with link_or_button.page.expect_navigation():
        link_or_button.click()


def menu_link(page: Page, name: str) -> Locator:
    """The main menu's link called `name`, opening the menu first where a phone folds it away.

    Journeys reach pages through this, so they keep working however the menu is laid out.
    """
    link = page.get_by_role("navigation", name="Main menu").get_by_role("link", name=name, exact=True)
    if not link.first.is_visible():
        toggle = page.get_by_role("button", name="Menu", exact=True).or_(
            page.get_by_role("link", name="Menu", exact=True)
        )
        toggle.first.click()
    return link.first
