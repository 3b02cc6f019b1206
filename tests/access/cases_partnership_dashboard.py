"""Access cases for the partnership dashboard and its downloads.

Fife's manager (Mo) and Fife's lived-experience board member (Bea) see Fife's figures (Bea with
small counts suppressed); every other role is refused. The page holds counts only, but the
keyworkers' names on it (Owen's caseload) must not reach anyone refused.
"""

from django.urls import reverse

from tests.access.matrix import AccessCase, roles
from tests.personas import Personas

MANAGER_AND_BOARD = roles("partnership_manager", "board_member")


def fife_figures(p: Personas) -> list[str]:
    return [p.other_keyworker.user.display_name, p.participant.reference]


CASES = [
    AccessCase(
        route="web:partnership_dashboard",
        url=lambda p: reverse("web:partnership_dashboard"),
        allowed=MANAGER_AND_BOARD,
        secrets=fife_figures,
    ),
    AccessCase(
        route="web:partnership_dashboard_export",
        url=lambda p: reverse("web:partnership_dashboard_export", args=["caseloads", "csv"]),
        allowed=MANAGER_AND_BOARD,
        secrets=fife_figures,
        label="csv",
    ),
    AccessCase(
        route="web:partnership_dashboard_export",
        url=lambda p: reverse("web:partnership_dashboard_export", args=["caseloads", "xlsx"]),
        allowed=MANAGER_AND_BOARD,
        label="xlsx",
    ),
]
