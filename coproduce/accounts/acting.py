"""The acting user: who asks a service to change something or a selector to read something.

Every service and selector takes it as `actor: ActingUser`, the same object a page has as
`request.user` and the API as `request.auth`: a signed-in `User`, or `AnonymousUser` for the public
pages that anyone may use. What that user may act as (their roles, staff record, own participant
record) is their `Standing` (coproduce/programmes/standing.py), worked out from it.
"""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from coproduce.accounts.models import User
from coproduce.core.errors import NotAllowed

ActingUser: TypeAlias = User | AnonymousUser


def signed_in(actor: ActingUser) -> User:
    """The acting user as the signed-in `User` a service records as having done something (`recorded_by`,
    `given_by`...). The service's permission check has already refused anyone not signed in; this says so
    to the type checker, and refuses them again should a check ever let them through."""
    if not isinstance(actor, User):
        raise NotAllowed("Sign in first.")
    return actor
