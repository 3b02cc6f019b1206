"""Recording outcomes, work wishes and sustainment checks: who may, what is checked, what is audited."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.outcomes.models import Outcome, SustainmentCheck, WorkWish
from coproduce.outcomes.selectors import due_sustainment_checks_for, outcome_rows, outcomes_visible_to
from coproduce.outcomes.services import answer_sustainment_check, record_outcome, set_work_wish, update_outcome
from coproduce.outcomes.tasks import schedule_sustainment_checks
from tests.outcomes.factories import JobStartFactory, SustainmentCheckFactory, WorkWishFactory
from tests.personas import Personas

pytestmark = pytest.mark.django_db

JOB: dict[str, Any] = {
    "kind": Outcome.Kind.JOB_START,
    "achieved_on": datetime.date(2016, 3, 7),
    "description": "Care assistant",
    "employer_sector": "care",
    "hours_per_week": Decimal("20"),
    "contract_type": "permanent",
    "hourly_pay": Decimal("8.25"),
    "evidence": Outcome.Evidence.CONTRACT,
}


def _audits(record: object, action: str) -> list[tuple[str, int | None, str]]:
    events = AuditEvent.objects.filter(record_type=record._meta.label, record_id=str(record.pk), action=action)  # type: ignore[attr-defined]
    return [(event.actor.username, event.participant_id, event.channel) for event in events]


def test_kim_records_pats_job_start_and_its_four_checks_are_scheduled(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    kim = personas.keyworker.user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = record_outcome(actor=kim, participant_id=personas.participant.pk, **JOB)
    assert len(callbacks) == 1
    assert (outcome.kind, outcome.hourly_pay, outcome.recorded_by) == ("job_start", Decimal("8.25"), kim)
    assert _audits(outcome, "create") == [(kim.username, personas.participant.pk, "system")]
    checks = list(outcome.sustainment_checks.order_by("weeks").values_list("weeks", "due_on", "status"))
    assert checks == [
        (4, datetime.date(2016, 4, 4), "due"),
        (13, datetime.date(2016, 6, 6), "due"),
        (26, datetime.date(2016, 9, 5), "due"),
        (52, datetime.date(2017, 3, 6), "due"),
    ]


def test_scheduling_twice_creates_the_checks_once(personas: Personas) -> None:
    outcome = JobStartFactory(participant=personas.participant)
    assert schedule_sustainment_checks.call(outcome.pk) == 4
    assert schedule_sustainment_checks.call(outcome.pk) == 0
    schedule_sustainment_checks.enqueue(outcome.pk)
    assert SustainmentCheck.objects.filter(outcome=outcome).count() == 4


def test_training_schedules_no_checks(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = record_outcome(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            kind=Outcome.Kind.TRAINING,
            achieved_on=datetime.date(2015, 9, 1),
            description="HNC Social Care",
            hourly_pay=Decimal("9"),
            evidence=Outcome.Evidence.PROVIDER,
        )
    assert callbacks == []
    assert outcome.hourly_pay is None  # job terms are not kept on training
    assert SustainmentCheck.objects.count() == 0


def test_a_job_start_without_its_terms_is_refused_field_by_field(personas: Personas) -> None:
    terms = {**JOB, "employer_sector": "", "hours_per_week": None, "contract_type": "", "hourly_pay": None}
    with pytest.raises(InvalidInput) as error:
        record_outcome(actor=personas.keyworker.user, participant_id=personas.participant.pk, **terms)
    assert sorted(error.value.errors) == ["contract_type", "employer_sector", "hourly_pay", "hours_per_week"]
    assert Outcome.objects.count() == 0


def test_dates_in_the_future_or_before_joining_are_refused(personas: Personas) -> None:
    kim = personas.keyworker.user
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput) as error:
        record_outcome(actor=kim, participant_id=personas.participant.pk, **{**JOB, "achieved_on": tomorrow})
    assert error.value.errors == {"achieved_on": ["The date cannot be in the future."]}
    with pytest.raises(InvalidInput) as error:
        record_outcome(
            actor=kim, participant_id=personas.participant.pk, **{**JOB, "achieved_on": datetime.date(2015, 3, 1)}
        )
    assert error.value.errors == {"achieved_on": ["The date cannot be before they joined, on 2 March 2015."]}


def test_only_the_people_working_with_a_participant_record_outcomes(personas: Personas) -> None:
    with pytest.raises(NotFound):
        record_outcome(actor=personas.keyworker.user, participant_id=personas.other_participant.pk, **JOB)
    with pytest.raises(NotAllowed):
        record_outcome(actor=personas.participant.user, participant_id=personas.participant.pk, **JOB)
    with pytest.raises(NotFound):
        record_outcome(actor=personas.funder.user, participant_id=personas.participant.pk, **JOB)
    outcome = record_outcome(actor=personas.manager.user, participant_id=personas.other_participant.pk, **JOB)
    assert outcome.participant == personas.other_participant


def test_correcting_an_outcome_is_versioned_and_audited(personas: Personas) -> None:
    kim = personas.keyworker.user
    outcome = JobStartFactory(participant=personas.participant)
    updated = update_outcome(
        actor=kim, outcome_id=outcome.pk, expected_version=1, changes={"hourly_pay": Decimal("8.50")}
    )
    assert (updated.hourly_pay, updated.version) == (Decimal("8.50"), 2)
    assert _audits(outcome, "change") == [(kim.username, personas.participant.pk, "system")]
    with pytest.raises(ConflictError):
        update_outcome(actor=kim, outcome_id=outcome.pk, expected_version=1, changes={"hours_per_week": Decimal(30)})
    with pytest.raises(InvalidInput):
        update_outcome(actor=kim, outcome_id=outcome.pk, expected_version=2, changes={"kind": "training"})
    outcome.refresh_from_db()
    assert (outcome.hours_per_week, outcome.kind) == (Decimal("20.0"), "job_start")


def test_correcting_the_start_date_moves_the_checks_still_due(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    outcome = JobStartFactory(participant=personas.participant)
    schedule_sustainment_checks.call(outcome.pk)
    SustainmentCheck.objects.filter(outcome=outcome, weeks=4).update(
        status="in_work", checked_on=datetime.date(2016, 4, 5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        update_outcome(
            actor=personas.keyworker.user,
            outcome_id=outcome.pk,
            expected_version=1,
            changes={"achieved_on": datetime.date(2016, 3, 14)},
        )
    assert list(outcome.sustainment_checks.order_by("weeks").values_list("weeks", "due_on")) == [
        (4, datetime.date(2016, 4, 4)),
        (13, datetime.date(2016, 6, 13)),
        (26, datetime.date(2016, 9, 12)),
        (52, datetime.date(2017, 3, 13)),
    ]


def test_a_wish_is_set_then_changed_with_its_version(personas: Personas) -> None:
    pat = personas.participant.user
    wish = set_work_wish(
        actor=pat,
        participant_id=personas.participant.pk,
        min_hours=Decimal(16),
        max_hours=Decimal(25),
        contract_types=["fixed_term", "permanent"],
        note=" School hours ",
    )
    assert (wish.contract_types, wish.note, wish.version) == (["permanent", "fixed_term"], "School hours", 1)
    with pytest.raises(InvalidInput):
        set_work_wish(
            actor=pat,
            participant_id=personas.participant.pk,
            min_hours=Decimal(10),
            max_hours=Decimal(20),
            contract_types=["permanent"],
        )
    changed = set_work_wish(
        actor=personas.keyworker.user,
        participant_id=personas.participant.pk,
        min_hours=Decimal(10),
        max_hours=Decimal(20),
        contract_types=["permanent"],
        expected_version=1,
    )
    assert (changed.min_hours, changed.version) == (Decimal(10), 2)
    assert WorkWish.objects.count() == 1
    with pytest.raises(InvalidInput) as error:
        set_work_wish(
            actor=pat,
            participant_id=personas.participant.pk,
            min_hours=Decimal(30),
            max_hours=Decimal(20),
            contract_types=[],
            expected_version=2,
        )
    assert sorted(error.value.errors) == ["contract_types", "max_hours"]


def test_answering_a_check_records_who_when_and_how(personas: Personas) -> None:
    kim = personas.keyworker.user
    check = SustainmentCheckFactory(outcome=JobStartFactory(participant=personas.participant))
    answered = answer_sustainment_check(
        actor=kim,
        check_id=check.pk,
        expected_version=1,
        status="in_work",
        checked_on=datetime.date(2016, 4, 5),
        note="Loves it.",
    )
    assert (answered.status, answered.checked_by, answered.version) == ("in_work", kim, 2)
    assert _audits(check, "change") == [(kim.username, personas.participant.pk, "system")]
    with pytest.raises(ConflictError):
        answer_sustainment_check(
            actor=kim, check_id=check.pk, expected_version=1, status="no_contact", checked_on=datetime.date(2016, 4, 6)
        )
    with pytest.raises(InvalidInput):
        answer_sustainment_check(
            actor=kim, check_id=check.pk, expected_version=2, status="due", checked_on=datetime.date(2016, 4, 6)
        )
    with pytest.raises(NotFound):
        answer_sustainment_check(
            actor=personas.other_keyworker.user,
            check_id=check.pk,
            expected_version=2,
            status="in_work",
            checked_on=datetime.date(2016, 4, 6),
        )


def test_due_checks_are_those_due_by_today_and_not_yet_answered(personas: Personas) -> None:
    outcome = JobStartFactory(participant=personas.participant)
    schedule_sustainment_checks.call(outcome.pk)
    olive_job = JobStartFactory(participant=personas.other_participant)
    schedule_sustainment_checks.call(olive_job.pk)
    SustainmentCheck.objects.filter(outcome=outcome, weeks=4).update(
        status="in_work", checked_on=datetime.date(2016, 4, 4)
    )
    due = due_sustainment_checks_for(personas.keyworker.user, datetime.date(2016, 9, 5))
    assert [(check.outcome.participant.given_name, check.weeks) for check in due] == [("Pat", 13), ("Pat", 26)]
    assert due_sustainment_checks_for(personas.funder.user, datetime.date(2020, 1, 1)).count() == 0


def test_outcome_rows_carry_job_quality(personas: Personas) -> None:
    WorkWishFactory(participant=personas.participant)
    JobStartFactory(participant=personas.participant, hourly_pay=Decimal("8.00"))
    rows = outcome_rows(personas.keyworker.user, personas.participant)
    assert [(row.fit.pay_ok, row.fit.fits) for row in rows if row.fit] == [(False, False)]
    assert outcomes_visible_to(personas.other_keyworker.user).count() == 0
