"""What each simulated member of staff does under `make load` (loadtest/locustfile.py).

Kept apart from locust (which patches the standard library when imported) so that the same steps
run in the tests through Django's test client. A `Browser` asks for a path and says whether the
answer was the one expected; locust's adapter counts any other answer as an error.
"""

import datetime
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser(Protocol):
    def get(self, path: str, name: str, expect: tuple[int, ...] = (200,)) -> tuple[int, str]: ...

    def post(self, path: str, data: dict[str, str], name: str, expect: tuple[int, ...] = (302,)) -> tuple[int, str]: ...


@dataclass(frozen=True)
class Account:
    """A member of staff to sign in as: a keyworker (with their caseload) or a partnership manager
    (with participants of their area)."""

    email: str
    role: str
    participants: list[int] = field(default_factory=list)


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


def sign_in(browser: Browser, account: Account, password: str) -> None:
    """The sign-in form, as a person fills it in (django-axes and the session as usual)."""
    _, html = browser.get("/sign-in/", "sign in (form)")
    browser.post(
        "/sign-in/",
        {"csrfmiddlewaretoken": csrf_token(html), "username": account.email, "password": password},
        "sign in",
    )


def record_contact(browser: Browser, account: Account, rng: random.Random) -> None:
    """A write: a phone call noted on one of the caseload."""
    pk = rng.choice(account.participants)
    _, html = browser.get(f"/participants/{pk}/contacts/new/", "/participants/[id]/contacts/new/")
    browser.post(
        f"/participants/{pk}/contacts/new/",
        {
            "csrfmiddlewaretoken": csrf_token(html),
            "happened_on": datetime.date.today().isoformat(),
            "kind": "phone",
            "duration_minutes": "10",
            "notes": "Called to check how the week went (load test).",
            "version": "",
        },
        "/participants/[id]/contacts/new/ (POST)",
    )


def _page(path: str, name: str | None = None) -> Callable[[Browser, Account, random.Random], None]:
    def visit(browser: Browser, account: Account, rng: random.Random) -> None:
        pk = rng.choice(account.participants) if "{pk}" in path else 0
        browser.get(path.format(pk=pk), name or path.replace("{pk}", "[id]"))

    return visit


Step = Callable[[Browser, Account, random.Random], None]

# (weight, step): what a keyworker and a manager do most often, from the pages they live in.
KEYWORKER_STEPS: list[tuple[int, Step]] = [
    (4, _page("/caseload/")),
    (3, _page("/participants/{pk}/")),
    (2, _page("/participants/{pk}/contacts/")),
    (2, _page("/participants/{pk}/plan/")),
    (1, _page("/caseload/?search=a&status=active", "/caseload/?search=")),
    (1, _page("/requests/")),
    (1, _page("/api/v1/participants")),
    (1, record_contact),
]
MANAGER_STEPS: list[tuple[int, Step]] = [
    (3, _page("/partnership/participants/")),
    (2, _page("/partnership/")),
    (2, _page("/partnership/dashboard/")),
    (2, _page("/requests/")),
    (1, _page("/partnership/participants/?search=mc", "/partnership/participants/?search=")),
    (1, _page("/participants/{pk}/")),
]


def one_step(browser: Browser, account: Account, rng: random.Random) -> None:
    """One thing this person does next, chosen by the weights above (every account has participants)."""
    steps = KEYWORKER_STEPS if account.role == "keyworker" else MANAGER_STEPS
    step = rng.choices([step for _, step in steps], weights=[weight for weight, _ in steps])[0]
    step(browser, account, rng)
