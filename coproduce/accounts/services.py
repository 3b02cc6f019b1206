"""Changes to accounts: issuing and revoking API tokens, and signing in with one."""

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from coproduce.accounts.models import ApiToken, User
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput

KEY_PREFIX = "cpd_"
# Writing `last_used_at` on every request would turn each read into a write; once in a while
# is enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _role_label(user: Any) -> str:
    # The actor's roles live in the programmes app, which sits above this one.
    from coproduce.programmes.actors import actor_for

    return actor_for(user).role_label


def issue_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issue `actor` a new API token and return it with its key.

    The key is returned once and never stored: only its SHA-256 digest is kept, so a leaked
    database does not leak working keys. The token acts as the person, with exactly their roles.
    """
    name = name.strip()
    if not name:
        raise InvalidInput({"name": ["Say what the token is for."]})
    if len(name) > 100:
        raise InvalidInput({"name": ["Use 100 characters or fewer."]})
    if not actor.is_active:
        raise NotAllowed("This account is not active.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name, key_hash=hash_api_key(key), key_prefix=key[:12])
        record_event(
            actor=actor,
            actor_role=_role_label(actor),
            action=AuditEvent.Action.CREATE,
            record=token,
            participant_id=None,
            purpose="API access",
            changed_fields=["name"],
        )
    return token, key


def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    """Revoke a token at once. Its owner may revoke it, and so may an administrator."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or not (token.user_id == actor.pk or actor.is_superuser):
            raise NotFound("No such token.")
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            actor_role=_role_label(actor),
            action=AuditEvent.Action.CHANGE,
            record=token,
            participant_id=None,
            purpose="API access",
            changed_fields=["revoked_at"],
        )
    return token


def user_for_api_key(key: str) -> User | None:
    """The active person a key belongs to, or None if it is unknown, revoked or theirs is inactive."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_api_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
