"""A few operations through schemathesis, so that `make fuzz` (tests/fuzz) cannot rot unnoticed."""

from coproduce.accounts.services import issue_api_token_at_the_server
from tests.fuzz.runner import fuzz
from tests.personas import Personas


def test_schemathesis_finds_no_server_error_in_a_few_operations(personas: Personas) -> None:
    tokens = {
        role: issue_api_token_at_the_server(user=user, name="fuzz smoke")[1]
        for role in ("keyworker", "funder")
        if (user := personas.user_for(role)) is not None
    }

    failures = fuzz(tokens, max_examples=5, operation_ids={"list_participants", "programme_stats", "list_services"})

    assert failures == [], "\n".join(failures)
