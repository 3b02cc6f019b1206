"""Access cases for the `programme` query parameter of the programme-wide endpoints.

With the personas' own programme (Making It Work) each endpoint lets in whoever it lets in without the
parameter. With another programme that nobody in the personas oversees (a successor run in Fife, with a
grant of its own), everyone is refused: 404 for those who could otherwise ask (as for a record they may
not see), 403 for those who may not ask at all; nobody sees its figures or its grant. The administrator,
who sees every programme, gets the lists' empty answer.
"""

import datetime
from decimal import Decimal

from django.urls import reverse

from coproduce.programmes.models import Grant, Programme
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas
from tests.programmes.factories import PartnershipFactory, ProgrammeFactory

NOBODY: frozenset[str] = frozenset()
OTHER_REFERENCE = "MWT-FIF-2025-01"
OTHER_TITLE = "Making It Work Together in Fife"


def other_programme(p: Personas) -> Programme:
    """A programme none of the personas oversees, with a grant from the personas' funder."""
    programme = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    fife = PartnershipFactory(programme=programme, area_name="Fife", gss_code="S12000047", short_code="FIF")
    if not Grant.objects.filter(reference=OTHER_REFERENCE).exists():
        Grant.objects.create(
            partnership=fife,
            funder=p.funder_organisation,
            recipient=p.lead_organisation,
            reference=OTHER_REFERENCE,
            title=OTHER_TITLE,
            description="Keyworkers for parents in Fife.",
            amount=Decimal("200000.00"),
            awarded_on=datetime.date(2025, 3, 1),
            starts_on=datetime.date(2025, 4, 1),
            ends_on=datetime.date(2028, 3, 31),
        )
    return programme


def secrets(p: Personas) -> list[str]:
    return [OTHER_REFERENCE, OTHER_TITLE, '"participants"']


# (route, who gets 200 with their own programme, who gets 200 with the other programme). An administrator
# sees every programme, and gets the empty list these endpoints give anyone who is neither the funder
# nor the area's manager.
ENDPOINTS = [
    ("api-v1:programme_stats", roles("funder"), NOBODY),
    ("api-v1:list_targets", EVERYONE_SIGNED_IN, roles("administrator")),
    ("api-v1:list_grants", EVERYONE_SIGNED_IN, roles("administrator")),
    ("api-v1:list_labour_market", EVERYONE_SIGNED_IN, roles("administrator")),
]

CASES = [
    *(
        AccessCase(
            route=route,
            url=lambda p, route=route: f"{reverse(route)}?programme={p.fife.programme_id}",
            allowed=allowed,
            api=True,
            label="own programme",
        )
        for route, allowed, _other in ENDPOINTS
    ),
    *(
        AccessCase(
            route=route,
            url=lambda p, route=route: f"{reverse(route)}?programme={other_programme(p).pk}",
            allowed=other,
            api=True,
            secrets=secrets,
            label="another programme",
        )
        for route, _allowed, other in ENDPOINTS
    ),
    AccessCase(
        route="api-v1:grants_360giving",
        url=lambda p: f"{reverse('api-v1:grants_360giving')}?programme={other_programme(p).pk}",
        allowed=NOBODY,
        api=True,
        secrets=secrets,
        label="another programme",
    ),
]
