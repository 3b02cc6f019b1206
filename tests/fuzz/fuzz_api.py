"""`make fuzz`: schemathesis over every operation of /api/v1, as every demo role, on a small demo.

Not collected by `make test` (its name is not test_*.py); `make fuzz` names it. The test database
is migrated afresh, the demo loaded small, and each demo login given an API token. Minutes.
"""

import os

from django.core.management import call_command

from coproduce.accounts.models import User
from coproduce.accounts.services import issue_api_token_at_the_server
from coproduce.demo.management.commands.demo_logins import demo_logins
from tests.fuzz.runner import fuzz

PARTICIPANTS = int(os.environ.get("COPRODUCE_FUZZ_PARTICIPANTS", "30"))
MAX_EXAMPLES = int(os.environ.get("COPRODUCE_FUZZ_EXAMPLES", "10"))


def test_no_operation_answers_a_server_error(db: None) -> None:
    call_command("load_demo", participants=PARTICIPANTS, verbosity=0)
    tokens = {}
    for login in demo_logins():
        user = User.objects.get(email__iexact=login["username"])
        tokens[login["role"]] = issue_api_token_at_the_server(user=user, name="make fuzz")[1]

    failures = fuzz(tokens, max_examples=MAX_EXAMPLES)

    assert failures == [], "server errors:\n" + "\n".join(failures)
