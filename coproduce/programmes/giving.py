"""The funder's grants as 360Giving open data (the 360Giving Data Standard 1.4.3).

`grants_package` turns Grant rows into a 360Giving data package; `validate_package` checks any
document against the official schemas, copied unchanged under `giving_standard/` (see its
SOURCE.md); `export_grants_360giving` is what the pages and the API call: it reads the grants
the person may see, builds the package, refuses to hand out one that is not valid, and audits
the export.

Three things the standard's own files make easy to get wrong (all handled in `_validator`):

- the schemas declare `"$schema": "http://json-schema.org/draft/2020-12/schema"` (http, not
  https), which `referencing` does not recognise, so they are loaded explicitly as Draft 2020-12;
- format checking must be on: dates are `oneOf` a `format: date-time` branch and a YYYY-MM-DD
  pattern, so without it "05/06/2014" passes (as a "date-time") and "2024-12-30" fails (valid
  under both branches);
- the 1.4.3 package schema's `items.$ref` points at the 1.4.2 address of the grant schema, so
  the grant schema is served under both addresses.

Identifiers follow 360Giving's guidance: a grant is `360G-<prefix>-<our reference>`, where the
prefix (setting GIVING_PREFIX, default "coproduce") must be registered with 360Giving before
the data is published for real; an organisation has the org-id.guide identifier it was given
(`Organisation.org_id`, checked against org-id.guide's register, see `org_ids.py`), else one made
from its charity or company number (`GB-SC-` for a Scottish charity, `GB-CHC-` for one in England
and Wales, `GB-COH-` for a company) or, with neither, `360G-<prefix>-org-<our id>`.

What 360Giving's data-quality checks ask of every grant, and where it comes from: the funder's
identifier from a recognised register (the funder sets it on /funder/organisation/); the
recipient's postcode and location (its address, kept by the partnership manager, and the
partnership's area as a geoCode); a classification (the programme's, set by the funder).

The export holds no personal data: grants, organisations (names, registration numbers and
their office's address only, no contact people), areas and the programme.
"""

import csv
import datetime
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import rules
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.programmes.models import Grant, Organisation, Partnership, Programme
from coproduce.programmes.org_ids import split_org_id
from coproduce.programmes.permissions import is_funder, is_partnership_manager
from coproduce.programmes.selectors import programme_for
from coproduce.programmes.selectors.funding import grants_visible_to
from coproduce.programmes.services import tidy_giving_details
from coproduce.programmes.standing import standing_of

STANDARD_DIR = Path(__file__).resolve().parent / "giving_standard"
SCHEMA_DIR = STANDARD_DIR / "schema"
CODELIST_DIR = STANDARD_DIR / "codelists"
STANDARD_VERSION = "1.4"  # the package's "version": major.minor of the schema (1.4.3)
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
    # What the 1.4.3 package schema's items.$ref still names.
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
)
DEFAULT_PREFIX = "coproduce"
# 360Giving asks for an open licence; CC BY 4.0 is the one most of its publishers use.
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CURRENCY = "GBP"
COUNTRY = "GB"


def giving_prefix() -> str:
    """Our 360Giving prefix (without "360G-"). Register it with 360Giving before publishing."""
    return str(getattr(settings, "GIVING_PREFIX", DEFAULT_PREFIX))


def giving_prefix_is_set() -> bool:
    """Whether the organisation's own 360Giving prefix has been set (not left empty or at the placeholder)."""
    return giving_prefix().strip() not in ("", DEFAULT_PREFIX)


def data_license() -> str:
    """The URI of the licence the published grants data is under."""
    return str(getattr(settings, "GIVING_LICENSE", DEFAULT_LICENSE))


# ---- validation --------------------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data


@cache
def _validator() -> Draft202012Validator:
    package = _load("360-giving-package-schema.json")
    # Resources made by the Draft 2020-12 specification itself: from their (http) "$schema"
    # `referencing` would raise UnknownDialect.
    grant = DRAFT202012.create_resource(_load("360-giving-schema.json"))
    resources = [(url, grant) for url in GRANT_SCHEMA_URLS]
    resources.append((package["$id"], DRAFT202012.create_resource(package)))
    registry: Registry[Any] = Registry().with_resources(resources)
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(package)"


def _document_order(error: ValidationError) -> list[tuple[int, int, str]]:
    # grants[2] before grants[10]: numbers as numbers.
    return [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.absolute_path]


def _messages(error: ValidationError) -> list[str]:
    """Plain messages for one error: `oneOf` failures say what is wrong, not "not valid under any"."""
    branches = error.context or []
    if error.validator == "oneOf" and branches:
        if all(branch.validator in ("format", "pattern") for branch in branches):
            return [f"{error.instance!r} is not a date written as YYYY-MM-DD or a full date-time"]
        # A grant fits neither "to an organisation" nor "to an individual": say what the first
        # branch (to an organisation, ours and the usual one) misses.
        first = [branch for branch in branches if branch.relative_schema_path[0] == 0]
        return [branch.message for branch in (first or branches)]
    return [error.message]


def validate_package(doc: Any) -> list[str]:
    """Every problem with `doc` as a 360Giving 1.4.3 data package, in document order. Empty = valid.

    Like `grants[0].awardDate: '05/06/2014' is not a date written as YYYY-MM-DD or a full
    date-time`, or `grants[1].recipientOrganization[0]: 'id' is a required property`.
    """
    errors = sorted(_validator().iter_errors(doc), key=_document_order)
    return [f"{_path(error.absolute_path)}: {message}" for error in errors for message in _messages(error)]


# ---- identifiers -------------------------------------------------------------------------------


def identifier_part(text: str) -> str:
    """Text made safe inside an identifier: spaces and special characters (/ \\ and so on) become _."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text.strip())


def grant_identifier(grant: Grant, *, prefix: str | None = None) -> str:
    return f"360G-{prefix or giving_prefix()}-{identifier_part(grant.reference)}"


def _register_number(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def organisation_identifier(organisation: Organisation, *, prefix: str | None = None) -> str:
    """The organisation's own org-id.guide identifier if it has one; else one from a charity or company
    number; our own 360G- one otherwise.

    A charity number wins over a company number (charities registered as companies are known to
    360Giving by their charity number). Scottish charity numbers start "SC" (OSCR: GB-SC-);
    numbers of digits only are the Charity Commission for England and Wales' (GB-CHC-); other
    charity numbers (Northern Ireland's, say) are not guessed at. Company numbers keep their
    leading zeros and letters (GB-COH-SC123456 for a Scottish company).
    """
    if organisation.org_id:
        return organisation.org_id
    charity = _register_number(organisation.charity_number)
    if charity.startswith("SC"):
        return f"GB-SC-{charity}"
    if charity.isdigit():
        return f"GB-CHC-{charity}"
    company = _register_number(organisation.company_number)
    if company:
        return f"GB-COH-{company}"
    return f"360G-{prefix or giving_prefix()}-org-{organisation.pk}"


@cache
def geo_code_types() -> dict[str, str]:
    """GSS entity code (the first three characters of a GSS code, like S12) → 360Giving geoCodeType.

    Read from the standard's codelist, whose documentation links end in the entity code
    (…/statistical-entity/S12 for "CA", Council Areas).
    """
    types: dict[str, str] = {}
    with (CODELIST_DIR / "geoCodeType.csv").open(encoding="utf-8", newline="") as codelist:
        for row in csv.DictReader(codelist):
            entity = row["Documentation (URL)"].rstrip("/").rsplit("/", 1)[-1]
            types.setdefault(entity, row["Code"])
    return types


def geo_code_type(gss_code: str) -> str | None:
    """The geoCodeType for a GSS code: "CA" for a Scottish council area (S12…), "UA" for E06…"""
    return geo_code_types().get(gss_code[:3])


# ---- the package -------------------------------------------------------------------------------


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def area_location(partnership: Partnership) -> dict[str, Any]:
    """A partnership's area as a 360Giving Location: its name and GSS code, with the code's geoCodeType."""
    location: dict[str, Any] = {"name": partnership.area_name, "countryCode": COUNTRY, "geoCode": partnership.gss_code}
    code_type = geo_code_type(partnership.gss_code)
    if code_type:
        location["geoCodeType"] = code_type
    return location


def organisation_record(organisation: Organisation, *, prefix: str, area: Partnership | None = None) -> dict[str, Any]:
    """A 360Giving Organization: identifier, name, registration numbers and its office's address (no contact
    people); with `area`, the partnership's area it works in as its `location`."""
    record: dict[str, Any] = {"id": organisation_identifier(organisation, prefix=prefix), "name": organisation.name}
    if organisation.charity_number.strip():
        record["charityNumber"] = _register_number(organisation.charity_number)
    if organisation.company_number.strip():
        record["companyNumber"] = _register_number(organisation.company_number)
    if organisation.street_address:
        record["streetAddress"] = organisation.street_address
    if organisation.address_locality:
        record["addressLocality"] = organisation.address_locality
    if organisation.postal_code:
        record["postalCode"] = organisation.postal_code
        record["addressCountry"] = "United Kingdom"
    if organisation.website:
        record["url"] = organisation.website
    if area is not None:
        record["location"] = [area_location(area)]
    return record


def programme_classifications(programme: Programme) -> list[dict[str, str]]:
    """The programme's classification as 360Giving's `classifications`; none until the funder sets it."""
    if not (programme.classification_vocabulary and programme.classification_code):
        return []
    classification = {"vocabulary": programme.classification_vocabulary, "code": programme.classification_code}
    if programme.classification_title:
        classification["title"] = programme.classification_title
    return [classification]


def grant_record(grant: Grant, *, prefix: str) -> dict[str, Any]:
    """One grant in 360Giving's shape. Needs partnership__programme, funder and recipient loaded."""
    partnership = grant.partnership
    record: dict[str, Any] = {
        "id": grant_identifier(grant, prefix=prefix),
        "title": grant.title,
        "description": grant.description,
        "currency": CURRENCY,
        "amountAwarded": _amount(grant.amount),
        "awardDate": grant.awarded_on.isoformat(),
        "plannedDates": [{"startDate": grant.starts_on.isoformat(), "endDate": grant.ends_on.isoformat()}],
        "recipientOrganization": [organisation_record(grant.recipient, prefix=prefix, area=partnership)],
        "fundingOrganization": [organisation_record(grant.funder, prefix=prefix)],
        "beneficiaryLocation": [area_location(partnership)],
        "grantProgramme": [{"title": partnership.programme.name}],
        "dateModified": _timestamp(grant.updated_at),
    }
    classifications = programme_classifications(partnership.programme)
    if classifications:
        record["classifications"] = classifications
    return record


def grants_package(
    grants: Sequence[Grant], *, publisher: Organisation, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """A 360Giving data package (version 1.4) of these grants, published by `publisher`.

    `modified` is the latest change to any of the grants; `issued` is today (or `now`). The
    standard needs at least one grant: with none the package is not valid (`validate_package`
    says so), and `export_grants_360giving` refuses to hand it out.
    """
    prefix = giving_prefix()
    moment = now or timezone.now()
    latest = max((grant.updated_at for grant in grants), default=moment)
    return {
        "version": STANDARD_VERSION,
        "title": f"Grants made by {publisher.name}",
        "issued": timezone.localtime(moment).date().isoformat(),
        "modified": _timestamp(latest),
        "publisher": {"name": publisher.name, "identifier": organisation_identifier(publisher, prefix=prefix)},
        "license": data_license(),
        "grants": [grant_record(grant, prefix=prefix) for grant in grants],
    }


# ---- what 360Giving's data-quality checks would say -----------------------------------------------


def _recognised(identifier: str) -> bool:
    """An identifier from a register on org-id.guide (not our own 360G- one, which the checks flag too)."""
    return split_org_id(identifier) is not None


def quality_notes(package: dict[str, Any]) -> list[str]:
    """What 360Giving's data-quality tool would warn about in every grant, in its words, for the three things
    Coproduce can supply: a funder identifier from a recognised register (its FundingOrg360GPrefix and
    FundingOrgUnrecognisedPrefix checks), the recipient's postcode or location (IncompleteRecipientOrg) and a
    classification (ClassificationNotPresent). Empty when none applies."""
    grants = package.get("grants", [])
    funders = sum(
        1 for grant in grants if not all(_recognised(org.get("id", "")) for org in grant.get("fundingOrganization", []))
    )
    unlocated = sum(
        1
        for grant in grants
        if not all(
            org.get("postalCode")
            or any(place.get("geoCode") and place.get("geoCodeType") for place in org.get("location", []))
            for org in grant.get("recipientOrganization", [])
        )
    )
    unclassified = sum(1 for grant in grants if not grant.get("classifications"))
    notes = []
    if funders:
        notes.append(
            f"{funders} of {len(grants)} grants have a funding organisation identifier that does not come from a "
            "recognised register: set your organisation's identifier."
        )
    if unlocated:
        notes.append(
            f"{unlocated} of {len(grants)} grants do not have recipient organisation location information: "
            "the partnership manager adds the lead partner's postcode."
        )
    if unclassified:
        notes.append(f"{unclassified} of {len(grants)} grants do not contain a classification: set the programme's.")
    return notes


# ---- what the funder sets for the data ----------------------------------------------------------

GIVING_ORGANISATION_FIELDS = ("org_id", "street_address", "address_locality", "postal_code")
CLASSIFICATION_FIELDS = ("classification_vocabulary", "classification_code", "classification_title")


def _funder_of(actor: ActingUser) -> Organisation:
    standing = standing_of(actor)
    if not standing.has(Role.FUNDER) or standing.staff_member is None:
        raise NotAllowed("Only the funder can change how the funder appears in 360Giving data.")
    return standing.staff_member.organisation


def update_funder_giving_details(*, actor: ActingUser, expected_version: int, changes: dict[str, str]) -> Organisation:
    """The funder sets their own organisation's org-id.guide identifier and address, as 360Giving publishes them
    (`fundingOrganization`). Checked against org-id.guide's register; a stale form changes nothing (ConflictError);
    the change is audited."""
    unknown = set(changes) - set(GIVING_ORGANISATION_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in sorted(unknown)})
    funder = _funder_of(actor)
    tidy = tidy_giving_details(changes)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=funder.pk)
        organisation.check_version(expected_version)
        changed = [name for name, value in tidy.items() if getattr(organisation, name) != value]
        if not changed:
            return organisation
        for name in changed:
            setattr(organisation, name, tidy[name])
        validate_model(organisation)
        organisation.bump_version()
        organisation.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=organisation,
            participant_id=None,
            changed_fields=changed,
        )
    return organisation


def set_programme_classification(
    *, actor: ActingUser, programme_id: int, expected_version: int, vocabulary: str, code: str, title: str
) -> Programme:
    """The funder says what a programme they oversee funds, in a published vocabulary (360Giving's
    `classifications`, given on each of its grants). Vocabulary and code come together or not at all; a stale
    form changes nothing (ConflictError); the change is audited."""
    _funder_of(actor)
    if programme_id not in standing_of(actor).programme_ids:
        raise NotFound("No such programme.")
    values = {
        "classification_vocabulary": vocabulary.strip(),
        "classification_code": code.strip(),
        "classification_title": title.strip(),
    }
    errors: dict[str, list[str]] = {}
    if values["classification_code"] and not values["classification_vocabulary"]:
        errors["classification_vocabulary"] = ["Say which list the code comes from, like ICNPO."]
    if values["classification_vocabulary"] and not values["classification_code"]:
        errors["classification_code"] = ["Enter the code from that list, like 6300."]
    if values["classification_title"] and not values["classification_code"]:
        errors.setdefault("classification_code", ["Enter the code the title belongs to."])
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme_id)
        programme.check_version(expected_version)
        changed = [name for name, value in values.items() if getattr(programme, name) != value]
        if not changed:
            return programme
        for name in changed:
            setattr(programme, name, values[name])
        validate_model(programme)
        programme.bump_version()
        programme.save()
        record_event(
            actor=actor, action=AuditEvent.Action.CHANGE, record=programme, participant_id=None, changed_fields=changed
        )
    return programme


# ---- who may export, and the export itself -----------------------------------------------------


# The funder (staff of the funder organisation) and partnership managers; which grants each
# gets is `grants_visible_to`'s answer. Registered here, beside the only code that checks it.
rules.add_perm("programmes.export_grants_360giving", is_funder | is_partnership_manager)


def grants_to_export(actor: ActingUser, programme_id: int | None = None) -> QuerySet[Grant]:
    """The grants `user` may see (`grants_visible_to`), of `programme_id` alone when given, with what a
    360Giving record needs, in order."""
    return (
        grants_visible_to(actor, programme_id)
        .select_related("partnership__programme", "funder", "recipient")
        .order_by("awarded_on", "reference", "pk")
    )


def export_grants_360giving(*, actor: ActingUser, programme_id: int | None = None) -> dict[str, Any]:
    """One programme's grants that `actor` may see as a valid 360Giving data package; the export is audited.

    The programme is `programme_id` (NotFound for one `actor` may not see) or, when None, the one that
    started last of theirs. Grant identifiers stay unique across programmes: each is made from the
    grant's reference, unique on the whole instance. Published by the grants' funder (the programme has
    one). Refuses (NotAllowed) anyone but the funder and partnership managers, answers NotFound when
    there is no grant to export, and never hands out a package the official schema rejects.
    """
    if not rules.has_perm("programmes.export_grants_360giving", actor):
        raise NotAllowed("Only the funder and partnership managers can export grants.")
    programme = programme_for(actor, programme_id)
    grants = list(grants_to_export(actor, programme.pk))
    if not grants:
        raise NotFound("There are no grants to export yet.")
    package = grants_package(grants, publisher=grants[0].funder)
    problems = validate_package(package)
    if problems:
        raise DomainError(
            f"The grants are not valid 360Giving data, so nothing was exported. First problem: {problems[0]}"
        )
    record_event(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        record=programme,
        participant_id=None,
    )
    return package
