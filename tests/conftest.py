from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

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
