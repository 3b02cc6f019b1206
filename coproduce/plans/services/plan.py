"""The plan: goals in the participant's own words, and steps that are offered, never imposed.

A step moves offered → agreed / declined → (from agreed) done / stopped; until it is done or
stopped the participant may change their mind between agreed and declined. Only the participant's
answer moves it out of "offered": given by them on their own page (answered "themselves") or
recorded by their keyworker, who must then say how the answer was given (in person, on the
phone, by message). Declining is a normal answer and needs no reason (DESIGN.md §2.2).
"""

from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.notifications import events as notify
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to, visible_participant
from coproduce.plans.models import Goal, Step
from coproduce.programmes.standing import standing_of

STAFF_ANSWERS = (Step.AnsweredHow.IN_PERSON, Step.AnsweredHow.PHONE, Step.AnsweredHow.MESSAGE)


def _locked_goal(actor: ActingUser, goal_id: int) -> Goal:
    goal = (
        Goal.objects.select_for_update()
        .filter(pk=goal_id, participant__in=participants_visible_to(actor))
        .select_related("participant")
        .first()
    )
    if goal is None:
        raise NotFound("No such goal.")
    return goal


def _locked_step(actor: ActingUser, step_id: int) -> Step:
    step = (
        Step.objects.select_for_update()
        .filter(pk=step_id, goal__participant__in=participants_visible_to(actor))
        .select_related("goal__participant")
        .first()
    )
    if step is None:
        raise NotFound("No such step.")
    return step


def _is_the_participant(actor: ActingUser, participant: Participant) -> bool:
    return standing_of(actor).participant_id == participant.pk


def _audit(actor: ActingUser, action: str, record: Any, participant_id: int, fields: list[str]) -> None:
    record_event(
        actor=actor,
        action=action,
        record=record,
        participant_id=participant_id,
        changed_fields=fields,
    )


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InvalidInput({"title": ["Write the goal, in their own words."]})
    if len(title) > 300:
        raise InvalidInput({"title": ["Keep the goal to 300 characters or fewer; put more in the details."]})
    return title


def add_goal(
    *,
    actor: ActingUser,
    participant_id: int,
    title: str,
    details: str = "",
) -> Goal:
    """Add a goal. The participant adds their own; their keyworker adds one with (or for) them."""
    participant = visible_participant(actor, participant_id)
    if not rules.has_perm("plans.add_own_goal", actor, participant):
        raise NotAllowed("Only the participant, their keyworker or partnership manager can add a goal.")
    title = _clean_title(title)
    with transaction.atomic():
        goal = Goal.objects.create(
            participant=participant,
            title=title,
            details=details.strip(),
            added_by_participant=_is_the_participant(actor, participant),
            created_by=signed_in(actor),
        )
        fields = ["title", *(["details"] if goal.details else [])]
        _audit(actor, AuditEvent.Action.CREATE, goal, participant.pk, fields)
    return goal


def update_goal(
    *,
    actor: ActingUser,
    goal_id: int,
    expected_version: int,
    title: str | None = None,
    details: str | None = None,
    status: str | None = None,
) -> Goal:
    """Change a goal's words or status. ConflictError if someone else changed it since it was read."""
    if status is not None and status not in Goal.Status.values:
        raise InvalidInput({"status": ["Choose working on it, achieved or set aside."]})
    with transaction.atomic():
        goal = _locked_goal(actor, goal_id)
        if not rules.has_perm("plans.add_own_goal", actor, goal.participant):
            raise NotAllowed("Only the participant, their keyworker or partnership manager can change a goal.")
        goal.check_version(expected_version)
        changes = {
            "title": _clean_title(title) if title is not None else None,
            "details": details.strip() if details is not None else None,
            "status": status,
        }
        changed = [name for name, value in changes.items() if value is not None and getattr(goal, name) != value]
        if not changed:
            return goal
        for name in changed:
            setattr(goal, name, changes[name])
        goal.bump_version()
        goal.save()
        _audit(actor, AuditEvent.Action.CHANGE, goal, goal.participant_id, changed)
    return goal


def _clean_description(description: str) -> str:
    description = description.strip()
    if not description:
        raise InvalidInput({"description": ["Describe the step."]})
    return description


def offer_step(
    *,
    actor: ActingUser,
    goal_id: int,
    description: str,
) -> Step:
    """The keyworker offers a step towards a goal. It stays "offered" until the participant answers."""
    description = _clean_description(description)
    with transaction.atomic():
        goal = _locked_goal(actor, goal_id)
        if not rules.has_perm("plans.work_on_plan", actor, goal.participant):
            raise NotAllowed("Only their keyworker or partnership manager can offer a step.")
        if goal.status != Goal.Status.OPEN:
            raise DomainError("This goal is no longer being worked on, so no new steps can be added to it.")
        step = Step.objects.create(
            goal=goal,
            description=description,
            proposed_by=Step.ProposedBy.KEYWORKER,
            proposed_by_user=signed_in(actor),
            state=Step.State.OFFERED,
        )
        _audit(actor, AuditEvent.Action.CREATE, step, goal.participant_id, ["description", "state"])
        notify.step_offered(actor=actor, step=step, participant=goal.participant)
    return step


def suggest_step(
    *,
    actor: ActingUser,
    goal_id: int,
    description: str,
) -> Step:
    """The participant suggests a step of their own. Choosing it is their answer, so it is agreed at once.

    Their suggestion and their agreement are recorded together (answered "themselves").
    """
    description = _clean_description(description)
    with transaction.atomic():
        goal = _locked_goal(actor, goal_id)
        if not _is_the_participant(actor, goal.participant):
            raise NotAllowed("Only the participant can suggest a step of their own; staff offer steps.")
        if goal.status != Goal.Status.OPEN:
            raise DomainError("This goal is no longer being worked on, so no new steps can be added to it.")
        step = Step.objects.create(
            goal=goal,
            description=description,
            proposed_by=Step.ProposedBy.PARTICIPANT,
            proposed_by_user=signed_in(actor),
            state=Step.State.AGREED,
            answered_at=timezone.now(),
            answered_how=Step.AnsweredHow.THEMSELVES,
            answer_recorded_by=signed_in(actor),
        )
        _audit(actor, AuditEvent.Action.CREATE, step, goal.participant_id, ["description", "state"])
    return step


def _how_answered(actor: ActingUser, participant: Participant, answered_how: str) -> str:
    """The participant answers themselves; staff must say how the participant gave the answer."""
    if _is_the_participant(actor, participant):
        if answered_how not in ("", Step.AnsweredHow.THEMSELVES):
            raise InvalidInput({"answered_how": ["Your own answer is recorded as given by you."]})
        return Step.AnsweredHow.THEMSELVES
    if answered_how not in STAFF_ANSWERS:
        raise InvalidInput({"answered_how": ["Say how they gave their answer: in person, on the phone or by message."]})
    return answered_how


def _answerable_step(actor: ActingUser, step_id: int, expected_version: int, answered_how: str) -> tuple[Step, str]:
    step = _locked_step(actor, step_id)
    participant = step.goal.participant
    if not rules.has_perm("plans.answer_step", actor, participant):
        raise NotAllowed("Only the participant, or their keyworker recording their answer, can answer.")
    how = _how_answered(actor, participant, answered_how)
    step.check_version(expected_version)
    if step.state != Step.State.OFFERED:
        raise DomainError(f"This step has already been answered: it is {step.get_state_display().lower()}.")
    return step, how


def _record_answer(
    *,
    actor: ActingUser,
    step_id: int,
    expected_version: int,
    answered_how: str,
    state: str,
    decline_reason: str,
) -> Step:
    with transaction.atomic():
        step, how = _answerable_step(actor, step_id, expected_version, answered_how)
        step.state = state
        step.answered_at = timezone.now()
        step.answered_how = how
        step.answer_recorded_by = signed_in(actor)
        step.wants_to_talk = False
        step.decline_reason = decline_reason.strip()
        step.bump_version()
        step.save()
        fields = ["state", *(["decline_reason"] if step.decline_reason else [])]
        _audit(actor, AuditEvent.Action.CHANGE, step, step.goal.participant_id, fields)
    return step


def agree_to_step(
    *,
    actor: ActingUser,
    step_id: int,
    expected_version: int,
    answered_how: str = "",
) -> Step:
    """The participant says yes to an offered step: it becomes active."""
    return _record_answer(
        actor=actor,
        step_id=step_id,
        expected_version=expected_version,
        answered_how=answered_how,
        state=Step.State.AGREED,
        decline_reason="",
    )


def decline_step(
    *,
    actor: ActingUser,
    step_id: int,
    expected_version: int,
    answered_how: str = "",
    reason: str = "",
) -> Step:
    """The participant says no thanks. A normal, respected answer; the reason is optional."""
    return _record_answer(
        actor=actor,
        step_id=step_id,
        expected_version=expected_version,
        answered_how=answered_how,
        state=Step.State.DECLINED,
        decline_reason=reason,
    )


def ask_to_talk_about_step(
    *,
    actor: ActingUser,
    step_id: int,
    expected_version: int,
    answered_how: str = "",
) -> Step:
    """The participant would like to talk about it first: the step stays offered, marked for a talk."""
    with transaction.atomic():
        step, _how = _answerable_step(actor, step_id, expected_version, answered_how)
        step.wants_to_talk = True
        step.bump_version()
        step.save()
        _audit(actor, AuditEvent.Action.CHANGE, step, step.goal.participant_id, ["wants_to_talk"])
    return step


CHANGEABLE_ANSWERS = {"agree": Step.State.AGREED, "decline": Step.State.DECLINED}


def change_step_answer(
    *,
    actor: ActingUser,
    step_id: int,
    expected_version: int,
    answer: str,
    answered_how: str = "",
    reason: str = "",
) -> Step:
    """The participant changes their mind about a step they answered: "no thanks" becomes "yes" or back.

    Allowed while the step is agreed or declined, never once it is done or stopped (that happened).
    The earlier answer and the time of the change are kept on the step (and in its history), so
    their keyworker sees that they changed their mind. Staff recording a change say how it was given.
    """
    if answer not in CHANGEABLE_ANSWERS:
        raise InvalidInput({"answer": ["Choose “Yes” or “No thanks”."]})
    new_state = CHANGEABLE_ANSWERS[answer]
    with transaction.atomic():
        step = _locked_step(actor, step_id)
        participant = step.goal.participant
        if not rules.has_perm("plans.answer_step", actor, participant):
            raise NotAllowed("Only the participant, or their keyworker recording their answer, can change the answer.")
        how = _how_answered(actor, participant, answered_how)
        step.check_version(expected_version)
        if step.state in (Step.State.DONE, Step.State.STOPPED):
            raise DomainError(
                f"This step is {step.get_state_display().lower()}, so the answer can no longer be changed."
            )
        if step.state == Step.State.OFFERED:
            raise DomainError("This step has not been answered yet: answer it first.")
        if step.state == new_state:
            raise DomainError(f"This step is already {step.get_state_display().lower()}.")
        step.answer_changed_from = step.state
        step.answer_changed_at = timezone.now()
        step.state = new_state
        step.answered_at = step.answer_changed_at
        step.answered_how = how
        step.answer_recorded_by = signed_in(actor)
        step.wants_to_talk = False
        step.decline_reason = reason.strip() if new_state == Step.State.DECLINED else ""
        step.bump_version()
        step.save()
        fields = ["state", "answer_changed_from", *(["decline_reason"] if step.decline_reason else [])]
        _audit(actor, AuditEvent.Action.CHANGE, step, participant.pk, fields)
    return step


def _finish(*, actor: ActingUser, step_id: int, expected_version: int, state: str) -> Step:
    with transaction.atomic():
        step = _locked_step(actor, step_id)
        if not rules.has_perm("plans.answer_step", actor, step.goal.participant):
            raise NotAllowed("Only the participant, their keyworker or partnership manager can change this step.")
        step.check_version(expected_version)
        if step.state != Step.State.AGREED:
            raise DomainError(
                f"Only a step that was agreed can be marked done or stopped: this one is "
                f"{step.get_state_display().lower()}."
            )
        step.state = state
        step.finished_at = timezone.now()
        step.bump_version()
        step.save()
        _audit(actor, AuditEvent.Action.CHANGE, step, step.goal.participant_id, ["state"])
    return step


def complete_step(*, actor: ActingUser, step_id: int, expected_version: int) -> Step:
    """An agreed step is done."""
    return _finish(
        actor=actor,
        step_id=step_id,
        expected_version=expected_version,
        state=Step.State.DONE,
    )


def stop_step(*, actor: ActingUser, step_id: int, expected_version: int) -> Step:
    """An agreed step is stopped before it was done: no blame, plans change."""
    return _finish(
        actor=actor,
        step_id=step_id,
        expected_version=expected_version,
        state=Step.State.STOPPED,
    )
