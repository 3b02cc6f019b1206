"""Fran, the funder, checks her grants as 360Giving open data and downloads the file."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.programmes import giving
from coproduce.programmes.giving import validate_package
from tests.personas import Personas
from tests.programmes.grant_factories import GrantFactory

PAGE = "/funder/360giving/"
DOWNLOAD = "/funder/360giving/download/"
QUERIES = 7  # session, user, staff record, roles, own participant record and board seat, programmes overseen, grants


@pytest.fixture
def fran(client_for: Callable[[str], Client]) -> Client:
    return client_for("funder")


def fife_grants(p: Personas, count: int) -> None:
    for number in range(1, count + 1):
        GrantFactory(
            partnership=p.fife,
            funder=p.funder_organisation,
            recipient=p.lead_organisation,
            reference=f"MIW-FIF-2013-{number:02d}",
            title=f"Fife grant {number}",
        )


def test_the_routes() -> None:
    assert (reverse("web:funder_giving"), reverse("web:funder_giving_download")) == (PAGE, DOWNLOAD)


def test_the_page_lists_the_grants_and_says_the_file_is_valid(personas: Personas, fran: Client) -> None:
    fife_grants(personas, 2)

    response = fran.get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert [row.identifier for row in response.context["rows"]] == [
        "360G-coproduce-MIW-FIF-2013-01",
        "360G-coproduce-MIW-FIF-2013-02",
    ]
    assert response.context["problems"] == []
    assert "2 grants, £500,000.00 in all" in page
    assert "Checked against the official 360Giving 1.4.3 schema." in page
    assert f'href="{DOWNLOAD}"' in page
    assert "360G-coproduce-" in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page


MISSING = (
    "This file cannot be published yet: your organisation’s 360Giving identifier prefix has not been set. "
    "Ask your Coproduce administrator to set it."
)


def test_a_missing_prefix_is_said_plainly_without_naming_a_setting(personas: Personas, fran: Client) -> None:
    fife_grants(personas, 1)

    page = fran.get(PAGE).content.decode()

    assert MISSING in page
    assert "GIVING_PREFIX" not in page
    assert "setting" not in page.lower()


def test_a_set_prefix_is_shown_as_the_identifiers_start(personas: Personas, fran: Client, settings: Any) -> None:
    settings.GIVING_PREFIX = "goodcauses"
    fife_grants(personas, 1)

    page = fran.get(PAGE).content.decode()

    assert MISSING not in page
    assert "360G-goodcauses-" in page


def test_the_funder_home_page_links_to_the_360giving_page(personas: Personas, fran: Client) -> None:
    page = fran.get(reverse("web:funder_home")).content.decode()

    assert f'href="{PAGE}"' in page
    assert "Your grants as open data (360Giving)" in page


def test_with_no_grants_there_is_nothing_to_download(personas: Personas, fran: Client) -> None:
    page = fran.get(PAGE).content.decode()

    assert "There are no grants recorded yet, so there is nothing to publish." in page
    assert DOWNLOAD not in page
    assert fran.get(DOWNLOAD).status_code == 404


def test_the_download_is_a_valid_360giving_file_and_is_audited(personas: Personas, fran: Client) -> None:
    fife_grants(personas, 1)

    response = fran.get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="grants-360giving-making-it-work-{timezone.localdate():%Y-%m-%d}.json"'
    )
    package = json.loads(response.content)
    assert validate_package(package) == []
    assert [grant["id"] for grant in package["grants"]] == ["360G-coproduce-MIW-FIF-2013-01"]
    assert list(AuditEvent.objects.filter(actor=personas.funder.user).values_list("action", "channel", "path")) == [
        ("export", "export", DOWNLOAD)
    ]


def test_a_file_the_schema_would_reject_is_not_offered(
    personas: Personas, fran: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    fife_grants(personas, 1)
    real = giving.grants_package

    def day_first(grants: Any, **kwargs: Any) -> dict[str, Any]:
        package = real(grants, **kwargs)
        package["grants"][0]["awardDate"] = "01/03/2013"
        return package

    monkeypatch.setattr(giving, "grants_package", day_first)
    monkeypatch.setattr("coproduce.web.funder.giving_views.grants_package", day_first)

    page = fran.get(PAGE)
    download = fran.get(DOWNLOAD)

    problem = "grants[0].awardDate: &#x27;01/03/2013&#x27; is not a date written as YYYY-MM-DD or a full date-time"
    assert problem in page.content.decode()
    assert DOWNLOAD not in page.content.decode()
    assert download.status_code == 400
    assert "The grants are not valid 360Giving data, so nothing was exported." in download.content.decode()
    assert AuditEvent.objects.filter(action="export").count() == 0


@pytest.mark.parametrize("grants", [1, 12])
def test_the_page_takes_the_same_queries_however_many_grants(
    personas: Personas, fran: Client, django_assert_num_queries: Any, grants: int
) -> None:
    fife_grants(personas, grants)
    fran.get(PAGE)  # warm the session and any per-process caches

    with django_assert_num_queries(QUERIES):
        response = fran.get(PAGE)

    assert len(response.context["rows"]) == grants


# ---- what the data-quality checks ask for, given on pages ------------------------------------------


def test_fran_gives_her_identifier_and_classification_and_the_notes_go(personas: Personas, fran: Client) -> None:
    fife_grants(personas, 1)
    before = fran.get(PAGE)
    assert before.context["quality_notes"] == ["1 of 1 grants do not contain a classification: set the programme's."]
    funder = personas.funder_organisation
    programme = personas.fife.programme

    bad = fran.post(
        "/funder/360giving/organisation/", {"org_id": "SC009999", "postal_code": "EH1", "version": funder.version}
    )
    assert bad.status_code == 400
    errors = bad.context["form"].errors
    assert errors["postal_code"] == ["Enter a full UK postcode, like KY1 1XX."]
    assert errors["org_id"][0].startswith("Start the identifier with the code of the register")
    page = bad.content.decode()
    assert 'href="#id_org_id"' in page  # the error summary links to the field
    funder.refresh_from_db()
    assert (funder.org_id, funder.postal_code) == ("", "")

    saved = fran.post(
        "/funder/360giving/organisation/",
        {"org_id": "gb-sc-sc009999", "street_address": "1 George Street", "postal_code": "eh2 2aa", "version": 1},
    )
    assert saved.status_code == 302
    funder.refresh_from_db()
    assert (funder.org_id, funder.postal_code, funder.version) == ("GB-SC-SC009999", "EH2 2AA", 2)
    stale = fran.post("/funder/360giving/organisation/", {"org_id": "GB-SC-SC000001", "version": 1})
    assert stale.status_code == 409
    funder.refresh_from_db()
    assert funder.org_id == "GB-SC-SC009999"

    classified = fran.post(
        "/funder/360giving/classification/",
        {
            "classification_vocabulary": "ICNPO",
            "classification_code": "6300",
            "classification_title": "Employment and training",
            "version": programme.version,
        },
    )
    assert classified.status_code == 302

    after = fran.get(PAGE)
    assert after.context["quality_notes"] == []
    grant = json.loads(fran.get(DOWNLOAD).content)["grants"][0]
    assert grant["fundingOrganization"][0]["id"] == "GB-SC-SC009999"
    assert grant["classifications"] == [{"vocabulary": "ICNPO", "code": "6300", "title": "Employment and training"}]
    changes = AuditEvent.objects.filter(actor=personas.funder.user, action=AuditEvent.Action.CHANGE)
    assert sorted(event.record_type for event in changes) == ["programmes.Organisation", "programmes.Programme"]


def test_a_half_given_classification_is_refused_and_changes_nothing(personas: Personas, fran: Client) -> None:
    programme = personas.fife.programme

    response = fran.post(
        "/funder/360giving/classification/", {"classification_code": "6300", "version": programme.version}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "classification_vocabulary": ["Say which list the code comes from, like ICNPO."]
    }
    programme.refresh_from_db()
    assert (programme.classification_code, programme.version) == ("", 1)


def test_mo_gives_the_lead_partners_postcode_and_identifier(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    fife_grants(personas, 1)
    lead = personas.lead_organisation
    url = reverse("web:organisation_edit", args=[lead.pk])
    details = {"name": lead.name, "kind": lead.kind, "charity_number": lead.charity_number, "version": lead.version}

    response = client_for("partnership_manager").post(
        url,
        {
            **details,
            "org_id": f"GB-SC-{lead.charity_number}",
            "address_locality": "Kirkcaldy",
            "postal_code": "ky1 1xx",
        },
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.org_id, lead.address_locality, lead.postal_code) == (
        f"GB-SC-{lead.charity_number}",
        "Kirkcaldy",
        "KY1 1XX",
    )
    [recipient] = json.loads(fran_download(client_for))["grants"][0]["recipientOrganization"]
    assert (recipient["postalCode"], recipient["addressLocality"]) == ("KY1 1XX", "Kirkcaldy")


def fran_download(client_for: Callable[[str], Client]) -> bytes:
    return client_for("funder").get(DOWNLOAD).content
