"""The access matrix: every URL and API route × anonymous and every role.

Each interface keeps its cases in a `cases_*.py` module beside this one, as a list named CASES.
`test_matrix.py` runs every case for every role and fails if any named route has no case.

A case says which roles are allowed. For an allowed role the response has the expected status
(and, where the route shows a participant's personal data, an audit event was written). For a
refused role the answer is 403 or 404 (a sign-in redirect or 401 for anonymous), the response
contains none of the case's `secrets`, `snapshot` is unchanged (nothing was changed) and no
read of the participant was audited as if it had happened.

The personas and their referral story are built once per test module (`shared_personas` in
tests/conftest.py) in a transaction left open; each case runs in a savepoint of it, rolled back
after the case, with its own copy of the persona objects, so every case sees the world as built.
On PostgreSQL `make test` runs a fixed sample (every route and every role at least once; see
`matrix_is_full` in test_matrix.py); `make test-full` runs the whole matrix on both databases.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.personas import Personas


@dataclass(frozen=True)
class AccessCase:
    route: str  # the URL pattern's name, "namespace:name", which the coverage check looks for
    url: Callable[[Personas], str]
    allowed: frozenset[str]
    method: str = "GET"
    data: Callable[[Personas], Any] | None = None
    json: bool = False  # send `data` as a JSON body
    allowed_status: int = 200
    # For routes that show a participant's personal data: whose (an allowed read must be audited).
    audited_participant: Callable[[Personas], Any] | None = None
    # Text that must never appear in a refused response (names, references, contact details).
    secrets: Callable[[Personas], list[str]] = field(default=lambda personas: [])
    # Something that must be unchanged after a refused request (a write route's target).
    snapshot: Callable[[Personas], Any] | None = None
    public: bool = False  # anonymous is allowed: no sign-in redirect expected
    api: bool = False  # anonymous gets 401, not a redirect
    label: str = ""  # tells two cases for the same route apart

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}{' ' + self.label if self.label else ''}"


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


STAFF_ROLES = roles("keyworker", "partner_worker", "partnership_manager", "funder", "evaluator", "administrator")
EVERYONE_SIGNED_IN = STAFF_ROLES | roles("participant", "board_member")
EVERYONE = EVERYONE_SIGNED_IN | roles("anonymous")
