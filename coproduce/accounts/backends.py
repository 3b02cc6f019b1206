"""Sign in with an email address or a mobile number (or, for administrators, a username)."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from coproduce.accounts.models import UK_MOBILE, User, sign_in_name


def account_signing_in_as(typed: str) -> User | None:
    """The account someone means by what they typed: its username exactly, or its email address
    or mobile number written any way (`sign_in_name`, the same name sign-in failures are counted
    under, so a spelling that finds the account is always one that shares its count)."""
    identifier = typed.strip()
    name = sign_in_name(identifier)
    match = Q(username=identifier)
    if "@" in name:
        match |= Q(email__iexact=name)
    elif UK_MOBILE.match(name):
        match |= Q(mobile=name)
    return User.objects.filter(match).order_by("pk").first()


class EmailOrMobileBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not (username or "").strip() or password is None:
            return None
        user = account_signing_in_as(username or "")
        if user is None:
            # Hash anyway so that "no such account" takes as long as "wrong password".
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
