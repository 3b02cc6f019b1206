"""The public pages, signing in, setting a password from a link, and the error pages."""

import re
from collections.abc import Callable

import pytest
from django.db import DatabaseError
from django.test import Client, RequestFactory, override_settings

from coproduce.web import errors
from tests.accounts.factories import PASSWORD
from tests.personas import Personas

WRONG = "The email address or mobile number and password do not match an account."


def h1(response: object) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)  # type: ignore[attr-defined]
    assert match, "every page has an h1"
    return re.sub(r"\s+", " ", match.group(1)).strip()


@pytest.mark.django_db
def test_the_start_page_tells_a_lone_parent_what_this_is_and_that_it_is_their_choice(client: Client) -> None:
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert h1(response) == "Support to find work that fits your life"
    assert "Joining is voluntary. You can stop at any time." in body
    assert "There are no sanctions." in body
    assert 'href="/ask-for-help/"' in body
    assert 'href="/sign-in/"' in body


@pytest.mark.django_db
def test_the_privacy_page_says_who_sees_what_in_plain_words(client: Client) -> None:
    response = client.get("/privacy/")
    body = response.content.decode()
    assert response.status_code == 200
    assert h1(response) == "How we use your information"
    for who in ("Your keyworker", "The manager of your local team", "The funder", "Researchers"):
        assert f'<dt class="govuk-summary-list__key">{who}</dt>' in body
    assert "Only totals, like how many people found work." in body
    assert "Nobody can change or delete that list." in body


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("pat@example.net", "/me/"),
        ("PAT@example.net", "/me/"),
        ("07700 900001", "/me/"),
        ("+44 7700 900001", "/me/"),
        ("447700900001", "/me/"),
        ("kim@fifelpt.example.org", "/caseload/"),
    ],
)
def test_people_sign_in_with_an_email_address_or_a_mobile_number_written_any_way(
    personas: Personas, client: Client, username: str, home: str
) -> None:
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == (home, 302)
    assert response.status_code == 200


def test_a_wrong_password_gets_a_clear_message_and_no_sign_in(personas: Personas, client: Client) -> None:
    response = client.post("/sign-in/", {"username": "07700 900001", "password": "not my password"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert client.get("/me/").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=5)
def test_five_wrong_passwords_lock_the_account_out_here_even_for_the_right_one(
    personas: Personas, client: Client
) -> None:
    for _ in range(4):
        response = client.post("/sign-in/", {"username": "pat@example.net", "password": "guess"})
        assert WRONG in response.content.decode()
    fifth = client.post("/sign-in/", {"username": "pat@example.net", "password": "guess"})
    assert fifth.status_code == 429
    assert h1(fifth) == "Too many attempts to sign in"
    right = client.post("/sign-in/", {"username": "pat@example.net", "password": PASSWORD})
    assert right.status_code == 429
    assert client.get("/me/").status_code == 302


def sign_in_link_for_pat(personas: Personas, sign_in: Callable) -> str:
    kim = sign_in(personas.keyworker.user)
    response = kim.post(f"/participants/{personas.participant.pk}/sign-in-link/")
    match = re.search(r'<textarea[^>]*id="sign-in-link"[^>]*>(.*?)</textarea>', response.content.decode(), re.S)
    assert match
    return match.group(1).strip()


def test_a_participant_sets_a_password_from_the_link_kim_passed_on_and_signs_in_with_it(
    personas: Personas, sign_in: Callable
) -> None:
    link = sign_in_link_for_pat(personas, sign_in)
    assert link.startswith("http://testserver/set-password/")
    pat = Client()
    opened = pat.get(link)
    assert opened.status_code == 302
    form_url = opened["Location"]
    assert form_url.endswith("/set-password/")  # the token left the address for the session
    form = pat.get(form_url)
    assert h1(form) == "Create a password"
    new = "a kettle on the windowsill"
    mismatch = pat.post(form_url, {"new_password1": new, "new_password2": new + "!"})
    assert mismatch.status_code == 400
    assert "The two passwords are not the same. Type them again." in mismatch.content.decode()
    done = pat.post(form_url, {"new_password1": new, "new_password2": new}, follow=True)
    assert done.redirect_chain == [("/sign-in/", 302)]
    assert "Your password is set. Sign in with it now." in done.content.decode()

    by_mobile = Client().post("/sign-in/", {"username": "07700 900001", "password": new})
    assert by_mobile["Location"] == "/home/"
    by_email = Client().post("/sign-in/", {"username": "pat@example.net", "password": new})
    assert by_email["Location"] == "/home/"
    assert Client().post("/sign-in/", {"username": "pat@example.net", "password": PASSWORD}).status_code == 200

    # The link works once.
    again = Client().get(link)
    assert again.status_code == 200
    assert h1(again) == "This link does not work"


def test_a_made_up_link_does_not_work(personas: Personas, client: Client) -> None:
    response = client.get("/set-password/MQ/abc-def/")
    assert response.status_code == 200
    assert h1(response) == "This link does not work"
    assert "<form" not in response.content.decode().split("<main", 1)[1]


def test_a_page_that_does_not_exist_gets_the_friendly_404_without_touching_the_database(client: Client) -> None:
    # No database fixture: any query would fail this test.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert h1(response) == "Page not found"


def test_a_role_that_may_not_open_a_page_gets_the_friendly_403(personas: Personas, client_for: Callable) -> None:
    response = client_for("participant").get("/caseload/")
    assert response.status_code == 403
    assert h1(response) == "You cannot open this page"
    assert "Signed in as Pat Participant" in response.content.decode()


def test_error_pages_still_render_when_the_database_fails(
    personas: Personas, client_for: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for("keyworker")

    def broken(user: object) -> object:
        raise DatabaseError("the database has gone away")

    monkeypatch.setattr("coproduce.web.context_processors.standing_of", broken)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert h1(response) == "Page not found"
    assert "Signed in as" not in response.content.decode()  # the plain version, without the menu


class UserWhoseDatabaseIsGone:
    @property
    def is_authenticated(self) -> bool:
        raise DatabaseError("the database has gone away")


def test_the_400_and_500_pages_need_no_database() -> None:
    # No database fixture: any query would fail this test, and so would reading the user.
    request = RequestFactory().get("/")
    request.user = UserWhoseDatabaseIsGone()  # type: ignore[attr-defined]
    server_error = errors.server_error(request)
    bad_request = errors.bad_request(request)
    assert server_error.status_code == 500
    assert h1(server_error) == "Sorry, something went wrong"
    assert bad_request.status_code == 400
    assert h1(bad_request) == "Something was wrong with the request"


def test_date_inputs_carry_iso_dates_that_browsers_understand() -> None:
    import datetime

    from django import forms

    from coproduce.web.forms import DateInput, GovukForm

    class WhenForm(GovukForm):
        day = forms.DateField(widget=DateInput(), initial=datetime.date(2026, 11, 28))

    assert 'value="2026-11-28"' in str(WhenForm()["day"])
