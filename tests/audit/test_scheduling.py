"""After a commit that appended events, one seal task is queued (at most one on its way at a
time, whoever appends); requests never seal or wait for it where tasks run on the worker.

These tests commit for real (transactional_db), as requests do: the callbacks run after each commit.
"""

import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django_tasks import task_backends

from coproduce.audit.models import AuditEvent, AuditSeal
from coproduce.audit.tasks import seal_audit_log_task
from tests.audit.logbook import append_events

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime.datetime(2026, 3, 31, 9, 0, tzinfo=datetime.UTC)
DUMMY_BACKEND = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def every_minute(settings: Any) -> None:
    settings.COPRODUCE_AUDIT_SEAL_INTERVAL_SECONDS = 60


@pytest.fixture
def worker_backend(settings: Any, every_minute: None) -> list[Any]:
    """A backend that runs tasks later, like the database backend on `db_worker`: what it was asked to run."""
    settings.TASKS = DUMMY_BACKEND
    return task_backends["default"].results  # type: ignore[attr-defined, no-any-return]


def test_one_seal_task_is_queued_for_the_interval_after_the_commit(worker_backend: list[Any]) -> None:
    with (
        mock.patch("coproduce.audit.scheduling.timezone.now", return_value=NOW),
        mock.patch("django.db.transaction.on_commit", wraps=transaction.on_commit) as on_commit,
    ):
        with transaction.atomic():
            append_events(3)
            listed = AuditEvent(action="list", channel="page", record_type="x.Y", record_id="1")
            AuditEvent.objects.bulk_create([listed])
        # Another request commits before the task has run: the one on its way will take its events too.
        append_events(1)

    assert on_commit.call_count == 2  # once per transaction, however many events it appends
    assert [(result.task.name, result.task.run_after) for result in worker_backend] == [
        ("seal_audit_log_task", NOW + datetime.timedelta(seconds=60))
    ]
    assert AuditSeal.objects.count() == 0  # nothing sealed in the request


def test_the_task_seals_and_the_next_commit_queues_the_next_one(worker_backend: list[Any]) -> None:
    append_events(3)

    assert seal_audit_log_task.call() == 3

    assert len(worker_backend) == 1  # nothing left, so nothing more queued
    append_events(1)
    assert len(worker_backend) == 2


def test_events_too_recent_for_this_run_bring_the_task_back(settings: Any, worker_backend: list[Any]) -> None:
    settings.COPRODUCE_AUDIT_SEAL_GRACE_SECONDS = 5
    append_events(2)

    with mock.patch("coproduce.audit.scheduling.timezone.now", return_value=NOW):
        assert seal_audit_log_task.call() == 0

    assert [result.task.run_after for result in worker_backend] == [
        worker_backend[0].task.run_after,
        NOW + datetime.timedelta(seconds=60),
    ]


def test_where_tasks_run_at_once_the_first_commit_of_an_interval_seals(every_minute: None) -> None:
    """The immediate backend of local development and the demo: no worker to hand the task to."""
    with transaction.atomic():
        append_events(2)
    assert AuditSeal.objects.get().event_count == 2

    append_events(2)
    assert AuditSeal.objects.count() == 1  # the next seal waits for the next interval


def test_with_automatic_sealing_off_nothing_is_queued(settings: Any) -> None:
    settings.COPRODUCE_AUDIT_SEAL_INTERVAL_SECONDS = 0
    with mock.patch("django.db.transaction.on_commit") as on_commit:
        append_events(2)
    assert on_commit.call_count == 0


def test_a_failure_to_queue_never_undoes_or_breaks_the_request(
    every_minute: None, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        mock.patch("coproduce.audit.scheduling.queue_seal_task", side_effect=RuntimeError("cache is down")),
        transaction.atomic(),
    ):
        events = append_events(2)

    assert AuditEvent.objects.filter(pk__in=[event.pk for event in events]).count() == 2
    assert "cache is down" in caplog.text
