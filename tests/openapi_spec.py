"""The published OpenAPI spec (/api/v1/openapi.json) as a checker of the API's real answers.

A JSON answer from /api/v1 must match the schema its operation declares for that status, error
answers included (`ErrorOut`), with formats (date, date-time, uuid) checked too: a client generated
from the spec parses exactly what the spec says. django-ninja publishes OpenAPI 3.1, whose schemas
are JSON Schema 2020-12, so jsonschema validates them as they are, resolving `#/components/...`
references through `referencing` against the whole document.

Built once per test session (the `api_spec` fixture in tests/conftest.py): the access matrix sends
thousands of requests, and each check is then one cached validator's run.
"""

import json
import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:coproduce:api-v1-openapi"
METHODS = ("get", "put", "post", "delete", "patch")


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


class ApiSpec:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
        )
        # Literal paths before templated ones, so that "/grants/360giving" is not "/grants/{grant_id}".
        self.paths = sorted(
            (
                (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"), path)
                for path in spec["paths"]
            ),
            key=lambda pair: (pair[1].count("{"), pair[1]),
        )
        self._validators: dict[tuple[str, str, str], Validator | None] = {}

    def operation_path(self, method: str, url_path: str) -> str | None:
        """The spec's path template that `url_path` answers to for `method`, if any."""
        for pattern, path in self.paths:
            if pattern.match(url_path) and method.lower() in self.spec["paths"][path]:
                return path
        return None

    def validator(self, method: str, path: str, status: int) -> Validator | None:
        """The schema `path`'s operation declares for `status`; None if it declares no JSON body."""
        key = (method.lower(), path, str(status))
        if key not in self._validators:
            responses = self.spec["paths"][path][key[0]]["responses"]
            content = responses.get(key[2], {}).get("content", {}).get("application/json")
            if content is None or "schema" not in content:
                self._validators[key] = None
            else:
                pointer = _pointer("paths", path, key[0], "responses", key[2], "content", "application/json", "schema")
                self._validators[key] = Draft202012Validator(
                    {"$ref": f"{SPEC_URI}#{pointer}"},
                    registry=self.registry,
                    format_checker=Draft202012Validator.FORMAT_CHECKER,
                )
        return self._validators[key]

    def problems(self, method: str, url_path: str, status: int, content_type: str, body: bytes) -> list[str]:
        """What is wrong with this answer by the spec: an empty list if it matches (or is not JSON)."""
        if not content_type.startswith("application/json") or not url_path.startswith("/api/v1/"):
            return []
        path = self.operation_path(method, url_path)
        if path is None:
            return []  # no such operation: json_errors.py's 404, which no operation declares
        operation = self.spec["paths"][path][method.lower()]
        if str(status) not in operation["responses"]:
            return [f"{method.upper()} {path} answered {status}, which its operation does not declare"]
        validator = self.validator(method, path, status)
        if validator is None and not body:
            return []  # 204 and the like: no body, as declared
        if validator is None:
            return [f"{method.upper()} {path} answered {status} with a JSON body its operation does not declare"]
        document = json.loads(body) if body else None
        return [
            f"{method.upper()} {path} {status}: at {'/'.join(str(part) for part in error.absolute_path) or '(root)'}: "
            f"{error.message}"
            for error in validator.iter_errors(document)
        ]
