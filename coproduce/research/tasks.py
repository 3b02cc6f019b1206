"""Background tasks of the evaluation (django-tasks, ADR 0002): survey invitations.

`send_survey_invitations` runs when a survey opens (queued on commit by `open_survey`) and once a
day: `manage.py send_survey_invitations` queues it, from cron or a systemd timer beside
`manage.py db_worker`. Running it twice in a day invites nobody twice.
"""

import datetime

from django.utils import timezone
from django_tasks import task

from coproduce.research.services.surveys import send_due_invitations


@task()
def send_survey_invitations(today: str | None = None) -> int:
    """Invite everyone due at a point of an open survey. `today` is an ISO date (tests, catching up);
    it defaults to the local date. Returns how many were invited."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return send_due_invitations(today=day)
