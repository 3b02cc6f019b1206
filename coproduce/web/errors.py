"""Friendly error pages. They must render whatever went wrong, even with the database down.

The 400, 403 and 404 pages try the normal page (with the menu, which reads the database) and
fall back to a page without anything from the database if that fails. The 500 page never uses
context processors: whatever broke the request may break them too.
"""

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

TEMPLATES: dict[int | str, tuple[str, StrOrPromise]] = {
    400: ("web/errors/400.html", _("Something was wrong with the request")),
    403: ("web/errors/403.html", _("You cannot open this page")),
    "csrf": ("web/errors/csrf.html", _("The form had expired")),
    404: ("web/errors/404.html", _("Page not found")),
    500: ("web/errors/500.html", _("Sorry, something went wrong")),
}


def _render(
    request: HttpRequest, status: int, *, with_context_processors: bool = True, page: int | str | None = None
) -> HttpResponse:
    template_name, title = TEMPLATES[page or status]
    template = loader.get_template(template_name)
    context: dict[str, Any] = {"page_title": title}
    if with_context_processors:
        try:
            return HttpResponse(template.render(context, request), status=status)
        except Exception:  # the page must still be shown; the cause is logged
            logger.exception("Error page %s fell back to the plain version", status)
    return HttpResponse(template.render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, 500, with_context_processors=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (often: it was open too long, or cookies are off)."""
    return _render(request, 403, page="csrf")
