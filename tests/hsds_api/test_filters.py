"""Each query parameter of the list endpoints: one case it lets through, one it keeps out."""

import uuid
from collections.abc import Callable

import pytest
from django.test import Client

from coproduce.directory.selectors import BARRIER_TAXONOMY_ID
from coproduce.plans.models import Barrier
from tests.directory.factories import barrier_term
from tests.hsds_api.conftest import Directory

DEBT = "Debt advice drop-in"
CHILDCARE = "Childcare taster sessions"
Query = Callable[[Directory], dict[str, str]]


def names(client: Client, url: str, query: dict[str, str]) -> list[str]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["contents"]]


SERVICE_CASES: list[tuple[str, Query, list[str]]] = [
    ("no filter", lambda d: {}, [CHILDCARE, DEBT]),
    ("search name", lambda d: {"search": "debt"}, [DEBT]),
    ("search description", lambda d: {"search": "nursery"}, [CHILDCARE]),
    ("search organisation, every word", lambda d: {"search": "glasgow trust"}, [CHILDCARE]),
    ("search no match", lambda d: {"search": "glasgow debt"}, []),
    ("search never finds a defunct service", lambda d: {"search": "clinic"}, []),
    ("term", lambda d: {"taxonomy_term_id": str(barrier_term(Barrier.MONEY_AND_DEBT).id)}, [DEBT]),
    ("term nobody has", lambda d: {"taxonomy_term_id": str(uuid.uuid4())}, []),
    ("taxonomy", lambda d: {"taxonomy_id": str(d.other_taxonomy.id)}, [CHILDCARE]),
    ("barrier taxonomy", lambda d: {"taxonomy_id": str(BARRIER_TAXONOMY_ID)}, [CHILDCARE, DEBT]),
    ("organisation", lambda d: {"organization_id": str(d.fife_org.id)}, [DEBT]),
    ("other organisation", lambda d: {"organization_id": str(d.glasgow_org.id)}, [CHILDCARE]),
    ("modified after", lambda d: {"modified_after": "2024-03-01"}, [CHILDCARE]),
    ("modified after, earlier", lambda d: {"modified_after": "2023-12-31T23:00:00Z"}, [CHILDCARE, DEBT]),
    ("minimum age at least", lambda d: {"minimum_age": "17"}, [CHILDCARE]),
    ("minimum age at least, lower", lambda d: {"minimum_age": "16"}, [CHILDCARE, DEBT]),
    ("minimum age, a decimal", lambda d: {"minimum_age": "16.5"}, [CHILDCARE]),
    ("maximum age at most", lambda d: {"maximum_age": "50"}, [CHILDCARE]),
    ("maximum age at most, lower", lambda d: {"maximum_age": "20"}, []),
    ("day, service schedule", lambda d: {"day": "MO"}, [DEBT]),
    ("day, schedule at a location", lambda d: {"day": "saturday"}, [CHILDCARE]),
    ("day nobody opens", lambda d: {"day": "TU"}, []),
    ("start time", lambda d: {"start_time": "09:30"}, [CHILDCARE]),
    ("start time, earlier", lambda d: {"start_time": "09:00"}, [CHILDCARE, DEBT]),
    ("end time", lambda d: {"end_time": "12:00"}, [DEBT]),
    ("end time, earlier", lambda d: {"end_time": "11:00"}, []),
    ("day and time on the same schedule", lambda d: {"day": "SA", "end_time": "12:00"}, []),
    ("day and time match", lambda d: {"day": "SA", "start_time": "10:00", "end_time": "16:00"}, [CHILDCARE]),
    ("postcode", lambda d: {"postcode": "KY1 1AA"}, [DEBT]),
    ("postcode district", lambda d: {"postcode": "g1"}, [CHILDCARE]),
    ("postcode district that only starts the same", lambda d: {"postcode": "KY11"}, []),
    ("postcode and proximity", lambda d: {"postcode": "KY1 1AA", "proximity": "1000"}, [DEBT]),
    ("postcode and wide proximity", lambda d: {"postcode": "KY1 1AA", "proximity": "100000"}, [CHILDCARE, DEBT]),
    (
        "filters combine as AND",
        lambda d: {"search": "debt", "organization_id": str(d.glasgow_org.id)},
        [],
    ),
]


@pytest.mark.parametrize(("query", "expected"), [case[1:] for case in SERVICE_CASES], ids=[c[0] for c in SERVICE_CASES])
def test_services_filters(directory: Directory, client: Client, query: Query, expected: list[str]) -> None:
    assert names(client, "/hsds/services", query(directory)) == expected


def sal_services(client: Client, query: dict[str, str]) -> list[str]:
    response = client.get("/hsds/service_at_locations", query)
    assert response.status_code == 200, response.content
    return [item["service_id"] for item in response.json()["contents"]]


SAL_CASES: list[tuple[str, Query, Callable[[Directory], list[str]]]] = [
    ("no filter: active services only", lambda d: {}, lambda d: [str(d.childcare.id), str(d.debt.id)]),
    ("search location", lambda d: {"search": "kirkcaldy"}, lambda d: [str(d.debt.id)]),
    ("search service", lambda d: {"search": "nursery"}, lambda d: [str(d.childcare.id)]),
    (
        "term",
        lambda d: {"taxonomy_term_id": str(d.young_parents_term.id)},
        lambda d: [str(d.childcare.id)],
    ),
    ("taxonomy", lambda d: {"taxonomy_id": str(d.other_taxonomy.id)}, lambda d: [str(d.childcare.id)]),
    ("organisation", lambda d: {"organization_id": str(d.fife_org.id)}, lambda d: [str(d.debt.id)]),
    ("modified after", lambda d: {"modified_after": "2024-03-01"}, lambda d: [str(d.childcare.id)]),
    ("minimum age", lambda d: {"minimum_age": "17"}, lambda d: [str(d.childcare.id)]),
    ("maximum age", lambda d: {"maximum_age": "20"}, lambda d: []),
    ("day at the location", lambda d: {"day": "SA"}, lambda d: [str(d.childcare.id)]),
    ("day of the service", lambda d: {"day": "MO"}, lambda d: [str(d.debt.id)]),
    ("times", lambda d: {"start_time": "09:00", "end_time": "12:00"}, lambda d: [str(d.debt.id)]),
    ("postcode", lambda d: {"postcode": "G1 1AA"}, lambda d: [str(d.childcare.id)]),
    ("postcode elsewhere", lambda d: {"postcode": "EH1 1AA"}, lambda d: []),
    ("proximity", lambda d: {"postcode": "G1", "proximity": "500"}, lambda d: [str(d.childcare.id)]),
]


@pytest.mark.parametrize(("query", "expected"), [case[1:] for case in SAL_CASES], ids=[c[0] for c in SAL_CASES])
def test_service_at_locations_filters(
    directory: Directory, client: Client, query: Query, expected: Callable[[Directory], list[str]]
) -> None:
    assert sal_services(client, query(directory)) == expected(directory)


def test_organizations_search(directory: Directory, client: Client) -> None:
    assert names(client, "/hsds/organizations", {"search": "childcare"}) == ["Glasgow Childcare Trust"]
    assert names(client, "/hsds/organizations", {"search": "nothing like it"}) == []


def test_taxonomies_search(directory: Directory, client: Client) -> None:
    assert names(client, "/hsds/taxonomies", {"search": "groups"}) == ["Who it is for"]
    assert names(client, "/hsds/taxonomies", {"search": "nothing like it"}) == []


def test_taxonomy_terms_filters(directory: Directory, client: Client) -> None:
    other = {"taxonomy_id": str(directory.other_taxonomy.id)}
    assert names(client, "/hsds/taxonomy_terms", other) == ["Parents", "Young parents"]
    assert names(client, "/hsds/taxonomy_terms", {**other, "top_only": "true"}) == ["Parents"]
    assert names(client, "/hsds/taxonomy_terms", {"parent_id": str(directory.parents_term.id)}) == ["Young parents"]
    assert names(client, "/hsds/taxonomy_terms", {"search": "debt"}) == ["Money and debt"]
    assert names(client, "/hsds/taxonomy_terms", {"search": "nothing like it"}) == []


def test_proximity_from_a_postcode_we_cannot_place_is_refused(directory: Directory, client: Client) -> None:
    response = client.get("/hsds/services", {"postcode": "EH1 1AA", "proximity": "1000"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "We cannot place the postcode 'EH1 1AA': no service in this directory is there. "
        "Leave out 'proximity' to match by postcode district."
    }
