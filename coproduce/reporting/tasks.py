"""The rollups' refresh as a background task (django-tasks, ADR 0002).

Production runs `manage.py refresh_rollups` from cron every 5 minutes; the task does the same on
`manage.py db_worker`, for example queued by hand after a large import. Either takes
`run_alone(ROLLUP_RUN)`, so two workers (or a worker and cron) never count at once.
"""

from django_tasks import task

from coproduce.core.locks import run_alone
from coproduce.reporting.rollups import ROLLUP_RUN, refresh_rollups


@task()
def refresh_rollups_task(everything: bool = False) -> list[int] | None:
    """Refresh the rollups of partnerships whose records changed (all with `everything`). Returns the
    partnerships counted again, or None if another refresh was under way."""
    with run_alone(ROLLUP_RUN) as alone:
        if not alone:
            return None
        return refresh_rollups(everything=everything).refreshed
