"""Access cases for the 360Giving export: the funder's page and download, and the API route.

Good Causes Fund has made a grant to Fife. The funder sees and downloads it; through the API the
funder and Fife's manager get it. Everyone else is refused and sees nothing of it.
"""

from django.urls import reverse

from coproduce.programmes.models import Grant, Organisation, Programme
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


def funder_details(p: Personas) -> tuple[str, ...]:
    organisation = Organisation.objects.get(pk=p.funder_organisation.pk)
    return (organisation.org_id, organisation.postal_code, str(organisation.version))


def classification(p: Personas) -> tuple[str, ...]:
    programme = Programme.objects.get(pk=p.fife.programme_id)
    return (programme.classification_vocabulary, programme.classification_code, str(programme.version))


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
        route="web:funder_giving_organisation",
        url=lambda p: reverse("web:funder_giving_organisation"),
        allowed=roles("funder"),
    ),
    AccessCase(
        route="web:funder_giving_organisation",
        method="POST",
        url=lambda p: reverse("web:funder_giving_organisation"),
        data=lambda p: {
            "org_id": "GB-SC-SC012345",
            "postal_code": "EH1 1AA",
            "version": Organisation.objects.get(pk=p.funder_organisation.pk).version,
        },
        allowed=roles("funder"),
        allowed_status=302,
        snapshot=funder_details,
    ),
    AccessCase(
        route="web:funder_giving_classification",
        url=lambda p: reverse("web:funder_giving_classification"),
        allowed=roles("funder"),
    ),
    AccessCase(
        route="web:funder_giving_classification",
        method="POST",
        url=lambda p: reverse("web:funder_giving_classification"),
        data=lambda p: {
            "classification_vocabulary": "ICNPO",
            "classification_code": "6300",
            "classification_title": "Employment and training",
            "version": Programme.objects.get(pk=p.fife.programme_id).version,
        },
        allowed=roles("funder"),
        allowed_status=302,
        snapshot=classification,
    ),
    AccessCase(
        route="api-v1:grants_360giving",
        url=lambda p: with_fife_grant(p) + reverse("api-v1:grants_360giving"),
        allowed=roles("funder", "partnership_manager"),
        secrets=grant_secrets,
        api=True,
    ),
]
