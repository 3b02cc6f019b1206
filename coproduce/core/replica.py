"""Reading dashboards, exports and analytics from a read replica (docs/deployment.md).

When `DATABASE_REPLICA_URL` is set, settings add a "replica" database, `ReplicaReadMiddleware`
and `ReplicaRouter`. The middleware marks a GET or HEAD request as "may read from the replica"
when the name of the route it resolved to is in `REPLICA_READ_URL_NAMES`; the router then sends
that request's reads there, except:

- reads of models that must be fresh (`FRESH_APP_LABELS`, `FRESH_MODELS`): the audit chain,
  sessions, the cache, tasks, accounts and sign-in, and who holds which role;
- reads of a model this request has already written (it reads its own writes);
- reads inside a transaction on the primary (a service that locks and re-reads).

Every write, every migration and every other request uses "default". Without the setting nothing
here is installed, and everything reads and writes "default" as before.
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

REPLICA_DB_ALIAS = "replica"

# Whole apps whose rows are always read from the primary.
FRESH_APP_LABELS = frozenset(
    {
        "audit",  # the tamper-evident chain: sealing and verifying read what was just written
        "sessions",
        "django_cache",  # the database cache's table (rate limits, the seal-pending flag)
        "django_tasks_db",
        "accounts",
        "auth",
        "axes",
        "otp_static",
        "otp_totp",
        "admin",
        "contenttypes",
    }
)
# Single models read from the primary: who may do what must not lag behind a revoked role.
FRESH_MODELS = frozenset({"programmes.staffmember", "programmes.staffrole", "programmes.partnershipmembership"})

SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class ReplicaReads:
    """What the current request may read from the replica."""

    allowed: bool = False
    written: set[str] = field(default_factory=set)


_current: ContextVar[ReplicaReads | None] = ContextVar("coproduce_replica_reads", default=None)


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in settings.DATABASES


def replica_read_url_names() -> frozenset[str]:
    return frozenset(getattr(settings, "REPLICA_READ_URL_NAMES", ()))


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def must_read_fresh(model: type[Model]) -> bool:
    return model._meta.app_label in FRESH_APP_LABELS or _label(model) in FRESH_MODELS


class ReplicaRouter:
    """Reads of a request marked by `ReplicaReadMiddleware` go to the replica; all else to "default"."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        state = _current.get()
        if state is None or not state.allowed or not replica_configured():
            return DEFAULT_DB_ALIAS
        if must_read_fresh(model) or _label(model) in state.written:
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db is not None:
            # Related rows of an object come from where the object came from.
            return str(instance._state.db)
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = _current.get()
        if state is not None:
            state.written.add(_label(model))
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # Both hold the same rows: the replica is a copy of the primary.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS, None}

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadMiddleware:
    """Marks GET and HEAD requests to the routes in `REPLICA_READ_URL_NAMES` as "may read from the replica"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _current.set(ReplicaReads())
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        state = _current.get()
        match = request.resolver_match
        if state is not None and match is not None and request.method in SAFE_METHODS:
            state.allowed = match.view_name in replica_read_url_names()
