"""Access cases for the two-factor sign-in pages (with the setting off and no app set up, as in
the rest of the matrix; tests/web/test_two_factor_pages.py covers them with it on).

Every signed-in person may set up an app for their own account; nobody else's is reachable.
"""

from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase

CASES = [
    # With no app set up there is no code to ask for: on to where they were going.
    AccessCase(
        route="web:sign_in_code", url=lambda p: "/sign-in/code/", allowed=EVERYONE_SIGNED_IN, allowed_status=302
    ),
    AccessCase(route="web:two_factor", url=lambda p: "/account/two-factor/", allowed=EVERYONE_SIGNED_IN),
    AccessCase(route="web:two_factor_set_up", url=lambda p: "/account/two-factor/set-up/", allowed=EVERYONE_SIGNED_IN),
    AccessCase(
        route="web:two_factor_set_up",
        url=lambda p: "/account/two-factor/set-up/",
        method="POST",
        data=lambda p: {"code": "000000"},
        allowed=EVERYONE_SIGNED_IN,
        allowed_status=400,
        label="a wrong code",
    ),
    # Without an app there are no recovery codes to make: back to the page, with a message.
    AccessCase(
        route="web:two_factor_recovery_codes",
        url=lambda p: "/account/two-factor/recovery-codes/",
        method="POST",
        allowed=EVERYONE_SIGNED_IN,
        allowed_status=302,
    ),
]
