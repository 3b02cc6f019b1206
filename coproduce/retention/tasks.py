"""The daily retention run as a background task (django-tasks, ADR 0002).

Production runs `manage.py apply_retention` once a day from cron or a systemd timer, which does
the same work in the foreground and prints what it did; the task is for running it on the
worker (`manage.py db_worker`), for example straight after a schedule is shortened.
"""

import datetime
from contextlib import nullcontext

from django.utils import timezone
from django_tasks import task

from coproduce.core.locks import run_alone
from coproduce.retention.services import RETENTION_RUN, apply_retention


@task()
def apply_retention_task(today: str | None = None, dry_run: bool = False) -> dict[str, int | None]:
    """Apply the retention schedules as of `today` (an ISO date; default the local date). Returns
    the counts of what was anonymised, removed or deleted (or would be, in a dry run); none if
    another run (cron's, or another worker's) was under way."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with run_alone(RETENTION_RUN) if not dry_run else nullcontext(True) as alone:
        if not alone:
            return {}
        return apply_retention(today=day, dry_run=dry_run).as_counts()
