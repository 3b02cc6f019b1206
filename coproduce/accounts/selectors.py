"""Reading accounts' own records."""

from django.db.models import QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.models import ApiToken, User


def api_tokens_of(actor: ActingUser) -> QuerySet[ApiToken]:
    """A person's own API tokens, newest first, working or not. Nobody sees another's here:
    administrators see everyone's in the Django admin."""
    if not isinstance(actor, User):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=actor).order_by("-created_at", "-pk")
