"""Two-factor sign-in pages: staff are held at the code (or set-up) page until they give one."""

import re
from collections.abc import Callable, Iterator

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts import two_factor
from coproduce.accounts.services import issue_api_token
from tests.accounts.test_two_factor import code_now, set_up, wrong_code
from tests.personas import Personas

ClientFor = Callable[[str], Client]


@pytest.fixture
def required() -> Iterator[None]:
    with override_settings(STAFF_TWO_FACTOR_REQUIRED=True):
        yield


def fresh_code(user: object) -> str:
    """A code the app shows now that has not been used yet (the set-up used this time step's)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return code_now(device)


def test_a_staff_member_without_an_app_is_sent_to_set_one_up(
    personas: Personas, client_for: ClientFor, required: None
) -> None:
    kim = client_for("keyworker")

    response = kim.get("/caseload/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code/?next=/caseload/"
    response = kim.get(response["Location"])
    assert response["Location"] == "/account/two-factor/set-up/?next=/caseload/"

    page = kim.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in html
    setup = two_factor.pending_setup(personas.keyworker.user)
    assert setup is not None
    assert setup.key_to_type in html
    # Reloading keeps the same key, so a scan already made still works.
    assert setup.key_to_type in kim.get(response["Location"]).content.decode()

    refused = kim.post(page.request["PATH_INFO"], {"code": wrong_code(setup.device), "next": "/caseload/"})
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    assert not two_factor.has_second_factor(personas.keyworker.user)

    done = kim.post(page.request["PATH_INFO"], {"code": code_now(setup.device), "next": "/caseload/"})
    assert done.status_code == 200
    assert done["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert kim.get("/caseload/").status_code == 200


def test_with_an_app_each_sign_in_asks_for_its_code(personas: Personas, client_for: ClientFor, required: None) -> None:
    set_up(personas.keyworker.user)
    kim = client_for("keyworker")

    assert kim.get("/caseload/")["Location"] == "/sign-in/code/?next=/caseload/"
    page = kim.get("/sign-in/code/?next=/caseload/")
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    wrong = kim.post("/sign-in/code/", {"code": "12345x", "next": "/caseload/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert kim.get("/caseload/").status_code == 302

    # A right code straight after a wrong one waits: wrong codes slow the next try down.
    too_soon = kim.post("/sign-in/code/", {"code": fresh_code(personas.keyworker.user), "next": "/caseload/"})
    assert "Too many wrong codes" in too_soon.content.decode()
    TOTPDevice.objects.filter(user=personas.keyworker.user).update(throttling_failure_timestamp=None)  # a minute on

    right = kim.post("/sign-in/code/", {"code": fresh_code(personas.keyworker.user), "next": "/caseload/"})
    assert right.status_code == 302
    assert right["Location"] == "/caseload/"
    assert kim.get("/caseload/").status_code == 200


def test_a_recovery_code_lets_someone_in_once_and_says_how_many_are_left(
    personas: Personas, client_for: ClientFor, required: None
) -> None:
    codes = set_up(personas.keyworker.user)
    kim = client_for("keyworker")

    response = kim.post("/sign-in/code/", {"code": codes[3], "next": "/caseload/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/caseload/"
    assert "You used a recovery code: 9 left." in response.content.decode()
    again = client_for("keyworker").post("/sign-in/code/", {"code": codes[3]})
    assert again.status_code == 400


def test_someone_elses_address_is_never_where_the_code_page_sends_you(
    personas: Personas, client_for: ClientFor, required: None
) -> None:
    codes = set_up(personas.keyworker.user)
    response = client_for("keyworker").post("/sign-in/code/", {"code": codes[0], "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:home")


def test_a_password_alone_cannot_replace_the_app(personas: Personas, client_for: ClientFor, required: None) -> None:
    set_up(personas.keyworker.user)
    kim = client_for("keyworker")
    response = kim.get("/account/two-factor/set-up/")
    assert response["Location"].startswith("/sign-in/code/")
    assert kim.post("/account/two-factor/recovery-codes/")["Location"].startswith("/sign-in/code/")


def test_participants_and_board_members_are_not_asked(client_for: ClientFor, required: None) -> None:
    assert client_for("participant").get("/me/").status_code == 200
    assert client_for("board_member").get("/board/").status_code == 200


def test_without_the_setting_staff_without_an_app_go_straight_in(client_for: ClientFor) -> None:
    assert client_for("keyworker").get("/caseload/").status_code == 200


def test_the_api_answers_401_to_a_session_still_to_give_its_code_but_not_to_a_token(
    personas: Personas, client_for: ClientFor
) -> None:
    # Made before two factors were required; it works while Kim has an app set up (docs/security.md).
    _token, key = issue_api_token(actor=personas.keyworker.user, name="Reports")
    set_up(personas.keyworker.user)
    with override_settings(STAFF_TWO_FACTOR_REQUIRED=True):
        response = client_for("keyworker").get("/api/v1/participants")
        assert response.status_code == 401
        assert "/sign-in/code/" in response.json()["detail"]

        assert Client().get("/api/v1/participants", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_the_two_factor_page_says_whether_it_is_on(personas: Personas, client_for: ClientFor) -> None:
    kim = client_for("keyworker")
    assert "Two-factor sign-in is not set up." in kim.get("/account/two-factor/").content.decode()
    codes = set_up(personas.keyworker.user)
    kim = client_for("keyworker")
    kim.post("/sign-in/code/", {"code": codes[0]})
    html = kim.get("/account/two-factor/").content.decode()
    assert "Two-factor sign-in is on. You have 9 recovery codes left." in html
    new = kim.post("/account/two-factor/recovery-codes/")
    assert new.status_code == 200
    assert len(re.findall(r"<li><code>", new.content.decode())) == 10


def test_staff_see_the_link_to_two_factor_sign_in_and_participants_do_not(client_for: ClientFor) -> None:
    link = 'href="/account/two-factor/">Two-factor sign-in</a>'
    assert link in client_for("keyworker").get("/caseload/").content.decode()
    assert link not in client_for("participant").get("/me/").content.decode()


def test_an_administrator_resets_a_lost_phone_from_the_admin(personas: Personas, client_for: ClientFor) -> None:
    set_up(personas.keyworker.user)
    admin = client_for("administrator")
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor_sign_in", "_selected_action": [personas.keyworker.user.pk]},
    )
    assert response.status_code == 302
    assert not two_factor.has_second_factor(personas.keyworker.user)
