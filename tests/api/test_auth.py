"""Signing in to the API: bearer tokens and sessions, and the 401 for nobody."""

import hashlib
import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import ApiToken
from coproduce.accounts.services import issue_api_token, revoke_api_token
from coproduce.api.v1.errors import SIGN_IN_MESSAGE
from coproduce.audit.models import AuditEvent
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Participant
from tests.api.helpers import send_json
from tests.personas import Personas

LIST = "api-v1:list_participants"


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_nobody_signed_in_gets_401_with_a_message(personas: Personas) -> None:
    response = Client().get(reverse(LIST))

    assert response.status_code == 401
    assert response.json() == {"detail": SIGN_IN_MESSAGE}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_nobody_signed_in_is_told_to_sign_in_even_without_a_csrf_token(personas: Personas) -> None:
    response = send_json(
        Client(enforce_csrf_checks=True),
        "PATCH",
        reverse("api-v1:update_participant", args=[personas.participant.pk]),
        {"version": 1, "preferred_name": "Patty"},
    )

    assert response.status_code == 401


def test_a_token_acts_as_its_owner_with_exactly_their_visibility(personas: Personas) -> None:
    token, key = issue_api_token(actor=personas.keyworker.user, name="caseload sync")

    response = Client().get(reverse(LIST), **bearer(key))

    assert response.status_code == 200
    assert [item["reference"] for item in response.json()["items"]] == ["MIW-FIF-00001", "MIW-FIF-00002"]
    assert AuditEvent.objects.filter(actor=personas.keyworker.user, action=AuditEvent.Action.LIST).count() == 2
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_a_digest_of_the_key_is_stored(personas: Personas) -> None:
    token, key = issue_api_token(actor=personas.keyworker.user, name="caseload sync")

    assert key.startswith("cpd_")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(value) for value in stored.values()}
    assert stored["key_prefix"] == key[:12]
    event = AuditEvent.objects.get(record_type="accounts.ApiToken")
    assert (event.action, event.actor_id, event.changed_fields) == (
        AuditEvent.Action.CREATE,
        personas.keyworker.user.pk,
        ["expires_at", "name"],
    )


def test_a_token_needs_a_name(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        issue_api_token(actor=personas.keyworker.user, name="  ")

    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("key", ["cpd_not-a-real-key", "not even the right shape", ""])
def test_an_unknown_key_gets_401(key: str, personas: Personas) -> None:
    response = Client().get(reverse(LIST), **bearer(key))

    assert response.status_code == 401


def test_a_revoked_token_gets_401_at_once(personas: Personas) -> None:
    token, key = issue_api_token(actor=personas.keyworker.user, name="caseload sync")
    client = Client()
    assert client.get(reverse(LIST), **bearer(key)).status_code == 200

    revoke_api_token(actor=personas.keyworker.user, token_id=token.pk)

    response = client.get(reverse(LIST), **bearer(key))
    assert response.status_code == 401
    assert response.json() == {"detail": SIGN_IN_MESSAGE}


def test_an_inactive_persons_token_gets_401(personas: Personas) -> None:
    _, key = issue_api_token(actor=personas.keyworker.user, name="caseload sync")
    type(personas.keyworker.user).objects.filter(pk=personas.keyworker.user.pk).update(is_active=False)

    assert Client().get(reverse(LIST), **bearer(key)).status_code == 401


def test_only_the_owner_or_an_administrator_may_revoke_a_token(personas: Personas) -> None:
    token, _ = issue_api_token(actor=personas.keyworker.user, name="caseload sync")

    with pytest.raises(Exception, match="No such token"):
        revoke_api_token(actor=personas.manager.user, token_id=token.pk)
    revoke_api_token(actor=personas.administrator, token_id=token.pk)

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_calls_need_no_csrf_token(personas: Personas) -> None:
    _, key = issue_api_token(actor=personas.keyworker.user, name="caseload sync")

    response = send_json(
        Client(enforce_csrf_checks=True),
        "PATCH",
        reverse("api-v1:update_participant", args=[personas.participant.pk]),
        {"version": 1, "preferred_name": "Patty"},
        **bearer(key),
    )

    assert response.status_code == 200
    assert Participant.objects.get(pk=personas.participant.pk).preferred_name == "Patty"


def test_session_changes_need_the_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.keyworker.user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
    url = reverse("api-v1:update_participant", args=[personas.participant.pk])
    change = {"version": 1, "preferred_name": "Patty"}

    # Reads need no token.
    assert client.get(reverse(LIST)).status_code == 200
    refused = send_json(client, "PATCH", url, change)
    refused_post = send_json(
        client,
        "POST",
        reverse("api-v1:register_participant"),
        {"given_name": "Nina", "family_name": "Newcomer", "consent_how": "phone"},
    )

    assert refused.status_code == refused_post.status_code == 403
    assert refused.json()["detail"].startswith("CSRF check failed")
    assert Participant.objects.get(pk=personas.participant.pk).version == 1
    assert not Participant.objects.filter(given_name="Nina").exists()

    client.get(reverse("api-v1:openapi-view"))  # sets the csrftoken cookie, as any page does
    accepted = send_json(client, "PATCH", url, change, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    assert accepted.status_code == 200
    assert accepted.json()["preferred_name"] == "Patty"


def test_the_command_prints_a_working_key(personas: Personas) -> None:
    out, err = io.StringIO(), io.StringIO()

    call_command("issue_api_token", "kim@fifelpt.example.org", "--name", "caseload sync", stdout=out, stderr=err)

    key = out.getvalue().strip()
    assert ApiToken.objects.get().name == "caseload sync"
    assert "shown once" in err.getvalue()
    assert Client().get(reverse(LIST), **bearer(key)).status_code == 200

    call_command("revoke_api_token", str(ApiToken.objects.get().pk), stdout=io.StringIO())
    assert Client().get(reverse(LIST), **bearer(key)).status_code == 401


def test_the_command_refuses_an_unknown_user(personas: Personas) -> None:
    with pytest.raises(CommandError, match="No user called"):
        call_command("issue_api_token", "nobody@example.org", "--name", "x", stdout=io.StringIO())


def test_signed_in_sessions_see_the_same_as_tokens(personas: Personas, client_for: Callable[[str], Client]) -> None:
    _, key = issue_api_token(actor=personas.participant.user, name="my phone")

    by_session = client_for("participant").get(reverse(LIST)).json()
    by_token = Client().get(reverse(LIST), **bearer(key)).json()

    assert by_session == by_token
    assert by_token["count"] == 1


def test_everything_a_token_does_is_audited_with_its_name(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    kim = personas.keyworker.user
    _, key = issue_api_token(actor=kim, name="caseload sync")
    issued = AuditEvent.objects.get(record_type="accounts.ApiToken")

    Client().get(reverse(LIST), **bearer(key))
    send_json(
        Client(),
        "PATCH",
        reverse("api-v1:update_participant", args=[personas.participant.pk]),
        {"version": 1, "preferred_name": "Patty"},
        **bearer(key),
    )

    by_token = AuditEvent.objects.filter(actor=kim, pk__gt=issued.pk).order_by("pk")
    assert [(event.action, event.channel, event.api_token_name) for event in by_token] == [
        (AuditEvent.Action.LIST, AuditEvent.Channel.API, "caseload sync"),
        (AuditEvent.Action.LIST, AuditEvent.Channel.API, "caseload sync"),
        (AuditEvent.Action.CHANGE, AuditEvent.Channel.API, "caseload sync"),
    ]
    # A signed-in session's events name no token.
    last = by_token.last()
    assert last is not None
    client_for("keyworker").get(reverse(LIST))
    assert set(AuditEvent.objects.filter(actor=kim, pk__gt=last.pk).values_list("api_token_name", flat=True)) == {""}
