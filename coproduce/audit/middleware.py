"""Sets the audit's request details once per request (see coproduce/audit/context.py)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from coproduce.audit.context import audit_context, channel_for_path


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The path without its query string: a search for a name must not copy the name into the log.
        with audit_context(channel=channel_for_path(request.path), path=request.path, purpose=""):
            return self.get_response(request)
