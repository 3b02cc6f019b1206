"""Asking for new audit events to be sealed soon, without making anyone wait for it.

Appending an event (coproduce/audit/models.py) asks, once per transaction, for a check after
the commit: if no seal task is on its way, one is queued to run `COPRODUCE_AUDIT_SEAL_INTERVAL_SECONDS`
later on `manage.py db_worker`. The flag "a seal task is on its way" lives in the shared cache,
so that every process and machine queues at most one between them; it expires by itself if
the worker never ran the task. Requests never take a lock for this and never seal.

With a task backend that cannot run a task later (the immediate one of local development and
the demo), the task runs at once, after the commit of the request that queued it, at most once
an interval: the flag then simply lasts one interval.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

SEAL_PENDING_KEY = "coproduce.audit.seal-pending"


def sealing_interval() -> int:
    return int(settings.COPRODUCE_AUDIT_SEAL_INTERVAL_SECONDS)


def pending_flag_lifetime() -> int:
    """How long "a seal task is on its way" is believed: a few intervals, then ask again."""
    return 5 * sealing_interval() + 60


def request_sealing(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """After the current transaction commits, make sure a seal task is on its way.

    Does nothing when automatic sealing is off (an interval of 0: tests, or sealing by cron).
    """
    if sealing_interval() <= 0:
        return
    connection = connections[using]
    # One check per transaction however many events it appends.
    if connection.in_atomic_block and any(entry[1] is _queue_seal_task for entry in connection.run_on_commit):
        return
    transaction.on_commit(_queue_seal_task, using=using, robust=True)


def _queue_seal_task() -> None:
    if cache.get(SEAL_PENDING_KEY) is not None:
        return
    queue_seal_task()


def queue_seal_task(*, after: datetime.timedelta | None = None) -> bool:
    """Queue the seal task to run `after` from now (default: one interval), unless one is already
    on its way. Returns whether this call queued it."""
    # Imported here: tasks.py imports this module, and the worker finds a queued task by
    # its path (coproduce.audit.tasks.seal_audit_log_task),
    # so the task stays there and queueing it is the one call back.
    from coproduce.audit.tasks import seal_audit_log_task

    task = seal_audit_log_task
    later = can_queue_later()
    lifetime = pending_flag_lifetime() if later else sealing_interval()
    if not cache.add(SEAL_PENDING_KEY, timezone.now().isoformat(), timeout=lifetime):
        return False
    if later:
        delay = after if after is not None else datetime.timedelta(seconds=sealing_interval())
        task = task.using(run_after=timezone.now() + delay)
    try:
        task.enqueue()
    except Exception:
        cache.delete(SEAL_PENDING_KEY)
        raise
    return True


def seal_task_started() -> None:
    """The seal task has begun: events appended from now on need another one (where tasks run
    later; where they run at once, the flag keeps the next run an interval away)."""
    if can_queue_later():
        cache.delete(SEAL_PENDING_KEY)


def can_queue_later() -> bool:
    """Whether the task backend can run a task later (the database backend) rather than at once."""
    # Imported here, as in queue_seal_task.
    from coproduce.audit.tasks import seal_audit_log_task

    return bool(seal_audit_log_task.get_backend().supports_defer)
