import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from coproduce.accounts.models import User
from tests.openapi_spec import ApiSpec
from tests.personas import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture(scope="module")
def shared_personas(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Personas]:
    """The personas with their referral story, built once per module in a transaction left open.

    For a module whose every database test asks for the same world (the access matrix): each
    test's own transaction is then a savepoint inside this one, so whatever a test writes is
    undone after it and the next test finds the world as built, and the world is rolled back
    when the module is done. Ask for it through a `personas` fixture that deep-copies it (as
    Django's setUpTestData copies its objects), so no test sees another's changes to the Python objects.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_personas().with_referrals()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def client_for(personas: Personas) -> Callable[[str], Client]:
    """A test client signed in as the persona who plays `role` ("anonymous" for nobody)."""

    def make(role: str) -> Client:
        client = Client()
        user = personas.user_for(role)
        if user is not None:
            client.force_login(user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
        return client

    return make


@pytest.fixture
def sign_in() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
        return client

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate limits count in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def api_spec(django_db_setup: Any, django_db_blocker: Any) -> ApiSpec:
    """The spec the API publishes, read once per session, with a validator per operation and status."""
    with django_db_blocker.unblock():
        response = Client().get(reverse("api-v1:openapi-json"))
    assert response.status_code == 200
    return ApiSpec(response.json())


class OneRequestAtATime:
    """A WSGI application that lets one request in at a time, body and all.

    On SQLite the test database is in memory in shared-cache mode, and each of the live server's
    threads opens its own connection to it. Shared-cache connections lock whole tables and do not
    wait for each other: two requests at once (a page's background fetch still running when the
    test reloads it) fail with "database table is locked".
    """

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            body = self.application(environ, start_response)
            try:
                return list(body)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, serving one request at a time on SQLite."""
    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(address, start=False)
    if connections["default"].vendor == "sqlite":
        serve_files = server.thread.static_handler
        # Django only calls it with the application to wrap.
        server.thread.static_handler = lambda application: OneRequestAtATime(serve_files(application))  # type: ignore[assignment]
    server.start()
    yield server
    server.stop()
