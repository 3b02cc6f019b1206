"""Writing audit events. Every read of personal data and every change calls one of these."""

from collections.abc import Iterable
from typing import Any

from django.db import models

from coproduce.audit.models import AuditEvent


def record_event(
    *,
    actor: Any,
    actor_role: str,
    action: str,
    channel: str,
    record: models.Model,
    participant_id: int | None,
    purpose: str = "",
    changed_fields: Iterable[str] = (),
    path: str = "",
) -> AuditEvent:
    """Append one event. `actor` is a user or None (a member of the public, or the system)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=actor_role,
        action=action,
        channel=channel,
        record_type=record._meta.label,
        record_id=str(record.pk),
        participant_id=participant_id,
        purpose=purpose[:120],
        changed_fields=sorted(changed_fields),
        path=path[:300],
    )


def record_participant_reads(
    *,
    actor: Any,
    actor_role: str,
    participant_ids: Iterable[int],
    action: str,
    channel: str,
    purpose: str,
    path: str = "",
    record_type: str = "participants.Participant",
) -> None:
    """Append one event per participant whose personal data was shown, in a single query."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                actor_role=actor_role,
                action=action,
                channel=channel,
                record_type=record_type,
                record_id=str(participant_id),
                participant_id=participant_id,
                purpose=purpose[:120],
                path=path[:300],
            )
            for participant_id in participant_ids
        ]
    )
