"""The daily reminder to partnership managers of the requests for a copy of someone's data that
are due. Here rather than among notifications' events because it reads subject access requests,
and subject access sits above notifications (a person's copy holds the messages sent to them).
"""

import datetime

from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.notifications.events import staff_told
from coproduce.notifications.models import StaffContactPreference, StaffTopic
from coproduce.notifications.scheduling import at_local
from coproduce.notifications.selectors import message_settings_of
from coproduce.programmes.models import StaffMember
from coproduce.subject_access.models import SubjectAccessRequest
from coproduce.subject_access.selectors import DUE_SOON_DAYS


def requests_due(*, today: datetime.date) -> int:
    """Once a day, each partnership manager who asked for it hears that requests for a copy of
    someone's data are due within a week or late (run by `send_messages`; the key holds the day,
    so running every 5 minutes sends one a day). Returns how many managers were told."""
    # Topics are a JSON list, which SQLite cannot search inside: the few staff choices are read here.
    wanting = [
        preference.user_id
        for preference in StaffContactPreference.objects.only("user_id", "topics")
        if StaffTopic.REQUESTS_DUE in preference.topics
    ]
    told = 0
    managers = StaffMember.objects.filter(
        user_id__in=wanting, is_active=True, roles__role=Role.PARTNERSHIP_MANAGER, partnership__isnull=False
    ).select_related("user", "partnership")
    for manager in managers.distinct():
        if manager.partnership is None:
            continue
        due = SubjectAccessRequest.objects.filter(
            participant__partnership_id=manager.partnership.pk,
            kind=SubjectAccessRequest.Kind.MADE_TO_STAFF,
            due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        ).exclude(status=SubjectAccessRequest.Status.RELEASED)
        if not due.exists():
            continue
        timings = message_settings_of(manager.partnership.programme_id)
        if staff_told(
            actor=None,
            user=manager.user,
            template="staff-requests-due",
            key=f"staff-requests-due:{manager.user_id}:{today.isoformat()}",
            url_name="web:subject_access_list",
            partnership_id=manager.partnership_id,
            due_at=max(at_local(today, timings.morning_reminder_time), timezone.now()),
        ):
            told += 1
    return told
