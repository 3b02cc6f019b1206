"""A caller refused on an API write gets the same answer whatever they send.

Someone who may not see a record must not learn that it exists from the way their request is
refused: a body the schema rejects, a body that is not JSON, an upload without its multipart
boundary must all answer exactly what a well-formed request
answers (404 for a record they may not see, 403 where the access matrix says so), never 400 or
422, and change nothing.

Every write route of the API is tried, through the access matrix's own cases (tests/access/):
for each case and each signed-in role the case refuses, its own body first, then the malformed
ones. (A method a route does not take is 405 whoever asks, which says nothing about any record:
tests/api/test_api_errors.py.)
"""

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from django.test import Client

from coproduce.api.v1.access_first import CHECKS, NO_CHECK_NEEDED
from coproduce.api.v1.api import api
from tests.access.matrix import AccessCase
from tests.access.test_matrix import CASES, send
from tests.personas import ALL_ROLES, Personas

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
WRITE_CASES = [case for case in CASES if case.route.startswith("api-v1:") and case.method in WRITE_METHODS]
SIGNED_IN_ROLES = [role for role in ALL_ROLES if role != "anonymous"]


@cache
def operations() -> tuple[tuple[str, str, bool], ...]:
    """Every operation of the API: (its route name, its method, whether it reads a body)."""
    return tuple(
        (operation["operationId"], method.upper(), "requestBody" in operation)
        for operations in api.get_openapi_schema()["paths"].values()
        for method, operation in operations.items()
    )


def test_every_write_route_of_the_api_is_tried() -> None:
    writes = {f"api-v1:{name}" for name, method, _ in operations() if method in WRITE_METHODS}
    assert writes - {case.route for case in WRITE_CASES} == set()


def test_every_write_route_names_the_check_its_service_makes() -> None:
    writes = {name for name, method, _ in operations() if method in WRITE_METHODS}
    assert writes - set(CHECKS) - NO_CHECK_NEEDED == set()
    assert (set(CHECKS) | NO_CHECK_NEEDED) - writes == set()


def malformed_requests(case: AccessCase, personas: Personas) -> list[tuple[str, Callable[[Client, str], Any]]]:
    data = case.data(personas) if case.data else {}
    wrong_types = {key: {"not": ["what", "this", "field", "takes"]} for key in (data or {"version": 1})}

    def json_body(body: str) -> Callable[[Client, str], Any]:
        return lambda client, url: client.generic(case.method, url, body, content_type="application/json")

    requests: list[tuple[str, Callable[[Client, str], Any]]] = [
        ("an empty object", json_body("{}")),
        ("a list", json_body("[]")),
        ("text that is not JSON", json_body('{"version": ')),
        ("every field the wrong type", json_body(json.dumps(wrong_types))),
        (
            "multipart without a boundary",
            lambda client, url: client.generic(case.method, url, b"--x\r\n", content_type="multipart/form-data"),
        ),
        (
            "an empty multipart form",
            lambda client, url: client.generic(
                case.method, url, b"--xyz--\r\n", content_type="multipart/form-data; boundary=xyz"
            ),
        ),
    ]
    return requests


@pytest.mark.parametrize("case", WRITE_CASES, ids=[case.id for case in WRITE_CASES])
def test_a_refused_caller_gets_the_same_answer_whatever_the_body(
    case: AccessCase, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    personas.with_referrals()
    refused = [role for role in SIGNED_IN_ROLES if role not in case.allowed]
    if not refused:
        pytest.skip("every signed-in role may use this route")
    url = case.url(personas)
    secrets = case.secrets(personas)
    before = case.snapshot(personas) if case.snapshot else None
    answers: dict[str, list[str]] = {}
    for role in refused:
        client = client_for(role)
        expected = send(client, case, personas).status_code  # type: ignore[attr-defined]
        assert expected in (403, 404), f"{role} should be refused: got {expected}"
        for what, request in malformed_requests(case, personas):
            response = request(client, url)
            if response.status_code != expected:
                answers.setdefault(role, []).append(f"{what}: {response.status_code} (not {expected})")
                continue
            assert response["Content-Type"].startswith("application/json"), f"{role}, {what}: not JSON"
            assert set(response.json()) == {"detail"}, f"{role}, {what}: {response.json()}"
            body = response.content.decode(errors="replace")
            assert [secret for secret in secrets if secret in body] == [], f"{role}, {what}: leaked"
    assert answers == {}
    if case.snapshot:
        assert case.snapshot(personas) == before, "a refused request changed something"


@pytest.mark.parametrize("case", WRITE_CASES, ids=[case.id for case in WRITE_CASES])
def test_an_allowed_caller_is_told_what_is_wrong_with_their_body(
    case: AccessCase, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    """The checks above are never stricter than the services: whoever may act hears about the body."""
    if case.route.removeprefix("api-v1:") not in {name for name, _, body in operations() if body}:
        pytest.skip("this route reads no body")
    personas.with_referrals()
    url = case.url(personas)
    for role in sorted(role for role in SIGNED_IN_ROLES if role in case.allowed):
        response = client_for(role).generic(case.method, url, '{"version": ', content_type="application/json")
        assert response.status_code == 400, f"{role}: {response.status_code} {response.content[:200]!r}"
