"""Contacts with a participant (visits, calls, messages, groups) and their notes. Every change audited.

A note can be hidden from the participant only for a stated safeguarding reason (DESIGN.md §2.1);
the restriction and its lifting are audited, and partnership managers see the reason.
"""

import datetime
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.participants.selectors import visible_participant
from coproduce.plans.models import Contact
from coproduce.plans.selectors.contacts import contacts_visible_to

CONTACT_FIELDS = ("happened_on", "kind", "duration_minutes", "notes")


def _check_details(*, happened_on: datetime.date | None, kind: str, duration_minutes: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in Contact.Kind.values:
        errors["kind"] = ["Choose what kind of contact it was."]
    if happened_on is None:
        errors["happened_on"] = ["Enter the date of the contact."]
    elif happened_on > timezone.localdate():
        errors["happened_on"] = ["The date of a contact cannot be in the future."]
    if duration_minutes is not None and not 1 <= duration_minutes <= 24 * 60:
        errors["duration_minutes"] = ["Enter how many minutes it lasted, from 1 to 1440."]
    if errors:
        raise InvalidInput(errors)


def _locked_contact(actor: ActingUser, contact_id: int) -> Contact:
    # A note restricted from the participant does not exist for them (404, not 403).
    contact = contacts_visible_to(actor).select_for_update().filter(pk=contact_id).select_related("participant").first()
    if contact is None:
        raise NotFound("No such contact.")
    return contact


def record_contact(
    *,
    actor: ActingUser,
    participant_id: int,
    happened_on: datetime.date,
    kind: str,
    duration_minutes: int | None = None,
    notes: str = "",
) -> Contact:
    """Record a contact with a participant: their keyworker, a covering keyworker or the area's manager."""
    _check_details(happened_on=happened_on, kind=kind, duration_minutes=duration_minutes)
    with transaction.atomic():
        participant = visible_participant(actor, participant_id)
        if not rules.has_perm("plans.record_contact", actor, participant):
            raise NotAllowed("Only the people working with this participant can record contacts.")
        contact = Contact(
            participant=participant,
            happened_on=happened_on,
            kind=kind,
            duration_minutes=duration_minutes,
            notes=notes.strip(),
            recorded_by=signed_in(actor),
        )
        validate_model(contact)
        contact.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=contact,
            participant_id=participant.pk,
            changed_fields=list(CONTACT_FIELDS),
        )
    return contact


def update_contact(
    *,
    actor: ActingUser,
    contact_id: int,
    expected_version: int,
    changes: dict[str, Any],
) -> Contact:
    """Change a contact's date, kind, duration or notes. Refused (409) if it changed since it was read."""
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    with transaction.atomic():
        contact = _locked_contact(actor, contact_id)
        if not rules.has_perm("plans.record_contact", actor, contact.participant):
            raise NotAllowed("Only the people working with this participant can change contacts.")
        contact.check_version(expected_version)
        if "notes" in changes:
            changes["notes"] = (changes["notes"] or "").strip()
        changed = [name for name in CONTACT_FIELDS if name in changes and getattr(contact, name) != changes[name]]
        if not changed:
            return contact
        for name in changed:
            setattr(contact, name, changes[name])
        _check_details(happened_on=contact.happened_on, kind=contact.kind, duration_minutes=contact.duration_minutes)
        validate_model(contact)
        contact.bump_version()
        contact.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=contact,
            participant_id=contact.participant_id,
            changed_fields=changed,
        )
    return contact


def restrict_contact(
    *,
    actor: ActingUser,
    contact_id: int,
    expected_version: int,
    reason: str,
) -> Contact:
    """Hide a note from the participant. Only with a safeguarding reason, which is kept and audited."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput({"reason": ["Give the safeguarding reason for hiding this note from the participant."]})
    with transaction.atomic():
        contact = _locked_contact(actor, contact_id)
        if not rules.has_perm("plans.restrict_note", actor, contact.participant):
            raise NotAllowed("Only the people working with this participant can restrict a note.")
        contact.check_version(expected_version)
        if contact.is_restricted:
            raise DomainError("This note is already hidden from the participant.")
        contact.restricted_reason = reason
        contact.restricted_by = signed_in(actor)
        contact.restricted_at = timezone.now()
        contact.bump_version()
        contact.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=contact,
            participant_id=contact.participant_id,
            changed_fields=["restricted"],
        )
    return contact


def unrestrict_contact(
    *,
    actor: ActingUser,
    contact_id: int,
    expected_version: int,
) -> Contact:
    """Lift a restriction: the participant sees the note again. Audited."""
    with transaction.atomic():
        contact = _locked_contact(actor, contact_id)
        if not rules.has_perm("plans.restrict_note", actor, contact.participant):
            raise NotAllowed("Only the people working with this participant can lift a restriction.")
        contact.check_version(expected_version)
        if not contact.is_restricted:
            raise DomainError("This note is not hidden from the participant.")
        contact.restricted_reason = ""
        contact.restricted_by = None
        contact.restricted_at = None
        contact.bump_version()
        contact.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=contact,
            participant_id=contact.participant_id,
            changed_fields=["restricted"],
        )
    return contact
