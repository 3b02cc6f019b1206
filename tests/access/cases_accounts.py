"""Access cases for the "API tokens" pages: everyone signed in lists, makes and revokes their own
tokens; anonymous is sent to sign in. Kim's token can be revoked by Kim alone here (administrators
revoke anyone's in the Django admin, not on this page): everyone else gets 404, Kim's token
keeps working, and its name and key never appear in their answer.
"""

from typing import Any

from coproduce.accounts.models import ApiToken
from coproduce.accounts.services import issue_api_token
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas

KIMS_TOKEN = "Kim's caseload sync"


def kims_token(p: Personas) -> ApiToken:
    token = ApiToken.objects.filter(user=p.keyworker.user, name=KIMS_TOKEN).first()
    if token is None:
        token, _ = issue_api_token(actor=p.keyworker.user, name=KIMS_TOKEN)
    return token


def kims_token_state(p: Personas) -> Any:
    return ApiToken.objects.filter(pk=kims_token(p).pk).values("revoked_at", "expires_at", "name").get()


def tokens_made(p: Personas) -> int:
    return ApiToken.objects.exclude(name=KIMS_TOKEN).count()


def kims_secrets(p: Personas) -> list[str]:
    return [KIMS_TOKEN, "Kim&#x27;s caseload sync", kims_token(p).key_prefix]


CASES = [
    # Each person sees only their own tokens on it (tests/web/test_api_token_pages.py).
    AccessCase(route="web:api_tokens", url=lambda p: "/account/api-tokens/", allowed=EVERYONE_SIGNED_IN),
    AccessCase(route="web:api_token_new", url=lambda p: "/account/api-tokens/new/", allowed=EVERYONE_SIGNED_IN),
    AccessCase(
        route="web:api_token_new",
        url=lambda p: "/account/api-tokens/new/",
        method="POST",
        data=lambda p: {"name": "Monthly report", "days": "30"},
        allowed=EVERYONE_SIGNED_IN,
        snapshot=tokens_made,
    ),
    AccessCase(
        route="web:api_token_revoke",
        url=lambda p: f"/account/api-tokens/{kims_token(p).pk}/revoke/",
        method="POST",
        allowed=roles("keyworker"),
        allowed_status=302,
        secrets=kims_secrets,
        snapshot=kims_token_state,
    ),
]
