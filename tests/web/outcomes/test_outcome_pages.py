"""Outcome pages: Kim records Pat's job and sees its quality, answers a due check from her caseload;
Pat reads his achievements. Every list takes the same queries however many rows."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.outcomes.models import Outcome, SustainmentCheck, WorkWish
from coproduce.outcomes.tasks import schedule_sustainment_checks
from tests.outcomes.factories import JobStartFactory, TrainingFactory, WorkWishFactory
from tests.personas import Personas

ClientFor = Callable[[str], Client]
JOB = {
    "kind": "job_start",
    "achieved_on": "2016-03-07",
    "description": "Care assistant",
    "goal": "",
    "employer_sector": "care",
    "hours_per_week": "20",
    "contract_type": "permanent",
    "hourly_pay": "8.25",
    "evidence": "contract",
    "evidence_note": "",
}


def text(response: Any) -> str:
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0].split(">", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_kim_records_pats_job_and_sees_that_it_fits(
    personas: Personas, client_for: ClientFor, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    WorkWishFactory(participant=personas.participant)
    kim = client_for("keyworker")
    with django_capture_on_commit_callbacks(execute=True):
        response = kim.post(reverse("web:outcome_add", args=[personas.participant.pk]), JOB)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:participant_outcomes", args=[personas.participant.pk])
    outcome = Outcome.objects.get()
    assert (outcome.kind, outcome.hourly_pay, outcome.recorded_by) == ("job_start", Decimal("8.25"), kim_user(personas))
    assert SustainmentCheck.objects.filter(outcome=outcome).count() == 4
    page = text(kim.get(reverse("web:participant_outcomes", args=[personas.participant.pk])))
    assert "Fits Paid at or above the real Living Wage (£8.25 on 7 March 2016)." in page
    assert "20 hours a week, within the 16 to 25 hours they wanted." in page
    assert "Permanent contract, one they would take." in page


def kim_user(personas: Personas) -> object:
    return personas.keyworker.user


def test_a_job_start_without_its_terms_is_explained_field_by_field(personas: Personas, client_for: ClientFor) -> None:
    data = {**JOB, "employer_sector": "", "hours_per_week": "", "contract_type": "", "hourly_pay": ""}
    response = client_for("keyworker").post(reverse("web:outcome_add", args=[personas.participant.pk]), data)
    assert response.status_code == 400
    page = text(response)
    for message in (
        "Choose the employer’s sector.",
        "Enter the hours a week.",
        "Choose the contract type.",
        "Enter the hourly pay, in pounds.",
    ):
        assert message in page
    assert Outcome.objects.count() == 0


def test_training_needs_no_job_terms(personas: Personas, client_for: ClientFor) -> None:
    data = {
        **JOB,
        "kind": "training",
        "description": "HNC",
        "employer_sector": "",
        "hourly_pay": "",
        "hours_per_week": "",
    }
    response = client_for("keyworker").post(reverse("web:outcome_add", args=[personas.participant.pk]), data)
    assert response.status_code == 302
    assert list(Outcome.objects.values_list("kind", "contract_type", "hourly_pay")) == [("training", "", None)]


def test_a_job_without_a_wish_is_shown_as_not_confirmed_and_below_the_wage(
    personas: Personas, client_for: ClientFor
) -> None:
    JobStartFactory(participant=personas.participant, hourly_pay=Decimal("7.50"))
    page = text(client_for("keyworker").get(reverse("web:participant_outcomes", args=[personas.participant.pk])))
    assert "Fit not confirmed" in page
    assert "Paid £7.50 an hour, below the real Living Wage (£8.25 on 7 March 2016)." in page
    assert "Record what work they want" in page


def test_a_stale_correction_is_a_conflict_and_saves_nothing(personas: Personas, client_for: ClientFor) -> None:
    outcome = JobStartFactory(participant=personas.participant)
    url = reverse("web:outcome_edit", args=[outcome.pk])
    data = {key: value for key, value in JOB.items() if key != "kind"}
    first = client_for("keyworker").post(url, {**data, "hourly_pay": "9.00", "version": 1})
    assert first.status_code == 302
    second = client_for("partnership_manager").post(url, {**data, "hourly_pay": "9.50", "version": 1})
    assert second.status_code == 409
    outcome.refresh_from_db()
    assert (outcome.hourly_pay, outcome.version) == (Decimal("9.00"), 2)


def test_kim_records_what_work_pat_wants(personas: Personas, client_for: ClientFor) -> None:
    url = reverse("web:work_wish_edit", args=[personas.participant.pk])
    data = {"min_hours": "16", "max_hours": "25", "contract_types": ["permanent", "fixed_term"], "note": "School hours"}
    assert client_for("keyworker").post(url, data).status_code == 302
    bad = client_for("keyworker").post(url, {**data, "min_hours": "30", "version": 1})
    assert bad.status_code == 400
    assert "The most hours cannot be fewer than the fewest hours." in text(bad)
    wish = WorkWish.objects.get()
    assert (wish.min_hours, wish.max_hours, wish.contract_types) == (
        Decimal("16.0"),
        Decimal("25.0"),
        ["permanent", "fixed_term"],
    )


def test_due_checks_wait_on_kims_caseload_and_she_answers_one(personas: Personas, client_for: ClientFor) -> None:
    outcome = JobStartFactory(participant=personas.participant)
    schedule_sustainment_checks.call(outcome.pk)
    kim = client_for("keyworker")
    caseload = kim.get(reverse("web:caseload"))
    page = text(caseload)
    assert "Sustainment checks due" in page
    assert "Pat Participant: 4 weeks check for the job started on 7 March 2016, due 4 April 2016" in page
    assert [check.weeks for check in caseload.context["due_checks"]] == [4, 13, 26, 52]
    record = text(kim.get(reverse("web:participant_detail", args=[personas.participant.pk])))
    assert "Outcomes, job quality and sustainment checks 4 checks due" in record
    check = SustainmentCheck.objects.get(outcome=outcome, weeks=4)
    response = kim.post(
        reverse("web:sustainment_check_answer", args=[check.pk]),
        {"status": "in_work", "checked_on": "2016-04-05", "note": "Loves it", "version": 1},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.status, check.checked_on, check.note, check.version) == (
        "in_work",
        datetime.date(2016, 4, 5),
        "Loves it",
        2,
    )
    assert [check.weeks for check in kim.get(reverse("web:caseload")).context["due_checks"]] == [13, 26, 52]


def test_olives_checks_are_not_on_kims_caseload_nor_answerable_by_her(
    personas: Personas, client_for: ClientFor
) -> None:
    outcome = JobStartFactory(participant=personas.other_participant)
    schedule_sustainment_checks.call(outcome.pk)
    kim = client_for("keyworker")
    assert kim.get(reverse("web:caseload")).context["due_checks"] == []
    check = SustainmentCheck.objects.get(outcome=outcome, weeks=4)
    assert kim.get(reverse("web:sustainment_check_answer", args=[check.pk])).status_code == 404


def test_pat_reads_his_achievements_and_the_reading_is_audited(personas: Personas, client_for: ClientFor) -> None:
    WorkWishFactory(participant=personas.participant)
    outcome = JobStartFactory(participant=personas.participant, hours_per_week=Decimal("30"))
    schedule_sustainment_checks.call(outcome.pk)
    TrainingFactory(participant=personas.participant)
    # A description no generated name can contain: the recorder's random name may be "Oliver".
    JobStartFactory(participant=personas.other_participant, description="Job-of-someone-else-7Q")
    pat = client_for("participant")
    page = text(pat.get(reverse("web:my_achievements")))
    assert "Started a job: Care assistant" in page
    # Pat reads about his own job: "you", never "they".
    assert "30 hours a week, outside the 16 to 25 hours you wanted." in page
    assert "they wanted" not in page
    assert "one they would take" not in page
    assert "they said they would take" not in page
    assert "Started training or education: HNC Social Care" in page
    assert "4 weeks (4 Apr 2016): your keyworker will be in touch" in page
    assert "Job-of-someone-else-7Q" not in page
    assert "16 to 25 hours a week; permanent, fixed term. “School hours only.”" in page
    assert AuditEvent.objects.filter(
        actor=personas.participant.user, participant_id=personas.participant.pk, action="view"
    ).exists()


@pytest.mark.parametrize("how_many", [1, 12])
def test_the_outcomes_page_takes_the_same_queries_however_many(
    personas: Personas, sign_in: Callable[..., Client], django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    WorkWishFactory(participant=personas.participant)
    for _ in range(how_many):
        schedule_sustainment_checks.call(JobStartFactory(participant=personas.participant).pk)
        TrainingFactory(participant=personas.participant)
    client = sign_in(personas.keyworker.user)
    url = reverse("web:participant_outcomes", args=[personas.participant.pk])
    # The same number for one row as for many: no query per outcome or per check.
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["rows"]) == 2 * how_many


@pytest.mark.parametrize("how_many", [1, 12])
def test_my_achievements_takes_the_same_queries_however_many(
    personas: Personas, sign_in: Callable[..., Client], django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    for _ in range(how_many):
        schedule_sustainment_checks.call(JobStartFactory(participant=personas.participant).pk)
        TrainingFactory(participant=personas.participant)
    client = sign_in(personas.participant.user)
    # The same number for one row as for many: no query per outcome or per check.
    with django_assert_num_queries(10):
        response = client.get(reverse("web:my_achievements"))
    assert len(response.context["rows"]) == 2 * how_many
