"""Progress checks (distance travelled): one reading of the eight areas, by the participant or the keyworker."""

import datetime
from collections.abc import Mapping
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed
from coproduce.core.validation import InvalidInput
from coproduce.participants.selectors import visible_participant
from coproduce.plans.models import ProgressArea, ProgressCheck, ProgressScore
from coproduce.programmes.actors import actor_for

COMMENT_MAX_LENGTH = 2000


def _reader_for(actor: Any, participant: Any, reader: str | None) -> str:
    """The participant always reads for themselves; staff give their own reading unless they say otherwise."""
    from coproduce.participants.permissions import is_the_participant

    if is_the_participant(actor, participant) and actor_for(actor).staff_member is None:
        if reader not in (None, ProgressCheck.Reader.PARTICIPANT):
            raise InvalidInput({"reader": ["You can only give your own reading."]})
        return ProgressCheck.Reader.PARTICIPANT
    if reader is None:
        return ProgressCheck.Reader.KEYWORKER
    if reader not in ProgressCheck.Reader.values:
        raise InvalidInput({"reader": ["Say whose reading this is: the participant's or the keyworker's."]})
    return reader


def _clean_scores(scores: Mapping[str, tuple[Any, str]]) -> list[tuple[str, int, str]]:
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(scores) - set(ProgressArea.values))
    for name in unknown:
        errors[name] = ["This is not one of the areas of the progress check."]
    cleaned: list[tuple[str, int, str]] = []
    for area in ProgressArea:
        if area.value not in scores:
            errors[f"score_{area.value}"] = [f"Give a score from 1 to 10 for {area.label.lower()}."]
            continue
        raw, comment = scores[area.value]
        try:
            score = int(raw)
        except (TypeError, ValueError):
            score = 0
        if isinstance(raw, bool) or not 1 <= score <= 10:
            errors[f"score_{area.value}"] = [f"Give a score from 1 to 10 for {area.label.lower()}."]
            continue
        comment = (comment or "").strip()
        if len(comment) > COMMENT_MAX_LENGTH:
            errors[f"comment_{area.value}"] = [f"Keep the comment under {COMMENT_MAX_LENGTH} characters."]
            continue
        cleaned.append((area.value, score, comment))
    if errors:
        raise InvalidInput(errors)
    return cleaned


def record_progress_check(
    *,
    actor: Any,
    participant_id: int,
    checked_on: datetime.date,
    scores: Mapping[str, tuple[Any, str]],
    reader: str | None = None,
) -> ProgressCheck:
    """Record one reading of all eight areas, each 1–10 with an optional comment in their own words.

    The participant records their own reading; their keyworker (or covering keyworker, or the
    area's manager) records the keyworker's reading, or the participant's given with them. Every
    area must be scored. A new reading never replaces an earlier one, and where the participant's
    and the keyworker's readings differ both are kept. `scores` maps each area to (score, comment).
    """
    from coproduce.audit.services import record_event

    with transaction.atomic():
        participant = visible_participant(actor, participant_id)
        if not rules.has_perm("plans.record_progress_check", actor, participant):
            raise NotAllowed("You cannot record a progress check for this person.")
        chosen_reader = _reader_for(actor, participant, reader)
        if checked_on > timezone.localdate():
            raise InvalidInput({"checked_on": ["The date of the check cannot be in the future."]})
        cleaned = _clean_scores(scores)
        check = ProgressCheck.objects.create(
            participant=participant, checked_on=checked_on, reader=chosen_reader, recorded_by=actor
        )
        for area, score, comment in cleaned:  # one by one, so that each score's history is kept
            ProgressScore.objects.create(progress_check=check, area=area, score=score, comment=comment)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=check,
            participant_id=participant.pk,
            changed_fields=["checked_on", "reader", *(f"score_{area}" for area, _, _ in cleaned)],
        )
    return check
