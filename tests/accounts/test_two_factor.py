"""Two-factor sign-in's rules: setting up an authenticator app, codes, recovery codes, resets."""

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts import two_factor
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import DomainError, NotAllowed
from tests.personas import Personas


def code_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_now(device)) + 1) % 1_000_000:06d}"


def two_factor_events(actor: object) -> list[AuditEvent]:
    return [event for event in AuditEvent.objects.filter(actor=actor) if "two_factor" in event.changed_fields]


def set_up(user: object) -> list[str]:
    setup = two_factor.begin_setup(user)
    _device, codes = two_factor.confirm_setup(user, code_now(setup.device))
    return codes


def test_an_app_is_in_use_only_once_it_has_shown_a_right_code(personas: Personas) -> None:
    kim = personas.keyworker.user
    setup = two_factor.begin_setup(kim)
    assert not two_factor.has_second_factor(kim)
    assert setup.otpauth_url.startswith("otpauth://totp/Coproduce%3A")
    assert len(setup.key_to_type.replace(" ", "")) == 32

    with pytest.raises(DomainError, match="not right"):
        two_factor.confirm_setup(kim, wrong_code(setup.device))
    assert not two_factor.has_second_factor(kim)

    device, codes = two_factor.confirm_setup(kim, code_now(setup.device))

    assert device.confirmed
    assert two_factor.has_second_factor(kim)
    assert len(codes) == len(set(codes)) == 10
    assert two_factor.recovery_codes_left(kim) == 10
    [event] = two_factor_events(kim)
    assert (event.action, event.participant_id) == (AuditEvent.Action.CHANGE, None)


def test_a_new_app_replaces_the_old_one(personas: Personas) -> None:
    kim = personas.keyworker.user
    set_up(kim)
    old = TOTPDevice.objects.get(user=kim)
    setup = two_factor.begin_setup(kim)
    two_factor.confirm_setup(kim, code_now(setup.device))
    assert list(TOTPDevice.objects.filter(user=kim).values_list("pk", flat=True)) == [setup.device.pk]
    assert old.pk != setup.device.pk


def test_a_code_from_the_app_or_a_recovery_code_once_lets_someone_in(personas: Personas) -> None:
    kim = personas.keyworker.user
    codes = set_up(kim)
    app = TOTPDevice.objects.get(user=kim)
    TOTPDevice.objects.filter(pk=app.pk).update(last_t=-1)  # the set-up used this time step's code

    assert two_factor.verify(kim, code_now(app)).pk == app.pk
    assert isinstance(two_factor.verify(kim, codes[0].upper()), StaticDevice)
    assert two_factor.recovery_codes_left(kim) == 9
    with pytest.raises(DomainError, match="not right"):
        two_factor.verify(kim, codes[0])  # each recovery code works once


def test_wrong_codes_slow_down_the_next_try(personas: Personas) -> None:
    kim = personas.keyworker.user
    set_up(kim)
    with pytest.raises(DomainError, match="not right"):
        two_factor.verify(kim, "000000x")
    with pytest.raises(DomainError, match="Too many wrong codes"):
        two_factor.verify(kim, "123456")
    assert TOTPDevice.objects.get(user=kim).throttling_failure_count >= 1


def test_new_recovery_codes_replace_the_old_ones(personas: Personas) -> None:
    kim = personas.keyworker.user
    old = set_up(kim)
    new = two_factor.new_recovery_codes(kim)
    assert set(new).isdisjoint(old)
    assert set(StaticToken.objects.filter(device__user=kim).values_list("token", flat=True)) == set(new)


def test_recovery_codes_need_an_app_first(personas: Personas) -> None:
    with pytest.raises(DomainError, match="authenticator app first"):
        two_factor.new_recovery_codes(personas.keyworker.user)


def test_only_an_administrator_resets_someones_two_factor_sign_in(personas: Personas) -> None:
    kim = personas.keyworker.user
    set_up(kim)
    with pytest.raises(NotAllowed):
        two_factor.reset_second_factor(actor=personas.manager.user, user=kim)
    assert two_factor.has_second_factor(kim)

    administrator = personas.user_for("administrator")
    two_factor.reset_second_factor(actor=administrator, user=kim)

    assert not two_factor.has_second_factor(kim)
    assert not StaticDevice.objects.filter(user=kim).exists()
    assert two_factor_events(administrator)


@pytest.mark.parametrize(
    ("role", "required"),
    [
        ("keyworker", True),
        ("partnership_manager", True),
        ("partner_worker", True),
        ("funder", True),
        ("evaluator", True),
        ("administrator", True),
        ("participant", False),
        ("board_member", False),
    ],
)
def test_staff_need_a_second_factor_where_the_setting_is_on(personas: Personas, role: str, required: bool) -> None:
    user = personas.user_for(role)
    with override_settings(STAFF_TWO_FACTOR_REQUIRED=True):
        assert two_factor.second_factor_required(user) is required
    with override_settings(STAFF_TWO_FACTOR_REQUIRED=False):
        assert two_factor.second_factor_required(user) is False


def test_anyone_who_set_up_an_app_is_asked_for_its_code(personas: Personas) -> None:
    pat = personas.participant.user
    set_up(pat)
    with override_settings(STAFF_TWO_FACTOR_REQUIRED=False):
        assert two_factor.second_factor_required(pat)
