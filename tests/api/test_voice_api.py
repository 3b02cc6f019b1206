"""Requests, the board, group sessions and feedback through the API."""

from collections.abc import Callable

from django.test import Client

from coproduce.audit.models import AuditEvent
from coproduce.voice.models import Feedback, GroupSession, Invitation, Request
from tests.api.helpers import send_json
from tests.personas import Personas
from tests.voice.factories import RequestFactory


def test_pat_makes_a_request_and_lists_only_his_own(personas: Personas, client_for: Callable[[str], Client]) -> None:
    RequestFactory(participant=personas.other_participant, text="Olive's words")
    client = client_for("participant")
    made = send_json(client, "POST", "/api/v1/requests", {"kind": "help_with", "topic": "housing", "text": "Damp flat"})
    assert made.status_code == 201
    assert made.json()["text"] == "Damp flat"
    listed = client.get("/api/v1/requests").json()
    assert listed["count"] == 1
    assert [item["text"] for item in listed["items"]] == ["Damp flat"]


def test_a_bad_request_gets_400_with_field_messages(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("participant"), "POST", "/api/v1/requests", {"kind": "x", "topic": "money", "text": ""}
    )
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    assert Request.objects.count() == 0


def test_the_board_counts_match_and_the_funder_sees_nothing(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    RequestFactory(participant=personas.participant, topic="money")
    RequestFactory(participant=personas.other_participant, topic="money")
    RequestFactory(participant=personas.other_participant, topic="digital", kind="help_with")
    board = client_for("keyworker").get("/api/v1/requests/board").json()
    assert {(g["topic"], g["kind"]): g["total"] for g in board["groups"]} == {
        ("money", "group_on"): 2,
        ("digital", "help_with"): 1,
    }
    assert board["count"] == 1
    assert {r["participant_name"] for r in board["items"]} == {"Pat Participant"}
    assert client_for("funder").get("/api/v1/requests/board").json() == {"groups": [], "items": [], "count": 0}
    assert client_for("funder").get("/api/v1/requests").json() == {"items": [], "count": 0}


def test_mo_creates_invites_and_edits_a_session_and_a_stale_edit_gets_409(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    asked = RequestFactory(participant=personas.participant)
    client = client_for("partnership_manager")
    created = send_json(
        client,
        "POST",
        "/api/v1/group-sessions",
        {
            "title": "Money talk",
            "topic": "money",
            "starts_at": "2027-02-01T10:00:00Z",
            "place": "Kirkcaldy",
            "facilitator": "Kingdom Money Advice",
            "places": 10,
            "childcare_provided": True,
            "request_ids": [asked.pk],
        },
    )
    assert created.status_code == 201
    session_id = created.json()["id"]
    assert created.json()["request_ids"] == [asked.pk]
    assert client.post(f"/api/v1/group-sessions/{session_id}/invite").json() == {"invited": 1}
    assert client.post(f"/api/v1/group-sessions/{session_id}/invite").json() == {"invited": 0}
    assert Invitation.objects.filter(group_session_id=session_id).count() == 1

    detail = client.get(f"/api/v1/group-sessions/{session_id}").json()
    assert detail["invitations"][0]["participant_name"] == "Pat Participant"
    assert AuditEvent.objects.filter(
        participant=personas.participant, actor=personas.manager.user, action="list"
    ).exists()

    version = detail["version"]
    first = send_json(client, "PATCH", f"/api/v1/group-sessions/{session_id}", {"version": version, "place": "Leven"})
    assert first.status_code == 200
    second = send_json(client, "PATCH", f"/api/v1/group-sessions/{session_id}", {"version": version, "place": "Methil"})
    assert second.status_code == 409
    assert GroupSession.objects.get(pk=session_id).place == "Leven"

    assert client_for("keyworker").get(f"/api/v1/group-sessions/{session_id}").status_code == 404
    assert client.get("/api/v1/group-sessions").json()["count"] == 1


def test_pat_gives_anonymous_feedback(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("participant"), "POST", "/api/v1/feedback", {"text": "Good", "anonymous_to_keyworker": True}
    )
    assert response.status_code == 201
    assert Feedback.objects.get().anonymous_to_keyworker
    refused = send_json(client_for("keyworker"), "POST", "/api/v1/feedback", {"text": "Good"})
    assert refused.status_code == 403


def test_the_board_comes_a_page_at_a_time_audits_only_the_page_and_its_queries_do_not_grow(
    personas: Personas, client_for: Callable[[str], Client], settings
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.participants.factories import ParticipantFactory

    settings.COPRODUCE_API_PAGE_SIZE = 3
    client = client_for("partnership_manager")
    client.get("/api/v1/requests/board")  # warm the session
    counts = []
    for extra in (1, 6):
        for participant in ParticipantFactory.create_batch(extra, keyworker=personas.keyworker):
            RequestFactory(participant=participant, topic="money")
        before = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as captured:
            board = client.get("/api/v1/requests/board").json()
        counts.append(len(captured))
        assert len(board["items"]) == min(board["count"], 3)
        shown = {item["participant_id"] for item in board["items"]}
        assert AuditEvent.objects.count() - before == len(shown)
    assert counts[0] == counts[1]
    assert board["count"] == 7
    second = client.get("/api/v1/requests/board", {"page": 3}).json()
    assert len(second["items"]) == 1
    assert client.get("/api/v1/requests/board", {"page": 9}).json()["items"] == []
    assert client.get("/api/v1/requests/board", {"page": 0}).status_code == 400
