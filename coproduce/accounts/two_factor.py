"""Two-factor sign-in for staff: an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

Staff see personal data, so where `STAFF_TWO_FACTOR_REQUIRED` is on (production's default) a
password alone does not open their pages: they set up an authenticator app the first time and
enter its six-digit code at each sign-in. Anyone who has set one up is asked for it, whether
the setting is on or not. django-otp keeps the devices, verifies the codes (each code once,
with its slowing-down after wrong codes) and marks the session as verified.

Every change here is a change of someone's sign-in and is audited against their account.
"""

from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed
from coproduce.programmes.standing import standing_of

APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODES = 10
WRONG_CODE = "That code is not right or has run out. Enter the 6-digit code your authenticator app shows now."
WAIT = "Too many wrong codes. Wait a minute, then enter the code your authenticator app shows now."


def is_staff(actor: ActingUser) -> bool:
    """Someone who works in the programme (every role but participant and board member)."""
    standing = standing_of(actor)
    return standing.staff_member is not None or standing.has(Role.ADMINISTRATOR)


def second_factor_required(actor: ActingUser) -> bool:
    """Must this person enter a code from their authenticator app before using their pages?"""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if has_second_factor(actor):
        return True
    return bool(getattr(settings, "STAFF_TWO_FACTOR_REQUIRED", False)) and is_staff(actor)


def has_second_factor(actor: ActingUser) -> bool:
    return bool(user_has_device(actor, confirmed=True))


def session_gave_second_factor(actor: ActingUser) -> bool:
    """Has the session this user object came from given a code? django-otp's middleware marks the
    request's user (`is_verified`); a user read from the database has given nothing."""
    return bool(getattr(actor, "is_verified", lambda: False)())


def may_use_api_token(actor: ActingUser) -> bool:
    """Does this person meet the two-factor rule for using an API token?

    A token stands in for signing in, so it must not get round two-factor sign-in: a staff
    member who must use two factors (STAFF_TWO_FACTOR_REQUIRED) must have one set up, or their
    tokens stop working until they set one up again (after a reset, for example). Everyone else
    needs nothing more: their password alone signs them in.
    """
    if not getattr(settings, "STAFF_TWO_FACTOR_REQUIRED", False):
        return True
    return not is_staff(actor) or has_second_factor(actor)


@dataclass(frozen=True)
class Setup:
    """An authenticator app being set up: the key to scan or type, not yet in use."""

    device: TOTPDevice

    @property
    def otpauth_url(self) -> str:
        return str(self.device.config_url)

    @property
    def key_to_type(self) -> str:
        """The secret in base32, in groups of four, as authenticator apps ask for it."""
        key = b32encode(self.device.bin_key).decode().rstrip("=")
        return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def begin_setup(actor: ActingUser) -> Setup:
    """A new, unconfirmed authenticator-app key for this person (any earlier unconfirmed one goes)."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name=APP_NAME, confirmed=False)
    return Setup(device)


def pending_setup(actor: ActingUser) -> Setup | None:
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    return Setup(device) if device is not None else None


def confirm_setup(actor: ActingUser, token: str) -> tuple[TOTPDevice, list[str]]:
    """Start using the app being set up once it shows a right code; returns it and new recovery codes.

    A person who already had an app now uses the new one only. Raises DomainError on a wrong code
    (nothing changes).
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("-pk").first()
        if device is None:
            raise DomainError("Start again: set up your authenticator app from the beginning.")
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise DomainError(WAIT, field="code")
        if not device.verify_token(_digits(token)):
            raise DomainError(WRONG_CODE, field="code")
        TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(actor)
    _audit(actor=actor, user=signed_in(actor), what="two_factor")
    return device, codes


def verify(actor: ActingUser, token: str) -> Device:
    """The device that accepts this code (authenticator app or an unused recovery code).

    Raises DomainError for a wrong code or while wrong codes are being slowed down.
    """
    cleaned = _digits(token).lower()  # recovery codes are lower case; people may type them in capitals
    with transaction.atomic():
        devices = list(devices_for_user(actor, confirmed=True, for_verify=True))
        if not devices:
            raise DomainError("You have not set up an authenticator app yet.")
        if not any(device.verify_is_allowed()[0] for device in devices):
            raise DomainError(WAIT, field="code")
        for device in devices:
            if device.verify_token(cleaned):
                return device
    raise DomainError(WRONG_CODE, field="code")


def new_recovery_codes(actor: ActingUser) -> list[str]:
    """Replace this person's recovery codes (the old ones stop working)."""
    if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise DomainError("Set up an authenticator app first: recovery codes stand in for it.")
    with transaction.atomic():
        codes = _replace_recovery_codes(actor)
    _audit(actor=actor, user=signed_in(actor), what="recovery_codes")
    return codes


def recovery_codes_left(actor: ActingUser) -> int:
    return StaticToken.objects.filter(device__user=actor, device__confirmed=True).count()


def reset_second_factor(*, actor: ActingUser, user: User) -> None:
    """An administrator removes someone's authenticator app and recovery codes (a lost phone).

    They set up a new one at their next sign-in where it is required.
    """
    if not standing_of(actor).has(Role.ADMINISTRATOR):
        raise NotAllowed("Only an administrator can reset someone's two-factor sign-in.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    _audit(actor=actor, user=user, what="two_factor")


def _audit(*, actor: ActingUser, user: User, what: str) -> None:
    """A change of someone's sign-in, recorded against their account (no participant's data)."""
    record_event(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record=user,
        participant_id=None,
        changed_fields=[what],
    )


def _replace_recovery_codes(actor: ActingUser) -> list[str]:
    StaticDevice.objects.filter(user=actor).delete()
    device = StaticDevice.objects.create(user=actor, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _digits(token: str) -> str:
    return "".join(character for character in token if not character.isspace())
