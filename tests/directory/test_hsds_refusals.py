"""Bad files are refused with every problem listed, and nothing changes."""

import json
from typing import Any

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.directory import models as directory
from coproduce.directory.hsds.importer import (
    ImportRefused,
    import_hsds_json,
    import_hsds_tabular,
    read_package_directory,
)
from coproduce.directory.hsds.validate import STANDARD_DIR
from tests.directory.factories import ServiceFactory

EXAMPLES = STANDARD_DIR / "hsds-3.0" / "examples"
MODELS = [
    directory.Taxonomy,
    directory.TaxonomyTerm,
    directory.DirectoryOrganisation,
    directory.Service,
    directory.Location,
    directory.Address,
    directory.ServiceAtLocation,
    directory.Contact,
    directory.Phone,
    directory.Schedule,
    directory.ServiceArea,
    directory.Attribute,
    AuditEvent,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def service_full() -> dict[str, Any]:
    return json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))


def refused(data: Any, **kwargs: Any) -> list[str]:
    before = counts()
    tabular = isinstance(data, dict) and "datapackage.json" in data
    with pytest.raises(ImportRefused) as caught:
        _ = import_hsds_tabular(data, actor=None) if tabular else import_hsds_json(data, actor=None, **kwargs)
    assert counts() == before
    return caught.value.problems


@pytest.fixture
def existing_service(db: None) -> directory.Service:
    return ServiceFactory(name="Already here")


def test_text_that_is_not_json_is_refused(existing_service: directory.Service) -> None:
    assert refused(b'{"id": "ac148810-d857-441c-9679-408f346de14b", "name": ') == [
        "The file is not valid JSON: Expecting value: line 1 column 56 (char 55)."
    ]


def test_a_status_hsds_does_not_have_is_refused(existing_service: directory.Service) -> None:
    document = service_full()
    document["status"] = "open"

    assert refused(document) == ["status: 'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']"]


def test_every_problem_is_listed_with_where_it_is(existing_service: directory.Service) -> None:
    document = service_full()
    del document["name"]
    document["id"] = "not-a-uuid"
    document["service_at_locations"][0]["location"]["location_type"] = "house"
    document["phones"][0].pop("number")

    assert refused({"contents": [document]}) == [
        "contents[0]: 'name' is a required property",
        "contents[0].id: 'not-a-uuid' is not a 'uuid'",
        "contents[0].phones[0]: 'number' is a required property",
        "contents[0].service_at_locations[0].location.location_type: 'house' is not one of "
        "['physical', 'postal', 'virtual']",
    ]


def test_a_missing_name_of_an_organisation_is_refused(existing_service: directory.Service) -> None:
    document = json.loads((EXAMPLES / "organization_full.json").read_text(encoding="utf-8"))
    del document["name"]

    assert refused(document, kind="organization") == ["(document): 'name' is a required property"]


def test_a_name_longer_than_we_keep_is_refused(existing_service: directory.Service) -> None:
    document = service_full()
    document["name"] = "x" * 201

    assert refused(document) == ["(document).name: 201 characters, more than the 200 we keep."]


def test_a_service_at_location_whose_service_is_nowhere_is_refused(existing_service: directory.Service) -> None:
    document = json.loads((EXAMPLES / "service_at_location_full.json").read_text(encoding="utf-8"))
    del document["service"]
    document["service_id"] = "0d7a1b7e-5a3e-4f5e-8b1e-0a0a0a0a0a0a"

    assert refused(document) == [
        "(document): service_id 0d7a1b7e-5a3e-4f5e-8b1e-0a0a0a0a0a0a names no service in this file or in the directory."
    ]


def test_a_wrong_value_in_our_extension_is_refused(existing_service: directory.Service) -> None:
    # A partnership this instance does not have is only left out (test_hsds_other_instance.py).
    document = service_full()
    document["x_coproduce"] = {"takes_referrals": "yes", "partnerships": [{"gss_code": "S12999999"}]}

    assert refused(document) == ["(document).x_coproduce.takes_referrals: 'yes' is not of type 'boolean'"]


def test_something_that_is_no_hsds_object_is_refused(existing_service: directory.Service) -> None:
    assert refused([{"id": "0d7a1b7e-5a3e-4f5e-8b1e-0a0a0a0a0a0a"}, 3]) == [
        "[0]: cannot tell which HSDS object this is.",
        "[1]: expected an HSDS object, found int.",
    ]


def test_a_tabular_package_with_a_broken_foreign_key_is_refused(existing_service: directory.Service) -> None:
    files = read_package_directory(EXAMPLES / "csv")
    files["service_at_location.csv"] = files["service_at_location.csv"].replace(
        b"ac148810-d857-441c-9679-408f346de14b", b"0d7a1b7e-5a3e-4f5e-8b1e-0a0a0a0a0a0a"
    )
    files["addresses.csv"] = files["addresses.csv"].replace(
        b"3a19ff88-4620-4d17-9830-ac1d859eb5d5", b"1d7a1b7e-5a3e-4f5e-8b1e-0a0a0a0a0a0a"
    )

    assert refused(files) == [
        "service_at_location.csv line 2: service_id 0d7a1b7e-5a3e-4f5e-8b1e-0a0a0a0a0a0a names no service "
        "in this file or in the directory.",
        "addresses.csv line 2: location_id 1d7a1b7e-5a3e-4f5e-8b1e-0a0a0a0a0a0a names no location "
        "in this file or in the directory.",
    ]


def test_a_tabular_package_with_bad_cells_is_refused(existing_service: directory.Service) -> None:
    files = read_package_directory(EXAMPLES / "csv")
    files["services.csv"] = files["services.csv"].replace(b",active,", b",open,").replace(b",12,100,", b",twelve,100,")

    assert refused(files) == [
        "services.csv line 2: minimum_age 'twelve' is not a number.",
        "services.csv line 2: status: 'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']",
    ]
