"""The HSDS API's endpoints: shapes against the official schemas, paging, errors, CORS, read-only."""

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from coproduce.directory.hsds.validate import HSDS, ORUK, validate_document
from coproduce.directory.models import TaxonomyTerm
from tests.directory.factories import (
    AddressFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from tests.hsds_api.conftest import Directory

LISTS = [
    "/hsds/services",
    "/hsds/organizations",
    "/hsds/taxonomies",
    "/hsds/taxonomy_terms",
    "/hsds/service_at_locations",
]
ENVELOPE = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"]


def valid(doc: Any, schema: str) -> None:
    """`doc` is a valid HSDS 3.0 object and a valid Open Referral UK 3.0 one."""
    assert validate_document(doc, schema, standard=HSDS) == []
    assert validate_document(doc, schema, standard=ORUK) == []


def get_json(client: Client, url: str, query: dict[str, str] | None = None, status: int = 200) -> Any:
    response = client.get(url, query or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_base_endpoint(client: Client, db: None) -> None:
    assert get_json(client, "/hsds/") == {
        "version": "3.0",
        "profile": "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md",
        "openapi_url": "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json",
    }


def test_service_list_items_are_valid_services(directory: Directory, client: Client) -> None:
    page = get_json(client, "/hsds/services")
    assert list(page) == ENVELOPE
    assert [item["id"] for item in page["contents"]] == [str(directory.childcare.id), str(directory.debt.id)]
    for item in page["contents"]:
        valid(item, "service")
    assert page["contents"][1]["organization_id"] == str(directory.fife_org.id)
    assert page["contents"][1]["organization"]["name"] == "Fife Money Matters"


def test_full_service_lists_and_items_are_valid_and_nested(directory: Directory, client: Client) -> None:
    page = get_json(client, "/hsds/services", {"full": "true"})
    for item in page["contents"]:
        valid(item, "service")
    service = get_json(client, f"/hsds/services/{directory.debt.id}")
    valid(service, "service")
    assert service["id"] == str(directory.debt.id)
    assert service["name"] == "Debt advice drop-in"
    assert [schedule["byday"] for schedule in service["schedules"]] == ["MO"]
    assert [phone["number"] for phone in service["phones"]] == ["01592 111111"]
    assert [sal["id"] for sal in service["service_at_locations"]] == [str(directory.debt_at_centre.id)]
    assert service["organization"]["id"] == str(directory.fife_org.id)
    assert page["contents"][1] == service


def test_minimal_service_list(directory: Directory, client: Client) -> None:
    page = get_json(client, "/hsds/services", {"minimal": "true"})
    assert page["contents"] == [
        {"id": str(directory.childcare.id), "modified_date": "2024-06-01T09:00:00+00:00"},
        {"id": str(directory.debt.id), "modified_date": "2024-01-10T09:00:00+00:00"},
    ]


def test_organizations(directory: Directory, client: Client) -> None:
    page = get_json(client, "/hsds/organizations")
    assert [item["name"] for item in page["contents"]] == ["Fife Money Matters", "Glasgow Childcare Trust"]
    for item in page["contents"]:
        valid(item, "organization")
    for query in ({}, {"full_service": "true"}):
        organisation = get_json(client, f"/hsds/organizations/{directory.fife_org.id}", query)
        valid(organisation, "organization")
        assert organisation["name"] == "Fife Money Matters"
        # Only the active service is published.
        assert [service["id"] for service in organisation["services"]] == [str(directory.debt.id)]
    full = get_json(client, "/hsds/organizations", {"full": "true", "full_service": "true"})
    for item in full["contents"]:
        valid(item, "organization")
    assert [service["name"] for service in full["contents"][1]["services"]] == ["Childcare taster sessions"]


def test_taxonomies_and_terms(directory: Directory, client: Client) -> None:
    page = get_json(client, "/hsds/taxonomies")
    assert [item["name"] for item in page["contents"]] == ["Coproduce barriers and needs", "Who it is for"]
    for item in page["contents"]:
        valid(item, "taxonomy")
    taxonomy = get_json(client, f"/hsds/taxonomies/{directory.other_taxonomy.id}")
    valid(taxonomy, "taxonomy")
    assert taxonomy["id"] == str(directory.other_taxonomy.id)
    assert taxonomy["name"] == "Who it is for"

    terms = get_json(client, "/hsds/taxonomy_terms", {"per_page": "100"})
    assert terms["total_items"] == 13 + 2
    for item in terms["contents"]:
        valid(item, "taxonomy_term")
    term = get_json(client, f"/hsds/taxonomy_terms/{directory.young_parents_term.id}")
    valid(term, "taxonomy_term")
    assert term["name"] == "Young parents"
    assert term["parent_id"] == str(directory.parents_term.id)


def test_service_at_locations(directory: Directory, client: Client) -> None:
    page = get_json(client, "/hsds/service_at_locations")
    assert [item["id"] for item in page["contents"]] == [
        str(directory.childcare_at_centre.id),
        str(directory.debt_at_centre.id),
    ]
    for item in page["contents"]:
        valid(item, "service_at_location")
    assert page["contents"][0]["location"]["name"] == "Glasgow centre"
    assert page["contents"][0]["service"]["name"] == "Childcare taster sessions"
    full = get_json(client, "/hsds/service_at_locations", {"full": "true"})
    for item in full["contents"]:
        valid(item, "service_at_location")
    one = get_json(client, f"/hsds/service_at_locations/{directory.childcare_at_centre.id}")
    valid(one, "service_at_location")
    assert one["id"] == str(directory.childcare_at_centre.id)
    assert [schedule["byday"] for schedule in one["schedules"]] == ["SA"]
    assert one == full["contents"][0]


class TestPaging:
    @pytest.mark.parametrize(
        ("page", "expected"),
        [
            ("1", {"page_number": 1, "size": 1, "first_page": True, "last_page": False, "empty": False}),
            ("2", {"page_number": 2, "size": 1, "first_page": False, "last_page": True, "empty": False}),
            ("3", {"page_number": 3, "size": 0, "first_page": False, "last_page": True, "empty": True}),
        ],
    )
    def test_envelope(self, directory: Directory, client: Client, page: str, expected: dict[str, Any]) -> None:
        body = get_json(client, "/hsds/services", {"page": page, "per_page": "1"})
        names = [item["name"] for item in body.pop("contents")]
        assert body == {"total_items": 2, "total_pages": 2, **expected}
        assert names == {"1": ["Childcare taster sessions"], "2": ["Debt advice drop-in"], "3": []}[page]

    def test_nothing_to_list(self, client: Client, db: None) -> None:
        assert get_json(client, "/hsds/services") == {
            "total_items": 0,
            "total_pages": 0,
            "page_number": 1,
            "size": 0,
            "first_page": True,
            "last_page": True,
            "empty": True,
            "contents": [],
        }

    def test_default_page_size_is_50(self, client: Client, db: None) -> None:
        ServiceFactory.create_batch(51)
        body = get_json(client, "/hsds/services")
        assert (body["total_items"], body["total_pages"], body["size"]) == (51, 2, 50)


@pytest.mark.parametrize(
    ("url", "query", "message"),
    [
        ("/hsds/services", {"page": "0"}, "'page' must be 1 or more."),
        ("/hsds/organizations", {"per_page": "lots"}, "'per_page' must be a whole number, like per_page=1."),
        ("/hsds/services", {"per_page": "1000"}, "'per_page' must be 500 or less."),
        (
            "/hsds/services",
            {"taxonomy_term_id": "debt"},
            "'taxonomy_term_id' must be a UUID, like 3fa85f64-5717-4562-b3fc-2c963f66afa6 (got 'debt').",
        ),
        (
            "/hsds/service_at_locations",
            {"start_time": "9am"},
            "'start_time' must be a time of day on the 24-hour clock, like 09:30.",
        ),
        ("/hsds/services", {"day": "someday"}, "'day' must be a day of the week, like Monday or MO."),
        (
            "/hsds/services",
            {"modified_after": "last week"},
            "'modified_after' must be a date or date and time, like 2024-03-31 or 2024-03-31T09:00:00Z.",
        ),
        ("/hsds/services", {"minimum_age": "-3"}, "'minimum_age' must be an age in years, like minimum_age=16."),
        ("/hsds/services", {"full": "perhaps"}, "'full' must be true or false."),
        ("/hsds/taxonomy_terms", {"top_only": "perhaps"}, "'top_only' must be true or false."),
        ("/hsds/service_at_locations", {"proximity": "500"}, "'proximity' needs a 'postcode' to measure from."),
        ("/hsds/taxonomies", {"format": "csv"}, "'format' must be json or ndjson."),
    ],
)
def test_bad_parameters_answer_400(client: Client, db: None, url: str, query: dict[str, str], message: str) -> None:
    assert get_json(client, url, query, status=400) == {"detail": message}


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("services", "service"),
        ("organizations", "organization"),
        ("taxonomies", "taxonomy"),
        ("taxonomy_terms", "taxonomy term"),
        ("service_at_locations", "service at location"),
    ],
)
def test_unknown_ids_answer_404(client: Client, db: None, path: str, what: str) -> None:
    unknown = uuid.uuid4()
    assert get_json(client, f"/hsds/{path}/{unknown}", status=404) == {"detail": f"No {what} has the id '{unknown}'."}
    assert get_json(client, f"/hsds/{path}/not-a-uuid", status=404) == {
        "detail": f"No {what} has the id 'not-a-uuid': ids in this API are UUIDs."
    }


def test_unpublished_services_are_not_found(directory: Directory, client: Client) -> None:
    get_json(client, f"/hsds/services/{directory.defunct.id}", status=404)
    defunct_at_centre = directory.defunct.service_at_locations.get()
    get_json(client, f"/hsds/service_at_locations/{defunct_at_centre.id}", status=404)


def test_unknown_endpoint_answers_json_404(client: Client, db: None) -> None:
    body = get_json(client, "/hsds/locations", status=404)
    assert body["detail"].startswith("There is no such endpoint.")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/hsds/", *LISTS])
def test_read_only(client: Client, db: None, method: str, url: str) -> None:
    response = getattr(client, method)(url, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"detail": f"This API is read-only: {method.upper()} is not allowed. Use GET."}


def test_post_is_refused_even_with_csrf_checks_on(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post("/hsds/services")
    assert response.status_code == 405


def test_cors_preflight(client: Client, db: None) -> None:
    response = client.options("/hsds/services")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_ndjson_streams_every_result_unpaginated(directory: Directory, client: Client) -> None:
    response = client.get("/hsds/services", {"format": "ndjson", "per_page": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    lines = b"".join(response.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert [json.loads(line)["name"] for line in lines] == ["Childcare taster sessions", "Debt advice drop-in"]


def _many_services(count: int) -> None:
    """`count` active services, each with an address, a schedule, a term and a place."""
    term = TaxonomyTerm.objects.first() or TaxonomyTermFactory()
    for _ in range(count):
        service = ServiceFactory()
        ScheduleFactory(service=service)
        location = LocationFactory(organization=service.organization)
        AddressFactory(location=location)
        ServiceAtLocationFactory(service=service, location=location)
        service.attributes.create(taxonomy_term=term, link_id=service.id, link_entity="service")


@pytest.mark.parametrize(
    ("url", "query", "expected_queries"),
    [
        ("/hsds/services", {}, 3),
        ("/hsds/services", {"full": "true"}, 26),
        ("/hsds/services", {"minimal": "true"}, 2),
        ("/hsds/services", {"search": "service", "day": "MO", "postcode": "KY1"}, 3),
        ("/hsds/organizations", {}, 2),
        ("/hsds/organizations", {"full": "true", "full_service": "true"}, 27),
        ("/hsds/taxonomies", {}, 2),
        ("/hsds/taxonomy_terms", {}, 2),
        ("/hsds/service_at_locations", {}, 3),
        ("/hsds/service_at_locations", {"full": "true"}, 25),
    ],
)
def test_lists_take_the_same_queries_for_1_or_30_rows(
    client: Client,
    db: None,
    django_assert_num_queries: Any,
    url: str,
    query: dict[str, str],
    expected_queries: int,
) -> None:
    one_taxonomy = url in ("/hsds/taxonomies", "/hsds/taxonomy_terms")
    _many_services(1)
    with django_assert_num_queries(expected_queries):
        assert get_json(client, url, query)["size"] == 1
    _many_services(29)
    with django_assert_num_queries(expected_queries):
        assert get_json(client, url, query)["size"] == (1 if one_taxonomy else 30)
