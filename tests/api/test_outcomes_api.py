"""Outcomes and sustainment checks through the API: Kim records and corrects, Pat reads his own."""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.outcomes.models import Outcome, SustainmentCheck
from coproduce.outcomes.tasks import schedule_sustainment_checks
from tests.api.helpers import send_json
from tests.outcomes.factories import JobStartFactory, SustainmentCheckFactory, WorkWishFactory
from tests.personas import Personas

ClientFor = Callable[[str], Client]
JOB = {
    "kind": "job_start",
    "achieved_on": "2016-03-07",
    "description": "Care assistant",
    "employer_sector": "care",
    "hours_per_week": "20",
    "contract_type": "permanent",
    "hourly_pay": "8.25",
    "evidence": "contract",
}


def outcomes_url(participant_id: int) -> str:
    return reverse("api-v1:list_outcomes", args=[participant_id])


def test_kim_records_a_job_start_with_its_quality_and_checks(
    personas: Personas, client_for: ClientFor, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    WorkWishFactory(participant=personas.participant)
    with django_capture_on_commit_callbacks(execute=True):
        response = send_json(client_for("keyworker"), "POST", outcomes_url(personas.participant.pk), JOB)
    assert response.status_code == 201
    body = response.json()
    assert body["job_quality"] == {
        "living_wage": "8.25",
        "pay_ok": True,
        "hours_ok": True,
        "contract_ok": True,
        "fits": True,
        "reasons": [
            "Paid at or above the real Living Wage (£8.25 on 7 March 2016).",
            "20 hours a week, within the 16 to 25 hours they wanted.",
            "Permanent contract, one they would take.",
        ],
    }
    assert body["sustainment_checks"] == []  # scheduled in the background, once the record is committed
    again = client_for("keyworker").get(reverse("api-v1:get_outcome", args=[body["id"]])).json()
    assert [(check["weeks"], check["due_on"]) for check in again["sustainment_checks"]] == [
        (4, "2016-04-04"),
        (13, "2016-06-06"),
        (26, "2016-09-05"),
        (52, "2017-03-06"),
    ]
    audited = AuditEvent.objects.filter(record_type="outcomes.Outcome", action="create", channel="api")
    assert audited.count() == 1


def test_a_job_start_without_pay_is_400_with_the_field(personas: Personas, client_for: ClientFor) -> None:
    response = send_json(
        client_for("keyworker"), "POST", outcomes_url(personas.participant.pk), {**JOB, "hourly_pay": None}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"hourly_pay": ["Enter the hourly pay, in pounds."]}
    assert Outcome.objects.count() == 0


def test_pat_reads_his_outcomes_but_cannot_record_one(personas: Personas, client_for: ClientFor) -> None:
    JobStartFactory(participant=personas.participant)
    pat = client_for("participant")
    listed = pat.get(outcomes_url(personas.participant.pk))
    assert listed.status_code == 200
    assert [(row["kind"], row["job_quality"]["fits"]) for row in listed.json()] == [("job_start", None)]
    assert send_json(pat, "POST", outcomes_url(personas.participant.pk), JOB).status_code == 403
    views = AuditEvent.objects.filter(action="view", participant_id=personas.participant.pk, channel="api")
    assert views.count() == 1


def test_others_outcomes_are_not_found(personas: Personas, client_for: ClientFor) -> None:
    olive_job = JobStartFactory(participant=personas.other_participant)
    kim = client_for("keyworker")
    assert kim.get(outcomes_url(personas.other_participant.pk)).status_code == 404
    assert kim.get(reverse("api-v1:get_outcome", args=[olive_job.pk])).status_code == 404
    assert client_for("funder").get(reverse("api-v1:get_outcome", args=[olive_job.pk])).status_code == 404


def test_a_correction_is_versioned(personas: Personas, client_for: ClientFor) -> None:
    outcome = JobStartFactory(participant=personas.participant)
    url = reverse("api-v1:update_outcome", args=[outcome.pk])
    changed = send_json(client_for("keyworker"), "PATCH", url, {"version": 1, "hourly_pay": "9.00"})
    assert changed.status_code == 200
    assert (changed.json()["hourly_pay"], changed.json()["version"]) == ("9.00", 2)
    stale = send_json(client_for("partnership_manager"), "PATCH", url, {"version": 1, "hours_per_week": "30"})
    assert stale.status_code == 409
    assert send_json(client_for("keyworker"), "PATCH", url, {"version": 2, "kind": "training"}).status_code == 400


def test_kim_answers_a_due_check(personas: Personas, client_for: ClientFor) -> None:
    outcome = JobStartFactory(participant=personas.participant)
    schedule_sustainment_checks.call(outcome.pk)
    kim = client_for("keyworker")
    due = kim.get(reverse("api-v1:due_sustainment_checks"))
    assert due.status_code == 200
    assert [(row["weeks"], row["participant_name"]) for row in due.json()] == [
        (4, "Pat Participant"),
        (13, "Pat Participant"),
        (26, "Pat Participant"),
        (52, "Pat Participant"),
    ]
    check = SustainmentCheck.objects.get(outcome=outcome, weeks=4)
    url = reverse("api-v1:answer_sustainment_check", args=[check.pk])
    answered = send_json(kim, "POST", url, {"version": 1, "status": "in_work", "checked_on": "2016-04-05"})
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["version"]) == ("in_work", 2)
    assert (
        send_json(kim, "POST", url, {"version": 1, "status": "in_work", "checked_on": "2016-04-05"}).status_code == 409
    )
    assert len(kim.get(reverse("api-v1:due_sustainment_checks")).json()) == 3


def test_nobody_elses_checks_are_due_for_the_funder(personas: Personas, client_for: ClientFor) -> None:
    SustainmentCheckFactory(outcome=JobStartFactory(participant=personas.participant))
    assert client_for("funder").get(reverse("api-v1:due_sustainment_checks")).json() == []
