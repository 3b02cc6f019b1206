"""People who sign in: staff and participants, by email or mobile number and a password."""

import datetime
import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

UK_MOBILE = re.compile(r"^\+447\d{9}$")


def normalise_mobile(raw: str) -> str:
    """Return a UK mobile number as +447XXXXXXXXX, or "" if `raw` is blank.

    People type numbers many ways (07700 900123, +44 7700 900123, 447700900123); they are
    stored one way so that signing in with any of them finds the same account.
    """
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if not digits:
        return ""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("07"):
        digits = "+44" + digits[1:]
    elif digits.startswith("447"):
        digits = "+" + digits
    return digits


def sign_in_name(typed: str | None) -> str:
    """What someone typed to sign in, written the one way their account is looked up by.

    An email address is lower-cased, a UK mobile number written as +447XXXXXXXXX; anything else
    (an administrator's username) is only stripped of spaces at its ends. Sign-in failures are
    counted under this name (coproduce/accounts/sign_in.py), so every spelling shares one count.
    """
    name = (typed or "").strip()
    if "@" in name:
        return name.lower()
    mobile = normalise_mobile(name)
    if UK_MOBILE.match(mobile):
        return mobile
    return name


def validate_uk_mobile(value: str) -> None:
    if value and not UK_MOBILE.match(value):
        raise ValidationError("Enter a UK mobile number, like 07700 900123.")


UK_PHONE = re.compile(r"^\+44[1237]\d{8,9}$")


def normalise_uk_phone(raw: str) -> str:
    """Return a UK landline or mobile number as +44XXXXXXXXXX, or "" if `raw` is blank.

    Written like normalise_mobile, so 01632 960123, +44 1632 960123 and 441632960123 are stored alike.
    """
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if not digits:
        return ""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("0"):
        digits = "+44" + digits[1:]
    elif digits.startswith("44"):
        digits = "+" + digits
    return digits


def validate_uk_phone(value: str) -> None:
    if value and not UK_PHONE.match(value):
        raise ValidationError("Enter a UK phone number, like 01632 960123 or 07700 900123.")


def uk_phone_for_people(value: str) -> str:
    """A stored +44 number written the way people read it in the UK: 01632 960123, 020 7946 0123."""
    if not value.startswith("+44"):
        return value
    national = "0" + value[3:]
    if national.startswith("02") and len(national) == 11:
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    if national.startswith("03") and len(national) == 11:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:5]} {national[5:]}"


class User(AbstractUser):
    """A person who can sign in. What they may see comes from their roles, not from this row."""

    email = models.EmailField("email address", blank=True, default="")
    mobile = models.CharField("mobile number", max_length=16, blank=True, default="", validators=[validate_uk_mobile])
    display_name = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_when_set", condition=~models.Q(email="")),
        ]
        # A mobile number may be shared: families share phones (coproduce/accounts/shared_mobile.py).
        indexes = [models.Index(fields=["mobile"], name="user_mobile", condition=~models.Q(mobile=""))]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        self.mobile = normalise_mobile(self.mobile)
        self.email = (self.email or "").strip().lower()


def longest_api_token_days() -> int:
    """How long a token may work at most, and by default (COPRODUCE_API_TOKEN_DAYS)."""
    return int(getattr(settings, "COPRODUCE_API_TOKEN_DAYS", 90))


def default_api_token_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=longest_api_token_days())


class ApiToken(models.Model):
    """A key a person uses to call the API as themselves (`Authorization: Bearer <key>`).

    Only a SHA-256 digest of the key is stored: the key itself is shown once, when it is
    issued, and cannot be recovered. A token works until it expires or is revoked, and only
    while its owner meets the two-factor rule (coproduce/accounts/services.py, docs/security.md).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, like “caseload sync”.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, as hex.")
    key_prefix = models.CharField(max_length=12, help_text="The key's first characters, to recognise it by.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=default_api_token_expiry, help_text="It stops working at this moment.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…, {self.user})"

    @property
    def is_active(self) -> bool:
        """Not revoked and not expired (its owner's two-factor sign-in is checked apart)."""
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"
