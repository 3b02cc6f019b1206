"""Recording outcomes, work wishes and sustainment checks. One function per change, each audited.

Outcomes are corrected, never deleted: an outcome once recorded is part of the programme's
honest count. A job start schedules its 4, 13, 26 and 52-week sustainment checks as a
background task once the transaction has committed.
"""

import datetime
from decimal import Decimal
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.outcomes.models import ContractType, Outcome, SustainmentCheck, WorkWish
from coproduce.outcomes.selectors import (
    JOB_KINDS,
    outcomes_visible_to,
    sustainment_checks_visible_to,
    work_wishes_visible_to,
)
from coproduce.outcomes.tasks import schedule_sustainment_checks
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Goal

JOB_FIELDS = ("employer_sector", "hours_per_week", "contract_type", "hourly_pay")
OUTCOME_FIELDS = ("achieved_on", "description", "goal_id", *JOB_FIELDS, "evidence", "evidence_note")
ANSWERS = (
    SustainmentCheck.Status.IN_WORK,
    SustainmentCheck.Status.NOT_IN_WORK,
    SustainmentCheck.Status.NO_CONTACT,
)
WISH_FIELDS = ("min_hours", "max_hours", "contract_types", "note")


def _participant(actor: ActingUser, participant_id: int, *, lock: bool = False) -> Participant:
    participants = participants_visible_to(actor)
    if lock:
        participants = participants.select_for_update()
    participant = participants.filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("No such participant.")
    return participant


def _check_outcome(outcome: Outcome, participant: Participant, today: datetime.date) -> None:
    """Validation by kind: a job start needs its terms; other kinds carry none (a progression may)."""
    errors: dict[str, list[str]] = {}
    if outcome.kind not in Outcome.Kind.values:
        errors["kind"] = ["Choose what kind of outcome it is."]
    if outcome.achieved_on is None:
        errors["achieved_on"] = ["Enter the date it started or was gained."]
    elif outcome.achieved_on > today:
        errors["achieved_on"] = ["The date cannot be in the future."]
    elif outcome.achieved_on < participant.joined_on:
        errors["achieved_on"] = [f"The date cannot be before they joined, on {participant.joined_on:%-d %B %Y}."]
    if outcome.evidence not in Outcome.Evidence.values:
        errors["evidence"] = ["Choose the evidence for it."]
    if outcome.kind == Outcome.Kind.JOB_START:
        if not outcome.employer_sector:
            errors["employer_sector"] = ["Choose the employer’s sector."]
        if outcome.hours_per_week is None:
            errors["hours_per_week"] = ["Enter the hours a week."]
        if not outcome.contract_type:
            errors["contract_type"] = ["Choose the contract type."]
        if outcome.hourly_pay is None:
            errors["hourly_pay"] = ["Enter the hourly pay, in pounds."]
    if outcome.goal_id is not None and not Goal.objects.filter(pk=outcome.goal_id, participant=participant).exists():
        errors["goal_id"] = ["Choose one of their own goals."]
    if errors:
        raise InvalidInput(errors)


def _clean_job_terms(outcome: Outcome) -> None:
    if outcome.kind not in JOB_KINDS:
        outcome.employer_sector = ""
        outcome.hours_per_week = None
        outcome.contract_type = ""
        outcome.hourly_pay = None


def _schedule_checks(outcome: Outcome) -> None:
    if outcome.kind != Outcome.Kind.JOB_START:
        return
    outcome_id = outcome.pk
    transaction.on_commit(lambda: schedule_sustainment_checks.enqueue(outcome_id))


def record_outcome(
    *,
    actor: ActingUser,
    participant_id: int,
    kind: str,
    achieved_on: datetime.date | None,
    evidence: str,
    description: str = "",
    goal_id: int | None = None,
    employer_sector: str = "",
    hours_per_week: Decimal | None = None,
    contract_type: str = "",
    hourly_pay: Decimal | None = None,
    evidence_note: str = "",
) -> Outcome:
    """Record an outcome for a participant: their keyworker (or one covering) or the area's manager."""
    if achieved_on is None:
        raise InvalidInput({"achieved_on": ["Enter the date it started or was gained."]})
    with transaction.atomic():
        participant = _participant(actor, participant_id)
        if not rules.has_perm("outcomes.record_outcome", actor, participant):
            raise NotAllowed("Only the people working with this participant can record their outcomes.")
        outcome = Outcome(
            participant=participant,
            kind=kind,
            achieved_on=achieved_on,
            description=description.strip(),
            goal_id=goal_id,
            employer_sector=employer_sector,
            hours_per_week=hours_per_week,
            contract_type=contract_type,
            hourly_pay=hourly_pay,
            evidence=evidence,
            evidence_note=evidence_note.strip(),
            recorded_by=signed_in(actor),
        )
        _clean_job_terms(outcome)
        _check_outcome(outcome, participant, timezone.localdate())
        validate_model(outcome)
        outcome.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=outcome,
            participant_id=participant.pk,
            changed_fields=["kind", *OUTCOME_FIELDS],
        )
        _schedule_checks(outcome)
    return outcome


def update_outcome(
    *,
    actor: ActingUser,
    outcome_id: int,
    expected_version: int,
    changes: dict[str, Any],
) -> Outcome:
    """Correct an outcome (its kind stays). Refused (409) if it changed since it was read."""
    unknown = set(changes) - set(OUTCOME_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in sorted(unknown)})
    with transaction.atomic():
        outcome = (
            outcomes_visible_to(actor).select_for_update().filter(pk=outcome_id).select_related("participant").first()
        )
        if outcome is None:
            raise NotFound("No such outcome.")
        if not rules.has_perm("outcomes.record_outcome", actor, outcome.participant):
            raise NotAllowed("Only the people working with this participant can correct their outcomes.")
        outcome.check_version(expected_version)
        for name in ("description", "evidence_note"):
            if name in changes:
                changes[name] = (changes[name] or "").strip()
        changed = [name for name in OUTCOME_FIELDS if name in changes and getattr(outcome, name) != changes[name]]
        if not changed:
            return outcome
        for name in changed:
            setattr(outcome, name, changes[name])
        _clean_job_terms(outcome)
        _check_outcome(outcome, outcome.participant, timezone.localdate())
        validate_model(outcome)
        outcome.bump_version()
        outcome.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=outcome,
            participant_id=outcome.participant_id,
            changed_fields=changed,
        )
        if "achieved_on" in changed:
            _schedule_checks(outcome)
    return outcome


def set_work_wish(
    *,
    actor: ActingUser,
    participant_id: int,
    min_hours: Decimal | None,
    max_hours: Decimal | None,
    contract_types: list[str],
    note: str = "",
    expected_version: int | None = None,
) -> WorkWish:
    """Record what work the participant wants (hours a week and contracts), or change it.

    Changing an existing wish needs the version it was read at (409 otherwise).
    """
    errors: dict[str, list[str]] = {}
    if min_hours is None:
        errors["min_hours"] = ["Enter the fewest hours a week they would work."]
    if max_hours is None:
        errors["max_hours"] = ["Enter the most hours a week they would work."]
    if min_hours is not None and max_hours is not None and max_hours < min_hours:
        errors["max_hours"] = ["The most hours cannot be fewer than the fewest hours."]
    unknown = [value for value in contract_types if value not in ContractType.values]
    if unknown or not contract_types:
        errors["contract_types"] = ["Choose at least one kind of contract they would take."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        participant = _participant(actor, participant_id)
        if not rules.has_perm("outcomes.set_work_wish", actor, participant):
            raise NotAllowed("Only the participant and the people working with them can record this.")
        wish = work_wishes_visible_to(actor).select_for_update().filter(participant=participant).first()
        values = {
            "min_hours": min_hours,
            "max_hours": max_hours,
            "contract_types": sorted(set(contract_types), key=ContractType.values.index),
            "note": note.strip(),
        }
        if wish is None:
            if expected_version is not None:
                raise DomainError("Their work wish was removed since you read it. Nothing was saved.")
            wish = WorkWish(participant=participant, recorded_by=signed_in(actor), **values)
            action = AuditEvent.Action.CREATE
            changed = list(WISH_FIELDS)
        else:
            if expected_version is None:
                raise InvalidInput({"version": ["Their work wish is already recorded: change it instead."]})
            wish.check_version(expected_version)
            changed = [name for name in WISH_FIELDS if getattr(wish, name) != values[name]]
            if not changed:
                return wish
            for name in changed:
                setattr(wish, name, values[name])
            wish.recorded_by = signed_in(actor)
            wish.bump_version()
            action = AuditEvent.Action.CHANGE
        validate_model(wish)
        wish.save()
        record_event(
            actor=actor,
            action=action,
            record=wish,
            participant_id=participant.pk,
            changed_fields=changed,
        )
    return wish


def answer_sustainment_check(
    *,
    actor: ActingUser,
    check_id: int,
    expected_version: int,
    status: str,
    checked_on: datetime.date | None,
    note: str = "",
) -> SustainmentCheck:
    """Record the answer to a sustainment check: still in work, no longer in work, or no contact.

    An answer can be corrected later (with the version it was read at).
    """
    errors: dict[str, list[str]] = {}
    if status not in ANSWERS:
        errors["status"] = ["Choose whether they are still in work, no longer in work, or could not be reached."]
    if checked_on is None:
        errors["checked_on"] = ["Enter the date you checked."]
    elif checked_on > timezone.localdate():
        errors["checked_on"] = ["The date you checked cannot be in the future."]
    if errors:
        raise InvalidInput(errors)
    assert checked_on is not None
    with transaction.atomic():
        check = (
            sustainment_checks_visible_to(actor)
            .select_for_update()
            .filter(pk=check_id)
            .select_related("outcome__participant")
            .first()
        )
        if check is None:
            raise NotFound("No such sustainment check.")
        participant = check.outcome.participant
        if not rules.has_perm("outcomes.answer_sustainment_check", actor, participant):
            raise NotAllowed("Only the people working with this participant can answer their checks.")
        check.check_version(expected_version)
        if checked_on < check.outcome.achieved_on:
            raise InvalidInput({"checked_on": ["The date you checked cannot be before the job started."]})
        check.status = status
        check.checked_on = checked_on
        check.checked_by = signed_in(actor)
        check.note = note.strip()
        validate_model(check)
        check.bump_version()
        check.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=check,
            participant_id=participant.pk,
            changed_fields=["status", "checked_on", "note"],
        )
    return check
