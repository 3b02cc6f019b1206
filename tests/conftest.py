from collections.abc import Callable

import pytest
from django.test import Client

from coproduce.accounts.models import User
from tests.personas import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


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
