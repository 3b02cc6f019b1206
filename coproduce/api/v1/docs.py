"""The API's documentation page, which works offline and without JavaScript.

The page lists every operation from the OpenAPI schema (method, path, summary, parameters) in
plain, accessible HTML. Where JavaScript runs, Swagger UI — served from django-ninja's own
static files, never a CDN, so that the CSP (`script-src 'self'`) allows it — replaces the list
with its interactive version.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine
from ninja import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

TEMPLATE = Path(__file__).parent / "templates" / "docs.html"
# Its own template engine: the pages' context processors (menus by role) have no place here.
ENGINE = Engine(dirs=[str(TEMPLATE.parent)], libraries={"static": "django.templatetags.static"})
METHODS = ("get", "post", "put", "patch", "delete")


def _type_of(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_type_of(option) for option in schema["anyOf"])
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    return str(schema.get("type", "any"))


def operations_from(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of an OpenAPI schema, flattened for a template."""
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "type": _type_of(parameter.get("schema", {})),
                            "required": parameter.get("required", False),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "body": _type_of(body) if body else "",
                    "responses": sorted(operation.get("responses", {})),
                    "public": not operation.get("security"),
                }
            )
    return operations


class OfflineDocs(Swagger):
    def __init__(self) -> None:
        # No validator badge: it would be fetched from validator.swagger.io.
        super().__init__(settings={"validatorUrl": None, "defaultModelsExpandDepth": 0})

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        swagger_settings = {**self.settings, "url": openapi_url}
        context = {
            "api": api,
            "openapi_url": openapi_url,
            "operations": operations_from(api.get_openapi_schema(path_params=kwargs)),
            # "</" cannot close the script element the settings sit in.
            "swagger_settings": json.dumps(swagger_settings).replace("</", "<\\/"),
            "add_csrf": True,
            "csrf_token": get_token(request),
        }
        return HttpResponse(ENGINE.get_template(TEMPLATE.name).render(Context(context)))
