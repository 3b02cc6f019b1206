"""Shared guards for pages: who may open a page, and how domain errors reach the person."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from coproduce.accounts.roles import Role
from coproduce.programmes.standing import Standing, standing_of

if TYPE_CHECKING:
    from coproduce.participants.models import Participant

View = Callable[..., HttpResponse]


def require_roles(*roles: Role) -> Callable[[View], View]:
    """Only people holding one of `roles` may open the page.

    Anonymous people are sent to sign in; signed-in people without the role get 403. Which
    records they then see is still decided by the visibility functions.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            standing = standing_of(request.user)
            if not any(standing.has(role) for role in roles):
                raise PermissionDenied("This page is not part of your role.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def current_standing(request: HttpRequest) -> Standing:
    return standing_of(request.user)


def visible_participant_or_404(request: HttpRequest, pk: int) -> "Participant":
    """The participant if this person may see them; the 404 page otherwise (the same either way)."""

    from coproduce.participants.selectors import visible_participant

    return visible_participant(request.user, pk)
