"""GET/POST /api/v1/participants and GET/PATCH /api/v1/participants/{id}, as each persona."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.api.v1.errors import NOT_JSON_MESSAGE
from coproduce.audit.models import AuditEvent
from coproduce.participants.models import Child, Consent, Participant
from tests.api.helpers import raw, send_json
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.programmes.factories import StaffMemberFactory

LIST = "api-v1:list_participants"


def detail_url(participant: Participant) -> str:
    return reverse("api-v1:participant_detail", args=[participant.pk])


def references(response: Any) -> list[str]:
    return [item["reference"] for item in response.json()["items"]]


# ---- the list: only visible rows, and count never includes the others ------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("keyworker", ["MIW-FIF-00001", "MIW-FIF-00002"]),  # Pat and Paula, Kim's caseload
        ("participant", ["MIW-FIF-00001"]),  # Pat sees only herself
        ("partnership_manager", ["MIW-FIF-00003", "MIW-FIF-00001", "MIW-FIF-00002"]),  # all of Fife, by surname
        ("partner_worker", []),
        ("funder", []),
        ("evaluator", []),
        ("administrator", []),
    ],
)
def test_each_role_lists_only_the_participants_it_may_see(
    role: str, expected: list[str], client_for: Callable[[str], Client]
) -> None:
    response = client_for(role).get(reverse(LIST))

    assert response.status_code == 200
    assert references(response) == expected
    assert response.json()["count"] == len(expected)


def test_a_keyworker_lists_pat_and_paula_with_their_keyworker(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    items = client_for("keyworker").get(reverse(LIST)).json()["items"]

    assert items[0] == {
        "id": personas.participant.pk,
        "reference": "MIW-FIF-00001",
        "given_name": "Pat",
        "family_name": "Participant",
        "preferred_name": "",
        "full_name": "Pat Participant",
        "status": "active",
        "joined_on": "2015-03-02",
        "partnership": {"id": personas.fife.pk, "area_name": "Fife"},
        "keyworker": {"id": personas.keyworker.pk, "name": "Kim Keyworker"},
    }
    assert [item["full_name"] for item in items] == ["Pat Participant", "Paula Second"]


def test_a_participant_sees_no_internal_ids_in_their_own_record(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("participant")

    listed = client.get(reverse(LIST)).json()["items"][0]
    record = client.get(detail_url(personas.participant)).json()

    for body in (listed, record):
        assert body["keyworker"] == {"id": None, "name": "Kim Keyworker"}
        assert "user" not in body
        assert "user_id" not in body
        assert str(personas.participant.user.pk) not in {str(value) for value in body.values()} - {
            str(personas.participant.pk)
        }


def test_listing_audits_one_event_per_participant_returned(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client_for("keyworker").get(reverse(LIST))

    events = AuditEvent.objects.filter(actor=personas.keyworker.user)
    assert sorted(events.values_list("participant_id", "action", "channel")) == sorted(
        [
            (personas.participant.pk, AuditEvent.Action.LIST, AuditEvent.Channel.API),
            (personas.second_participant.pk, AuditEvent.Action.LIST, AuditEvent.Channel.API),
        ]
    )
    assert set(events.values_list("path", flat=True)) == {"/api/v1/participants"}


def test_an_empty_list_audits_nothing(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client_for("funder").get(reverse(LIST))

    assert AuditEvent.objects.count() == 0


def test_the_list_is_paged_and_only_the_page_returned_is_audited(
    personas: Personas, client_for: Callable[[str], Client], settings: Any
) -> None:
    settings.COPRODUCE_API_PAGE_SIZE = 1
    client = client_for("keyworker")

    first = client.get(reverse(LIST), {"page": 1}).json()
    second = client.get(reverse(LIST), {"page": 2}).json()
    beyond = client.get(reverse(LIST), {"page": 3}).json()

    assert [item["reference"] for item in first["items"]] == ["MIW-FIF-00001"]
    assert [item["reference"] for item in second["items"]] == ["MIW-FIF-00002"]
    assert beyond == {"items": [], "count": 2}
    assert first["count"] == second["count"] == 2
    assert sorted(AuditEvent.objects.values_list("participant_id", flat=True)) == sorted(
        [personas.participant.pk, personas.second_participant.pk]
    )


def test_page_zero_is_bad_input(client_for: Callable[[str], Client]) -> None:
    response = client_for("keyworker").get(reverse(LIST), {"page": 0})

    assert response.status_code == 400
    assert response.json()["errors"] == {"page": ["Must be greater than or equal to 1."]}


def test_search_finds_only_visible_participants(client_for: Callable[[str], Client]) -> None:
    client = client_for("keyworker")

    assert references(client.get(reverse(LIST), {"search": "paula"})) == ["MIW-FIF-00002"]
    # Olive exists, but on Owen's caseload: not found, and not counted.
    olive = client.get(reverse(LIST), {"search": "Olive"}).json()
    assert olive == {"items": [], "count": 0}


def test_filter_by_status(personas: Personas, client_for: Callable[[str], Client]) -> None:
    Participant.objects.filter(pk=personas.second_participant.pk).update(status=Participant.Status.PAUSED)
    client = client_for("keyworker")

    assert references(client.get(reverse(LIST), {"status": "paused"})) == ["MIW-FIF-00002"]
    assert references(client.get(reverse(LIST), {"status": ""})) == ["MIW-FIF-00001", "MIW-FIF-00002"]
    bad = client.get(reverse(LIST), {"status": "sanctioned"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"status": ["Choose one of: 'active', 'paused', 'closed' or ''."]}


def test_listing_takes_the_same_queries_for_one_participant_as_for_fifty(
    db: None, sign_in: Callable[..., Client], django_assert_num_queries: Any
) -> None:
    keyworker = StaffMemberFactory()
    ParticipantFactory(keyworker=keyworker)
    client = sign_in(keyworker.user)
    # session, user, staff member, roles, own participant record, count, page, audit insert
    with django_assert_num_queries(8):
        assert client.get(reverse(LIST)).json()["count"] == 1

    ParticipantFactory.create_batch(49, keyworker=keyworker)
    with django_assert_num_queries(8):
        response = client.get(reverse(LIST))
    assert response.json()["count"] == 50
    assert len(response.json()["items"]) == 50


# ---- one participant --------------------------------------------------------------------------


def test_a_keyworker_reads_pat_and_the_read_is_audited(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = client_for("keyworker").get(detail_url(personas.participant))

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == "MIW-FIF-00001"
    assert body["email"] == "pat@example.net"
    assert body["mobile"] == "+447700900001"
    assert body["children_birth_years"] == [2012, 2016]
    assert body["version"] == 1
    event = AuditEvent.objects.get(actor=personas.keyworker.user)
    assert (event.action, event.channel, event.participant_id, event.path) == (
        AuditEvent.Action.VIEW,
        AuditEvent.Channel.API,
        personas.participant.pk,
        f"/api/v1/participants/{personas.participant.pk}",
    )


def test_missing_and_not_visible_answer_the_same_404(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client = client_for("keyworker")

    not_visible = client.get(detail_url(personas.other_participant))
    missing = client.get(reverse("api-v1:participant_detail", args=[999_999]))

    assert not_visible.status_code == missing.status_code == 404
    assert not_visible.json() == missing.json() == {"detail": "No such participant."}
    assert AuditEvent.objects.count() == 0


def test_reading_one_participant_takes_a_fixed_number_of_queries(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: Any
) -> None:
    client = client_for("keyworker")
    # session, user, staff member, roles, own participant record, participant, children, audit insert
    with django_assert_num_queries(8):
        client.get(detail_url(personas.participant))
    Child.objects.bulk_create([Child(participant=personas.participant, birth_year=2020) for _ in range(5)])
    with django_assert_num_queries(8):
        assert len(client.get(detail_url(personas.participant)).json()["children_birth_years"]) == 7


# ---- registering ------------------------------------------------------------------------------


def new_participant(**overrides: Any) -> dict[str, Any]:
    return {
        "given_name": "Nina",
        "family_name": "Newcomer",
        "consent_how": "in_person_verbal",
        "email": "nina@example.net",
        "mobile": "07700 900999",
        "postcode": "ky1 2ab",
        "heard_about": "jobcentre",
        "children_birth_years": [2019, 2021],
        **overrides,
    }


def test_a_keyworker_registers_a_participant_onto_their_caseload(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = send_json(client_for("keyworker"), "POST", reverse("api-v1:register_participant"), new_participant())

    assert response.status_code == 201
    body = response.json()
    assert body["reference"] == "MIW-FIF-00004"
    assert body["keyworker"] == {"id": personas.keyworker.pk, "name": "Kim Keyworker"}
    assert (body["mobile"], body["postcode"], body["children_birth_years"]) == (
        "+447700900999",
        "KY1 2AB",
        [2019, 2021],
    )
    participant = Participant.objects.get(pk=body["id"])
    assert participant.consents.get().given_how == Consent.How.IN_PERSON_VERBAL
    event = AuditEvent.objects.get(participant=participant)
    assert (event.action, event.channel, event.actor_id) == (
        AuditEvent.Action.CREATE,
        AuditEvent.Channel.API,
        personas.keyworker.user.pk,
    )


def test_a_manager_must_say_whose_caseload(personas: Personas, client_for: Callable[[str], Client]) -> None:
    before = Participant.objects.count()

    response = send_json(
        client_for("partnership_manager"), "POST", reverse("api-v1:register_participant"), new_participant()
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"keyworker": ["Choose a keyworker who works in this partnership."]}
    assert Participant.objects.count() == before


def test_registering_without_consent_is_refused(personas: Personas, client_for: Callable[[str], Client]) -> None:
    data = new_participant()
    del data["consent_how"]

    response = send_json(client_for("keyworker"), "POST", reverse("api-v1:register_participant"), data)

    assert response.status_code == 400
    assert response.json()["errors"] == {"consent_how": ["Send consent_how: it is required."]}
    assert not Participant.objects.filter(given_name="Nina").exists()


# ---- changing ---------------------------------------------------------------------------------


def state(participant: Participant) -> tuple[Any, ...]:
    """Everything a bad request must leave alone."""
    return (
        Participant.objects.filter(pk=participant.pk).values().get(),
        sorted(Child.objects.filter(participant=participant).values_list("birth_year", flat=True)),
        Participant.history.filter(id=participant.pk).count(),
        AuditEvent.objects.exclude(action=AuditEvent.Action.VIEW).count(),
    )


def test_a_keyworker_changes_pat_and_only_field_names_are_audited(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    pat = personas.participant

    response = send_json(
        client_for("keyworker"),
        "PATCH",
        detail_url(pat),
        {"version": 1, "preferred_name": "Patty", "children_birth_years": [2012, 2016, 2023]},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["preferred_name"], body["full_name"], body["version"]) == ("Patty", "Patty Participant", 2)
    assert body["children_birth_years"] == [2012, 2016, 2023]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
    assert (event.actor_id, event.channel, event.participant_id) == (
        personas.keyworker.user.pk,
        AuditEvent.Channel.API,
        pat.pk,
    )
    assert event.changed_fields == ["children", "preferred_name"]
    assert "Patty" not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_a_participant_may_read_but_not_change_their_record(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    before = state(personas.participant)

    response = send_json(
        client_for("participant"), "PATCH", detail_url(personas.participant), {"version": 1, "address": "x"}
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "You can see this record but not change it."
    assert state(personas.participant) == before


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        pytest.param('{"version": 1, "preferred_name": ', 400, {"detail": NOT_JSON_MESSAGE}, id="malformed JSON"),
        pytest.param(
            '{"version": "one"}',
            400,
            {"detail": "version: Enter a whole number.", "errors": {"version": ["Enter a whole number."]}},
            id="wrong type",
        ),
        pytest.param(
            '{"version": 1, "children_birth_years": "2012"}',
            400,
            {"detail": "children_birth_years: Send a list.", "errors": {"children_birth_years": ["Send a list."]}},
            id="not a list",
        ),
        pytest.param(
            '{"version": 1, "given_name": null}',
            400,
            {"detail": "given_name: Enter text.", "errors": {"given_name": ["Enter text."]}},
            id="null name",
        ),
        pytest.param(
            '{"version": 1, "keyworker_id": 5}',
            400,
            {
                "detail": "keyworker_id: This field is not recognised.",
                "errors": {"keyworker_id": ["This field is not recognised."]},
            },
            id="unknown field",
        ),
        pytest.param(
            '{"preferred_name": "Patty"}',
            400,
            {
                "detail": "version: Send version: it is required.",
                "errors": {"version": ["Send version: it is required."]},
            },
            id="missing version",
        ),
        pytest.param(
            '["version", 1]',
            400,
            {"detail": "Send a JSON object.", "errors": {"__all__": ["Send a JSON object."]}},
            id="not an object",
        ),
        pytest.param(
            '{"version": 1, "mobile": "12345"}',
            400,
            {
                "detail": "mobile: Enter a UK mobile number, like 07700 900123.",
                "errors": {"mobile": ["Enter a UK mobile number, like 07700 900123."]},
            },
            id="invalid mobile",
        ),
        pytest.param(
            '{"version": 1, "status": "sanctioned"}',
            400,
            {
                "detail": "status: Choose one of: 'active', 'paused' or 'closed'.",
                "errors": {"status": ["Choose one of: 'active', 'paused' or 'closed'."]},
            },
            id="unknown status",
        ),
        pytest.param(
            '{"version": 0, "preferred_name": "Patty"}',
            409,
            {
                "detail": "Someone else changed this record while you were editing it. Nothing was saved: "
                "reload to see their change, then make yours again."
            },
            id="stale version",
        ),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(
    body: str, status: int, expected: dict[str, Any], personas: Personas, client_for: Callable[[str], Client]
) -> None:
    before = state(personas.participant)

    response = raw(client_for("keyworker"), "PATCH", detail_url(personas.participant), body)

    assert response.status_code == status
    assert response.json() == expected
    assert state(personas.participant) == before


def test_a_change_to_a_record_someone_cannot_see_is_404(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    before = state(personas.other_participant)

    response = send_json(
        client_for("keyworker"), "PATCH", detail_url(personas.other_participant), {"version": 1, "address": "x"}
    )

    assert response.status_code == 404
    assert state(personas.other_participant) == before
