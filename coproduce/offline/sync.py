"""Applying what a keyworker recorded with no signal, through the same services as the pages.

Each item carries the version it started from. A contact note is an addition and never
conflicts. A step answer conflicts when the step changed since the phone took it; a progress
check conflicts when someone recorded a newer check since the phone took the latest one. A
conflict changes nothing and answers with the server's current values, so the keyworker can
settle it side by side: nothing is lost or silently overwritten (docs/offline.md).
"""

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.core.errors import ConflictError, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.offline.models import SyncedItem
from coproduce.offline.selectors import marked_participant_ids, progress_check_values
from coproduce.plans.models import ProgressCheck, Step
from coproduce.plans.selectors.plan import steps_visible_to
from coproduce.plans.selectors.progress import progress_checks_for
from coproduce.plans.services.contacts import record_contact
from coproduce.plans.services.plan import agree_to_step, complete_step, decline_step
from coproduce.plans.services.progress import record_progress_check

KINDS = ("contact", "step_answer", "progress_check")
NOTES_MAX_LENGTH = 10_000


class StepConflict(ConflictError):
    """The step changed on the server since the phone took it; `theirs` is how it is now."""

    def __init__(self, theirs: dict[str, Any]) -> None:
        super().__init__(
            "Someone changed this step after you took it with you. Nothing was saved: choose what to keep."
        )
        self.theirs = theirs


class ProgressConflict(ConflictError):
    """A newer progress check was recorded since the phone took the latest; `theirs` is that one."""

    def __init__(self, theirs: dict[str, Any] | None) -> None:
        super().__init__(
            "Someone recorded a progress check after you took this person with you. "
            "Nothing was saved: choose what to keep."
        )
        self.theirs = theirs


@dataclass
class Applied:
    kind: str
    record_type: str
    record_id: int
    already: bool = False  # this item was applied before (the phone sent it twice)
    values: dict[str, Any] = field(default_factory=dict)


def _text(item: dict[str, Any], name: str, *, required: bool = False, max_length: int = 2000) -> str:
    value = item.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput({name: ["This must be text."]})
    if required and not value.strip():
        raise InvalidInput({name: ["This is missing."]})
    if len(value) > max_length:
        raise InvalidInput({name: [f"Keep this under {max_length} characters."]})
    return value


def _whole_number(item: dict[str, Any], name: str) -> int:
    number = _optional_number(item, name)
    if number is None:
        raise InvalidInput({name: ["This is missing."]})
    return number


def _optional_number(item: dict[str, Any], name: str) -> int | None:
    value = item.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput({name: ["This must be a whole number."]})
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput({name: ["This must be a whole number."]}) from None


def _date(item: dict[str, Any], name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(_text(item, name, required=True, max_length=10))
    except ValueError:
        raise InvalidInput({name: ["Enter a date like 2026-12-03."]}) from None


def _client_id(item: dict[str, Any]) -> uuid.UUID:
    try:
        return uuid.UUID(_text(item, "client_id", required=True, max_length=36))
    except ValueError:
        raise InvalidInput({"client_id": ["This is not an id this app gives."]}) from None


def step_values(step: Step) -> dict[str, Any]:
    return {
        "id": step.pk,
        "description": step.description,
        "state": step.state,
        "state_label": step.get_state_display(),
        "version": step.version,
        "decline_reason": step.decline_reason,
        "wants_to_talk": step.wants_to_talk,
    }


def _marked_participant(actor: ActingUser, participant_id: int) -> int:
    # Only people on today's visits: the phone never held anyone else, so anything else is not ours.
    if participant_id not in marked_participant_ids(actor):
        raise NotFound("This person is not on your visits today.")
    return participant_id


def _apply_contact(actor: ActingUser, item: dict[str, Any]) -> Applied:
    participant_id = _marked_participant(actor, _whole_number(item, "participant"))
    contact = record_contact(
        actor=actor,
        participant_id=participant_id,
        happened_on=_date(item, "happened_on"),
        kind=_text(item, "contact_kind", required=True, max_length=16),
        duration_minutes=_optional_number(item, "duration_minutes"),
        notes=_text(item, "notes", max_length=NOTES_MAX_LENGTH),
    )
    return Applied("contact", "plans.Contact", contact.pk, values={"notes": contact.notes})


def _apply_step_answer(actor: ActingUser, item: dict[str, Any]) -> Applied:
    step_id = _whole_number(item, "step")
    version = _whole_number(item, "version")
    step = steps_visible_to(actor).filter(pk=step_id).select_related("goal").first()
    if step is None:
        raise NotFound("No such step.")
    _marked_participant(actor, step.goal.participant_id)
    answer = _text(item, "answer", required=True, max_length=10)
    how = _text(item, "answered_how", max_length=12) or Step.AnsweredHow.IN_PERSON
    try:
        if answer == "agree":
            step = agree_to_step(actor=actor, step_id=step_id, expected_version=version, answered_how=how)
        elif answer == "decline":
            reason = _text(item, "reason")
            step = decline_step(actor=actor, step_id=step_id, expected_version=version, answered_how=how, reason=reason)
        elif answer == "done":
            step = complete_step(actor=actor, step_id=step_id, expected_version=version)
        else:
            raise InvalidInput({"answer": ["Choose agree, decline or done."]})
    except ConflictError:
        current = steps_visible_to(actor).get(pk=step_id)
        raise StepConflict(step_values(current)) from None
    return Applied("step_answer", "plans.Step", step.pk, values=step_values(step))


def _scores(item: dict[str, Any]) -> dict[str, tuple[Any, str]]:
    raw = item.get("scores")
    if not isinstance(raw, dict):
        raise InvalidInput({"scores": ["Give a score from 1 to 10 for each area."]})
    scores: dict[str, tuple[Any, str]] = {}
    for area, value in raw.items():
        comment = ""
        if isinstance(value, dict):
            comment = value.get("comment") or ""
            value = value.get("score")
        if not isinstance(comment, str):
            raise InvalidInput({f"comment_{area}": ["This must be text."]})
        scores[str(area)] = (value, comment)
    return scores


def _apply_progress_check(actor: ActingUser, item: dict[str, Any]) -> Applied:
    participant_id = _marked_participant(actor, _whole_number(item, "participant"))
    based_on = _optional_number(item, "based_on")
    latest = progress_checks_for(actor, participant_id).order_by("-pk").first()
    # A check is never overwritten: a newer one only means the keyworker should see it first.
    if latest is not None and latest.pk != based_on:
        raise ProgressConflict(progress_check_values(latest))
    check = record_progress_check(
        actor=actor,
        participant_id=participant_id,
        checked_on=_date(item, "checked_on"),
        scores=_scores(item),
        reader=_text(item, "reader", max_length=12) or None,
    )
    check = ProgressCheck.objects.prefetch_related("scores").get(pk=check.pk)
    return Applied("progress_check", "plans.ProgressCheck", check.pk, values=progress_check_values(check) or {})


APPLY = {"contact": _apply_contact, "step_answer": _apply_step_answer, "progress_check": _apply_progress_check}


def apply_offline_item(*, actor: ActingUser, item: Any, now: datetime.datetime | None = None) -> Applied:
    """Apply one item recorded offline, once. Bad input raises InvalidInput and changes nothing; a
    record changed meanwhile raises StepConflict or ProgressConflict with the server's values;
    an item already applied (sent again after a lost answer) is not applied twice."""
    if not isinstance(item, dict):
        raise InvalidInput({"__all__": ["Send one item as a JSON object."]})
    kind = item.get("kind")
    if kind not in KINDS:
        raise InvalidInput({"kind": ["Say what this is: contact, step_answer or progress_check."]})
    client_id = _client_id(item)
    now = now or timezone.now()
    earlier = SyncedItem.objects.filter(user=signed_in(actor), client_id=client_id).first()
    if earlier is not None:
        return Applied(earlier.kind, earlier.record_type, int(earlier.record_id), already=True)
    try:
        with transaction.atomic():
            applied = APPLY[kind](actor, item)
            SyncedItem.objects.create(
                user=signed_in(actor),
                client_id=client_id,
                kind=kind,
                record_type=applied.record_type,
                record_id=str(applied.record_id),
                synced_at=now,
            )
    except IntegrityError:
        # The same item arrived twice at once: the first one won and the second changed nothing.
        earlier = SyncedItem.objects.get(user=signed_in(actor), client_id=client_id)
        return Applied(earlier.kind, earlier.record_type, int(earlier.record_id), already=True)
    return applied
