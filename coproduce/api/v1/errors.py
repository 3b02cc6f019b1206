"""How failures reach API callers: one JSON shape, `{"detail": message}`, plus `errors` for bad input.

- A domain error (coproduce.core.errors) answers with its own status: 400, 403, 404 or 409.
- Input that does not fit the schema answers 400 with a message per field, exactly like the
  pages' form errors (ninja's default would be 422 with pydantic's internals). A path that names
  no record the way it should (`/participants/abc`) answers 404, as any other unknown record.
- A body that is not JSON, an upload that is not multipart with its boundary, or a body bigger
  than Django accepts answers 400. Nobody signed in: 401. Too many requests: 429.
- Anything else that goes wrong answers 500 in JSON too, and is logged and reported exactly as
  Django reports an error on a page (the "django.request" logger, `got_request_exception`).
- Whoever may not see a record is refused (404 or 403) before being told what is wrong with
  their body: see access_first.py.

Every one of these is raised before anything is written, or inside the service's transaction,
so a refused or bad request changes nothing.
"""

import logging
from typing import Any

from django.core import signals
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from coproduce.core.errors import DomainError
from coproduce.core.validation import InvalidInput

SIGN_IN_MESSAGE = "Sign in first: send an API token as 'Authorization: Bearer <key>', or use a signed-in session."
NOT_JSON_MESSAGE = "The request body is not valid JSON. Send a JSON object with 'Content-Type: application/json'."
NOT_MULTIPART_MESSAGE = (
    "The upload could not be read. Send it as 'multipart/form-data' with its boundary "
    "(a browser form, or curl -F, does this for you)."
)
SERVER_ERROR_MESSAGE = (
    "Something went wrong on our side, not in your request. Try again later; if it keeps happening, "
    "tell your administrator."
)
TOO_BIG_MESSAGE = "The request is too big, or has too many fields or files. Send less at once."
NO_SUCH_RECORD = "No such record."

# Plain-English messages for pydantic's error types; anything else keeps pydantic's own message.
MESSAGES = {
    "extra_forbidden": "This field is not recognised.",
    "int_type": "Enter a whole number.",
    "int_parsing": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "string_type": "Enter text.",
    "bool_type": "Enter true or false.",
    "bool_parsing": "Enter true or false.",
    "date_type": "Enter a date like 2024-03-31.",
    "date_parsing": "Enter a date like 2024-03-31.",
    "date_from_datetime_parsing": "Enter a date like 2024-03-31.",
    "date_from_datetime_inexact": "Enter a date like 2024-03-31.",
    "list_type": "Send a list.",
    "model_type": "Send a JSON object.",
    "model_attributes_type": "Send a JSON object.",
    "dict_type": "Send a JSON object.",
}


def _field_name(location: tuple[Any, ...]) -> str:
    # ninja puts the source first ("body", "query", "path"), then for a body the parameter's name.
    parts = list(location[1:])
    if location and location[0] == "body" and parts:
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or "__all__"


def _message(error: dict[str, Any], field: str) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        # Named, so that the message alone (the "detail") says what to send.
        return f"Send {field}: it is required." if field != "__all__" else "Send the required fields."
    if kind in MESSAGES:
        return MESSAGES[kind]
    if kind in ("enum", "literal_error"):
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"Choose one of: {expected}." if expected else "Choose one of the allowed values."
    message = str(error.get("msg", "This value is not valid."))
    return message.replace("Input should be", "Must be").rstrip(".") + "."


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = _field_name(tuple(error.get("loc", ())))
        errors.setdefault(field, []).append(_message(error, field))
    return errors


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        body: dict[str, Any] = {"detail": exc.message}
        if isinstance(exc, InvalidInput):
            body["errors"] = exc.errors
        elif exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if any(tuple(error.get("loc", ()))[:1] == ("path",) for error in exc.errors):
            # An id that cannot be one names nothing: the same answer as an id that names nothing.
            return api.create_response(request, {"detail": NO_SUCH_RECORD}, status=404)
        errors = field_errors(exc)
        return api.create_response(request, {"detail": InvalidInput(errors).message, "errors": errors}, status=400)

    @api.exception_handler(AuthenticationError)
    def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, {"detail": SIGN_IN_MESSAGE}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = exc.message
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = NOT_JSON_MESSAGE
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": NO_SUCH_RECORD}, status=404)

    @api.exception_handler(MultiPartParserError)
    def not_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return api.create_response(request, {"detail": NOT_MULTIPART_MESSAGE}, status=400)

    @api.exception_handler(RequestDataTooBig)
    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": TOO_BIG_MESSAGE}, status=400)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Called while the exception is being handled, as Django's own handler is.
        signals.got_request_exception.send(sender=None, request=request)
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request}
        )
        return api.create_response(request, {"detail": SERVER_ERROR_MESSAGE}, status=500)
