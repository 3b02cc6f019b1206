"""Progress checks and the job-search log through the API, as each persona."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.plans.models import JobSearchEntry, ProgressArea, ProgressCheck
from tests.api.helpers import send_json
from tests.personas import Personas
from tests.plans.factories import JobSearchEntryFactory, ProgressCheckFactory

Clients = Callable[[str], Client]

# A page of checks, the same for 1 as for 20: auth, actor, participant, audit, count, rows, scores.
QUERIES = 10


def checks_url(participant_id: int) -> str:
    return reverse("api-v1:list_progress_checks", args=[participant_id])


def log_url(participant_id: int) -> str:
    return reverse("api-v1:list_job_search_entries", args=[participant_id])


def eight(score: int = 5) -> list[dict[str, object]]:
    return [{"area": area, "score": score, "comment": ""} for area in ProgressArea.values]


def test_participant_records_and_reads_their_checks(personas: Personas, client_for: Clients) -> None:
    pat = personas.participant
    client = client_for("participant")
    scores = eight(4)
    scores[0] = {"area": "confidence", "score": 7, "comment": "Better than last time"}

    created = send_json(client, "POST", checks_url(pat.pk), {"checked_on": "2026-03-02", "scores": scores})

    assert created.status_code == 201
    body = created.json()
    assert (body["reader"], body["checked_on"], body["recorded_by"]) == ("participant", "2026-03-02", "Pat Participant")
    assert body["scores"][0] == {"area": "childcare", "score": 4, "comment": ""}  # ordered by area
    assert {"area": "confidence", "score": 7, "comment": "Better than last time"} in body["scores"]

    listed = client.get(checks_url(pat.pk))
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]
    assert AuditEvent.objects.filter(
        actor=pat.user, participant=pat, action=AuditEvent.Action.VIEW, channel=AuditEvent.Channel.API
    ).exists()


def test_keyworker_reading_and_missing_areas(personas: Personas, client_for: Clients) -> None:
    pat = personas.participant
    client = client_for("keyworker")

    missing = send_json(client, "POST", checks_url(pat.pk), {"checked_on": "2026-03-02", "scores": eight()[:7]})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"score_home": ["Give a score from 1 to 10 for home and housing."]}
    duplicated = send_json(
        client, "POST", checks_url(pat.pk), {"checked_on": "2026-03-02", "scores": [*eight(), eight()[0]]}
    )
    assert duplicated.status_code == 400
    assert ProgressCheck.objects.count() == 0

    created = send_json(client, "POST", checks_url(pat.pk), {"checked_on": "2026-03-02", "scores": eight(6)})
    assert created.status_code == 201
    assert created.json()["reader"] == "keyworker"


def test_participant_cannot_give_the_keyworker_reading(personas: Personas, client_for: Clients) -> None:
    response = send_json(
        client_for("participant"),
        "POST",
        checks_url(personas.participant.pk),
        {"checked_on": "2026-03-02", "reader": "keyworker", "scores": eight()},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"reader": ["You can only give your own reading."]}


@pytest.mark.parametrize("role", ["partner_worker", "funder", "evaluator", "administrator"])
def test_others_get_404(personas: Personas, client_for: Clients, role: str) -> None:
    ProgressCheckFactory(participant=personas.participant)
    client = client_for(role)
    assert client.get(checks_url(personas.participant.pk)).status_code == 404
    assert client.get(log_url(personas.participant.pk)).status_code == 404


def test_job_search_log_add_list_and_change(personas: Personas, client_for: Clients) -> None:
    pat = personas.participant
    client = client_for("participant")

    created = send_json(
        client,
        "POST",
        log_url(pat.pk),
        {"searched_on": "2026-11-09", "action": "applied", "employer": "Kirkcaldy Care Homes", "role": "Carer"},
    )
    assert created.status_code == 201
    entry = created.json()
    assert (entry["employer"], entry["version"], entry["recorded_by"]) == ("Kirkcaldy Care Homes", 1, "Pat Participant")

    listed = client.get(log_url(pat.pk)).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, entry["id"])

    url = reverse("api-v1:update_job_search_entry", args=[entry["id"]])
    changed = send_json(client, "PATCH", url, {"version": 1, "outcome": "Interview on Friday"})
    assert changed.status_code == 200
    assert (changed.json()["outcome"], changed.json()["version"]) == ("Interview on Friday", 2)

    # The keyworker's edit started from version 1: refused, nothing overwritten.
    stale = send_json(client_for("keyworker"), "PATCH", url, {"version": 1, "outcome": "No reply"})
    assert stale.status_code == 409
    assert JobSearchEntry.objects.get(pk=entry["id"]).outcome == "Interview on Friday"


def test_job_search_bad_input(personas: Personas, client_for: Clients) -> None:
    client = client_for("keyworker")
    bad = send_json(client, "POST", log_url(personas.participant.pk), {"searched_on": "2026-11-09", "action": "x"})
    assert bad.status_code == 400
    assert "action" in bad.json()["errors"]
    unknown = send_json(
        client, "POST", log_url(personas.participant.pk), {"searched_on": "2026-11-09", "action": "applied", "x": 1}
    )
    assert unknown.status_code == 400
    assert JobSearchEntry.objects.count() == 0


def test_another_keyworker_cannot_change_an_entry(personas: Personas, sign_in: Callable) -> None:
    entry = JobSearchEntryFactory(participant=personas.participant)
    owen = sign_in(personas.other_keyworker.user)
    url = reverse("api-v1:update_job_search_entry", args=[entry.pk])
    assert send_json(owen, "PATCH", url, {"version": 1, "outcome": "Hacked"}).status_code == 404
    entry.refresh_from_db()
    assert entry.outcome == "Waiting to hear"


def test_an_entry_recorded_by_mistake_is_removed_by_pat_or_by_whoever_added_it(
    personas: Personas, client_for: Clients
) -> None:
    pat = personas.participant
    by_kim = JobSearchEntryFactory(participant=pat, recorded_by=personas.keyworker.user)
    by_pat = JobSearchEntryFactory(participant=pat, recorded_by=pat.user)
    url = lambda entry: reverse("api-v1:delete_job_search_entry", args=[entry.pk])  # noqa: E731

    # The manager added neither: refused, nothing removed.
    assert send_json(client_for("partnership_manager"), "DELETE", url(by_kim), {"version": 1}).status_code == 403
    # Kim did not add Pat's own entry.
    assert send_json(client_for("keyworker"), "DELETE", url(by_pat), {"version": 1}).status_code == 403
    # A removal that started from an older version: refused, nothing removed.
    by_kim.version = 2
    by_kim.save()
    assert send_json(client_for("keyworker"), "DELETE", url(by_kim), {"version": 1}).status_code == 409
    assert JobSearchEntry.objects.filter(participant=pat).count() == 2

    assert send_json(client_for("keyworker"), "DELETE", url(by_kim), {"version": 2}).status_code == 204
    assert send_json(client_for("participant"), "DELETE", url(by_pat), {"version": 1}).status_code == 204

    assert not JobSearchEntry.objects.filter(participant=pat).exists()
    assert (
        AuditEvent.objects.filter(
            participant_id=pat.pk, action=AuditEvent.Action.CHANGE, changed_fields=["deleted"]
        ).count()
        == 2
    )


def test_list_queries_do_not_grow(personas: Personas, client_for: Clients, django_assert_num_queries) -> None:
    pat = personas.participant
    client = client_for("keyworker")
    ProgressCheckFactory(participant=pat, checked_on=datetime.date(2026, 1, 5))
    client.get(checks_url(pat.pk))
    with django_assert_num_queries(QUERIES):
        client.get(checks_url(pat.pk))
    ProgressCheckFactory.create_batch(19, participant=pat)
    with django_assert_num_queries(QUERIES):
        assert len(client.get(checks_url(pat.pk)).json()["items"]) == 20
