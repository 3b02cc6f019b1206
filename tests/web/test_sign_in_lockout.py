"""Sign-in lockouts: every spelling of an email or mobile number shares one count, one address
cannot try password after password across many accounts, and behind a proxy each person is
counted on their own address (docs/security.md)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.accounts.factories import PASSWORD
from tests.personas import Personas

WRONG = "The email address or mobile number and password do not match an account."
LOCKED = "Too many attempts to sign in"
PROXY = "10.0.0.1"  # the load balancer every request comes through, when there is one


@pytest.fixture(autouse=True)
def _limits() -> Iterator[None]:
    # Five tries per account and address (production's default), twelve per address for any accounts.
    with override_settings(AXES_FAILURE_LIMIT=5, COPRODUCE_SIGN_IN_ADDRESS_FAILURE_LIMIT=12):
        yield


def h1(response: Any) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "every page has an h1"
    return re.sub(r"\s+", " ", match.group(1)).strip()


def main_text(response: Any) -> str:
    """What the page says (its <main>), with whitespace made plain."""
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def try_sign_in(client: Client, username: str, password: str, **headers: str) -> Any:
    return client.post("/sign-in/", {"username": username, "password": password}, **headers)


def is_signed_in(client: Client) -> bool:
    return client.get("/home/").status_code == 302 and client.get("/me/").status_code == 200


@pytest.mark.parametrize(
    ("spellings", "right_spelling"),
    [
        (
            ["pat@example.net", "PAT@example.net", " Pat@Example.Net ", "pat@EXAMPLE.NET", "pAt@example.net"],
            "PAT@EXAMPLE.NET",
        ),
        (["07700 900001", "+447700900001", "447700900001", "+44 7700 900001", "07700900001"], "(07700) 900-001"),
    ],
    ids=["email", "mobile"],
)
def test_every_spelling_of_a_sign_in_shares_one_count_and_the_lock_holds_for_all_of_them(
    personas: Personas, spellings: list[str], right_spelling: str
) -> None:
    attacker = Client()
    for spelling in spellings[:4]:
        assert WRONG in try_sign_in(attacker, spelling, "guess").content.decode()

    fifth = try_sign_in(attacker, spellings[4], "guess")

    assert fifth.status_code == 429
    assert h1(fifth) == LOCKED
    # The right password, spelled yet another way, does not get round the lock.
    right = try_sign_in(attacker, right_spelling, PASSWORD)
    assert right.status_code == 429
    assert not is_signed_in(attacker)


def test_the_lock_page_says_what_to_do_and_is_the_same_whether_or_not_the_account_exists(personas: Personas) -> None:
    for_pat, for_nobody = Client(), Client(REMOTE_ADDR="192.0.2.40")
    for _ in range(5):
        pat_page = try_sign_in(for_pat, "pat@example.net", "guess")
        nobody_page = try_sign_in(for_nobody, "nobody-here@example.net", "guess")

    assert pat_page.status_code == nobody_page.status_code == 429
    assert main_text(pat_page) == main_text(nobody_page)
    text = main_text(pat_page)
    assert "Wait an hour, then try again." in text
    assert "your keyworker can send you a link to set a new password" in text
    assert "pat@example.net" not in pat_page.content.decode()


def test_signing_in_clears_the_count_for_the_spelling_that_was_used(personas: Personas) -> None:
    # Pat's username is her email address: the failures here are against her mobile number.
    pat = Client()
    for _ in range(4):
        try_sign_in(pat, "07700 900001", "a typo")
    assert try_sign_in(pat, "07700 900001", PASSWORD)["Location"] == "/home/"
    pat.post("/sign-out/")

    for _ in range(4):
        response = try_sign_in(pat, "07700 900001", "another typo")
        assert WRONG in response.content.decode()
    assert try_sign_in(pat, "07700 900001", PASSWORD)["Location"] == "/home/"


def test_one_address_trying_many_accounts_is_stopped_even_with_a_right_password(personas: Personas) -> None:
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    # One guess at each of twelve accounts, real and made up: never five at any one of them.
    for number in range(12):
        response = try_sign_in(sprayer, f"person{number}@example.net", "Summer2026!")
        assert response.status_code in (200, 429)
    assert response.status_code == 429
    assert h1(response) == LOCKED

    # Kim's right password from that address is refused too, so a guess that happens to be
    # right tells the sprayer nothing.
    kim_here = try_sign_in(sprayer, "kim@fifelpt.example.org", PASSWORD)
    assert kim_here.status_code == 429
    # Signing in to an account of one's own from there does not clear the address's count.
    assert try_sign_in(Client(REMOTE_ADDR="203.0.113.9"), "pat@example.net", PASSWORD).status_code == 429
    # Everyone else signs in as usual.
    elsewhere = try_sign_in(Client(REMOTE_ADDR="198.51.100.20"), "kim@fifelpt.example.org", PASSWORD)
    assert elsewhere["Location"] == "/home/"


@override_settings(COPRODUCE_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_one_attacker_cannot_lock_everyone_out(personas: Personas) -> None:
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(5):
        last = try_sign_in(attacker, "pat@example.net", "guess")
    assert last.status_code == 429

    # Pat, at home, comes through the same proxy: she is counted on her own address.
    pat = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert try_sign_in(pat, "pat@example.net", PASSWORD)["Location"] == "/home/"


@override_settings(COPRODUCE_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_an_attacker_cannot_pretend_to_be_someone_else(personas: Personas) -> None:
    # The attacker writes Pat's address into the header themselves; the proxy adds the real one.
    for number in range(5):
        last = try_sign_in(
            Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9"),
            "pat@example.net",
            "guess",
        )
    assert last.status_code == 429
    assert (
        try_sign_in(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1"), "pat@example.net", PASSWORD)[
            "Location"
        ]
        == "/home/"
    )


def test_without_a_proxy_the_forwarded_header_is_ignored(personas: Personas) -> None:
    for number in range(5):
        last = try_sign_in(
            Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"), "pat@example.net", "guess"
        )
    assert last.status_code == 429
    pretending = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    right = try_sign_in(pretending, "pat@example.net", PASSWORD)
    assert right.status_code == 429


def test_the_admin_sign_in_shares_the_same_counts(personas: Personas) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for spelling in ("ADA@coproduce.example.org", "ada@coproduce.example.org ", "Ada@Coproduce.Example.Org"):
        try_sign_in(attacker, spelling, "guess")
    for _ in range(2):
        last = attacker.post(
            "/admin/login/?next=/admin/", {"username": "ada@coproduce.example.org", "password": "guess"}
        )
    assert last.status_code == 429
    assert h1(last) == LOCKED
