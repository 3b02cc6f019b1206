"""Every official HSDS 3.0 example imports, and serialising it gives back the same document.

Normalisation before comparing (the only one): values of `last_modified` (HSDS `date-time`) are
compared as instants, so "2023-03-15T10:30:45.123Z" equals "2023-03-15T10:30:45.123000+00:00";
numbers compare as numbers (100 == 100.0).
"""

import copy
import datetime
import json
from typing import Any

import pytest

from coproduce.directory.hsds import serialise
from coproduce.directory.hsds.importer import ImportRefused, import_hsds_json
from coproduce.directory.hsds.validate import STANDARD_DIR
from coproduce.directory.models import (
    DirectoryOrganisation,
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

EXAMPLES = STANDARD_DIR / "hsds-3.0" / "examples"
DATETIME_KEYS = {"last_modified"}


def example(name: str) -> Any:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def normalised(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: normalised(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if key in DATETIME_KEYS and isinstance(value, str):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def objects_with_id(document: Any, wanted: str) -> list[dict[str, Any]]:
    """Every object in the document with this id (the examples repeat objects in several places)."""
    if isinstance(document, list):
        return [found for item in document for found in objects_with_id(item, wanted)]
    if not isinstance(document, dict):
        return []
    here = [document] if document.get("id") == wanted else []
    return here + [found for value in document.values() for found in objects_with_id(value, wanted)]


def assert_same(actual: Any, expected: Any) -> None:
    assert normalised(actual) == normalised(expected)


FULL = [
    ("service_full", Service, lambda o: serialise.service_full(o)),
    ("organization_full", DirectoryOrganisation, lambda o: serialise.organization_full(o, full_service=True)),
    ("service_at_location_full", ServiceAtLocation, lambda o: serialise.service_at_location_full(o)),
    ("location", Location, lambda o: serialise.location(o)),
    ("taxonomy", Taxonomy, lambda o: serialise.taxonomy(o)),
    ("taxonomy_term", TaxonomyTerm, lambda o: serialise.taxonomy_term(o)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "model", "render"), FULL, ids=[f[0] for f in FULL])
def test_example_imports_and_comes_back_the_same(name: str, model: Any, render: Any) -> None:
    document = example(name)
    original = copy.deepcopy(document)

    import_hsds_json(document, actor=None)

    assert document == original
    assert_same(render(model.objects.get(pk=document["id"])), document)


PAGES = [
    ("service_list", Service, serialise.service_brief),
    ("organization_list", DirectoryOrganisation, serialise.organization_brief),
    ("service_at_location_list", ServiceAtLocation, serialise.service_at_location_brief),
    ("taxonomy_list", Taxonomy, serialise.taxonomy),
    ("taxonomy_term_list", TaxonomyTerm, serialise.taxonomy_term),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "model", "render"), PAGES, ids=[p[0] for p in PAGES])
def test_example_page_imports_and_each_item_comes_back_the_same(name: str, model: Any, render: Any) -> None:
    page = example(name)

    result = import_hsds_json(page, actor=None)

    assert [str(root_id) for _, root_id in result.roots] == [item["id"] for item in page["contents"]]
    assert_same([render(model.objects.get(pk=item["id"])) for item in page["contents"]], page["contents"])


@pytest.mark.django_db
def test_importing_the_same_document_again_updates_in_place() -> None:
    document = example("service_full")
    first = import_hsds_json(document, actor=None)

    second = import_hsds_json(json.dumps(document), actor=None)
    changed = copy.deepcopy(document)
    changed["name"] = "Community Counselling and Support"
    third = import_hsds_json(changed, actor=None)

    assert first.created == {
        "taxonomy": 1,
        "taxonomy_term": 1,
        "organization": 1,
        "service": 1,
        "location": 1,
        "service_at_location": 1,
        "contact": 1,
        "phone": 1,
        "schedule": 1,
        "service_area": 1,
        "address": 1,
        "attribute": 1,
    }
    # The same document again is no change: nothing is written, and it says so.
    assert (second.created, second.updated) == ({}, {})
    assert second.unchanged == first.created
    assert (third.created, third.updated) == ({}, {"service": 1})
    service = Service.objects.get(pk=document["id"])
    assert service.version == 2
    assert_same(serialise.service_full(service), changed)


@pytest.mark.django_db
def test_all_examples_together_export_and_reimport_to_the_same_export() -> None:
    from coproduce.directory.hsds.exporter import export_directory

    for name, _, _ in FULL:
        import_hsds_json(example(name), actor=None)
    exported = export_directory()

    import_hsds_json(exported, actor=None)

    assert export_directory() == exported
    assert [o["id"] for o in exported["organizations"]] == ["d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"]
    assert [s["id"] for s in exported["organizations"][0]["services"]] == ["ac148810-d857-441c-9679-408f346de14b"]


@pytest.mark.django_db
def test_references_inside_the_file_become_links_and_dangling_ones_are_kept_as_given() -> None:
    parent, child, term, narrower = (
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
        "33333333-3333-4333-8333-333333333333",
        "44444444-4444-4444-8444-444444444444",
    )
    documents = [
        {"id": child, "name": "Child", "description": "d", "parent_organization_id": parent},
        {"id": parent, "name": "Parent", "description": "d", "parent_organization_id": narrower},
        {"id": narrower, "name": "Narrower", "description": "d", "parent_id": term, "code": "n"},
        {"id": term, "name": "Broader", "description": "d", "parent_id": parent, "code": "b"},
    ]

    import_hsds_json(documents, actor=None)

    assert str(DirectoryOrganisation.objects.get(pk=child).parent_organization_id) == parent
    assert DirectoryOrganisation.objects.get(pk=parent).parent_organization_id is None
    assert str(TaxonomyTerm.objects.get(pk=narrower).parent_id) == term
    assert TaxonomyTerm.objects.get(pk=term).parent_id is None
    assert serialise.organization_brief(DirectoryOrganisation.objects.get(pk=parent)) == documents[1]
    assert serialise.taxonomy_term(TaxonomyTerm.objects.get(pk=term)) == documents[3]


@pytest.mark.django_db
def test_values_our_columns_cannot_hold_exactly_are_kept_as_given() -> None:
    document = example("service_full")
    for schedule in objects_with_id(document, document["schedules"][0]["id"]):
        schedule.update({"valid_from": "next spring", "opens_at": "9am", "closes_at": "17:00"})
    for phone in objects_with_id(document, document["phones"][0]["id"]):
        phone["extension"] = 12.25
    document["minimum_age"] = 12.5
    document["alternate_name"] = ""
    document["description"] = ""

    import_hsds_json(document, actor=None)

    service = Service.objects.get(pk=document["id"])
    assert (service.minimum_age, service.alternate_name, service.description) == (None, "", "")
    stored = service.schedules.get()
    assert (stored.valid_from, stored.opens_at, stored.closes_at) == (None, None, None)
    assert service.phones.get().extension == "12.25"
    assert_same(serialise.service_full(service), document)


@pytest.mark.django_db
def test_one_object_given_two_different_ways_in_one_file_is_refused() -> None:
    document = example("service_full")
    document["schedules"][0]["opens_at"] = "09:00:00"

    with pytest.raises(ImportRefused) as refused:
        import_hsds_json(document, actor=None)

    assert refused.value.problems == [
        "service_at_locations[0].schedules[0].opens_at: differs from the same schedule "
        "(48102e86-bb50-41c4-8f1e-e269368c41d1) at schedules[0].",
    ]
    assert Service.objects.count() == 0
