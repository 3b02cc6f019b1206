"""Changes to accounts: issuing and revoking API tokens, and signing in with one.

The two-factor rule for tokens (docs/security.md): a token stands in for signing in, so it may
give no more than signing in does.

- **Making one** (a page): only in a session that has given everything sign-in asks of that
  person, the code from their authenticator app included wherever one is asked for
  (`two_factor.second_factor_required`). `manage.py issue_api_token` makes one at the server,
  for someone, without a session.
- **Using one**: only until it expires or is revoked, while its owner's account is active, and
  while its owner meets the two-factor rule (`two_factor.may_use_api_token`): a staff member who
  must use two factors and has none set up (never did, or was reset) cannot use their tokens
  until they set one up.
"""

import datetime
import hashlib
import secrets

import rules
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.accounts import two_factor
from coproduce.accounts.models import ApiToken, User, longest_api_token_days
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput

KEY_PREFIX = "cpd_"
PURPOSE = "API access"
# Writing `last_used_at` on every request would turn each read into a write; once in a while
# is enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)
GIVE_YOUR_CODE = (
    "Enter the code from your authenticator app first: an API token can only be made by someone who has "
    "signed in with it."
)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_token(*, actor: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Issue `actor` a new API token, working for `days` (at most and by default
    COPRODUCE_API_TOKEN_DAYS), and return it with its key.

    `actor` is the request's user: where sign-in asks them for a second factor, their session
    must have given it (django-otp marks it), or NotAllowed. The key is returned once and never
    stored: only its SHA-256 digest is kept, so a leaked database does not leak working keys.
    The token acts as the person, with exactly their roles.
    """
    if not rules.has_perm("accounts.create_api_token", actor):
        raise NotAllowed("This account is not active.")
    if two_factor.second_factor_required(actor) and not two_factor.session_gave_second_factor(actor):
        raise NotAllowed(GIVE_YOUR_CODE)
    return _issue(owner=actor, actor=actor, name=name, days=days, changed_fields=["name", "expires_at"])


def issue_api_token_at_the_server(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """`manage.py issue_api_token`: someone at the server's command line issues `user` a token.

    Audited as the system's doing. There is no session to ask for a code, but the token works
    only while `user` meets the two-factor rule for using one.
    """
    if not user.is_active:
        raise NotAllowed("This account is not active.")
    return _issue(owner=user, actor=None, name=name, days=days, changed_fields=["name", "expires_at", "user"])


def _issue(
    *, owner: User, actor: User | None, name: str, days: int | None, changed_fields: list[str]
) -> tuple[ApiToken, str]:
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Say what the token is for."]
    elif len(name) > 100:
        errors["name"] = ["Use 100 characters or fewer."]
    longest = longest_api_token_days()
    days = longest if days is None else days
    if not 1 <= days <= longest:
        errors["days"] = [f"Choose between 1 and {longest} days."]
    if errors:
        raise InvalidInput(errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # One at a time per person, so that two at once cannot both take a name.
        User.objects.select_for_update().filter(pk=owner.pk).first()
        if _working(ApiToken.objects.filter(user=owner, name=name), now).exists():
            raise InvalidInput({"name": [f"You already have a token called “{name}”. Give this one another name."]})
        token = ApiToken.objects.create(
            user=owner,
            name=name,
            key_hash=hash_api_key(key),
            key_prefix=key[:12],
            expires_at=now + datetime.timedelta(days=days),
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=token,
            participant_id=None,
            purpose=PURPOSE,
            changed_fields=changed_fields,
        )
    return token, key


def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    """Revoke a token at once. Its owner may revoke it, and so may an administrator; to anyone
    else it does not exist (NotFound). Revoking a revoked token changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or not rules.has_perm("accounts.revoke_api_token", actor, token):
            raise NotFound("No such token.")
        return _revoke(token, actor=actor)


def revoke_api_token_at_the_server(*, token_id: int) -> ApiToken:
    """`manage.py revoke_api_token`: someone at the server's command line revokes a token (audited as the system)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None:
            raise NotFound("No such token.")
        return _revoke(token, actor=None)


def _revoke(token: ApiToken, *, actor: User | None) -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record=token,
        participant_id=None,
        purpose=PURPOSE,
        changed_fields=["revoked_at"],
    )
    return token


def token_for_api_key(key: str) -> ApiToken | None:
    """The token a key belongs to, if it works now: not revoked, not expired, its owner active and
    meeting the two-factor rule for using tokens. None otherwise, whatever the reason."""
    if not key.startswith(KEY_PREFIX):
        return None
    now = timezone.now()
    token = (
        _working(ApiToken.objects.select_related("user"), now)
        .filter(key_hash=hash_api_key(key), user__is_active=True)
        .first()
    )
    if token is None or not two_factor.may_use_api_token(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _working(tokens: QuerySet[ApiToken], now: datetime.datetime) -> QuerySet[ApiToken]:
    return tokens.filter(revoked_at__isnull=True, expires_at__gt=now)
