"""Progress checks (distance travelled): one reading of the eight areas, by the participant or the keyworker."""

import datetime
from collections.abc import Mapping
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotAllowed
from coproduce.core.validation import InvalidInput
from coproduce.participants.permissions import is_the_participant
from coproduce.participants.selectors import visible_participant
from coproduce.plans.models import ProgressArea, ProgressCheck, ProgressCheckDraft, ProgressScore
from coproduce.programmes.standing import standing_of

COMMENT_MAX_LENGTH = 2000


def _reader_for(actor: ActingUser, participant: Any, reader: str | None) -> str:
    """The participant always reads for themselves; staff give their own reading unless they say otherwise."""
    if is_the_participant(actor, participant) and standing_of(actor).staff_member is None:
        if reader not in (None, ProgressCheck.Reader.PARTICIPANT):
            raise InvalidInput({"reader": ["You can only give your own reading."]})
        return ProgressCheck.Reader.PARTICIPANT
    if reader is None:
        return ProgressCheck.Reader.KEYWORKER
    if reader not in ProgressCheck.Reader.values:
        raise InvalidInput({"reader": ["Say whose reading this is: the participant's or the keyworker's."]})
    return reader


def _clean_scores(scores: Mapping[str, tuple[Any, str]], *, every_area: bool = True) -> list[tuple[str, int, str]]:
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(scores) - set(ProgressArea.values))
    for name in unknown:
        errors[name] = ["This is not one of the areas of the progress check."]
    cleaned: list[tuple[str, int, str]] = []
    for area in ProgressArea:
        if area.value not in scores:
            if not every_area:
                continue
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
    if not every_area and not cleaned and not errors:
        errors["scores"] = ["Answer at least one question."]
    if errors:
        raise InvalidInput(errors)
    return cleaned


def record_progress_check(
    *,
    actor: ActingUser,
    participant_id: int,
    checked_on: datetime.date,
    scores: Mapping[str, tuple[Any, str]],
    reader: str | None = None,
    every_area: bool = True,
) -> ProgressCheck:
    """Record one reading of all eight areas, each 1–10 with an optional comment in their own words.

    The participant records their own reading; their keyworker (or covering keyworker, or the
    area's manager) records the keyworker's reading, or the participant's given with them. Every
    area must be scored, unless `every_area` is False (the participant's own one-question-a-screen
    check, where they may skip areas): then at least one must be, and skipped areas are simply
    absent. A new reading never replaces an earlier one, and where the participant's and the
    keyworker's readings differ both are kept. `scores` maps each area to (score, comment).
    """
    with transaction.atomic():
        participant = visible_participant(actor, participant_id)
        if not rules.has_perm("plans.record_progress_check", actor, participant):
            raise NotAllowed("You cannot record a progress check for this person.")
        chosen_reader = _reader_for(actor, participant, reader)
        if checked_on > timezone.localdate():
            raise InvalidInput({"checked_on": ["The date of the check cannot be in the future."]})
        cleaned = _clean_scores(scores, every_area=every_area)
        check = ProgressCheck.objects.create(
            participant=participant, checked_on=checked_on, reader=chosen_reader, recorded_by=signed_in(actor)
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


def _own_participant(actor: ActingUser, participant_id: int) -> Any:
    """The participant, when the actor is that participant: only they fill in their own draft."""
    participant = visible_participant(actor, participant_id)
    if not is_the_participant(actor, participant) or not rules.has_perm(
        "plans.record_progress_check", actor, participant
    ):
        raise NotAllowed("Only you can fill in your own progress check.")
    return participant


def save_progress_answer(
    *,
    actor: ActingUser,
    participant_id: int,
    area: str,
    score: Any,
    comment: str = "",
    expected_version: int | None = None,
) -> ProgressCheckDraft:
    """Keep one answer of the participant's unfinished progress check; `score` None means they skipped it.

    Starts the draft if there is none. `expected_version` (the draft's version when the screen was
    shown) refuses a change made from an older screen, for example in a second browser tab.
    """
    if area not in ProgressArea.values:
        raise InvalidInput({"area": ["This is not one of the areas of the progress check."]})
    if score is not None:
        try:
            number = int(score)
        except (TypeError, ValueError):
            number = 0
        if isinstance(score, bool) or not 1 <= number <= 10:
            raise InvalidInput({"score": ["Choose a number from 1 to 10."]})
        score = number
    comment = (comment or "").strip() if score is not None else ""
    if len(comment) > COMMENT_MAX_LENGTH:
        raise InvalidInput({"comment": [f"Keep the comment under {COMMENT_MAX_LENGTH} characters."]})
    with transaction.atomic():
        participant = _own_participant(actor, participant_id)
        draft, created = ProgressCheckDraft.objects.select_for_update().get_or_create(participant=participant)
        if not created:
            if expected_version is not None:
                draft.check_version(expected_version)
            draft.bump_version()
        draft.answers = {**draft.answers, area: {"score": score, "comment": comment}}
        draft.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
            record=draft,
            participant_id=participant.pk,
            changed_fields=[f"score_{area}"],
        )
    return draft


def finish_progress_check(*, actor: ActingUser, participant_id: int) -> ProgressCheck:
    """Record the participant's draft as their progress check, with the areas they answered, and drop it.

    At least one area must have a score; the areas they skipped are left out of the check.
    """
    with transaction.atomic():
        participant = _own_participant(actor, participant_id)
        draft = ProgressCheckDraft.objects.select_for_update().filter(participant=participant).first()
        if draft is None or not draft.answered():
            raise InvalidInput({"scores": ["Answer at least one question."]})
        check = record_progress_check(
            actor=actor,
            participant_id=participant.pk,
            checked_on=timezone.localdate(),
            scores=draft.answered(),
            every_area=False,
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=draft,
            participant_id=participant.pk,
            changed_fields=["finished"],
        )
        draft.delete()
    return check
