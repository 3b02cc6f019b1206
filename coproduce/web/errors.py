"""Friendly error pages. They must render whatever went wrong, even with the database down.

The 400, 403 and 404 pages try the normal page (with the menu, which reads the database) and
fall back to a page without anything from the database if that fails. The 500 page never uses
context processors: whatever broke the request may break them too.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput

logger = logging.getLogger(__name__)

TEMPLATES: dict[int | str, tuple[str, StrOrPromise]] = {
    400: ("web/errors/400.html", _("Something was wrong with the request")),
    403: ("web/errors/403.html", _("You cannot open this page")),
    "csrf": ("web/errors/csrf.html", _("The form had expired")),
    404: ("web/errors/404.html", _("Page not found")),
    500: ("web/errors/500.html", _("Sorry, something went wrong")),
}


def _render(
    request: HttpRequest,
    status: int,
    *,
    with_context_processors: bool = True,
    page: int | str | None = None,
    message: str = "",
) -> HttpResponse:
    template_name, title = TEMPLATES[page or status]
    template = loader.get_template(template_name)
    context: dict[str, Any] = {"page_title": title, "message": message}
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


# --- Domain errors that escape a page ---------------------------------------------------------

CONFLICT_TEMPLATE = "web/errors/conflict.html"
CONFLICT_TITLE = "Someone else changed this first"
CONFLICT_BACK_LABEL = "Back"
BACK_LABEL_ATTRIBUTE = "conflict_back_label"
SEND_BACK_ATTRIBUTE = "conflict_sends_back"
JSON_ATTRIBUTE = "domain_errors_as_json"

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def conflict_back_label(label: StrOrPromise) -> Callable[[ViewFunc], ViewFunc]:
    """What the conflict page's button says ("See the referral as it is now") should this view, or
    this helper a view calls with the request first, let a ConflictError escape."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def labelled(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            setattr(request, BACK_LABEL_ATTRIBUTE, label)
            return view(request, *args, **kwargs)

        return cast(ViewFunc, labelled)

    return decorate


def conflict_sends_back(to: str, message: StrOrPromise | None = None) -> Callable[[ViewFunc], ViewFunc]:
    """Should this view let a ConflictError escape, send the person back to the page named `to` with
    `message` (else the error's own) as a notice, instead of the conflict page. For one-button
    answers from a list (a participant's own pages, in their language; a partner's inbox), where
    "look again" is all the person needs."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def sending_back(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            setattr(request, SEND_BACK_ATTRIBUTE, (to, message))
            return view(request, *args, **kwargs)

        return cast(ViewFunc, sending_back)

    return decorate


def answers_json(view: ViewFunc) -> ViewFunc:
    """For a page's JSON endpoint (the phone's offline sync): a refusal that escapes it is answered
    as `{"status": kind, "message": ...}` with its status, not as an HTML page."""

    @functools.wraps(view)
    def in_json(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        setattr(request, JSON_ATTRIBUTE, True)
        return view(request, *args, **kwargs)

    return cast(ViewFunc, in_json)


def json_problem(status: int, kind: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"status": kind, "message": message, **extra}, status=status)


def _as_json(error: DomainError) -> JsonResponse:
    if isinstance(error, InvalidInput):
        return json_problem(400, "invalid", error.message, errors=error.errors)
    if isinstance(error, NotFound):
        return json_problem(404, "not_found", error.message)
    if isinstance(error, NotAllowed):
        return json_problem(403, "not_allowed", error.message)
    return json_problem(error.status_code, "refused", error.message)


def back_to_where_they_were(request: HttpRequest) -> str:
    """The page the person sent the form from (this site's only), else the address they sent it to."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return referer
    return request.get_full_path()


def conflict_page(request: HttpRequest, error: DomainError, *, back_url: str, back_label: StrOrPromise) -> HttpResponse:
    """Someone else changed the record first: say so, change nothing, offer the fresh record."""
    context = {"page_title": CONFLICT_TITLE, "message": error.message, "back_url": back_url, "back_label": back_label}
    return render(request, CONFLICT_TEMPLATE, context, status=409)


class DomainErrorMiddleware:
    """The one place a page turns a service's refusal into what the person sees.

    A view lets NotFound, NotAllowed and ConflictError escape (and any DomainError it does not
    put on a form, see coproduce.web.forms.submitting): not found → the 404 page, not allowed →
    the 403 page, someone else changed it first → the 409 page with a way back, anything else
    → the 400 page with its message. Services refuse before they write, or inside their
    transaction, so nothing was saved. The API and HSDS answer in JSON with their own handlers:
    only the pages (the "web" namespace) are handled here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = request.resolver_match
        if not isinstance(exception, DomainError) or match is None or "web" not in match.namespaces:
            return None
        if getattr(request, JSON_ATTRIBUTE, False):
            return _as_json(exception)
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(exception.message) from exception
        if isinstance(exception, ConflictError) and hasattr(request, SEND_BACK_ATTRIBUTE):
            to, message = getattr(request, SEND_BACK_ATTRIBUTE)
            messages.error(request, message or exception.message)
            return redirect(to)
        if isinstance(exception, ConflictError):
            label = getattr(request, BACK_LABEL_ATTRIBUTE, CONFLICT_BACK_LABEL)
            return conflict_page(request, exception, back_url=back_to_where_they_were(request), back_label=label)
        return _render(request, 400, message=exception.message)
