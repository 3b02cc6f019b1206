"""What a request tells the audit: the channel it came by and the path it asked for.

Set once per request by `AuditContextMiddleware` (or once per command or task), read by the
audit helpers in `coproduce.audit.services`, so that no service has to carry these details
in its arguments. A context variable, not a thread-local: it follows the request into any
code it calls, and nothing of one request is left for the next.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import ParamSpec, TypeVar

from coproduce.audit.models import AuditEvent

PATH_LENGTH = 300

Params = ParamSpec("Params")
Result = TypeVar("Result")


@dataclass(frozen=True)
class RequestDetails:
    """How an audited action reached us. Outside any request (a command, a task): the system."""

    channel: str = AuditEvent.Channel.SYSTEM
    path: str = ""
    # Why the data is being used, when the page or command knows better than the actor's role
    # ("Subject access request", "Retention"). Empty: the actor's role says (Standing.purpose_for).
    purpose: str = ""
    # Set when the caller authenticated with an API token: its name, so the log says which key.
    api_token_name: str = ""


# RequestDetails is frozen, so one shared default is safe.
_current: ContextVar[RequestDetails] = ContextVar(
    "coproduce_audit_request_details",
    default=RequestDetails(),  # noqa: B039
)


def current() -> RequestDetails:
    return _current.get()


@contextmanager
def audit_context(*, channel: str | None = None, path: str | None = None, purpose: str | None = None) -> Iterator[None]:
    """Within the block, audit events carry these details (the others stay as they were).

    Views that hand over a file wrap the service call in `audit_context(channel=EXPORT)`;
    commands that act on people's data name their purpose.
    """
    details = current()
    changes: dict[str, str] = {}
    if channel is not None:
        changes["channel"] = channel
    if path is not None:
        changes["path"] = path[:PATH_LENGTH]
    if purpose is not None:
        changes["purpose"] = purpose
    token = _current.set(replace(details, **changes))
    try:
        yield
    finally:
        _current.reset(token)


def audited_as_export(view: Callable[Params, Result]) -> Callable[Params, Result]:
    """A view that hands over a file (CSV, XLSX, PDF, ZIP…): what it reads is audited as an export."""

    @functools.wraps(view)
    def wrapper(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        with audit_context(channel=AuditEvent.Channel.EXPORT):
            return view(*args, **kwargs)

    return wrapper


def note_api_token(name: str) -> None:
    """The request is made with the API token called `name`: every event it writes says so.

    Set after authentication, inside the request's context, which the middleware resets at the end.
    """
    _current.set(replace(current(), api_token_name=name[:100]))


def channel_for_path(path: str) -> str:
    """The channel a request came by, from where it was sent."""
    if path.startswith("/api/"):
        return AuditEvent.Channel.API
    if path.startswith("/admin/"):
        return AuditEvent.Channel.ADMIN
    return AuditEvent.Channel.PAGE
