"""GET /api/v1/grants/360giving: the funder's grants as a 360Giving data package, valid and audited."""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from coproduce.accounts.services import issue_api_token
from coproduce.audit.models import AuditEvent
from coproduce.programmes.giving import validate_package
from coproduce.programmes.models import Grant
from tests.personas import Personas
from tests.programmes.grant_factories import GrantFactory

URL = "/api/v1/grants/360giving"


def grants(p: Personas) -> tuple[Grant, Grant]:
    fife = GrantFactory(
        partnership=p.fife,
        funder=p.funder_organisation,
        recipient=p.lead_organisation,
        reference="MIW-FIF-2013-01",
        title="Making It Work in Fife",
        amount=Decimal("450000.00"),
        awarded_on=datetime.date(2013, 3, 14),
    )
    glasgow = GrantFactory(
        partnership=p.glasgow,
        funder=p.funder_organisation,
        reference="MIW-GLA-2013-01",
        title="Making It Work in Glasgow",
        awarded_on=datetime.date(2013, 3, 15),
    )
    return fife, glasgow


def test_the_route_is_where_the_issue_says() -> None:
    assert reverse("api-v1:grants_360giving") == URL


def test_the_funder_gets_every_grant_as_a_valid_package(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    grants(personas)

    response = client_for("funder").get(URL)

    assert response.status_code == 200
    package = response.json()
    assert validate_package(package) == []
    assert [grant["id"] for grant in package["grants"]] == [
        "360G-coproduce-MIW-FIF-2013-01",
        "360G-coproduce-MIW-GLA-2013-01",
    ]
    first = package["grants"][0]
    assert (first["title"], first["amountAwarded"], first["awardDate"], first["currency"]) == (
        "Making It Work in Fife",
        450000,
        "2013-03-14",
        "GBP",
    )
    assert first["recipientOrganization"][0]["name"] == "Fife Lone Parents Together"
    assert first["beneficiaryLocation"] == [
        {"name": "Fife", "countryCode": "GB", "geoCode": "S12000047", "geoCodeType": "CA"}
    ]
    funder = personas.funder_organisation
    assert package["publisher"] == {"name": "Good Causes Fund", "identifier": f"GB-SC-{funder.charity_number}"}
    assert package["version"] == "1.4"


def test_each_export_is_audited(personas: Personas, client_for: Callable[[str], Client]) -> None:
    fife, _ = grants(personas)

    client_for("funder").get(URL)

    events = AuditEvent.objects.filter(actor=personas.funder.user)
    assert list(
        events.values_list("action", "channel", "actor_role", "record_type", "record_id", "participant_id", "path")
    ) == [("export", "api", "funder", "programmes.Programme", str(fife.partnership.programme_id), None, URL)]


def test_a_partnership_manager_gets_their_own_areas_grants(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    grants(personas)

    package = client_for("partnership_manager").get(URL).json()

    assert [grant["id"] for grant in package["grants"]] == ["360G-coproduce-MIW-FIF-2013-01"]
    assert validate_package(package) == []


def test_a_bearer_token_works_like_the_session(personas: Personas) -> None:
    grants(personas)
    _, key = issue_api_token(actor=personas.funder.user, name="open data publishing")

    response = Client().get(URL, headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 200
    assert len(response.json()["grants"]) == 2


def test_other_roles_are_refused_and_nothing_is_exported(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    grants(personas)

    for role in ("keyworker", "partner_worker", "evaluator", "administrator", "participant"):
        response = client_for(role).get(URL)
        assert response.status_code == 403, role
        assert response.json() == {"detail": "Only the funder and partnership managers can export grants."}
    assert client_for("anonymous").get(URL).status_code == 401
    assert AuditEvent.objects.filter(action="export").count() == 0


def test_no_grants_yet_is_404_because_a_package_needs_one(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("funder").get(URL)

    assert response.status_code == 404
    assert response.json() == {"detail": "There are no grants to export yet."}
