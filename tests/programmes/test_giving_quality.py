"""What 360Giving's data-quality checks say about our grants, and the details that answer them: the funder's
org-id.guide identifier, the recipient's address and location, and the programme's classification.

`dataquality_warnings` is a stand-in for 360Giving's Data Quality Tool (ThreeSixtyGiving/dataquality,
lib360dataquality: FundingOrg360GPrefix, FundingOrgUnrecognisedPrefix, IncompleteRecipientOrg and
ClassificationNotPresent), written from its source; its prefix list is org-id.guide's register, read here
straight from the copied list files rather than through the code under test.
"""

import datetime
import hashlib
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, NotAllowed
from coproduce.core.validation import InvalidInput
from coproduce.programmes.giving import (
    grants_package,
    quality_notes,
    set_programme_classification,
    update_funder_giving_details,
    validate_package,
)
from coproduce.programmes.models import Grant, Organisation, Programme
from coproduce.programmes.org_ids import LISTS_DIR, normalise_org_id, validate_org_id
from tests.personas import Personas
from tests.programmes.factories import OrganisationFactory, PartnershipFactory, ProgrammeFactory
from tests.programmes.grant_factories import GrantFactory

NOW = datetime.datetime(2018, 4, 30, 9, 15, tzinfo=datetime.UTC)


def register_prefixes() -> list[str]:
    return [json.loads(path.read_text(encoding="utf-8"))["code"] for path in LISTS_DIR.glob("*/*.json")] + ["360G"]


def dataquality_warnings(package: dict[str, Any]) -> dict[str, int]:
    """Grants each check flags, as the Data Quality Tool counts them (a check that flags none is left out)."""
    prefixes = register_prefixes()
    counts = {"FundingOrg360GPrefix": 0, "FundingOrgUnrecognisedPrefix": 0}
    counts |= {"IncompleteRecipientOrg": 0, "ClassificationNotPresent": 0}
    for grant in package["grants"]:
        funders = grant["fundingOrganization"]
        counts["FundingOrg360GPrefix"] += sum(1 for org in funders if org["id"].lower().startswith("360g"))
        if any(not any(org["id"].lower().startswith(p.lower()) for p in prefixes) for org in funders):
            counts["FundingOrgUnrecognisedPrefix"] += 1
        if any(
            not (
                org.get("postalCode")
                or any(place.get("geoCode") and place.get("geoCodeType") for place in org.get("location") or [])
            )
            for org in grant["recipientOrganization"]
        ):
            counts["IncompleteRecipientOrg"] += 1
        if not grant.get("classifications"):
            counts["ClassificationNotPresent"] += 1
    return {check: count for check, count in counts.items() if count}


def midlothian_grants() -> list[Grant]:
    """Two grants from a trust that has no charity or company number recorded, to an area whose code has no
    known geoCodeType, in a programme with no classification yet: every check has something to say."""
    programme = ProgrammeFactory(name="Working Families")
    area = PartnershipFactory(programme=programme, area_name="Midlothian", gss_code="S99000019", short_code="MID")
    funder = OrganisationFactory(
        name="Lothian Families Trust", kind=Organisation.Kind.FUNDER, charity_number="", company_number=""
    )
    recipient = OrganisationFactory(name="Midlothian Parents Together", charity_number="SC045678")
    return [
        GrantFactory(partnership=area, funder=funder, recipient=recipient, reference="WF-MID-2025-01"),
        GrantFactory(partnership=area, funder=funder, recipient=recipient, reference="WF-MID-2025-02"),
    ]


def package_of(grants: list[Grant]) -> dict[str, Any]:
    fresh = list(
        Grant.objects.filter(pk__in=[grant.pk for grant in grants])
        .select_related("partnership__programme", "funder", "recipient")
        .order_by("reference")
    )
    return grants_package(fresh, publisher=fresh[0].funder, now=NOW)


@pytest.mark.django_db
def test_the_three_warnings_on_every_grant_go_once_the_details_are_given() -> None:
    grants = midlothian_grants()
    before = package_of(grants)
    assert validate_package(before) == []
    assert dataquality_warnings(before) == {
        "FundingOrg360GPrefix": 2,
        "IncompleteRecipientOrg": 2,
        "ClassificationNotPresent": 2,
    }
    assert len(quality_notes(before)) == 3

    Organisation.objects.filter(pk=grants[0].funder_id).update(org_id="GB-SC-SC009999")
    Organisation.objects.filter(pk=grants[0].recipient_id).update(
        street_address="12 High Street", address_locality="Dalkeith", postal_code="EH22 1AA"
    )
    Programme.objects.filter(pk=grants[0].partnership.programme_id).update(
        classification_vocabulary="ICNPO", classification_code="6300", classification_title="Employment and training"
    )
    after = package_of(grants)

    assert validate_package(after) == []
    assert dataquality_warnings(after) == {}
    assert quality_notes(after) == []
    grant = after["grants"][0]
    assert grant["fundingOrganization"] == [{"id": "GB-SC-SC009999", "name": "Lothian Families Trust"}]
    assert grant["recipientOrganization"] == [
        {
            "id": "GB-SC-SC045678",
            "name": "Midlothian Parents Together",
            "charityNumber": "SC045678",
            "streetAddress": "12 High Street",
            "addressLocality": "Dalkeith",
            "postalCode": "EH22 1AA",
            "addressCountry": "United Kingdom",
            "location": [{"name": "Midlothian", "countryCode": "GB", "geoCode": "S99000019"}],
        }
    ]
    assert grant["classifications"] == [{"vocabulary": "ICNPO", "code": "6300", "title": "Employment and training"}]


@pytest.mark.django_db
def test_a_recipient_in_a_council_area_has_its_location_even_without_a_postcode(personas: Personas) -> None:
    grant = GrantFactory(
        partnership=personas.fife, funder=personas.funder_organisation, recipient=personas.lead_organisation
    )

    [recipient] = package_of([grant])["grants"][0]["recipientOrganization"]

    assert recipient["location"] == [{"name": "Fife", "countryCode": "GB", "geoCode": "S12000047", "geoCodeType": "CA"}]
    assert "IncompleteRecipientOrg" not in dataquality_warnings(package_of([grant]))


@pytest.mark.parametrize(
    ("entered", "saved"),
    [
        ("GB-SC-SC012345", "GB-SC-SC012345"),
        (" gb-sc-sc 012345 ", "GB-SC-SC012345"),
        ("GB-CHC-1164883", "GB-CHC-1164883"),
        ("GB-COH-SC123456", "GB-COH-SC123456"),
        ("GB-COH-01234567", "GB-COH-01234567"),
        ("GB-NIC-100002", "GB-NIC-100002"),
        ("GB-LAS-FIF", "GB-LAS-FIF"),
        ("GB-GOR-PB1234", "GB-GOR-PB1234"),
        ("GB-SCOTEDU-5512345", "GB-SCOTEDU-5512345"),
        ("XI-LEI-213800LH1BZH3DI6G760", "XI-LEI-213800LH1BZH3DI6G760"),
    ],
)
def test_identifiers_from_registers_on_org_id_guide_are_accepted(entered: str, saved: str) -> None:
    assert normalise_org_id(entered) == saved
    validate_org_id(normalise_org_id(entered))


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ("SC012345", "Start the identifier with the code of the register"),
        ("GB-XYZ-123", "Start the identifier with the code of the register"),
        ("360G-coproduce-org-3", "Start the identifier with the code of the register"),
        ("GB-GOVUK-dwp", "Start the identifier with the code of the register"),  # deprecated on the register
        ("GB-SC-", "Add the organisation's number after GB-SC-"),
        ("GB-SC-12345", "a Scottish charity number is SC and 6 digits"),
        ("GB-CHC-12345", "a Charity Commission number is 6 or 7 digits"),
        ("GB-COH-123", "a company number is 8 digits, or 2 letters and 6 digits"),
        ("GB-SC-SC01/2345", "only letters, numbers and hyphens"),
    ],
)
def test_other_identifiers_are_refused_with_what_to_write(entered: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_org_id(normalise_org_id(entered))
    assert message in refused.value.messages[0]


# ---- the funder sets them --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_funder_sets_their_identifier_and_address_and_it_is_audited(personas: Personas) -> None:
    funder = personas.funder_organisation

    saved = update_funder_giving_details(
        actor=personas.funder.user,
        expected_version=funder.version,
        changes={"org_id": "gb-sc-sc009999", "postal_code": "eh1 1aa", "address_locality": " Edinburgh "},
    )

    assert (saved.org_id, saved.postal_code, saved.address_locality, saved.version) == (
        "GB-SC-SC009999",
        "EH1 1AA",
        "Edinburgh",
        funder.version + 1,
    )
    event = AuditEvent.objects.get(actor=personas.funder.user, action=AuditEvent.Action.CHANGE)
    assert (event.record_type, event.record_id, sorted(event.changed_fields)) == (
        "programmes.Organisation",
        str(funder.pk),
        ["address_locality", "org_id", "postal_code"],
    )


@pytest.mark.django_db
def test_a_wrong_identifier_or_postcode_changes_nothing(personas: Personas) -> None:
    funder = personas.funder_organisation

    with pytest.raises(InvalidInput) as refused:
        update_funder_giving_details(
            actor=personas.funder.user,
            expected_version=funder.version,
            changes={"org_id": "GB-XYZ-1", "postal_code": "KY1"},
        )

    assert set(refused.value.errors) == {"org_id", "postal_code"}
    assert refused.value.errors["postal_code"] == ["Enter a full UK postcode, like KY1 1XX."]
    funder.refresh_from_db()
    assert (funder.org_id, funder.postal_code) == ("", "")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).exists()


@pytest.mark.django_db
def test_an_edit_started_before_someone_elses_change_is_refused(personas: Personas) -> None:
    funder = personas.funder_organisation
    update_funder_giving_details(
        actor=personas.funder.user, expected_version=funder.version, changes={"org_id": "GB-SC-SC009999"}
    )

    with pytest.raises(ConflictError):
        update_funder_giving_details(
            actor=personas.funder.user, expected_version=funder.version, changes={"org_id": "GB-SC-SC000001"}
        )

    funder.refresh_from_db()
    assert funder.org_id == "GB-SC-SC009999"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "keyworker", "evaluator"])
def test_only_the_funder_sets_the_funders_details(personas: Personas, role: str) -> None:
    with pytest.raises(NotAllowed):
        update_funder_giving_details(
            actor=getattr(personas, role).user, expected_version=1, changes={"org_id": "GB-SC-SC009999"}
        )
    with pytest.raises(NotAllowed):
        set_programme_classification(
            actor=getattr(personas, role).user,
            programme_id=personas.fife.programme_id,
            expected_version=1,
            vocabulary="ICNPO",
            code="6300",
            title="",
        )
    assert Organisation.objects.filter(org_id="GB-SC-SC009999").count() == 0


@pytest.mark.django_db
def test_the_funder_classifies_the_programme_whole_or_not_at_all(personas: Personas) -> None:
    programme = Programme.objects.get(pk=personas.fife.programme_id)

    with pytest.raises(InvalidInput) as refused:
        set_programme_classification(
            actor=personas.funder.user,
            programme_id=programme.pk,
            expected_version=programme.version,
            vocabulary="",
            code="6300",
            title="",
        )
    assert refused.value.errors == {"classification_vocabulary": ["Say which list the code comes from, like ICNPO."]}

    saved = set_programme_classification(
        actor=personas.funder.user,
        programme_id=programme.pk,
        expected_version=programme.version,
        vocabulary="ICNPO",
        code="6300",
        title="Employment and training",
    )

    assert (saved.classification_vocabulary, saved.classification_code, saved.version) == (
        "ICNPO",
        "6300",
        programme.version + 1,
    )
    assert AuditEvent.objects.filter(
        actor=personas.funder.user, record_type="programmes.Programme", record_id=str(programme.pk)
    ).exists()


# ---- the copied register -----------------------------------------------------------------------------


def test_the_copied_register_lists_are_unchanged() -> None:
    digest = hashlib.sha256()
    for path in sorted(LISTS_DIR.rglob("*.json")):
        digest.update(path.relative_to(LISTS_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    assert digest.hexdigest() == REGISTER_SHA256


REGISTER_SHA256 = "aec1dbe17913aa0001138f3679a9d391894511f0e40497ab0f03d9a68057aacc"
