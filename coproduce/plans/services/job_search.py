"""The participant's job-search log: entries they (or their keyworker, with them) add, change and remove."""

import datetime
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.participants.selectors import participants_visible_to, visible_participant
from coproduce.plans.models import JobSearchEntry

EDITABLE_FIELDS = ("searched_on", "employer", "role", "action", "what_i_did", "outcome")


def _check_date(searched_on: Any) -> None:
    if not isinstance(searched_on, datetime.date):
        raise InvalidInput({"searched_on": ["Enter the date, like 2024-03-31."]})
    if searched_on > timezone.localdate():
        raise InvalidInput({"searched_on": ["The date cannot be in the future."]})


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def add_job_search_entry(
    *,
    actor: ActingUser,
    participant_id: int,
    searched_on: datetime.date,
    action: str,
    employer: str = "",
    role: str = "",
    what_i_did: str = "",
    outcome: str = "",
) -> JobSearchEntry:
    """Add an entry to the participant's own log: by them, or by their keyworker with them."""
    with transaction.atomic():
        participant = visible_participant(actor, participant_id)
        if not rules.has_perm("plans.log_job_search", actor, participant):
            raise NotAllowed("You cannot add to this person's job-search log.")
        _check_date(searched_on)
        entry = JobSearchEntry(
            participant=participant,
            searched_on=searched_on,
            action=action,
            employer=_clean(employer),
            role=_clean(role),
            what_i_did=_clean(what_i_did),
            outcome=_clean(outcome),
            recorded_by=signed_in(actor),
        )
        validate_model(entry, exclude=["participant", "recorded_by"])
        entry.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=entry,
            participant_id=participant.pk,
            changed_fields=[name for name in EDITABLE_FIELDS if getattr(entry, name)],
        )
    return entry


def _entry_for_change(actor: ActingUser, entry_id: int, permission: str) -> JobSearchEntry:
    entry = (
        JobSearchEntry.objects.select_for_update()
        .filter(pk=entry_id, participant__in=participants_visible_to(actor))
        .select_related("participant")
        .first()
    )
    if entry is None:
        raise NotFound("No such job-search entry.")
    if not rules.has_perm(permission, actor, entry.participant):
        raise NotAllowed("You cannot change this person's job-search log.")
    return entry


def update_job_search_entry(
    *,
    actor: ActingUser,
    entry_id: int,
    expected_version: int,
    changes: dict[str, Any],
) -> JobSearchEntry:
    """Change an entry. Fails with ConflictError if someone changed it since `expected_version`."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    with transaction.atomic():
        entry = _entry_for_change(actor, entry_id, "plans.log_job_search")
        entry.check_version(expected_version)
        changed = []
        for name, value in changes.items():
            value = _clean(value)
            if name == "searched_on":
                _check_date(value)
            if getattr(entry, name) != value:
                setattr(entry, name, value)
                changed.append(name)
        if not changed:
            return entry
        validate_model(entry, exclude=["participant", "recorded_by"])
        entry.bump_version()
        entry.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=entry,
            participant_id=entry.participant_id,
            changed_fields=changed,
        )
    return entry


def delete_job_search_entry(
    *,
    actor: ActingUser,
    entry_id: int,
    expected_version: int,
) -> None:
    """Remove an entry from the log (its history is kept).

    It is the participant's log: they may remove any entry in it; staff only entries they added.
    """
    with transaction.atomic():
        entry = _entry_for_change(actor, entry_id, "plans.log_job_search")
        if not rules.has_perm("plans.remove_job_search_entry", actor, entry):
            raise NotAllowed("Only the participant, or whoever added it, can remove this entry.")
        entry.check_version(expected_version)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=entry,
            participant_id=entry.participant_id,
            changed_fields=["deleted"],
        )
        entry.delete()


def record_job_search_export(*, actor: ActingUser, participant: Any) -> None:
    """Audit that someone printed (exported) a participant's job-search log."""
    record_event(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        record=participant,
        participant_id=participant.pk,
    )
