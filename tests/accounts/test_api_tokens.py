"""API tokens' rules: they expire, they are made only in a session that has given everything
sign-in asks for, and they work only while their owner could still sign in that way."""

import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts import two_factor
from coproduce.accounts.models import ApiToken
from coproduce.accounts.services import issue_api_token, revoke_api_token, token_for_api_key
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from tests.accounts.test_two_factor import set_up
from tests.personas import Personas

LIST = "api-v1:list_participants"
NOW = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.datetime], None]:
    """Set the clock the services read (`timezone.now`)."""

    def set_clock(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_clock


@pytest.fixture
def required() -> Iterator[None]:
    with override_settings(STAFF_TWO_FACTOR_REQUIRED=True):
        yield


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def verified(user: Any) -> Any:
    """The user as a session that has given its code sees them (django-otp's middleware marks it)."""
    user.otp_device = TOTPDevice.objects.get(user=user, confirmed=True)
    user.is_verified = lambda: True
    return user


def works(key: str) -> bool:
    status = Client().get(reverse(LIST), **bearer(key)).status_code
    assert status in (200, 401)
    return status == 200


# ---- expiry -----------------------------------------------------------------------------------


def test_a_token_works_for_90_days_unless_asked_for_less(personas: Personas, at: Callable) -> None:
    at(NOW)
    standard, _ = issue_api_token(actor=personas.keyworker.user, name="caseload sync")
    short, _ = issue_api_token(actor=personas.keyworker.user, name="one-off report", days=7)

    assert standard.expires_at == NOW + datetime.timedelta(days=90)
    assert short.expires_at == NOW + datetime.timedelta(days=7)
    event = AuditEvent.objects.filter(record_type="accounts.ApiToken", record_id=str(short.pk)).get()
    assert (event.action, event.actor_id, event.changed_fields) == (
        AuditEvent.Action.CREATE,
        personas.keyworker.user.pk,
        ["expires_at", "name"],
    )


@override_settings(COPRODUCE_API_TOKEN_DAYS=30)
@pytest.mark.parametrize("days", [0, -1, 31, 365])
def test_a_token_cannot_last_longer_than_the_setting_or_no_time_at_all(personas: Personas, days: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        issue_api_token(actor=personas.keyworker.user, name="caseload sync", days=days)

    assert refused.value.errors == {"days": ["Choose between 1 and 30 days."]}
    assert not ApiToken.objects.exists()


def test_an_expired_token_never_works(personas: Personas, at: Callable) -> None:
    at(NOW)
    _, key = issue_api_token(actor=personas.keyworker.user, name="caseload sync", days=7)
    at(NOW + datetime.timedelta(days=7) - datetime.timedelta(seconds=1))
    assert token_for_api_key(key) is not None

    at(NOW + datetime.timedelta(days=7))
    assert token_for_api_key(key) is None
    assert not works(key)


def test_two_working_tokens_of_one_person_have_different_names(personas: Personas) -> None:
    token, _ = issue_api_token(actor=personas.keyworker.user, name="caseload sync")
    with pytest.raises(InvalidInput) as refused:
        issue_api_token(actor=personas.keyworker.user, name="  caseload sync ")
    taken = "You already have a token called “caseload sync”. Give this one another name."
    assert refused.value.errors == {"name": [taken]}

    revoke_api_token(actor=personas.keyworker.user, token_id=token.pk)
    issue_api_token(actor=personas.keyworker.user, name="caseload sync")  # the name is free again
    issue_api_token(actor=personas.other_keyworker.user, name="caseload sync")  # and always was, for Owen
    assert ApiToken.objects.count() == 3


# ---- two-factor sign-in -----------------------------------------------------------------------


def test_staff_who_must_use_two_factors_make_a_token_only_after_giving_their_code(
    personas: Personas, required: None
) -> None:
    kim = personas.keyworker.user
    with pytest.raises(NotAllowed, match="Enter the code from your authenticator app"):
        issue_api_token(actor=kim, name="caseload sync")  # no app set up yet
    set_up(kim)
    kim.refresh_from_db()
    with pytest.raises(NotAllowed, match="Enter the code from your authenticator app"):
        issue_api_token(actor=kim, name="caseload sync")  # a password-only session
    assert not ApiToken.objects.exists()

    _, key = issue_api_token(actor=verified(kim), name="caseload sync")

    assert works(key)


def test_anyone_who_set_up_an_app_makes_a_token_only_after_giving_its_code(personas: Personas) -> None:
    pat = personas.participant.user
    set_up(pat)
    pat.refresh_from_db()
    with pytest.raises(NotAllowed):
        issue_api_token(actor=pat, name="my phone")
    issue_api_token(actor=verified(pat), name="my phone")


def test_a_participant_needs_no_second_factor_for_a_token(personas: Personas, required: None) -> None:
    _, key = issue_api_token(actor=personas.participant.user, name="my phone")
    assert works(key)


def test_a_token_stops_working_while_its_owner_must_use_two_factors_and_has_none(personas: Personas) -> None:
    kim = personas.keyworker.user
    _, key = issue_api_token(actor=kim, name="caseload sync")  # before two factors were required
    assert works(key)

    with override_settings(STAFF_TWO_FACTOR_REQUIRED=True):
        assert not works(key)
        set_up(kim)
        assert works(key)
        two_factor.reset_second_factor(actor=personas.administrator, user=kim)  # a lost phone
        assert not works(key)
        set_up(kim)
        assert works(key)


# ---- revoking ---------------------------------------------------------------------------------


def test_the_owner_or_an_administrator_revokes_a_token_and_nobody_else(personas: Personas) -> None:
    token, key = issue_api_token(actor=personas.keyworker.user, name="caseload sync")
    for someone in ("partnership_manager", "participant", "funder"):
        with pytest.raises(NotFound):
            revoke_api_token(actor=personas.user_for(someone), token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert works(key)

    revoke_api_token(actor=personas.administrator, token_id=token.pk)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not works(key)
    event = AuditEvent.objects.filter(record_type="accounts.ApiToken", action=AuditEvent.Action.CHANGE).get()
    assert (event.actor_id, event.changed_fields) == (personas.administrator.pk, ["revoked_at"])


# ---- the command line -------------------------------------------------------------------------


def test_the_command_names_the_expiry_and_takes_a_shorter_one(personas: Personas, at: Callable) -> None:
    at(NOW)
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "issue_api_token", "kim@fifelpt.example.org", "--name", "nightly export", "--days", "30", stdout=out, stderr=err
    )

    token = ApiToken.objects.get()
    assert token.expires_at == NOW + datetime.timedelta(days=30)
    assert "It works until 28 December 2026." in err.getvalue()
    assert token_for_api_key(out.getvalue().strip()) == token
    # Issued at the server: the audit says the system did it, not Kim.
    event = AuditEvent.objects.get(record_type="accounts.ApiToken")
    assert (event.actor_id, event.channel, event.changed_fields) == (
        None,
        AuditEvent.Channel.SYSTEM,
        ["expires_at", "name", "user"],
    )


def test_the_command_refuses_an_expiry_longer_than_the_setting(personas: Personas) -> None:
    with pytest.raises(CommandError, match=r"Choose between 1 and 90 days\."):
        call_command("issue_api_token", "kim@fifelpt.example.org", "--name", "x", "--days", "400", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_issued_at_the_server_still_needs_its_owner_to_meet_the_two_factor_rule(
    personas: Personas, required: None
) -> None:
    out = io.StringIO()
    call_command("issue_api_token", "kim@fifelpt.example.org", "--name", "nightly", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    assert not works(key)
    set_up(personas.keyworker.user)
    assert works(key)
