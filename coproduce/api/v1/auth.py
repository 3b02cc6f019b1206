"""Who is calling: a bearer token or a signed-in session. Both end at the same user and roles.

Whatever the route, what the caller then sees is decided by the same visibility functions as
the pages (`participants_visible_to` and friends), so the two ways in can never differ.
"""

import rules
from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from coproduce.accounts.models import User
from coproduce.accounts.services import token_for_api_key
from coproduce.audit.context import note_api_token
from coproduce.core.errors import NotAllowed
from coproduce.programmes.standing import Standing, standing_of


class BearerToken(HttpBearer):
    """`Authorization: Bearer <key>` with a key made on the "API tokens" page (or by
    `manage.py issue_api_token`). Expired, revoked and paused tokens get the same 401 as
    unknown ones (the rules are in coproduce/accounts/services.py)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = token_for_api_key(token.strip())
        if api_token is None:
            return None
        # Every audit event this request writes names the token it came with.
        note_api_token(api_token.name)
        # So that history records and anything else reading request.user see the caller.
        request.user = api_token.user
        return api_token.user


class Session(APIKeyCookie):
    """The browser session of someone signed in to the pages.

    Unsafe methods need Django's CSRF token (the `X-CSRFToken` header), because a browser sends
    the session cookie with any request, including one a hostile page makes. The check is made
    only once the session is known to belong to someone: an anonymous caller is told to sign in
    (401), not that a CSRF token is missing.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User):  # nobody, or AnonymousUser
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.")
        return user


api_auth = [BearerToken(), Session()]


def caller(request: HttpRequest) -> User:
    """The authenticated user behind this request (set by one of `api_auth`, so always signed in): the
    acting user every route passes to services and selectors."""
    return request.auth  # type: ignore[attr-defined]


def caller_standing(request: HttpRequest) -> Standing:
    return standing_of(caller(request))


def caller_allowed(request: HttpRequest, permission: str, refusal: str) -> User:
    """The signed-in caller, if `rules` grants them `permission` (no object); otherwise a 403 saying `refusal`."""
    user = caller(request)
    if not rules.has_perm(permission, user):
        raise NotAllowed(refusal)
    return user
