"""Sign in with an email address or a mobile number (or, for administrators, a username)."""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from coproduce.accounts.models import UK_MOBILE, User, sign_in_name
from coproduce.accounts.shared_mobile import accounts_on_mobile


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
        name = sign_in_name(username)
        if UK_MOBILE.match(name):
            return self._by_mobile(name, password)
        user = account_signing_in_as(username or "")
        if user is None:
            # Hash anyway so that "no such account" takes as long as "wrong password".
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def _by_mobile(self, mobile: str, password: str) -> User | None:
        """A mobile number may be shared (coproduce/accounts/shared_mobile.py): the password says who.

        Every account on the number is checked, and dummy checks make up the count to
        COPRODUCE_SHARED_MOBILE_PASSWORD_CHECKS, so no answer and no timing tells how many
        people use the number. A password that opens two of them opens neither.
        """
        accounts = accounts_on_mobile(mobile)
        matches = [account for account in accounts if account.check_password(password)]
        for _ in range(settings.COPRODUCE_SHARED_MOBILE_PASSWORD_CHECKS - len(accounts)):
            User().set_password(password)
        if len(matches) == 1 and self.user_can_authenticate(matches[0]):
            return matches[0]
        return None
