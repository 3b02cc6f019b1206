"""Runs every access case for every role, and checks every named route has at least one case."""

import copy
import importlib
import json
import os
import pkgutil
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import tests.access
from coproduce.audit.models import AuditEvent
from tests.access.matrix import AccessCase
from tests.openapi_spec import ApiSpec
from tests.personas import ALL_ROLES, Personas

# Routes that are not ours to test here: Django's admin has its own staff check (one case for
# its index below stands for it), static files are served by WhiteNoise.
IGNORED_NAMESPACES = {"admin"}


def all_cases() -> list[AccessCase]:
    cases: list[AccessCase] = []
    for module_info in pkgutil.iter_modules(tests.access.__path__):
        if module_info.name.startswith("cases_"):
            module = importlib.import_module(f"tests.access.{module_info.name}")
            cases.extend(module.CASES)
    return cases


CASES = all_cases()


def matrix_is_full() -> bool:
    """The whole matrix on SQLite; on PostgreSQL a sample, unless COPRODUCE_ACCESS_MATRIX=full.

    Every case is the same Python over either database, so the second database adds little but
    time: the sample keeps every route and every role tried on PostgreSQL, and `make test-full`
    runs the whole matrix on both.
    """
    chosen = os.environ.get("COPRODUCE_ACCESS_MATRIX", "")
    if chosen not in ("", "full", "sample"):
        raise ValueError(f"COPRODUCE_ACCESS_MATRIX must be full or sample, not {chosen!r}")
    if chosen:
        return chosen == "full"
    return not os.environ.get("DATABASE_URL", "").startswith("postgres")


def sampled_roles(index: int, case: AccessCase) -> list[str]:
    """Anonymous, one role that is let in and one that is refused, turning through the roles by case."""
    allowed = [role for role in ALL_ROLES if role in case.allowed or (role == "anonymous" and case.public)]
    refused = [role for role in ALL_ROLES if role not in allowed and role != "anonymous"]
    roles = {"anonymous"}
    for group in (allowed, refused):
        if group:
            roles.add(group[index % len(group)])
    return [role for role in ALL_ROLES if role in roles]


def matrix_params(full: bool) -> list[object]:
    return [
        pytest.param(case, role, id=f"{case.id}-{role}")
        for index, case in enumerate(CASES)
        for role in (ALL_ROLES if full else sampled_roles(index, case))
    ]


@pytest.fixture
def personas(shared_personas: Personas, db: None) -> Personas:
    """The personas and their referral story, built once for the module (tests/conftest.py).

    Every case runs against the same world, as if built afresh: each test writes inside a savepoint
    that is rolled back after it, and gets its own copy of the Python objects.
    """
    return copy.deepcopy(shared_personas)


def named_routes(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}".strip(":") if inner else namespace
            if inner in IGNORED_NAMESPACES:
                continue
            yield from named_routes(pattern, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}".strip(":")


def test_every_named_route_is_in_the_matrix() -> None:
    covered = {case.route for case in CASES}
    missing = sorted(set(named_routes()) - covered)
    assert missing == [], f"Routes with no access case: {missing}"


def test_the_sample_tries_every_route_and_every_role() -> None:
    sample = [param.values for param in matrix_params(full=False)]  # type: ignore[attr-defined]

    assert {case.route for case, _role in sample} == {case.route for case in CASES}
    assert {role for _case, role in sample} == set(ALL_ROLES)
    assert len(sample) < len(CASES) * len(ALL_ROLES) / 3


def send(client: Client, case: AccessCase, personas: Personas) -> object:
    url = case.url(personas)
    data = case.data(personas) if case.data else None
    method = case.method.lower()
    if case.json:
        return client.generic(case.method, url, json.dumps(data), content_type="application/json")
    if method == "get":
        return client.get(url, data or {})
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize(("case", "role"), matrix_params(full=matrix_is_full()))
def test_access(
    case: AccessCase, role: str, personas: Personas, client_for: Callable[[str], Client], api_spec: ApiSpec
) -> None:
    # The referral story is in the shared world, so that every route is tried against referrals in each state.
    client = client_for(role)
    user = personas.user_for(role)
    before = case.snapshot(personas) if case.snapshot else None
    participant = case.audited_participant(personas) if case.audited_participant else None
    reads_before = (
        AuditEvent.objects.filter(participant=participant, actor=user).count() if participant is not None else 0
    )

    response = send(client, case, personas)
    status = response.status_code  # type: ignore[attr-defined]
    # Whatever the answer, allowed or refused, an API answer must be what the published spec says.
    if 200 <= status < 500:
        assert not (
            problems := api_spec.problems(
                case.method,
                response.wsgi_request.path,  # type: ignore[attr-defined]
                status,
                response.get("Content-Type", ""),  # type: ignore[attr-defined]
                response.content,  # type: ignore[attr-defined]
            )
        ), "the answer does not match the OpenAPI spec:\n" + "\n".join(problems)

    if role in case.allowed or (role == "anonymous" and case.public):
        assert status == case.allowed_status, f"{role} should be allowed: got {status}"
        if participant is not None and user is not None:
            assert AuditEvent.objects.filter(participant=participant, actor=user).count() > reads_before, (
                "an allowed read of personal data must be audited"
            )
        return

    if role == "anonymous":
        expected = {401} if case.api else {302}
        assert status in expected, f"anonymous should be sent to sign in: got {status}"
        if status == 302:
            assert "/sign-in/" in response["Location"]  # type: ignore[index]
    else:
        assert status in (403, 404), f"{role} should be refused: got {status}"
    body = response.content.decode(errors="replace")  # type: ignore[attr-defined]
    for secret in case.secrets(personas):
        assert secret not in body, f"refused response leaked {secret!r}"
    if case.snapshot:
        assert case.snapshot(personas) == before, "a refused request changed something"
    if participant is not None and user is not None:
        assert (
            AuditEvent.objects.filter(participant=participant, actor=user)
            .exclude(action=AuditEvent.Action.REFUSED)
            .count()
            == reads_before
        )
