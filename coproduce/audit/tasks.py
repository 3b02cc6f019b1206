"""Background tasks of the audit (django-tasks, ADR 0002): sealing, and the daily check.

`seal_audit_log_task` is queued after a commit that appended events (coproduce/audit/scheduling.py)
and runs on `manage.py db_worker`. `check_audit_log_task` runs once a day: cron runs
`manage.py verify_audit --notify` (or queues this task) so that a failure reaches the administrators.
"""

import datetime
import logging

from django_tasks import task

from coproduce.audit.archiving import ARCHIVING_RUN, ArchiveError, archive_month, months_due
from coproduce.audit.partitions import ensure_partitions
from coproduce.audit.scheduling import can_queue_later, queue_seal_task, seal_task_started, sealing_interval
from coproduce.audit.sealing import grace, seal_audit_log
from coproduce.audit.verification import VERIFICATION_RUN, check_audit_log
from coproduce.core.locks import run_alone

logger = logging.getLogger(__name__)


@task()
def seal_audit_log_task() -> int:
    """Seal what is final now; if events were left (too recent, or held back by an unfinished
    writer or a busy database), queue the next run. Returns how many events were sealed."""
    seal_task_started()
    result = seal_audit_log()
    if result.seals or result.held_back:
        logger.info("Audit sealing: %s", result.summary())
    # Only a backend that runs tasks later can come back for them; the immediate one (local
    # development) would only run again at once and find them still too recent.
    if (result.unsealed_events or result.held_back) and sealing_interval() > 0 and can_queue_later():
        queue_seal_task(after=max(grace(), datetime.timedelta(seconds=sealing_interval())))
    return result.events_sealed


@task()
def check_audit_log_task() -> bool | None:
    """Check the whole audit log, record the outcome and email the administrators if it failed.
    Does nothing (and returns None) while another check runs: cron's, or another worker's."""
    with run_alone(VERIFICATION_RUN) as alone:
        if not alone:
            return None
        report, _ = check_audit_log(notify=True)
        return report.ok


@task()
def archive_audit_task() -> int:
    """Make the coming months' partitions and archive every month due (`manage.py archive_audit`);
    a month refused (not sealed, or not verifying) is logged and left. Returns how many were archived."""
    archived = 0
    with run_alone(ARCHIVING_RUN) as alone:
        if not alone:
            return archived
        ensure_partitions()
        for month in months_due():
            try:
                archive_month(month)
            except ArchiveError as error:
                logger.warning("Audit archiving: %s", error)
                continue
            archived += 1
    return archived
