"""Today's visits: Kim takes Paula with her; what she records with no signal arrives once, or waits for her choice."""

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.offline.models import SyncedItem, VisitMark
from coproduce.offline.selectors import marked_participant_ids, visit_data
from coproduce.offline.services import MARK_LIFETIME, drop_from_visits, take_on_visits
from coproduce.offline.sync import ProgressConflict, StepConflict, apply_offline_item
from coproduce.plans.models import Contact, ProgressArea, ProgressCheck, Step
from coproduce.plans.services.plan import decline_step
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import AppointmentFactory, CoverShareFactory, GoalFactory, ProgressCheckFactory, StepFactory

NOON = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC)


def kim(personas: Personas) -> Any:
    return personas.keyworker.user


def note_for(participant_id: int, **changes: object) -> dict[str, object]:
    return {
        "kind": "contact",
        "client_id": str(uuid.uuid4()),
        "participant": participant_id,
        "happened_on": timezone.localdate().isoformat(),
        "contact_kind": "home_visit",
        "duration_minutes": 40,
        "notes": "Kitchen table. Talked about the taster day.",
        **changes,
    }


def answer_for(step: Step, answer: str, **changes: object) -> dict[str, object]:
    return {
        "kind": "step_answer",
        "client_id": str(uuid.uuid4()),
        "step": step.pk,
        "version": step.version,
        "answer": answer,
        "answered_how": "in_person",
        **changes,
    }


def check_for(participant_id: int, based_on: int | None, **changes: object) -> dict[str, object]:
    return {
        "kind": "progress_check",
        "client_id": str(uuid.uuid4()),
        "participant": participant_id,
        "checked_on": timezone.localdate().isoformat(),
        "reader": "participant",
        "scores": dict.fromkeys(ProgressArea.values, 6),
        "based_on": based_on,
        **changes,
    }


# Taking people on visits.


def test_kim_takes_paula_on_visits_for_24_hours_and_it_is_audited(personas: Personas) -> None:
    paula = personas.second_participant
    mark = take_on_visits(actor=kim(personas), participant_id=paula.pk, now=NOON)

    assert (mark.keyworker, mark.participant, mark.marked_at, mark.expires_at) == (
        personas.keyworker,
        paula,
        NOON,
        NOON + datetime.timedelta(hours=24),
    )
    event = AuditEvent.objects.get(record_type="offline.VisitMark")
    assert (event.actor, event.action, event.participant_id) == (kim(personas), "create", paula.pk)


def test_taking_someone_again_renews_the_24_hours_without_a_second_mark(personas: Personas) -> None:
    paula = personas.second_participant
    take_on_visits(actor=kim(personas), participant_id=paula.pk, now=NOON)
    later = NOON + datetime.timedelta(hours=5)
    take_on_visits(actor=kim(personas), participant_id=paula.pk, now=later)

    assert list(VisitMark.objects.values_list("expires_at", flat=True)) == [later + MARK_LIFETIME]


def test_a_mark_is_gone_after_24_hours(personas: Personas) -> None:
    paula = personas.second_participant
    take_on_visits(actor=kim(personas), participant_id=paula.pk, now=NOON)

    assert marked_participant_ids(kim(personas), NOON + datetime.timedelta(hours=23, minutes=59)) == {paula.pk}
    assert marked_participant_ids(kim(personas), NOON + datetime.timedelta(hours=24)) == set()


def test_nobody_else_can_take_paula_on_visits(personas: Personas) -> None:
    paula = personas.second_participant
    with pytest.raises(NotFound):
        take_on_visits(actor=personas.other_keyworker.user, participant_id=paula.pk)
    with pytest.raises(NotFound):
        take_on_visits(actor=personas.participant.user, participant_id=paula.pk)
    # Her area's manager sees her but does not do the visits: that is her keyworker's.
    with pytest.raises(NotAllowed):
        take_on_visits(actor=personas.manager.user, participant_id=paula.pk)
    assert VisitMark.objects.count() == 0


def test_a_covering_keyworker_can_take_paula_and_loses_her_when_the_cover_ends(personas: Personas) -> None:
    paula = personas.second_participant
    cover = CoverShareFactory(participant=paula, covering_keyworker=personas.other_keyworker)
    take_on_visits(actor=personas.other_keyworker.user, participant_id=paula.pk)
    assert marked_participant_ids(personas.other_keyworker.user) == {paula.pk}

    cover.ended_early_at = timezone.now()
    cover.save()
    assert marked_participant_ids(personas.other_keyworker.user) == set()


def test_kim_drops_paula_from_her_visits(personas: Personas) -> None:
    paula = personas.second_participant
    take_on_visits(actor=kim(personas), participant_id=paula.pk)

    assert drop_from_visits(actor=kim(personas), participant_id=paula.pk) is True
    assert drop_from_visits(actor=kim(personas), participant_id=paula.pk) is False
    assert VisitMark.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(record_type="offline.VisitMark").order_by("pk").values_list("action", flat=True)
    ) == ["create", "change"]


# What goes onto the phone.


def test_the_phone_gets_only_the_marked_peoples_summary(personas: Personas) -> None:
    paula = personas.second_participant
    paula.interpreter_language = "Polish"
    paula.save()
    goal = GoalFactory(participant=paula, title="Work in care")
    offered = StepFactory(goal=goal, description="Go to the taster day")
    answered = {"answered_at": timezone.now(), "answered_how": "in_person"}
    agreed = StepFactory(goal=goal, description="Update my CV", state=Step.State.AGREED, version=3, **answered)
    StepFactory(goal=goal, description="Old step", state=Step.State.DONE, finished_at=timezone.now(), **answered)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    appointment = AppointmentFactory(participant=paula, starts_at=tomorrow, place="home", place_details="")
    check = ProgressCheckFactory(participant=paula, scores={"money": 3})
    GoalFactory(participant=personas.participant)  # Pat is not marked: nothing of hers goes
    mark = take_on_visits(actor=kim(personas), participant_id=paula.pk)

    data = visit_data(kim(personas))

    assert data["expires_at"] == mark.expires_at.isoformat()
    assert data["participants"] == [
        {
            "id": paula.pk,
            "name": paula.full_name,
            "reference": paula.reference,
            "interpreter_language": "Polish",
            "expires_at": mark.expires_at.isoformat(),
            "steps": [
                {
                    "id": offered.pk,
                    "goal": "Work in care",
                    "description": "Go to the taster day",
                    "state": "offered",
                    "state_label": "Offered",
                    "version": 1,
                    "answers": [
                        {"value": "agree", "label": "They agreed"},
                        {"value": "decline", "label": "They said no thanks"},
                    ],
                },
                {
                    "id": agreed.pk,
                    "goal": "Work in care",
                    "description": "Update my CV",
                    "state": "agreed",
                    "state_label": "Agreed",
                    "version": 3,
                    "answers": [{"value": "done", "label": "It is done"}],
                },
            ],
            "appointments": [
                {
                    "id": appointment.pk,
                    "starts_at": timezone.localtime(tomorrow).isoformat(),
                    "duration_minutes": 60,
                    "place": "At home",
                    "place_details": "",
                    "childcare_needed": False,
                    "status": "Booked",
                }
            ],
            "latest_progress_check": {
                "id": check.pk,
                "checked_on": "2026-03-02",
                "reader": "participant",
                "scores": {area: 3 if area == "money" else 5 for area in ProgressArea.values},
            },
        }
    ]
    assert [choice["value"] for choice in data["choices"]["contact_kind"]] == Contact.Kind.values
    assert sorted(data["choices"]) == ["contact_kind", "progress_area", "progress_reader"]


@pytest.mark.parametrize("how_many", [1, 12])
def test_the_phones_data_takes_the_same_queries_however_many_people(
    personas: Personas, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    for participant in ParticipantFactory.create_batch(how_many, keyworker=personas.keyworker):
        StepFactory(goal=GoalFactory(participant=participant))
        AppointmentFactory(participant=participant)
        ProgressCheckFactory(participant=participant)
        take_on_visits(actor=kim(personas), participant_id=participant.pk)
    user = kim(personas)
    visit_data(user)  # works out who Kim is, once per request in real use
    # Marks, goals, open steps, appointments, progress checks, their scores.
    with django_assert_num_queries(6):
        data = visit_data(user)
    assert len(data["participants"]) == how_many


# Applying what was recorded offline.


def test_a_note_from_the_visit_arrives_once_however_often_it_is_sent(personas: Personas) -> None:
    paula = personas.second_participant
    take_on_visits(actor=kim(personas), participant_id=paula.pk)
    item = note_for(paula.pk)

    first = apply_offline_item(actor=kim(personas), item=item)
    again = apply_offline_item(actor=kim(personas), item=item)

    contact = Contact.objects.get(participant=paula, kind="home_visit", recorded_by=kim(personas), duration_minutes=40)
    assert (contact.kind, contact.duration_minutes, contact.notes, contact.recorded_by) == (
        "home_visit",
        40,
        "Kitchen table. Talked about the taster day.",
        kim(personas),
    )
    assert (first.already, again.already, first.record_id, again.record_id) == (False, True, contact.pk, contact.pk)
    assert SyncedItem.objects.get().record_type == "plans.Contact"
    assert AuditEvent.objects.filter(record_type="plans.Contact", action="create").count() == 1


def test_two_notes_never_conflict(personas: Personas) -> None:
    paula = personas.second_participant
    take_on_visits(actor=kim(personas), participant_id=paula.pk)
    before = Contact.objects.count()
    apply_offline_item(actor=kim(personas), item=note_for(paula.pk, notes="First."))
    apply_offline_item(actor=kim(personas), item=note_for(paula.pk, notes="Second."))
    notes = Contact.objects.order_by("pk").values_list("notes", flat=True)
    assert (Contact.objects.count() - before, list(notes)[-2:]) == (2, ["First.", "Second."])


def test_nothing_is_applied_for_someone_not_on_todays_visits(personas: Personas) -> None:
    paula = personas.second_participant
    before = Contact.objects.count()
    with pytest.raises(NotFound):
        apply_offline_item(actor=kim(personas), item=note_for(paula.pk))
    take_on_visits(actor=kim(personas), participant_id=paula.pk)
    with pytest.raises(NotFound):
        apply_offline_item(actor=personas.other_keyworker.user, item=note_for(paula.pk))
    assert (Contact.objects.count() - before, SyncedItem.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ([1, 2], "Send one item as a JSON object."),
        ({"kind": "delete_everything"}, "kind: Say what this is: contact, step_answer or progress_check."),
        ({"kind": "contact", "client_id": "nope"}, "client_id: This is not an id this app gives."),
        ({"kind": "contact", "client_id": str(uuid.UUID(int=1))}, "participant: This is missing."),
    ],
)
def test_bad_items_are_refused_with_a_plain_message(item: object, message: str, personas: Personas) -> None:
    with pytest.raises(InvalidInput) as refused:
        apply_offline_item(actor=kim(personas), item=item)
    assert refused.value.message == message


def test_a_note_dated_tomorrow_is_refused_and_nothing_is_kept(personas: Personas) -> None:
    paula = personas.second_participant
    take_on_visits(actor=kim(personas), participant_id=paula.pk)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    before = Contact.objects.count()
    with pytest.raises(InvalidInput) as refused:
        apply_offline_item(actor=kim(personas), item=note_for(paula.pk, happened_on=tomorrow))
    assert refused.value.message == "happened_on: The date of a contact cannot be in the future."
    assert (Contact.objects.count() - before, SyncedItem.objects.count()) == (0, 0)


def test_a_step_answer_from_the_visit_is_applied_with_the_version_it_started_from(personas: Personas) -> None:
    paula = personas.second_participant
    step = StepFactory(goal=GoalFactory(participant=paula))
    take_on_visits(actor=kim(personas), participant_id=paula.pk)

    applied = apply_offline_item(actor=kim(personas), item=answer_for(step, "agree"))

    step.refresh_from_db()
    assert (step.state, step.answered_how, step.version) == ("agreed", "in_person", 2)
    assert applied.values == {
        "id": step.pk,
        "description": step.description,
        "state": "agreed",
        "state_label": "Agreed",
        "version": 2,
        "decline_reason": "",
        "wants_to_talk": False,
    }


def test_a_step_changed_meanwhile_is_a_conflict_with_both_kept(personas: Personas) -> None:
    paula = personas.second_participant
    step = StepFactory(goal=GoalFactory(participant=paula))
    take_on_visits(actor=kim(personas), participant_id=paula.pk)
    item = answer_for(step, "agree")  # taken on the phone at version 1
    decline_step(actor=kim(personas), step_id=step.pk, expected_version=1, answered_how="phone", reason="Too far")

    with pytest.raises(StepConflict) as conflict:
        apply_offline_item(actor=kim(personas), item=item)

    step.refresh_from_db()
    assert (step.state, step.decline_reason, step.version) == ("declined", "Too far", 2)
    assert conflict.value.status_code == 409
    assert conflict.value.theirs == {
        "id": step.pk,
        "description": step.description,
        "state": "declined",
        "state_label": "Declined",
        "version": 2,
        "decline_reason": "Too far",
        "wants_to_talk": False,
    }
    assert SyncedItem.objects.count() == 0


def test_a_progress_check_after_a_newer_one_is_a_conflict_until_kim_keeps_hers(personas: Personas) -> None:
    paula = personas.second_participant
    take_on_visits(actor=kim(personas), participant_id=paula.pk)
    item = check_for(paula.pk, based_on=None)
    theirs = ProgressCheckFactory(participant=paula, scores={"confidence": 2})

    with pytest.raises(ProgressConflict) as conflict:
        apply_offline_item(actor=kim(personas), item=item)
    assert conflict.value.theirs is not None
    assert (conflict.value.theirs["id"], conflict.value.theirs["scores"]["confidence"]) == (theirs.pk, 2)
    assert ProgressCheck.objects.count() == 1

    # "Keep mine": sent again, now starting from the check she has seen. Both are kept.
    applied = apply_offline_item(actor=kim(personas), item={**item, "based_on": theirs.pk})
    mine = ProgressCheck.objects.get(pk=applied.record_id)
    assert (mine.reader, sorted(mine.scores.values_list("score", flat=True))) == ("participant", [6] * 8)
    assert ProgressCheck.objects.count() == 2


def test_a_progress_check_missing_an_area_is_refused(personas: Personas) -> None:
    paula = personas.second_participant
    take_on_visits(actor=kim(personas), participant_id=paula.pk)
    scores = dict.fromkeys(ProgressArea.values[1:], 6)
    with pytest.raises(InvalidInput) as refused:
        apply_offline_item(actor=kim(personas), item=check_for(paula.pk, based_on=None, scores=scores))
    assert refused.value.errors == {"score_confidence": ["Give a score from 1 to 10 for confidence."]}
    assert ProgressCheck.objects.count() == 0
