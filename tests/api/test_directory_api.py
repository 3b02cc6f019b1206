"""The services directory and suggestions through the API.

Kingdom Money Advice (Priya's agency, a member of the Fife partnership) runs "Money and debt
advice"; Fife Childcare Links runs "Help finding childcare". Mo manages Fife.
"""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.directory.models import Service
from tests.api.helpers import send_json
from tests.directory.factories import (
    AddressFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    service_for_need,
    tag_service,
)
from tests.personas import Personas, build_personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory


@pytest.fixture
def personas(db: None) -> Personas:
    """With the referral story (Pat's sent referral, Paula's proposed one, Olive's withdrawn one)."""
    return build_personas().with_referrals()


def _url(service: Service, action: str = "") -> str:
    return f"/api/v1/directory/services/{service.pk}" + (f"/{action}" if action else "")


def _names(response: object) -> list[str]:
    return [item["name"] for item in response.json()["items"]]  # type: ignore[attr-defined]


# ---- searching --------------------------------------------------------------------------------


def test_everyone_signed_in_searches_active_services(personas: Personas, client_for: Callable[[str], Client]) -> None:
    ServiceFactory(name="Closed down", status=Service.Status.DEFUNCT)
    for role in ("participant", "keyworker", "partner_worker", "funder"):
        response = client_for(role).get("/api/v1/directory/services")
        assert response.status_code == 200
        assert _names(response) == ["Help finding childcare", "Money and debt advice"]
        assert response.json()["count"] == 2
    assert client_for("anonymous").get("/api/v1/directory/services").status_code == 401


def test_the_search_filters_like_the_page(personas: Personas, client_for: Callable[[str], Client]) -> None:
    money = tag_service(personas.partner_service, "money_and_debt")
    ScheduleFactory(service=money, byday="MO,TU", opens_at=datetime.time(9), closes_at=datetime.time(13))
    creche = service_for_need(
        "childcare", name="Creche and learn", childcare_on_site=True, partnerships=[personas.glasgow]
    )
    ScheduleFactory(service=creche, byday="SA", opens_at=datetime.time(10), closes_at=datetime.time(16))
    client = client_for("participant")

    assert _names(client.get("/api/v1/directory/services", {"q": "debt"})) == ["Money and debt advice"]
    assert _names(client.get("/api/v1/directory/services", {"q": "kingdom"})) == ["Money and debt advice"]
    assert _names(client.get("/api/v1/directory/services", {"need": "childcare"})) == ["Creche and learn"]
    assert _names(client.get("/api/v1/directory/services", {"childcare": "true"})) == ["Creche and learn"]
    assert _names(client.get("/api/v1/directory/services", {"partnership": personas.glasgow.pk})) == [
        "Creche and learn"
    ]
    assert _names(client.get("/api/v1/directory/services", {"day": "MO", "time": "10:30"})) == ["Money and debt advice"]
    assert _names(client.get("/api/v1/directory/services", {"day": "MO", "time": "14:00"})) == []
    assert _names(client.get("/api/v1/directory/services", {"day": "SA"})) == ["Creche and learn"]


def test_a_bad_filter_gets_400_with_field_messages(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = client_for("keyworker").get("/api/v1/directory/services", {"need": "luck", "day": "XX", "time": "late"})
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["day", "need", "time"]


def test_a_listed_service_says_what_it_helps_with_and_where(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    tag_service(personas.partner_service, "money_and_debt")
    ScheduleFactory(
        service=personas.partner_service, byday="MO,WE", opens_at=datetime.time(9), closes_at=datetime.time(12)
    )
    item = client_for("keyworker").get("/api/v1/directory/services", {"q": "debt"}).json()["items"][0]
    assert item["id"] == str(personas.partner_service.pk)
    assert item["organisation"]["name"] == "Kingdom Money Advice"
    assert item["needs"] == [{"code": "money_and_debt", "name": "Money and debt"}]
    assert item["partnerships"] == [{"id": personas.fife.pk, "area_name": "Fife"}]
    assert item["opening_times"] == [
        {"days": ["MO", "WE"], "opens_at": "09:00:00", "closes_at": "12:00:00", "description": ""}
    ]
    assert (item["takes_referrals"], item["places_available"], item["version"]) == (True, 4, 1)


def test_the_list_costs_the_same_queries_for_one_or_many(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: Callable[..., object]
) -> None:
    Service.objects.exclude(pk=personas.partner_service.pk).update(status=Service.Status.INACTIVE)
    tag_service(personas.partner_service, "money_and_debt")
    ScheduleFactory(service=personas.partner_service)
    AddressFactory(location=ServiceAtLocationFactory(service=personas.partner_service).location)
    client = client_for("participant")
    with django_assert_num_queries(QUERIES):  # type: ignore[attr-defined]
        assert client.get("/api/v1/directory/services").json()["count"] == 1
    for _ in range(5):
        service = service_for_need("housing", partnerships=[personas.fife])
        ScheduleFactory(service=service)
        AddressFactory(location=ServiceAtLocationFactory(service=service).location)
    with django_assert_num_queries(QUERIES):  # type: ignore[attr-defined]
        assert client.get("/api/v1/directory/services").json()["count"] == 6


# Session, user; count, page, needs, opening times, places, their addresses, partnerships. (Nothing
# about participants is shown, so there is no audit write.)
QUERIES = 9


def test_one_service_in_full(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = client_for("participant").get(_url(personas.partner_service))
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["phones"], body["contacts"]) == ("Money and debt advice", [], [])
    Service.objects.filter(pk=personas.partner_service.pk).update(status=Service.Status.DEFUNCT)
    assert client_for("participant").get(_url(personas.partner_service)).status_code == 404
    # An id that cannot be one names nothing, like an id that names nothing.
    assert client_for("participant").get("/api/v1/directory/services/not-a-uuid").status_code == 404


# ---- keeping entries current ------------------------------------------------------------------


def test_priya_keeps_her_agencys_service_current(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("partner_worker"),
        "PATCH",
        _url(personas.partner_service),
        {"version": 1, "places_available": 0, "description": "No places until March.", "needs": ["money_and_debt"]},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["places_available"], body["description"], body["version"]) == (0, "No places until March.", 2)
    assert body["needs"] == [{"code": "money_and_debt", "name": "Money and debt"}]
    assert body["capacity_updated_at"] is not None
    event = AuditEvent.objects.get(actor=personas.partner_worker.user, action="change", channel="api")
    assert sorted(event.changed_fields) == ["description", "needs", "places_available"]


def test_mo_keeps_his_partnerships_services_current(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("partnership_manager"),
        "PATCH",
        _url(personas.other_partner_service),
        {"version": 1, "status": "inactive"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "inactive"


def test_people_who_do_not_keep_the_entry_get_404_and_nothing_changes(
    personas: Personas, client_for: Callable[[str], Client], sign_in: Callable[[User], Client]
) -> None:
    glen = sign_in(personas.glasgow_manager.user)  # manages another partnership
    for client in (client_for("keyworker"), client_for("participant"), client_for("funder"), glen):
        response = send_json(client, "PATCH", _url(personas.partner_service), {"version": 1, "places_available": 0})
        assert response.status_code == 404
        assert response.json() == {"detail": "No such service."}
    # Priya works for Kingdom Money Advice, not Fife Childcare Links.
    other = send_json(
        client_for("partner_worker"), "PATCH", _url(personas.other_partner_service), {"version": 1, "name": "Mine"}
    )
    assert other.status_code == 404
    assert list(Service.objects.order_by("name").values_list("name", "places_available", "version")) == [
        ("Help finding childcare", 4, 1),
        ("Money and debt advice", 4, 1),
    ]


def test_bad_input_gets_400_with_field_messages_and_changes_nothing(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    priya = client_for("partner_worker")
    response = send_json(
        priya, "PATCH", _url(personas.partner_service), {"version": 1, "places_available": -1, "status": "open"}
    )
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["places_available", "status"]
    too_slow = send_json(priya, "PATCH", _url(personas.partner_service), {"version": 1, "response_working_days": 99})
    assert too_slow.status_code == 400
    assert list(too_slow.json()["errors"]) == ["response_working_days"]
    blank = send_json(priya, "PATCH", _url(personas.partner_service), {"version": 1, "name": "  "})
    assert blank.status_code == 400
    assert list(blank.json()["errors"]) == ["name"]
    service = Service.objects.get(pk=personas.partner_service.pk)
    assert (service.places_available, service.status, service.response_working_days, service.version) == (
        4,
        "active",
        5,
        1,
    )


def test_a_stale_version_gets_409_and_saves_nothing(personas: Personas, client_for: Callable[[str], Client]) -> None:
    priya = client_for("partner_worker")
    assert (
        send_json(priya, "PATCH", _url(personas.partner_service), {"version": 1, "places_available": 2}).status_code
        == 200
    )
    stale = send_json(priya, "PATCH", _url(personas.partner_service), {"version": 1, "places_available": 9})
    assert stale.status_code == 409
    assert send_json(priya, "POST", _url(personas.partner_service, "checked"), {"version": 1}).status_code == 409
    service = Service.objects.get(pk=personas.partner_service.pk)
    assert (service.places_available, service.version) == (2, 2)


def test_priya_confirms_the_details_are_still_right(personas: Personas, client_for: Callable[[str], Client]) -> None:
    Service.objects.filter(pk=personas.partner_service.pk).update(last_checked_on=datetime.date(2025, 1, 6))
    response = send_json(
        client_for("partner_worker"), "POST", _url(personas.partner_service, "checked"), {"version": 1}
    )
    assert response.status_code == 200
    assert response.json()["last_checked_on"] == timezone.localdate().isoformat()
    service = Service.objects.get(pk=personas.partner_service.pk)
    assert service.last_checked_by == personas.partner_worker.user
    assert AuditEvent.objects.get(actor=personas.partner_worker.user, action="change").changed_fields == [
        "last_checked_by",
        "last_checked_on",
    ]
    refused = send_json(client_for("keyworker"), "POST", _url(personas.partner_service, "checked"), {"version": 2})
    assert refused.status_code == 404


# ---- suggestions ------------------------------------------------------------------------------


def _pat_needs_money_advice(personas: Personas) -> None:
    tag_service(personas.partner_service, "money_and_debt")
    assessment = AssessmentFactory(participant=personas.participant, aspirations="")
    AssessmentBarrierFactory(assessment=assessment, barrier="money_and_debt", own_words="Debts", importance=3)


def test_pat_and_her_keyworker_get_suggestions_with_reasons(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    _pat_needs_money_advice(personas)
    url = f"/api/v1/participants/{personas.participant.pk}/suggestions"
    for role, user in (("participant", personas.participant.user), ("keyworker", personas.keyworker.user)):
        response = client_for(role).get(url)
        assert response.status_code == 200
        suggestions = response.json()
        assert [s["service"] for s in suggestions] == [
            {
                "id": str(personas.partner_service.pk),
                "name": "Money and debt advice",
                "organisation": "Kingdom Money Advice",
            }
        ]
        assert suggestions[0]["reasons"] != []
        assert all(isinstance(reason, str) and reason for reason in suggestions[0]["reasons"])
        assert AuditEvent.objects.filter(actor=user, participant=personas.participant, action="view").count() == 1


def test_suggestions_are_refused_to_people_who_may_not_see_the_participant(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    _pat_needs_money_advice(personas)
    url = f"/api/v1/participants/{personas.participant.pk}/suggestions"
    for role in ("partner_worker", "funder", "evaluator", "administrator"):
        assert client_for(role).get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 401
    assert (
        client_for("keyworker").get(f"/api/v1/participants/{personas.other_participant.pk}/suggestions").status_code
        == 404
    )
    assert AuditEvent.objects.filter(participant=personas.participant, action="view").count() == 0
