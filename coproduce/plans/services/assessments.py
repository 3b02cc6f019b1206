"""Holistic assessments: barriers in the participant's own words, strengths and aspirations."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotAllowed
from coproduce.core.validation import InvalidInput
from coproduce.participants.selectors import visible_participant
from coproduce.plans.models import Assessment, AssessmentBarrier, Barrier


def record_assessment(
    *,
    actor: ActingUser,
    participant_id: int,
    strengths: str = "",
    aspirations: str = "",
    barriers: Iterable[Mapping[str, Any]] = (),
    assessed_on: datetime.date | None = None,
) -> Assessment:
    """Record a new assessment. Earlier ones are kept unchanged: assessments are repeatable, not edited.

    Each barrier is `{"barrier": <Barrier>, "own_words": str, "importance": 1–3}`, at most one row
    per barrier. Their keyworker (or cover) or partnership manager records it with them.
    """
    participant = visible_participant(actor, participant_id)
    if not rules.has_perm("plans.work_on_plan", actor, participant):
        raise NotAllowed("Only their keyworker or partnership manager can record an assessment.")
    today = timezone.localdate()
    assessed_on = assessed_on or today
    errors: dict[str, list[str]] = {}
    if assessed_on > today:
        errors["assessed_on"] = ["The date of the assessment cannot be in the future."]
    rows: list[AssessmentBarrier] = []
    seen: set[str] = set()
    for item in barriers:
        barrier = item.get("barrier", "")
        importance = item.get("importance", AssessmentBarrier.Importance.QUITE_A_LOT)
        if barrier not in Barrier.values:
            errors.setdefault("barriers", []).append(f"{barrier!r} is not one of the barriers we record.")
            continue
        if barrier in seen:
            errors.setdefault("barriers", []).append(f"{Barrier(barrier).label} is listed twice.")
            continue
        if importance not in AssessmentBarrier.Importance.values:
            errors.setdefault("barriers", []).append("Say how much each barrier matters: 1, 2 or 3.")
            continue
        seen.add(barrier)
        rows.append(
            AssessmentBarrier(barrier=barrier, own_words=str(item.get("own_words", "")).strip(), importance=importance)
        )
    strengths, aspirations = strengths.strip(), aspirations.strip()
    if not (strengths or aspirations or rows):
        errors["__all__"] = ["Write down at least one barrier, strength or aspiration."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            participant=participant,
            assessed_on=assessed_on,
            recorded_by=signed_in(actor),
            strengths=strengths,
            aspirations=aspirations,
        )
        for row in rows:
            row.assessment = assessment
        AssessmentBarrier.objects.bulk_create(rows)
        changed = [name for name in ("strengths", "aspirations") if getattr(assessment, name)]
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=assessment,
            participant_id=participant.pk,
            changed_fields=[*changed, *(["barriers"] if rows else [])],
        )
    return assessment
