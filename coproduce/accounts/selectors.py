"""Reading accounts' own records."""

from typing import Any

from django.db.models import QuerySet

from coproduce.accounts.models import ApiToken


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A person's own API tokens, newest first, working or not. Nobody sees another's here:
    administrators see everyone's in the Django admin."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
