"""Background tasks (django-tasks, ADR 0002): sustainment checks for a job start."""

import datetime

from django.db import transaction
from django_tasks import task

from coproduce.notifications import events as notify
from coproduce.outcomes.models import Outcome, SustainmentCheck

CHECK_WEEKS: tuple[int, ...] = tuple(SustainmentCheck.Weeks.values)


def check_due_on(started_on: datetime.date, weeks: int) -> datetime.date:
    return started_on + datetime.timedelta(weeks=weeks)


@task()
def schedule_sustainment_checks(outcome_id: int) -> int:
    """Create the 4, 13, 26 and 52-week checks of a job start; idempotent. Returns how many were created.

    Checks already there are left alone (an answered check keeps its answer); a check still due
    follows the start date if that was corrected.
    """
    created = 0
    with transaction.atomic():
        outcome = Outcome.objects.select_for_update().filter(pk=outcome_id, kind=Outcome.Kind.JOB_START).first()
        if outcome is None:
            return 0
        existing = {check.weeks: check for check in outcome.sustainment_checks.all()}
        for weeks in CHECK_WEEKS:
            due_on = check_due_on(outcome.achieved_on, weeks)
            check = existing.get(weeks)
            if check is None:
                check = SustainmentCheck.objects.create(outcome=outcome, weeks=weeks, due_on=due_on)
                notify.sustainment_check_due(check=check, participant=outcome.participant)
                created += 1
            elif check.status == SustainmentCheck.Status.DUE and check.due_on != due_on:
                check.due_on = due_on
                check.bump_version()
                check.save(update_fields=["due_on", "version", "updated_at"])
    return created
