"""Sign in with an email address or a mobile number (or, for administrators, a username)."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from coproduce.accounts.models import User, normalise_mobile


class EmailOrMobileBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        identifier = (username or "").strip()
        if not identifier or password is None:
            return None
        match = Q(username=identifier)
        if "@" in identifier:
            match |= Q(email__iexact=identifier)
        else:
            mobile = normalise_mobile(identifier)
            if mobile:
                match |= Q(mobile=mobile)
        user = User.objects.filter(match).first()
        if user is None:
            # Hash anyway so that "no such account" takes as long as "wrong password".
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
