"""People who sign in: staff and participants, by email or mobile number and a password."""

import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

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


def validate_uk_mobile(value: str) -> None:
    if value and not UK_MOBILE.match(value):
        raise ValidationError("Enter a UK mobile number, like 07700 900123.")


class User(AbstractUser):
    """A person who can sign in. What they may see comes from their roles, not from this row."""

    email = models.EmailField("email address", blank=True, default="")
    mobile = models.CharField("mobile number", max_length=16, blank=True, default="", validators=[validate_uk_mobile])
    display_name = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_when_set", condition=~models.Q(email="")),
            models.UniqueConstraint("mobile", name="user_mobile_unique_when_set", condition=~models.Q(mobile="")),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        self.mobile = normalise_mobile(self.mobile)
        self.email = (self.email or "").strip().lower()


class ApiToken(models.Model):
    """A key a person uses to call the API as themselves (`Authorization: Bearer <key>`).

    Only a SHA-256 digest of the key is stored: the key itself is shown once, when it is
    issued, and cannot be recovered. A revoked token never authenticates again.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, like “caseload sync”.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, as hex.")
    key_prefix = models.CharField(max_length=12, help_text="The key's first characters, to recognise it by.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…, {self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
