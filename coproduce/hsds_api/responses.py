"""The HTTP side of the HSDS API: JSON answers with CORS, GET only, errors as JSON, the Page envelope."""

import functools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from coproduce.core.errors import NotFound
from coproduce.hsds_api.params import BadParameter, Paging

M = TypeVar("M", bound=Model)
R = TypeVar("R", bound=HttpResponseBase)
View = Callable[..., HttpResponseBase]

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
NDJSON_CHUNK = 200


def with_cors(response: R) -> R:
    """The UK profile: every response carries `Access-Control-Allow-Origin: *`."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def json_answer(data: Any, *, status: int = 200) -> HttpResponse:
    return with_cors(JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}))


def problem(message: str, *, status: int) -> HttpResponse:
    return json_answer({"detail": message}, status=status)


def hsds_endpoint(view: View) -> View:
    """A public, read-only endpoint: GET/HEAD answer, OPTIONS says what is allowed, anything else is 405.

    Exempt from CSRF (it changes nothing and takes no cookies' authority), so a POST gets a
    clear 405 rather than a CSRF refusal. Bad parameters answer 400, unknown ids 404, both JSON.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
            return with_cors(response)
        if request.method not in ("GET", "HEAD"):
            response = problem(
                f"This API is read-only: {request.method} is not allowed. Use GET.",
                status=405,
            )
            response["Allow"] = ALLOWED_METHODS
            return response
        try:
            return with_cors(view(request, *args, **kwargs))
        except BadParameter as error:
            return problem(str(error), status=400)
        except NotFound as error:
            return problem(str(error), status=404)

    return csrf_exempt(wrapped)


def page_of(
    rows: QuerySet[M],
    paging: Paging,
    *,
    prefetch: Callable[[QuerySet[M]], Iterable[M]],
    serialise: Callable[[M], dict[str, Any]],
) -> dict[str, Any]:
    """The HSDS `Page` envelope around one page of `rows` (a page past the end is empty, not an error)."""
    total = rows.count()
    start = (paging.page - 1) * paging.per_page
    page_rows: Sequence[M] = list(prefetch(rows[start : start + paging.per_page])) if start < total else []
    total_pages = math.ceil(total / paging.per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(page_rows),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": len(page_rows) == 0,
        "contents": [serialise(row) for row in page_rows],
    }


def ndjson_of(
    rows: QuerySet[M],
    *,
    prefetch: Callable[[QuerySet[M]], Iterable[M]],
    serialise: Callable[[M], dict[str, Any]],
) -> HttpResponseBase:
    """`format=ndjson`: every result, one JSON object a line, unpaginated, read in chunks."""

    def lines() -> Iterator[str]:
        start = 0
        while True:
            chunk = list(prefetch(rows[start : start + NDJSON_CHUNK]))
            for row in chunk:
                yield json.dumps(serialise(row), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"
            if len(chunk) < NDJSON_CHUNK:
                return
            start += NDJSON_CHUNK

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
