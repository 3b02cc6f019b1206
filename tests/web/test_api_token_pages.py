"""The "API tokens" page: a person lists, creates and revokes their own tokens; administrators
list and revoke anyone's in the Django admin."""

import datetime
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from coproduce.accounts.models import ApiToken
from coproduce.accounts.services import issue_api_token
from coproduce.audit.models import AuditEvent
from tests.accounts.test_two_factor import set_up
from tests.personas import Personas
from tests.web.test_two_factor_pages import fresh_code

ClientFor = Callable[[str], Client]
NOW = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=datetime.UTC)


def text_of(response: Any) -> str:
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def key_on(response: Any) -> str:
    match = re.search(r'<code id="api-token-key">(cpd_[\w-]+)</code>', response.content.decode())
    assert match, "the new key is on the page"
    return match.group(1)


def works(key: str) -> bool:
    return Client().get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_kim_creates_a_token_sees_its_key_once_and_revokes_it(
    personas: Personas, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    kim = client_for("keyworker")
    empty = kim.get("/account/api-tokens/")
    assert empty.status_code == 200
    assert "You have no API tokens." in text_of(empty)

    form = kim.get("/account/api-tokens/new/")
    assert form.status_code == 200
    for days in ("7", "30", "90"):
        assert f'value="{days}"' in form.content.decode()
    created = kim.post("/account/api-tokens/new/", {"name": "Caseload sync", "days": "30"})

    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    key = key_on(created)
    assert "This is the only time the key is shown." in text_of(created)
    assert works(key)
    token = ApiToken.objects.get(user=personas.keyworker.user)
    assert token.expires_at == NOW + datetime.timedelta(days=30)

    listed = text_of(kim.get("/account/api-tokens/"))
    assert key not in listed
    assert (
        f"Caseload sync Starts with {key[:12]} … Created 28 November 2026 Last used 28 November 2026 "
        "Works until 28 December 2026 Status Active"
    ) in listed

    revoked = kim.post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)
    assert revoked.redirect_chain == [("/account/api-tokens/", 302)]
    assert "“Caseload sync” is revoked: it no longer works." in text_of(revoked)
    assert "Status Revoked on 28 November 2026" in text_of(revoked)
    assert not works(key)


def test_a_token_needs_a_name_and_nothing_is_made_without_one(client_for: ClientFor) -> None:
    response = client_for("participant").post("/account/api-tokens/new/", {"name": " ", "days": "90"})
    assert response.status_code == 400
    assert "Say what the token is for" in text_of(response)
    assert not ApiToken.objects.exists()


def test_each_person_sees_only_their_own_tokens(personas: Personas, client_for: ClientFor) -> None:
    issue_api_token(actor=personas.keyworker.user, name="Kim's sync")
    issue_api_token(actor=personas.manager.user, name="Mo's reports")

    assert "Kim's sync" in text_of(client_for("keyworker").get("/account/api-tokens/"))
    mo_sees = text_of(client_for("partnership_manager").get("/account/api-tokens/"))
    assert "Mo's reports" in mo_sees
    assert "Kim's sync" not in mo_sees
    assert "Kim's sync" not in text_of(client_for("administrator").get("/account/api-tokens/"))


def test_nobody_revokes_someone_elses_token_from_the_page(personas: Personas, client_for: ClientFor) -> None:
    token, key = issue_api_token(actor=personas.keyworker.user, name="Kim's sync")
    for role in ("partnership_manager", "administrator", "participant"):
        assert client_for(role).post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert works(key)


def test_the_list_takes_the_same_queries_however_many_tokens(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    kim = client_for("keyworker")
    issue_api_token(actor=personas.keyworker.user, name="first")
    kim.get("/account/api-tokens/")  # the session and the actor, read once
    # The session, the user, three for the menu (their roles), the count and the page of tokens.
    with django_assert_num_queries(7) as one:
        kim.get("/account/api-tokens/")
    for number in range(5):
        issue_api_token(actor=personas.keyworker.user, name=f"more {number}")
    with django_assert_num_queries(len(one.captured_queries)):
        kim.get("/account/api-tokens/")


def test_where_two_factors_are_required_a_token_is_made_only_after_the_code(
    personas: Personas, client_for: ClientFor
) -> None:
    set_up(personas.keyworker.user)
    with override_settings(STAFF_TWO_FACTOR_REQUIRED=True):
        kim = client_for("keyworker")
        held = kim.post("/account/api-tokens/new/", {"name": "Caseload sync", "days": "90"})
        assert held["Location"] == "/sign-in/code/?next=/account/api-tokens/new/"
        assert not ApiToken.objects.exists()

        kim.post("/sign-in/code/", {"code": fresh_code(personas.keyworker.user)})
        created = kim.post("/account/api-tokens/new/", {"name": "Caseload sync", "days": "90"})

        assert created.status_code == 200
        assert works(key_on(created))


def test_staff_see_the_link_to_their_api_tokens(client_for: ClientFor) -> None:
    link = 'href="/account/api-tokens/">API tokens</a>'
    assert link in client_for("keyworker").get("/caseload/").content.decode()


# ---- the Django admin -------------------------------------------------------------------------


def test_an_administrator_lists_and_revokes_tokens_in_the_admin(personas: Personas, client_for: ClientFor) -> None:
    token, key = issue_api_token(actor=personas.keyworker.user, name="Kim's sync")
    admin = client_for("administrator")

    listed = admin.get("/admin/accounts/apitoken/")
    assert listed.status_code == 200
    assert "Kim's sync" in html.unescape(listed.content.decode())
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403

    response = admin.post(
        "/admin/accounts/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "1 token revoked: it no longer works." in html.unescape(response.content.decode())
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not works(key)
    event = AuditEvent.objects.get(record_type="accounts.ApiToken", action=AuditEvent.Action.CHANGE)
    assert (event.actor_id, event.channel) == (personas.administrator.pk, AuditEvent.Channel.ADMIN)


def test_the_admin_cannot_be_used_to_read_or_change_a_tokens_key(personas: Personas, client_for: ClientFor) -> None:
    token, _ = issue_api_token(actor=personas.keyworker.user, name="Kim's sync")
    page = client_for("administrator").get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert token.key_hash not in page.content.decode()
    assert 'name="name"' not in page.content.decode()  # read-only: only revoking changes a token
