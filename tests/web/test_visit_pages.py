"""The pages of today's visits, their data and sync answers, and the web app's manifest and service worker."""

import datetime
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.offline.models import VisitMark
from coproduce.offline.services import take_on_visits
from coproduce.plans.models import Contact, Step
from coproduce.plans.services.plan import decline_step
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import GoalFactory, StepFactory
from tests.web.test_keyworker_pages import text

ClientFor = Callable[[str], Client]


def sync(client: Client, item: object) -> Any:
    return client.post("/visits/sync/", json.dumps(item), content_type="application/json")


def note_for(participant_id: int, **changes: object) -> dict[str, object]:
    return {
        "kind": "contact",
        "client_id": str(uuid.uuid4()),
        "participant": participant_id,
        "happened_on": timezone.localdate().isoformat(),
        "contact_kind": "home_visit",
        "notes": "Visit at home; the baby was asleep.",
        **changes,
    }


def test_kim_takes_paula_on_visits_from_her_caseload_and_sees_her_on_todays_visits(
    personas: Personas, client_for: ClientFor
) -> None:
    paula = personas.second_participant
    client = client_for("keyworker")
    caseload = client.get("/caseload/").content.decode()
    assert f'action="/participants/{paula.pk}/visits/take/"' in caseload

    response = client.post(f"/participants/{paula.pk}/visits/take/", {"next": "/caseload/"}, follow=True)

    mark = VisitMark.objects.get()
    assert response.redirect_chain == [("/caseload/", 302)]
    expires = timezone.localtime(mark.expires_at)
    assert f"{paula.full_name} is on today’s visits until {expires:%-d %B, %H:%M}." in text(response)
    assert f'action="/participants/{paula.pk}/visits/drop/"' in response.content.decode()
    page = client.get("/visits/")
    assert page["Cache-Control"] == "no-store"
    assert f"{paula.full_name} {paula.reference}" in text(page)
    assert f'href="/participants/{paula.pk}/contacts/new/"' in page.content.decode()
    assert 'data-sync-url="/visits/sync/"' in page.content.decode()
    assert "csrftoken" in page.cookies


def test_the_record_page_offers_taking_them_and_dropping_them(personas: Personas, client_for: ClientFor) -> None:
    paula = personas.second_participant
    client = client_for("keyworker")
    assert "Take on today’s visits" in text(client.get(f"/participants/{paula.pk}/"))
    client.post(f"/participants/{paula.pk}/visits/take/")
    assert "Remove from today’s visits" in text(client.get(f"/participants/{paula.pk}/"))

    response = client.post(f"/participants/{paula.pk}/visits/drop/", {"next": "https://elsewhere.example/"})

    assert response["Location"] == f"/participants/{paula.pk}/"
    assert VisitMark.objects.count() == 0


def test_the_visits_page_without_anyone_says_how_to_take_someone(client_for: ClientFor) -> None:
    assert "Nobody is on today’s visits." in text(client_for("keyworker").get("/visits/"))


@pytest.mark.parametrize("how_many", [1, 15])
def test_the_visits_page_takes_the_same_queries_however_many_people(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    for participant in ParticipantFactory.create_batch(how_many, keyworker=personas.keyworker):
        take_on_visits(actor=personas.keyworker.user, participant_id=participant.pk)
    client = client_for("keyworker")
    client.get("/visits/")
    # Session, user, actor (3), marks with their people, audit insert.
    with django_assert_num_queries(7):
        response = client.get("/visits/")
    assert len(response.context["marks"]) == how_many


def test_the_data_for_the_phone_is_only_kims_marked_people_and_is_audited(
    personas: Personas, client_for: ClientFor
) -> None:
    paula = personas.second_participant
    take_on_visits(actor=personas.keyworker.user, participant_id=paula.pk)
    # Someone else's mark on someone else's participant never reaches Kim.
    take_on_visits(actor=personas.other_keyworker.user, participant_id=personas.other_participant.pk)

    response = client_for("keyworker").get("/visits/data.json")

    data = response.json()
    assert (response["Cache-Control"], [person["id"] for person in data["participants"]]) == ("no-store", [paula.pk])
    assert personas.participant.family_name not in response.content.decode()
    event = AuditEvent.objects.get(action="export", participant=paula)
    assert (event.actor, event.purpose) == (personas.keyworker.user, "Taken on today's visits, for use with no signal")


def test_a_note_sent_from_the_phone_arrives_and_a_second_sending_changes_nothing(
    personas: Personas, client_for: ClientFor
) -> None:
    paula = personas.second_participant
    take_on_visits(actor=personas.keyworker.user, participant_id=paula.pk)
    client = client_for("keyworker")
    item = note_for(paula.pk)

    first = sync(client, item)
    again = sync(client, item)

    contact = Contact.objects.get(notes="Visit at home; the baby was asleep.")
    assert (first.status_code, first.json()) == (
        200,
        {"status": "applied", "kind": "contact", "record_id": contact.pk, "values": {"notes": contact.notes}},
    )
    assert (again.status_code, again.json()["status"]) == (200, "already")
    event = AuditEvent.objects.get(record_type="plans.Contact", record_id=str(contact.pk))
    assert (event.actor, event.action, event.path) == (personas.keyworker.user, "create", "/visits/sync/")


def test_a_step_answer_over_a_change_made_meanwhile_answers_409_with_both(
    personas: Personas, client_for: ClientFor
) -> None:
    paula = personas.second_participant
    step = StepFactory(goal=GoalFactory(participant=paula), description="Go to the taster day")
    take_on_visits(actor=personas.keyworker.user, participant_id=paula.pk)
    mine = {
        "kind": "step_answer",
        "client_id": str(uuid.uuid4()),
        "step": step.pk,
        "version": 1,
        "answer": "agree",
        "answered_how": "in_person",
    }
    decline_step(actor=personas.keyworker.user, step_id=step.pk, expected_version=1, answered_how="phone")
    client = client_for("keyworker")

    response = sync(client, mine)

    assert response.status_code == 409
    assert response.json() == {
        "status": "conflict",
        "message": "Someone changed this step after you took it with you. Nothing was saved: choose what to keep.",
        "theirs": {
            "id": step.pk,
            "description": "Go to the taster day",
            "state": "declined",
            "state_label": "Declined",
            "version": 2,
            "decline_reason": "",
            "wants_to_talk": False,
        },
        "mine": mine,
    }
    step.refresh_from_db()
    assert (step.state, step.version) == (Step.State.DECLINED, 2)
    # "Keep mine" on a step already answered: the plan's rule still holds, plainly said.
    kept = sync(client, {**mine, "version": 2})
    assert (kept.status_code, kept.json()["message"]) == (
        400,
        "This step has already been answered: it is declined.",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "This is not JSON: send one item as a JSON object."),
        (b"[]", "Send one item as a JSON object."),
        (b'{"kind": "contact", "client_id": "x"}', "client_id: This is not an id this app gives."),
    ],
)
def test_bad_input_is_400_with_a_plain_message_and_changes_nothing(
    body: bytes, message: str, personas: Personas, client_for: ClientFor
) -> None:
    before = (Contact.objects.count(), AuditEvent.objects.exclude(action="refused").count())
    response = client_for("keyworker").post("/visits/sync/", body, content_type="application/json")
    assert (response.status_code, response.json()["message"]) == (400, message)
    assert (Contact.objects.count(), AuditEvent.objects.exclude(action="refused").count()) == before


def test_a_note_for_someone_not_on_todays_visits_is_404(personas: Personas, client_for: ClientFor) -> None:
    response = sync(client_for("keyworker"), note_for(personas.second_participant.pk))
    assert (response.status_code, response.json()) == (
        404,
        {"status": "not_found", "message": "This person is not on your visits today."},
    )


def test_the_sync_needs_the_csrf_token(personas: Personas) -> None:
    take_on_visits(actor=personas.keyworker.user, participant_id=personas.second_participant.pk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.keyworker.user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
    assert sync(client, note_for(personas.second_participant.pk)).status_code == 403
    token = client.get("/visits/").cookies["csrftoken"].value
    response = client.post(
        "/visits/sync/",
        json.dumps(note_for(personas.second_participant.pk)),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200


# The web app.


def test_the_manifest_makes_the_site_installable(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    manifest = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert {name: manifest[name] for name in ("name", "short_name", "start_url", "scope", "display")} == {
        "name": "Coproduce",
        "short_name": "Coproduce",
        "start_url": "/home/",
        "scope": "/",
        "display": "standalone",
    }
    assert [(icon["src"], icon["sizes"], icon["purpose"]) for icon in manifest["icons"]] == [
        ("/static/icons/coproduce-192.png", "192x192", "any"),
        ("/static/icons/coproduce-512.png", "512x512", "any"),
        ("/static/icons/coproduce-maskable-512.png", "512x512", "maskable"),
    ]


def test_the_service_worker_is_served_from_the_root_and_keeps_only_the_shell(client: Client) -> None:
    response = client.get("/service-worker.js")
    body = response.content.decode()
    assert (response["Content-Type"], response["Service-Worker-Allowed"], response["Cache-Control"]) == (
        "text/javascript; charset=utf-8",
        "/",
        "no-cache",
    )
    shell = json.loads(body.split("const SHELL_FILES = ", 1)[1].split(";", 1)[0])
    assert shell == [
        "/static/css/coproduce.css",
        "/static/css/offline.css",
        "/static/js/offline/store.js",
        "/static/js/offline/pwa.js",
        "/static/js/offline/visits.js",
        "/static/icons/coproduce-192.png",
        "/static/icons/coproduce-512.png",
    ]
    assert 'const VISITS_SHELL = "/visits/shell/";' in body
    assert "/me/" not in body.replace("participant's own pages (/me/)", "")


def test_every_page_links_the_manifest_and_the_worker_script(client: Client) -> None:
    page = client.get("/sign-in/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'src="/static/js/offline/pwa.js" defer data-service-worker="/service-worker.js"' in page


def test_the_shell_holds_nobodys_details(personas: Personas, client_for: ClientFor) -> None:
    take_on_visits(actor=personas.keyworker.user, participant_id=personas.second_participant.pk)
    body = client_for("keyworker").get("/visits/shell/").content.decode()
    for detail in (personas.second_participant.family_name, personas.second_participant.reference, "Signed in as"):
        assert detail not in body


def test_signing_out_tells_the_browser_to_clear_what_it_stored(client_for: ClientFor) -> None:
    response = client_for("keyworker").post("/sign-out/")
    assert (response.status_code, response["Clear-Site-Data"]) == (302, '"cache", "storage"')


def test_a_mark_of_yesterday_is_not_on_the_page(personas: Personas, client_for: ClientFor) -> None:
    yesterday = timezone.now() - datetime.timedelta(hours=25)
    take_on_visits(actor=personas.keyworker.user, participant_id=personas.second_participant.pk, now=yesterday)
    assert "Nobody is on today’s visits." in text(client_for("keyworker").get("/visits/"))
