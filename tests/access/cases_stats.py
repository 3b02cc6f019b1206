"""Access cases for the programme's statistics: the funder dashboard, its downloads, the report PDF, the API.

Funder only (DESIGN.md §3: programme aggregates, small numbers suppressed). Refused roles see no
figures; nobody sees a participant's name or reference (Gemma's: the 403 page names whoever is signed in).
"""

from django.urls import reverse

from tests.access.matrix import AccessCase, roles
from tests.personas import Personas

FUNDER = roles("funder")


def names(p: Personas) -> list[str]:
    return [p.glasgow_participant.full_name, p.glasgow_participant.reference, "Funder dashboard", "funder report"]


CASES = [
    AccessCase(
        route="web:funder_dashboard", url=lambda p: reverse("web:funder_dashboard"), allowed=FUNDER, secrets=names
    ),
    AccessCase(
        route="web:funder_dashboard_download",
        url=lambda p: reverse("web:funder_dashboard_download", args=["outcomes", "csv"]),
        allowed=FUNDER,
        secrets=lambda p: ["Paid-work rate", p.glasgow_participant.full_name],
        label="csv",
    ),
    AccessCase(
        route="web:funder_dashboard_download",
        url=lambda p: reverse("web:funder_dashboard_download", args=["costs", "xlsx"]),
        allowed=FUNDER,
        secrets=names,
        label="xlsx",
    ),
    AccessCase(
        route="web:funder_report_pdf", url=lambda p: reverse("web:funder_report_pdf"), allowed=FUNDER, secrets=names
    ),
    AccessCase(
        route="api-v1:programme_stats",
        url=lambda p: reverse("api-v1:programme_stats"),
        allowed=FUNDER,
        api=True,
        secrets=lambda p: ['"participants"', '"paid_work"', p.glasgow_participant.reference],
    ),
]
