"""Background work is done once with several workers, or a worker and cron, at it together
(docs/deployment.md): a message is claimed by one sender, a job start's checks are made once,
and the daily jobs run one at a time.

The tests with threads need PostgreSQL: SQLite takes turns over the whole database, so two
connections never race on a row there.
"""

import datetime
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from coproduce.core.locks import lock_key, run_alone
from coproduce.notifications import sending
from coproduce.notifications.models import Channel, Message
from coproduce.outcomes.models import SustainmentCheck
from coproduce.outcomes.tasks import schedule_sustainment_checks
from coproduce.retention.services import RETENTION_RUN
from tests.outcomes.factories import JobStartFactory
from tests.personas import Personas

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Needs PostgreSQL: two connections racing on one row."
)


def _messages(personas: Personas, count: int, **fields: Any) -> list[int]:
    now = timezone.now()
    return [
        Message.objects.create(
            participant=personas.participant,
            channel=Channel.TEXT,
            template="appointment-booked",
            template_version=1,
            to="+447700900001",
            idempotency_key=f"test:{index}",
            send_after=now - datetime.timedelta(minutes=1),
            **fields,
        ).pk
        for index in range(count)
    ]


def _at_once(work: Callable[[int], Any], workers: int = 2) -> list[Any]:
    """Run `work(worker_number)` in `workers` threads that start together; their results in order."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[number] = work(number)
        except BaseException as error:  # handed back to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


@pytest.mark.django_db
def test_a_message_is_claimed_once_however_often_it_is_asked(personas: Personas) -> None:
    [message_id] = _messages(personas, 1)
    now = timezone.now()

    assert sending._claim(message_id, now) is True
    assert sending._claim(message_id, now) is False
    assert Message.objects.get(pk=message_id).attempts == 1
    # A claim whose sender died is taken over, once.
    later = now + sending.STALE_CLAIM + datetime.timedelta(seconds=1)
    assert sending._claim(message_id, later) is True
    assert sending._claim(message_id, later) is False
    assert Message.objects.get(pk=message_id).attempts == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_claim_the_same_message(personas: Personas) -> None:
    ids = _messages(personas, 40)
    now = timezone.now()

    def claim_all(number: int) -> set[int]:
        # One goes forwards, the other backwards: they meet in the middle.
        order = ids if number == 0 else list(reversed(ids))
        return {message_id for message_id in order if sending._claim(message_id, now)}

    first, second = _at_once(claim_all)

    assert first.isdisjoint(second)
    assert first | second == set(ids)
    assert set(Message.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_scheduling_a_job_starts_checks_at_once_make_them_once(personas: Personas) -> None:
    outcome = JobStartFactory(participant=personas.participant)
    SustainmentCheck.objects.filter(outcome=outcome).delete()

    created = _at_once(lambda number: schedule_sustainment_checks.call(outcome.pk))

    assert sorted(created) == [0, 4]
    assert sorted(SustainmentCheck.objects.filter(outcome=outcome).values_list("weeks", flat=True)) == [4, 13, 26, 52]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_daily_job_runs_alone_across_connections() -> None:
    with run_alone("coproduce.test.job") as alone:
        assert alone is True
        [elsewhere] = _at_once(lambda number: _try("coproduce.test.job"), workers=1)
        [other_job] = _at_once(lambda number: _try("coproduce.test.other-job"), workers=1)
    [afterwards] = _at_once(lambda number: _try("coproduce.test.job"), workers=1)

    assert (elsewhere, other_job, afterwards) == (False, True, True)


def _try(name: str) -> bool:
    with run_alone(name) as alone:
        return alone


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_cron_finds_the_retention_run_under_way_and_does_nothing(personas: Personas) -> None:
    out = io.StringIO()
    with run_alone(RETENTION_RUN):
        _at_once(lambda number: call_command("apply_retention", stdout=out), workers=1)

    assert out.getvalue() == "Another retention run is under way: this one did nothing.\n"
    # A dry run changes nothing: it may look while a run is under way.
    dry = io.StringIO()
    with run_alone(RETENTION_RUN):
        _at_once(lambda number: call_command("apply_retention", "--dry-run", stdout=dry), workers=1)
    assert "under way" not in dry.getvalue()
    assert dry.getvalue()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_second_check_of_the_audit_log_does_nothing_while_one_runs(personas: Personas) -> None:
    from coproduce.audit.models import AuditVerification
    from coproduce.audit.tasks import check_audit_log_task
    from coproduce.audit.verification import VERIFICATION_RUN

    out = io.StringIO()
    with run_alone(VERIFICATION_RUN):
        _at_once(lambda number: call_command("verify_audit", "--notify", stdout=out), workers=1)
        [result] = _at_once(lambda number: check_audit_log_task.call(), workers=1)

    assert out.getvalue() == "Another check of the audit log is under way: this one did nothing.\n"
    assert result is None
    assert not AuditVerification.objects.exists()


def test_lock_keys_are_stable_signed_64_bit_numbers() -> None:
    key = lock_key(RETENTION_RUN)
    assert key == lock_key("coproduce.retention.run")
    assert -(2**63) <= key < 2**63
    assert key != lock_key("coproduce.audit.verification")


@pytest.mark.django_db
def test_on_sqlite_or_alone_a_job_may_always_run() -> None:
    with run_alone("coproduce.test.job") as alone:
        assert alone is True
