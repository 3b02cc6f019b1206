"""Validation against the copied official schemas, offline, with readable problems."""

import json

import pytest

from coproduce.directory.hsds.validate import HSDS, ORUK, STANDARD_DIR, schema_names, validate_document

EXAMPLES = STANDARD_DIR / "hsds-3.0" / "examples"
OBJECT_EXAMPLES = [
    ("service_full", "service"),
    ("organization_full", "organization"),
    ("service_at_location_full", "service_at_location"),
    ("location", "location"),
    ("taxonomy", "taxonomy"),
    ("taxonomy_term", "taxonomy_term"),
]


@pytest.mark.parametrize(("example", "schema"), OBJECT_EXAMPLES)
@pytest.mark.parametrize("standard", [HSDS, ORUK])
def test_the_official_examples_are_valid(example: str, schema: str, standard: str) -> None:
    document = json.loads((EXAMPLES / f"{example}.json").read_text(encoding="utf-8"))

    assert validate_document(document, schema, standard=standard) == []


def test_problems_name_where_they_are_and_what_is_wrong() -> None:
    document = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    document["status"] = "open"
    document["last_modified"] = "yesterday"
    document["service_areas"][0]["id"] = "381c64f1"
    document["contacts"][0]["email"] = "nobody"

    assert validate_document(document, "service", prefix="services[0]") == [
        "services[0].contacts[0].email: 'nobody' is not a 'email'",
        "services[0].last_modified: 'yesterday' is not a 'date-time'",
        "services[0].service_areas[0].id: '381c64f1' is not a 'uuid'",
        "services[0].status: 'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']",
    ]


def test_the_oruk_profile_is_a_separate_set_of_schemas() -> None:
    assert "program" in schema_names(HSDS)
    assert "program" not in schema_names(ORUK)
    with pytest.raises(ValueError, match=r"^No oruk-3\.0 schema called 'program'\.$"):
        validate_document({}, "program", standard=ORUK)


def test_the_schemas_are_read_from_the_package_not_the_network() -> None:
    # The HSDS OpenAPI file refers to the schemas by their GitHub address; that maps to our copy.
    from coproduce.directory.hsds.validate import _registry

    resolver = _registry(HSDS).resolver()
    url = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/taxonomy.json"

    assert resolver.lookup(url).contents["required"] == ["id", "name", "description"]
    attribution = "Human Services Data Specification: an Open Referral resource (https://openreferral.org/)"
    assert attribution in (STANDARD_DIR / "SOURCE.md").read_text(encoding="utf-8")
