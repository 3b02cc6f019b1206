"""Access cases for the addresses under /api/ that no route matches: a JSON 404 for everyone."""

from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase

CASES = [
    AccessCase(
        route="api_no_such_route",
        url=lambda p: "/api/v1/no-such-thing",
        allowed=EVERYONE_SIGNED_IN,
        public=True,
        api=True,
        allowed_status=404,
    ),
]
