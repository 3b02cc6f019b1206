"""Counting failed sign-ins (django-axes), so that guessing passwords stops early for everyone.

Two limits, both over the last `AXES_COOLOFF_TIME` (an hour):

- **Per account and address**: `AXES_FAILURE_LIMIT` (5) wrong passwords for one sign-in name
  from one address pause that name there. The name is counted as the backend looks the account
  up (`sign_in_name`): an email address in any case or spacing, a mobile number written any
  way, are one name and share one count, so that respelling it neither buys more guesses nor
  gets round a lock. Another address is not affected, so nobody can lock a person out from afar.
- **Per address**: `COPRODUCE_SIGN_IN_ADDRESS_FAILURE_LIMIT` wrong passwords from one address,
  across any names, pause every sign-in from there (one guess at each of many accounts:
  "password spraying"). This count is the failures axes keeps per name and address, added up
  for the address, so it is not cleared when someone signs in to their own account from there,
  and `manage.py axes_reset_ip` lifts it.

While paused, even the right password is refused, with the same page whether or not the account
exists. The address is the client's own behind proxies (coproduce/accounts/client_address.py).
Email and mobile number are counted apart: one count for both would tell someone who tried both
whether they belong to one account.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from coproduce.accounts.models import User, sign_in_name

USERNAME_FIELD = "username"


def sign_in_name_for_axes(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: axes counts failures under `sign_in_name` of what was typed."""
    if credentials:
        typed = credentials.get(USERNAME_FIELD)
    else:
        typed = getattr(request, "data", request.POST).get(USERNAME_FIELD)
    return sign_in_name(typed)


def failures_from_address(request: HttpRequest) -> int:
    """Wrong passwords from this request's address, for any names, in the last cool-off period."""
    total = AccessAttempt.objects.filter(
        ip_address=getattr(request, "axes_ip_address", None),
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def address_is_paused(request: HttpRequest) -> bool:
    return failures_from_address(request) >= settings.COPRODUCE_SIGN_IN_ADDRESS_FAILURE_LIMIT


class SignInAttemptHandler(AxesDatabaseHandler):
    """django-axes' database handler (AXES_HANDLER), adding the per-address limit.

    It also clears the count of the name someone actually typed when they sign in: axes clears
    only the account's username, which is not what a person signing in by mobile number typed.
    """

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        return bool(super().is_locked(request, credentials)) or address_is_paused(request)

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if address_is_paused(request):
            # AxesMiddleware answers with the lockout page when this flag is set.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=sign_in_name_for_axes(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def user_logged_in(self, sender: Any, request: Any, user: User, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        typed = request.POST.get(USERNAME_FIELD) if request is not None and request.method == "POST" else None
        if settings.AXES_RESET_ON_SUCCESS and typed:
            self.reset_user_attempts(request, get_credentials(typed))
