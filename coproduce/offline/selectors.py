"""Reads for today's visits: which participants a keyworker has taken, and the little that goes onto the phone.

Everything here passes through participants_visible_to, so a mark outlives neither the
keyworker's access (a cover that ended, a move to another caseload) nor its 24 hours.
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.offline.models import VisitMark
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Appointment, Contact, ProgressArea, ProgressCheck, ProgressScore, Step
from coproduce.programmes.standing import standing_of

OPEN_STEP_STATES = (Step.State.OFFERED, Step.State.AGREED)
# The answers a keyworker can record for a step on a visit, by the step's state.
STEP_ANSWERS = {
    Step.State.OFFERED: [("agree", "They agreed"), ("decline", "They said no thanks")],
    Step.State.AGREED: [("done", "It is done")],
}


def visit_marks_for(actor: ActingUser, now: datetime.datetime | None = None) -> QuerySet[VisitMark]:
    """This keyworker's marks that have not expired, for participants they may still see: one query."""
    now = now or timezone.now()
    staff_member = standing_of(actor).staff_member
    if staff_member is None:
        return VisitMark.objects.none()
    return (
        VisitMark.objects.filter(
            keyworker=staff_member, expires_at__gt=now, participant__in=participants_visible_to(actor)
        )
        .select_related("participant")
        .order_by("participant__family_name", "participant__given_name", "participant_id")
    )


def with_visit_mark(
    participants: QuerySet[Any], actor: ActingUser, now: datetime.datetime | None = None
) -> QuerySet[Any]:
    """Annotate `on_visits`: whether this keyworker has the person on today's visits (a subquery, no extra query)."""
    now = now or timezone.now()
    staff_member = standing_of(actor).staff_member
    marks = VisitMark.objects.filter(
        participant=OuterRef("pk"), keyworker_id=staff_member.pk if staff_member else None, expires_at__gt=now
    )
    return participants.annotate(on_visits=Exists(marks))


def marked_participant_ids(actor: ActingUser, now: datetime.datetime | None = None) -> set[int]:
    return set(visit_marks_for(actor, now).values_list("participant_id", flat=True))


def _step(step: Step) -> dict[str, Any]:
    return {
        "id": step.pk,
        "goal": step.goal.title,
        "description": step.description,
        "state": step.state,
        "state_label": step.get_state_display(),
        "version": step.version,
        "answers": [{"value": value, "label": label} for value, label in STEP_ANSWERS[Step.State(step.state)]],
    }


def _appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "starts_at": timezone.localtime(appointment.starts_at).isoformat(),
        "duration_minutes": appointment.duration_minutes,
        "place": appointment.get_place_display(),
        "place_details": appointment.place_details,
        "childcare_needed": appointment.childcare_needed,
        "status": appointment.get_status_display(),
    }


def progress_check_values(check: ProgressCheck | None) -> dict[str, Any] | None:
    """A progress check as the phone shows it: who read it, when, and the eight scores."""
    if check is None:
        return None
    return {
        "id": check.pk,
        "checked_on": check.checked_on.isoformat(),
        "reader": check.reader,
        "scores": {score.area: score.score for score in check.scores.all()},
    }


def visit_data(actor: ActingUser, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The summary of each participant on this keyworker's visits, for use with no signal: name,
    reference, interpreter, open steps (with their versions), booked appointments from today,
    their latest progress check (the version a new one starts from) and the forms' choices.
    Nothing else goes onto the phone. Six queries, however many people are marked."""
    now = now or timezone.now()
    marks = list(
        visit_marks_for(actor, now).prefetch_related(
            Prefetch(
                "participant__goals__steps",
                queryset=Step.objects.filter(state__in=OPEN_STEP_STATES)
                .select_related("goal")
                .order_by("created_at", "pk"),
                to_attr="open_steps",
            ),
        )
    )
    ids = [mark.participant_id for mark in marks]
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    appointments: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for appointment in Appointment.objects.filter(
        participant_id__in=ids, starts_at__gte=start_of_today, status=Appointment.Status.BOOKED
    ).order_by("starts_at", "pk"):
        appointments[appointment.participant_id].append(_appointment(appointment))
    latest: dict[int, ProgressCheck] = {}
    checks = (
        ProgressCheck.objects.filter(participant_id__in=ids)
        .prefetch_related(Prefetch("scores", queryset=ProgressScore.objects.order_by("area")))
        .order_by("participant_id", "-pk")
    )
    for check in checks:  # the last one recorded, which a check made on the visit starts from
        latest.setdefault(check.participant_id, check)
    people = []
    for mark in marks:
        participant = mark.participant
        steps = [step for goal in participant.goals.all() for step in goal.open_steps]  # type: ignore[attr-defined]
        people.append(
            {
                "id": participant.pk,
                "name": participant.full_name,
                "reference": participant.reference,
                "interpreter_language": participant.interpreter_language,
                "expires_at": mark.expires_at.isoformat(),
                "steps": [_step(step) for step in steps],
                "appointments": appointments[participant.pk],
                "latest_progress_check": progress_check_values(latest.get(participant.pk)),
            }
        )
    return {
        "generated_at": now.isoformat(),
        # The earliest mark's expiry: the phone keeps nothing past it without asking again.
        "expires_at": min((mark.expires_at for mark in marks), default=now).isoformat(),
        "participants": people,
        "choices": {
            "contact_kind": [{"value": value, "label": label} for value, label in Contact.Kind.choices],
            "progress_area": [{"value": value, "label": label} for value, label in ProgressArea.choices],
            "progress_reader": [{"value": value, "label": label} for value, label in ProgressCheck.Reader.choices],
        },
    }
