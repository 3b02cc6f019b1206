"""Under /api/, every answer is JSON, errors included (`{"detail": "…"}`), whoever produced it.

The API's own errors are JSON already (errors.py). A few come from elsewhere: an address no
route matches (`/api/v1/no-such-thing`, or an id a path converter refuses, like
`/api/v1/research/quotes/abc`), ninja's plain-text "Method not allowed" (405), and a 404 raised
outside a route (ninja's root address). A program calling the API must never have to read a web
page, so `api_urls` wraps every route of the API and `no_such_route` answers every other address
under /api/ (config/urls.py). The pages keep their HTML error pages.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

NOT_FOUND = "Not found: no such record, or no such route (the routes are listed at /api/v1/docs)."
JSON = "application/json; charset=utf-8"  # as ninja answers
# Headers a caller needs to act on an error, kept when one is turned into JSON.
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")
# ninja lists a 405's allowed methods from a set: put them in a fixed order.
METHOD_ORDER = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")

View = Callable[..., HttpResponseBase]


def not_allowed_message(request: HttpRequest, allowed: str) -> str:
    return f"This address does not take {request.method}; it takes {allowed}."


def as_json(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """An error answered as a page or plain text, answered as JSON instead (same status)."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
        return response
    if response.status_code == 405:
        allowed = [method.strip() for method in response.get("Allow", "").split(",") if method.strip()]
        allowed.sort(key=lambda method: (METHOD_ORDER.index(method) if method in METHOD_ORDER else 99, method))
        response["Allow"] = ", ".join(allowed)
        detail = not_allowed_message(request, response["Allow"])
    elif response.status_code == 404:
        detail = NOT_FOUND
    else:
        detail = response.reason_phrase + "."
    answer = JsonResponse({"detail": detail}, status=response.status_code, content_type=JSON)
    for header in KEPT_HEADERS:
        if header in response:
            answer[header] = response[header]
    return answer


def answering_in_json(view: View) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return JsonResponse({"detail": NOT_FOUND}, status=404, content_type=JSON)
        return as_json(request, response)

    return wrapped


def api_urls(api: NinjaAPI) -> tuple[list[URLResolver | URLPattern], str, str]:
    """`api.urls`, with every route's view answering its errors in JSON."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = answering_in_json(pattern.callback)
    return patterns, app_name, namespace


@csrf_exempt  # it changes nothing, and must not answer a session's POST with the CSRF page
def no_such_route(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any address under /api/ that no route of the API matches, whatever the method."""
    return JsonResponse({"detail": NOT_FOUND}, status=404, content_type=JSON)
