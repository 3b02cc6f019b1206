"""Subject access through the API: 202 with where to follow the copy, the status, the download;
JSON errors; access checked before the body is read; the same scoping and audit as the pages."""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.subject_access.models import SubjectAccessRequest
from coproduce.subject_access.services import log_request
from tests.api.helpers import raw, send_json
from tests.personas import Personas
from tests.subject_access.copies import open_copy

ClientFor = Callable[[str], Client]
OnCommit = Callable[..., Any]
LETTER = {"received_on": "2026-09-03", "how_made": "letter", "identity_checked": "photo_id"}


def ask_url(personas: Personas) -> str:
    return reverse("api-v1:request_subject_access", args=[personas.participant.pk])


def test_pat_asks_for_his_own_copy_follows_it_and_downloads_it(
    personas: Personas, client_for: ClientFor, django_capture_on_commit_callbacks: OnCommit
) -> None:
    pat = client_for("participant")
    with django_capture_on_commit_callbacks(execute=True):
        response = pat.post(reverse("api-v1:request_own_subject_access"))
    assert response.status_code == 202
    body = response.json()
    request = SubjectAccessRequest.objects.get()
    assert body["id"] == request.pk
    assert (body["kind"], body["status"], body["download_url"]) == ("own_download", "preparing", None)
    assert body["status_url"] == reverse("api-v1:get_subject_access_request", args=[request.pk])
    # The answer was given before the copy was prepared (after the request is committed).
    status = pat.get(body["status_url"]).json()
    assert status["status"] == "released"
    assert status["download_url"] == reverse("api-v1:download_subject_access_copy", args=[request.pk])
    download = pat.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert open_copy(download.content).data["details"]["reference"] == "MIW-FIF-00001"
    assert (
        AuditEvent.objects.filter(
            action="export", actor=personas.participant.user, channel="export", purpose="Subject access request"
        ).count()
        == 1
    )


def test_while_it_is_prepared_the_status_says_so_and_the_download_waits(
    personas: Personas, client_for: ClientFor, django_capture_on_commit_callbacks: OnCommit
) -> None:
    pat = client_for("participant")
    with django_capture_on_commit_callbacks(execute=False):
        body = pat.post(reverse("api-v1:request_own_subject_access")).json()
    assert (body["status"], body["download_url"]) == ("preparing", None)
    waiting = pat.get(reverse("api-v1:download_subject_access_copy", args=[body["id"]]))
    assert waiting.status_code == 409
    assert waiting.json() == {"detail": "The copy is not ready to download yet."}


def test_mo_logs_a_request_made_to_staff_and_it_is_prepared_in_the_background(
    personas: Personas, client_for: ClientFor, django_capture_on_commit_callbacks: OnCommit
) -> None:
    mo = client_for("partnership_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = send_json(mo, "POST", ask_url(personas), LETTER)
    assert response.status_code == 202
    body = response.json()
    assert (body["kind"], body["status"], body["due_on"], body["download_url"]) == (
        "made_to_staff",
        "preparing",
        "2026-10-05",
        None,
    )
    status = mo.get(body["status_url"]).json()
    assert (status["status"], status["copy_available"], status["download_url"]) == ("prepared", True, None)
    # Released on the request's page, where restricted notes are decided: until then, no download.
    assert mo.get(reverse("api-v1:download_subject_access_copy", args=[body["id"]])).status_code == 409


def test_bad_details_get_messages_per_field_and_log_nothing(personas: Personas, client_for: ClientFor) -> None:
    mo = client_for("partnership_manager")
    response = send_json(mo, "POST", ask_url(personas), {"received_on": "soon", "how_made": "carrier pigeon"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "received_on": ["Enter a date like 2024-03-31."],
        "how_made": ["Choose one of: 'online', 'in_person', 'letter', 'email' or 'phone'."],
        "identity_checked": ["Send identity_checked: it is required."],
    }
    representative = send_json(mo, "POST", ask_url(personas), {**LETTER, "made_by": "representative"})
    assert representative.status_code == 400
    assert set(representative.json()["errors"]) == {"representative_name", "representative_authority"}
    assert raw(mo, "POST", ask_url(personas), "{not json").status_code == 400
    too_deep = raw(mo, "POST", ask_url(personas), "[" * 100_000 + "]" * 100_000)
    assert (too_deep.status_code, "detail" in too_deep.json()) == (400, True)
    assert not SubjectAccessRequest.objects.exists()


def test_access_is_checked_before_the_body_is_read(personas: Personas, client_for: ClientFor) -> None:
    for role, status in (("keyworker", 403), ("participant", 403), ("partner_worker", 404), ("funder", 404)):
        response = raw(client_for(role), "POST", ask_url(personas), "{not json")
        assert response.status_code == status, role
        assert "detail" in response.json()
    glen = Client()
    glen.force_login(personas.glasgow_manager.user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
    assert send_json(glen, "POST", ask_url(personas), LETTER).status_code == 404
    assert client_for("participant").post(ask_url(personas)).json() == {
        "detail": "Ask for a copy of your own data with POST /api/v1/me/subject-access."
    }
    assert not SubjectAccessRequest.objects.exists()


def test_only_participants_ask_for_their_own_copy(personas: Personas, client_for: ClientFor) -> None:
    for role in ("keyworker", "partnership_manager", "administrator"):
        assert client_for(role).post(reverse("api-v1:request_own_subject_access")).status_code == 403, role
    assert Client().post(reverse("api-v1:request_own_subject_access")).status_code == 401
    assert not SubjectAccessRequest.objects.exists()


def test_a_request_is_seen_only_by_the_participant_and_their_areas_manager(
    personas: Personas, client_for: ClientFor
) -> None:
    request = log_request(
        actor=personas.manager.user,
        participant_id=personas.participant.pk,
        received_on=personas.participant.joined_on,
        how_made="in_person",
        identity_checked="known_in_person",
    )
    url = reverse("api-v1:get_subject_access_request", args=[request.pk])
    assert client_for("partnership_manager").get(url).status_code == 200
    assert AuditEvent.objects.filter(action="view", actor=personas.manager.user, path=url).count() == 1
    # Pat sees a request made to staff about him once it is released; the others never.
    for role in ("participant", "keyworker", "partner_worker", "administrator", "evaluator"):
        response = client_for(role).get(url)
        assert response.status_code == 404, role
        assert response.json() == {"detail": "No such request."}
