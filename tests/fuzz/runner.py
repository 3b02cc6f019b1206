"""Schemathesis over the API in this process (the WSGI app): made-up requests, as each role, no 500.

`make fuzz` runs every operation as every demo role over a small, freshly loaded demo
(tests/fuzz/fuzz_api.py); the suite runs two or three operations with a few examples
(tests/api/test_fuzz_smoke.py), so that this cannot rot.
"""

from collections.abc import Callable, Iterable

import hypothesis
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error

SPEC_PATH = "/api/v1/openapi.json"


def fuzz(tokens: dict[str, str], *, max_examples: int, operation_ids: Iterable[str] | None = None) -> list[str]:
    """Every server error found, as "role: METHOD path: what failed"; an empty list if none.

    `tokens` maps a role to an API key of someone with that role. Each request is made through
    Django's WSGI application, in this process and against its database.
    """
    # As Django's test client does: the requests share the test's connection (and its transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        return _fuzz(tokens, max_examples=max_examples, operation_ids=operation_ids)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(tokens: dict[str, str], *, max_examples: int, operation_ids: Iterable[str] | None) -> list[str]:
    schema = schemathesis.openapi.from_wsgi(SPEC_PATH, get_wsgi_application())
    wanted = set(operation_ids) if operation_ids is not None else None
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operation_id = operation.definition.raw.get("operationId", "")
        if wanted is not None and operation_id not in wanted:
            continue
        for role, key in tokens.items():
            call = hypothesis.settings(
                max_examples=max_examples,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )(hypothesis.given(case=operation.as_strategy())(_caller({"Authorization": f"Bearer {key}"})))
            try:
                call()
            except Exception as failure:  # every failing operation and role is reported, not only the first
                failures.append(f"{role}: {operation.method.upper()} {operation.path}: {failure}")
    return failures


def _caller(headers: dict[str, str]) -> Callable[[schemathesis.Case], None]:
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    return call
