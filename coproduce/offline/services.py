"""Taking participants on today's visits, and dropping them. Each change is audited."""

import datetime

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotAllowed
from coproduce.offline.models import VisitMark
from coproduce.participants.selectors import visible_participant
from coproduce.programmes.standing import standing_of

# What is on a phone is gone a day later, whatever happens to the phone (docs/offline.md).
MARK_LIFETIME = datetime.timedelta(hours=24)


def take_on_visits(*, actor: ActingUser, participant_id: int, now: datetime.datetime | None = None) -> VisitMark:
    """Mark a participant for the keyworker's visits: their summary may go onto the keyworker's phone
    for 24 hours. Marking again renews the 24 hours. Only their keyworker or a covering keyworker."""
    now = now or timezone.now()
    with transaction.atomic():
        participant = visible_participant(actor, participant_id)
        staff_member = standing_of(actor).staff_member
        if staff_member is None or not rules.has_perm("offline.take_on_visits", actor, participant):
            raise NotAllowed("Only their keyworker, or a keyworker covering for them, can take them on visits.")
        mark, _created = VisitMark.objects.update_or_create(
            keyworker=staff_member,
            participant=participant,
            defaults={"marked_by": actor, "marked_at": now, "expires_at": now + MARK_LIFETIME},
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=mark,
            participant_id=participant.pk,
            changed_fields=["expires_at"],
        )
    return mark


def drop_from_visits(*, actor: ActingUser, participant_id: int) -> bool:
    """Take a participant off the keyworker's visits; their summary leaves the phone at the next
    refresh. Returns whether there was a mark to remove."""
    with transaction.atomic():
        participant = visible_participant(actor, participant_id)
        staff_member = standing_of(actor).staff_member
        if staff_member is None:
            raise NotAllowed("Only keyworkers take people on visits.")
        mark = VisitMark.objects.select_for_update().filter(keyworker=staff_member, participant=participant).first()
        if mark is None:
            return False
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=mark,
            participant_id=participant.pk,
            changed_fields=["removed"],
        )
        mark.delete()
    return True
