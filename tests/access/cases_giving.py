"""Access cases for the 360Giving export: the funder's page and download, and the API route.

Good Causes Fund has made a grant to Fife. The funder sees and downloads it; through the API the
funder and Fife's manager get it. Everyone else is refused and sees nothing of it.
"""

from django.urls import reverse

from coproduce.programmes.models import Grant
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas
from tests.programmes.grant_factories import GrantFactory

REFERENCE = "MIW-FIF-2013-01"
TITLE = "Making It Work in Fife, years 1 and 2"


def with_fife_grant(p: Personas) -> str:
    if not Grant.objects.filter(reference=REFERENCE).exists():
        GrantFactory(
            partnership=p.fife,
            funder=p.funder_organisation,
            recipient=p.lead_organisation,
            reference=REFERENCE,
            title=TITLE,
        )
    return ""


def grant_secrets(p: Personas) -> list[str]:
    return [REFERENCE, TITLE]


CASES = [
    AccessCase(
        route="web:funder_giving",
        url=lambda p: with_fife_grant(p) + reverse("web:funder_giving"),
        allowed=roles("funder"),
        secrets=grant_secrets,
    ),
    AccessCase(
        route="web:funder_giving_download",
        url=lambda p: with_fife_grant(p) + reverse("web:funder_giving_download"),
        allowed=roles("funder"),
        secrets=grant_secrets,
    ),
    AccessCase(
        route="api-v1:grants_360giving",
        url=lambda p: with_fife_grant(p) + reverse("api-v1:grants_360giving"),
        allowed=roles("funder", "partnership_manager"),
        secrets=grant_secrets,
        api=True,
    ),
]
