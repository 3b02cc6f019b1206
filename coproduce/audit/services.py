"""Writing audit events: the one place every read of personal data and every change is recorded.

Who acted comes from the caller; how the request reached us (channel, path) and, where a page
or command knows it, why (purpose) come from the request's details (coproduce/audit/context.py),
set once per request. The actor's role, and the purpose that role implies, come from their
Standing, worked out once per request.
"""

from collections.abc import Iterable

from django.db import models

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.models import User
from coproduce.audit.context import current
from coproduce.audit.models import AuditEvent
from coproduce.programmes.standing import standing_of

PURPOSE_LENGTH = 120


def _who(actor: ActingUser | None, actor_role: str | None, purpose: str) -> tuple[User | None, str, str]:
    """The user to record (None for the public or the system), their role and the purpose."""
    user = actor if isinstance(actor, User) else None
    chosen_purpose = purpose or current().purpose
    if user is None:
        return None, actor_role or "", chosen_purpose[:PURPOSE_LENGTH]
    standing = standing_of(user)
    role = standing.role_label if actor_role is None else actor_role
    return user, role, (chosen_purpose or standing.purpose_for())[:PURPOSE_LENGTH]


def record_event(
    *,
    actor: ActingUser | None,
    action: str,
    record: models.Model,
    participant_id: int | None,
    changed_fields: Iterable[str] = (),
    purpose: str = "",
    actor_role: str | None = None,
) -> AuditEvent:
    """Append one event: `actor` (a user, or None for a member of the public or the system) did
    `action` to `record`, which holds `participant_id`'s personal data if it is given.

    `changed_fields` names the fields changed, never their values. `actor_role` is only for
    someone who has no account ("public"); everyone else's role comes from their Standing.
    """
    user, role, chosen_purpose = _who(actor, actor_role, purpose)
    details = current()
    return AuditEvent.objects.create(
        actor=user,
        actor_role=role,
        action=action,
        channel=details.channel,
        record_type=record._meta.label,
        record_id=str(record.pk),
        participant_id=participant_id,
        purpose=chosen_purpose,
        changed_fields=sorted(changed_fields),
        path=details.path,
        api_token_name=details.api_token_name,
    )


def record_events(
    *,
    actor: ActingUser | None,
    action: str,
    records: Iterable[tuple[str, object, int | None]],
    changed_fields: Iterable[str] = (),
    purpose: str = "",
    actor_role: str | None = None,
) -> None:
    """Append one event per `(record type, record id, participant id)`, all in a single query: for
    lists, and for changes made to many rows at once. `actor_role` as for `record_event`."""
    user, role, chosen_purpose = _who(actor, actor_role, purpose)
    details = current()
    fields = sorted(changed_fields)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=user,
                actor_role=role,
                action=action,
                channel=details.channel,
                record_type=record_type,
                record_id=str(record_id),
                participant_id=participant_id,
                purpose=chosen_purpose,
                changed_fields=fields,
                path=details.path,
                api_token_name=details.api_token_name,
            )
            for record_type, record_id, participant_id in records
        ]
    )


def record_participant_reads(
    *,
    actor: ActingUser,
    participant_ids: Iterable[int],
    action: str = AuditEvent.Action.LIST,
    record_type: str = "participants.Participant",
    purpose: str = "",
) -> None:
    """Append one event per participant whose personal data was shown, in a single query."""
    record_events(
        actor=actor,
        action=action,
        records=((record_type, participant_id, participant_id) for participant_id in participant_ids),
        purpose=purpose,
    )
