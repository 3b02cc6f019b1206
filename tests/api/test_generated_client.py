"""A client generated from the published spec by someone else's generator reads our real answers.

openapi-python-client turns /api/v1/openapi.json into a typed Python package, offline (no post
hooks, so no formatter is run); the test imports it and calls a live server with a real API token
for each role, parsing the answers into the generated models. A spec that describes the wrong
shape (two schemas sharing a name, a time format the values do not have) fails here.
"""

import importlib
import json
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType

from coproduce.accounts.services import issue_api_token_at_the_server
from tests.personas import Personas

PACKAGE = "coproduce_generated_client"


@pytest.fixture
def generated_client(tmp_path: Path, transactional_db: None) -> Iterator[ModuleType]:
    spec_file = tmp_path / "openapi.json"
    spec_file.write_text(json.dumps(Client().get(reverse("api-v1:openapi-json")).json()))
    config = Config.from_sources(
        ConfigFile(post_hooks=[]),
        MetaType.NONE,
        document_source=spec_file,
        file_encoding="utf-8",
        overwrite=True,
        output_path=tmp_path / PACKAGE,
    )
    errors = generate(config=config)
    assert [str(error) for error in errors] == []
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def operation(client_package: ModuleType, operation_id: str) -> Any:
    """The generated module for an operation (it sits under its tag's folder)."""
    api = importlib.import_module(f"{PACKAGE}.api")
    for tag in pkgutil.iter_modules(api.__path__):
        tag_package = importlib.import_module(f"{PACKAGE}.api.{tag.name}")
        for module in pkgutil.iter_modules(tag_package.__path__):
            if module.name == operation_id:
                return importlib.import_module(f"{PACKAGE}.api.{tag.name}.{module.name}")
    raise AssertionError(f"the generated client has no {operation_id}")


def test_a_generated_client_parses_the_answers(
    generated_client: ModuleType, personas: Personas, live_server: Any
) -> None:
    def client_as(role: str) -> Any:
        user = personas.user_for(role)
        assert user is not None
        _token, key = issue_api_token_at_the_server(user=user, name="generated client test")
        return generated_client.AuthenticatedClient(
            base_url=live_server.url, token=key, raise_on_unexpected_status=True
        )

    funder = client_as("funder")
    keyworker = client_as("keyworker")
    models = importlib.import_module(f"{PACKAGE}.models")

    stats = operation(generated_client, "programme_stats").sync_detailed(client=funder)
    assert stats.status_code == 200
    assert stats.parsed is not None
    assert stats.parsed.areas, "the programme's statistics list its areas"

    contacts = operation(generated_client, "list_contacts").sync_detailed(
        personas.second_participant.pk, client=keyworker
    )
    assert contacts.status_code == 200
    assert contacts.parsed is not None
    page = contacts.parsed.items  # a page of them (pagination.py)
    assert page
    assert all(isinstance(contact, models.ParticipantContactOut) for contact in page)
    assert page[0].participant_id == personas.second_participant.pk

    suggestions = operation(generated_client, "participant_suggestions").sync_detailed(
        personas.participant.pk, client=keyworker
    )
    assert suggestions.status_code == 200
    assert suggestions.parsed is not None
    assert all(isinstance(suggestion, models.ServiceSuggestionOut) for suggestion in suggestions.parsed)
