"""The 360Giving export: our grants validate against the official schema, and the schema check is real.

The official examples (copied under coproduce/programmes/giving_standard/examples/, test
fixtures only) are the check on the checker: the valid ones pass, the invalid ones fail for the
reasons 360Giving's own tools give.
"""

import csv
import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.programmes import giving
from coproduce.programmes.giving import (
    STANDARD_DIR,
    export_grants_360giving,
    geo_code_type,
    grant_identifier,
    grants_package,
    organisation_identifier,
    validate_package,
)
from coproduce.programmes.models import Grant, Organisation
from tests.personas import Personas
from tests.programmes.factories import OrganisationFactory, PartnershipFactory, ProgrammeFactory
from tests.programmes.grant_factories import GrantFactory

NOW = datetime.datetime(2018, 4, 30, 9, 15, tzinfo=datetime.UTC)
EXAMPLES = STANDARD_DIR / "examples"
NOT_A_DATE = "is not a date written as YYYY-MM-DD or a full date-time"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def fife_grants() -> list[Grant]:
    """Three grants from Good Causes Fund: to a Scottish charity, a company, and a body with neither number."""
    programme = ProgrammeFactory()
    fife = PartnershipFactory(programme=programme, area_name="Fife", gss_code="S12000047", short_code="FIF")
    funder = OrganisationFactory(
        name="Good Causes Fund", kind=Organisation.Kind.FUNDER, charity_number="SC009999", company_number=""
    )
    charity = OrganisationFactory(name="Fife Lone Parents Together", charity_number="SC012345")
    company = OrganisationFactory(name="Kingdom Jobs Ltd", charity_number="", company_number="SC123456")
    council = OrganisationFactory(name="Fife Council", kind=Organisation.Kind.LOCAL_GOVERNMENT, charity_number="")
    first = GrantFactory(
        partnership=fife,
        funder=funder,
        recipient=charity,
        reference="MIW-FIF-2013-01",
        title="Making It Work in Fife, years 1 and 2",
        description="Keyworkers, childcare and a discretionary budget for lone parents in Fife.",
        amount=Decimal("450000.00"),
        awarded_on=datetime.date(2013, 3, 14),
        starts_on=datetime.date(2013, 4, 1),
        ends_on=datetime.date(2015, 3, 31),
    )
    second = GrantFactory(
        partnership=fife, funder=funder, recipient=company, reference="MIW-FIF-2014-02", amount=Decimal("12500.50")
    )
    third = GrantFactory(partnership=fife, funder=funder, recipient=council, reference="MIW-FIF-2015-03")
    Grant.objects.filter(pk=first.pk).update(updated_at=datetime.datetime(2017, 6, 1, 12, 0, tzinfo=datetime.UTC))
    return [Grant.objects.get(pk=first.pk), second, third]


# ---- our export ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_our_export_of_factory_built_grants_validates() -> None:
    grants = fife_grants()

    package = grants_package(grants, publisher=grants[0].funder, now=NOW)

    assert validate_package(package) == []
    assert [grant["id"] for grant in package["grants"]] == [
        "360G-coproduce-MIW-FIF-2013-01",
        "360G-coproduce-MIW-FIF-2014-02",
        "360G-coproduce-MIW-FIF-2015-03",
    ]
    assert [grant["amountAwarded"] for grant in package["grants"]] == [450000, 12500.5, 250000]
    assert [grant["recipientOrganization"][0]["id"] for grant in package["grants"]] == [
        "GB-SC-SC012345",
        "GB-COH-SC123456",
        f"360G-coproduce-org-{grants[2].recipient.pk}",
    ]


@pytest.mark.django_db
def test_a_grant_says_who_gave_what_to_whom_where_and_when() -> None:
    grants = fife_grants()

    package = grants_package(grants, publisher=grants[0].funder, now=NOW)

    assert package["grants"][0] == {
        "id": "360G-coproduce-MIW-FIF-2013-01",
        "title": "Making It Work in Fife, years 1 and 2",
        "description": "Keyworkers, childcare and a discretionary budget for lone parents in Fife.",
        "currency": "GBP",
        "amountAwarded": 450000,
        "awardDate": "2013-03-14",
        "plannedDates": [{"startDate": "2013-04-01", "endDate": "2015-03-31"}],
        "recipientOrganization": [
            {
                "id": "GB-SC-SC012345",
                "name": "Fife Lone Parents Together",
                "charityNumber": "SC012345",
                "location": [{"name": "Fife", "countryCode": "GB", "geoCode": "S12000047", "geoCodeType": "CA"}],
            }
        ],
        "fundingOrganization": [{"id": "GB-SC-SC009999", "name": "Good Causes Fund", "charityNumber": "SC009999"}],
        "beneficiaryLocation": [{"name": "Fife", "countryCode": "GB", "geoCode": "S12000047", "geoCodeType": "CA"}],
        "grantProgramme": [{"title": "Making It Work"}],
        "dateModified": "2017-06-01T12:00:00Z",
    }
    assert package["grants"][1]["recipientOrganization"] == [
        {
            "id": "GB-COH-SC123456",
            "name": "Kingdom Jobs Ltd",
            "companyNumber": "SC123456",
            "location": [{"name": "Fife", "countryCode": "GB", "geoCode": "S12000047", "geoCodeType": "CA"}],
        }
    ]


@pytest.mark.django_db
def test_the_package_names_its_publisher_licence_and_dates() -> None:
    grants = fife_grants()

    package = grants_package(grants, publisher=grants[0].funder, now=NOW)

    latest = max(grant.updated_at for grant in grants)
    assert {key: value for key, value in package.items() if key != "grants"} == {
        "version": "1.4",
        "title": "Grants made by Good Causes Fund",
        "issued": "2018-04-30",
        "modified": latest.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "publisher": {"name": "Good Causes Fund", "identifier": "GB-SC-SC009999"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }


@pytest.mark.django_db
@override_settings(
    GIVING_PREFIX="goodcauses",
    GIVING_LICENSE="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)
def test_the_prefix_and_licence_are_settings() -> None:
    grants = fife_grants()

    package = grants_package(grants, publisher=grants[0].funder, now=NOW)

    assert validate_package(package) == []
    assert package["grants"][0]["id"] == "360G-goodcauses-MIW-FIF-2013-01"
    assert package["grants"][2]["recipientOrganization"][0]["id"] == f"360G-goodcauses-org-{grants[2].recipient.pk}"
    assert package["license"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@pytest.mark.django_db
def test_the_export_holds_no_personal_data(personas: Personas) -> None:
    grant = GrantFactory(
        partnership=personas.fife, funder=personas.funder_organisation, recipient=personas.lead_organisation
    )

    package = grants_package([grant], publisher=grant.funder, now=NOW)

    record = package["grants"][0]
    # Organisations by identifier, name, registration numbers and area: no contact people, emails or phones.
    assert set(record["recipientOrganization"][0]) == {"id", "name", "charityNumber", "location"}
    assert set(record["fundingOrganization"][0]) == {"id", "name", "charityNumber"}
    text = json.dumps(package)
    for personal in ("MIW-FIF-00001", "Pat Participant", "pat@example.net", "+447700900001", "Kim Keyworker"):
        assert personal not in text


def test_a_package_without_grants_is_not_valid() -> None:
    assert validate_package({"version": "1.4", "grants": []}) == ["grants: [] should be non-empty"]
    assert validate_package({"version": "1.4"}) == ["(package): 'grants' is a required property"]


# ---- the official examples ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "grants"),
    [("grantnav-test_data/grantnav-20180903134856.json", 5), ("grantnav-test_data/awefw001p00000zgyHZAAY.json", 154)],
)
def test_the_official_valid_examples_validate(name: str, grants: int) -> None:
    doc = example(name)

    assert len(doc["grants"]) == grants
    assert validate_package(doc) == []


def test_dates_written_day_first_are_reported_throughout_the_currency_example() -> None:
    problems = validate_package(example("grantnav-test_data/a002400000KeYdsAAF-currency.json"))

    # 379 grants, each with a dd/mm/yyyy award date and a dateModified that is not RFC 3339.
    assert len(problems) == 758
    assert {problem.split(":")[0].rsplit(".", 1)[1] for problem in problems} == {"awardDate", "dateModified"}
    assert problems[:2] == [
        f"grants[0].awardDate: '05/06/2014' {NOT_A_DATE}",
        "grants[0].dateModified: '17/08/2015 00:00' is not a 'date-time'",
    ]
    assert problems[-1] == "grants[378].dateModified: '23/06/2015 00:00' is not a 'date-time'"


def test_the_wellcome_example_is_reported_for_each_of_its_problems() -> None:
    problems = validate_package(example("flatten-tool/WellcomeTrust-grants_fixed_2_grants.json"))

    assert problems == [
        "grants[0]: 'description' is a required property",
        "grants[0]: 'amountAwarded' is a required property",
        f"grants[0].awardDate: '24/07/2014' {NOT_A_DATE}",
        "grants[0].dateModified: '13-03-2015' is not a 'date-time'",
        "grants[0].plannedDates[0].duration: '30' is not of type 'number'",
        "grants[0].recipientOrganization[0]: 'id' is a required property",
        "grants[1]: 'description' is a required property",
        "grants[1]: 'amountAwarded' is a required property",
        f"grants[1].awardDate: '24/07/2014' {NOT_A_DATE}",
        "grants[1].dateModified: '13-03-2015' is not a 'date-time'",
        "grants[1].plannedDates[0].duration: '25' is not of type 'number'",
    ]


# ---- format checking is on ----------------------------------------------------------------------


def one_grant(**changes: Any) -> dict[str, Any]:
    grant = {
        "id": "360G-coproduce-MIW-FIF-2013-01",
        "title": "A grant",
        "description": "For lone parents in Fife.",
        "currency": "GBP",
        "amountAwarded": 1000,
        "awardDate": "2013-03-14",
        "recipientOrganization": [{"id": "GB-SC-SC012345", "name": "Fife Lone Parents Together"}],
        "fundingOrganization": [{"id": "GB-SC-SC009999", "name": "Good Causes Fund"}],
        **changes,
    }
    return {"version": "1.4", "grants": [grant]}


def test_a_day_first_award_date_is_rejected() -> None:
    # Without format checking, "05/06/2014" passes as a "date-time".
    assert validate_package(one_grant(awardDate="05/06/2014")) == [f"grants[0].awardDate: '05/06/2014' {NOT_A_DATE}"]


@pytest.mark.parametrize("award_date", ["2024-12-30", "2024-12-30T10:00:00Z", "2024-12-30T10:00:00+01:00"])
def test_an_iso_award_date_is_accepted(award_date: str) -> None:
    # Without format checking, "2024-12-30" fails as valid under both the date-time and date branches.
    assert validate_package(one_grant(awardDate=award_date)) == []


def test_an_impossible_date_time_is_rejected() -> None:
    assert validate_package(one_grant(dateModified="2024-13-01T10:00:00Z")) == [
        "grants[0].dateModified: '2024-13-01T10:00:00Z' is not a 'date-time'"
    ]


# ---- identifiers --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("charity_number", "company_number", "expected"),
    [
        ("SC012345", "", "GB-SC-SC012345"),
        (" sc 012345 ", "", "GB-SC-SC012345"),
        ("1164883", "", "GB-CHC-1164883"),
        ("", "01234567", "GB-COH-01234567"),
        ("", "SC123456", "GB-COH-SC123456"),
        ("SC012345", "SC123456", "GB-SC-SC012345"),
        ("NIC100002", "", None),
        ("", "", None),
    ],
)
def test_organisation_ids_follow_org_id_guide(charity_number: str, company_number: str, expected: str | None) -> None:
    organisation = OrganisationFactory(charity_number=charity_number, company_number=company_number)

    assert organisation_identifier(organisation) == (expected or f"360G-coproduce-org-{organisation.pk}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reference", "expected"),
    [("MIW-FIF-2013-01", "360G-coproduce-MIW-FIF-2013-01"), ("MIW/FIF 2013\\01", "360G-coproduce-MIW_FIF_2013_01")],
)
def test_grant_ids_are_our_prefix_and_reference_without_slashes_or_spaces(reference: str, expected: str) -> None:
    assert grant_identifier(GrantFactory(reference=reference)) == expected


@pytest.mark.parametrize(
    ("gss_code", "expected"),
    [("S12000047", "CA"), ("E06000001", "UA"), ("E08000003", "MD"), ("E09000001", "LONB"), ("X99000001", None)],
)
def test_the_geo_code_type_comes_from_the_codelist(gss_code: str, expected: str | None) -> None:
    assert geo_code_type(gss_code) == expected


@pytest.mark.django_db
def test_an_area_code_of_no_known_type_is_left_without_a_type() -> None:
    grant = GrantFactory(partnership=PartnershipFactory(area_name="Elsewhere", gss_code="N09000001"))

    package = grants_package([grant], publisher=grant.funder, now=NOW)

    assert package["grants"][0]["beneficiaryLocation"] == [
        {"name": "Elsewhere", "countryCode": "GB", "geoCode": "N09000001"}
    ]
    assert validate_package(package) == []


def codes(name: str, column: str = "Code") -> set[str]:
    with (STANDARD_DIR / "codelists" / name).open(encoding="utf-8", newline="") as codelist:
        return {row[column] for row in csv.DictReader(codelist)}


def test_the_codes_we_emit_are_in_the_codelists() -> None:
    assert "CA" in codes("geoCodeType.csv")
    assert "GBP" in codes("currency.csv")
    assert "GB" in codes("countryCode.csv")


# ---- the copied standard is the official one, unchanged ----------------------------------------

SHA256 = {
    "schema/360-giving-package-schema.json": "30c0897090628d161cda0f3048031abd955eb9b68cfd83f8fe54340756886b11",
    "schema/360-giving-schema.json": "e8a1c581ce18447b2dc9c757d7229862624970a3724718d8319a8d3c47429ebb",
    "codelists/geoCodeType.csv": "244362443ff29d913f906006877737e75f65c6f5d22f3d53245f63ac029c299f",
    "codelists/currency.csv": "b5697e00bffea8b5cb75cc8273ff3348b6a69d1815cd15c69b80419e28b35f62",
    "codelists/countryCode.csv": "6cc4b0e5aa46d53c1df8b74265581e5909dee3aeae9053d30e088288dd442e71",
    "examples/flatten-tool/WellcomeTrust-grants_fixed_2_grants.json": (
        "8851a08139fc56704e791085f8bc3464c767ab17491611bf7c936d3be0ba6a34"
    ),
    "examples/grantnav-test_data/README.md": "377bd4044809eef0741fdeb453aba4faf15b012dcf387a4369b57582872c75fd",
    "examples/grantnav-test_data/a002400000KeYdsAAF-currency.json": (
        "34312430f4af6168b94e21764193403b0f0ac3bce6c2f0b9cd469585ef563a22"
    ),
    "examples/grantnav-test_data/awefw001p00000zgyHZAAY.json": (
        "aaad72c0397596bad86de50924a50b72aa4168b565334de2f8e4ae1f2d991444"
    ),
    "examples/grantnav-test_data/grantnav-20180903134856.json": (
        "b6ac5e2a9132f83e4816f825eae68cf854a02fe0072ffc554acf1ae90e7339cc"
    ),
}


def test_the_copied_standard_is_unchanged() -> None:
    found = {
        str(path.relative_to(STANDARD_DIR)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(STANDARD_DIR.rglob("*"))
        if path.is_file() and path.name != "SOURCE.md"
    }
    assert found == SHA256


# ---- the export: who, what, audited -------------------------------------------------------------


@pytest.mark.django_db
def test_the_funder_exports_a_valid_package_and_the_export_is_audited(personas: Personas) -> None:
    grant = GrantFactory(
        partnership=personas.fife,
        funder=personas.funder_organisation,
        recipient=personas.lead_organisation,
        reference="MIW-FIF-2013-01",
    )

    with audit_context(channel=AuditEvent.Channel.API, path="/api/v1/grants/360giving"):
        package = export_grants_360giving(actor=personas.funder.user)

    assert [row["id"] for row in package["grants"]] == ["360G-coproduce-MIW-FIF-2013-01"]
    assert package["publisher"]["name"] == "Good Causes Fund"
    event = AuditEvent.objects.get(actor=personas.funder.user)
    assert (event.action, event.channel, event.record_type, event.record_id, event.participant_id) == (
        "export",
        "api",
        "programmes.Programme",
        str(grant.partnership.programme_id),
        None,
    )
    assert event.path == "/api/v1/grants/360giving"


@pytest.mark.django_db
def test_a_partnership_manager_exports_only_their_own_area(personas: Personas) -> None:
    GrantFactory(partnership=personas.fife, funder=personas.funder_organisation, reference="MIW-FIF-2013-01")
    GrantFactory(partnership=personas.glasgow, funder=personas.funder_organisation, reference="MIW-GLA-2013-01")

    package = export_grants_360giving(actor=personas.manager.user)

    assert [row["id"] for row in package["grants"]] == ["360G-coproduce-MIW-FIF-2013-01"]


@pytest.mark.django_db
def test_no_one_else_may_export(personas: Personas) -> None:
    GrantFactory(partnership=personas.fife, funder=personas.funder_organisation)

    for user in (
        personas.keyworker.user,
        personas.partner_worker.user,
        personas.evaluator.user,
        personas.administrator,
    ):
        with pytest.raises(NotAllowed):
            export_grants_360giving(actor=user)
    assert AuditEvent.objects.filter(action="export").count() == 0


@pytest.mark.django_db
def test_with_no_grants_there_is_nothing_to_export(personas: Personas) -> None:
    with pytest.raises(NotFound, match="There are no grants to export yet"):
        export_grants_360giving(actor=personas.funder.user)
    assert AuditEvent.objects.filter(action="export").count() == 0


@pytest.mark.django_db
def test_a_package_the_schema_rejects_is_never_handed_out(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    GrantFactory(partnership=personas.fife, funder=personas.funder_organisation)
    real = giving.grants_package

    def day_first(grants: Any, **kwargs: Any) -> dict[str, Any]:
        package = real(grants, **kwargs)
        package["grants"][0]["awardDate"] = "01/03/2013"
        return package

    monkeypatch.setattr(giving, "grants_package", day_first)

    with pytest.raises(DomainError, match="not valid 360Giving data"):
        export_grants_360giving(actor=personas.funder.user)
    assert AuditEvent.objects.filter(action="export").count() == 0
