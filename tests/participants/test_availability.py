"""When a participant says they are free: who may record it, what counts as a slot, and the audit trail."""

import datetime

import pytest
from django.utils import timezone

from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import AvailabilitySlot
from coproduce.participants.services import set_availability, share_for_cover
from tests.personas import Personas

MORNING = AvailabilitySlot.PartOfDay.MORNING
AFTERNOON = AvailabilitySlot.PartOfDay.AFTERNOON
AFTER_SCHOOL = AvailabilitySlot.PartOfDay.LATE_AFTERNOON
EVENING = AvailabilitySlot.PartOfDay.EVENING


def slots_of(participant_id: int) -> list[tuple[int, str]]:
    rows = AvailabilitySlot.objects.filter(participant_id=participant_id)
    return sorted(rows.values_list("weekday", "part_of_day"))


def availability_events(participant_id: int) -> list[tuple[str, str, list[str], str, str]]:
    return [
        (event.actor.username, event.action, event.changed_fields, event.channel, event.path)
        for event in AuditEvent.objects.filter(participant_id=participant_id, record_type="participants.Participant")
        .select_related("actor")
        .order_by("pk")
    ]


def test_pat_says_when_she_is_free_herself(personas: Personas) -> None:
    pat = personas.participant
    with audit_context(channel=AuditEvent.Channel.API, path="/api/v1/me/availability"):
        slots = set_availability(
            actor=pat.user,
            participant_id=pat.pk,
            slots=[(3, AFTERNOON), (1, EVENING), (1, MORNING)],
        )
    assert [(slot.weekday, slot.part_of_day) for slot in slots] == [(1, MORNING), (1, EVENING), (3, AFTERNOON)]
    assert [str(slot) for slot in slots] == [
        "Tuesday Morning (9am to 12 noon)",
        "Tuesday Evening (6pm to 9pm)",
        "Thursday Afternoon (12 noon to 3pm)",
    ]
    assert slots_of(pat.pk) == [(1, "evening"), (1, "morning"), (3, "afternoon")]
    assert availability_events(pat.pk) == [
        ("pat@example.net", "change", ["availability"], "api", "/api/v1/me/availability")
    ]


def test_a_new_list_replaces_the_old_one_keeping_the_slots_that_stay(personas: Personas) -> None:
    pat = personas.participant
    kim = personas.keyworker.user
    with audit_context(path="/a"):
        first = set_availability(actor=kim, participant_id=pat.pk, slots=[(0, MORNING), (2, MORNING)])
    kept_id = first[0].pk
    with audit_context(path="/b"):
        second = set_availability(actor=kim, participant_id=pat.pk, slots=[(0, MORNING), (4, AFTER_SCHOOL)])
    assert [(slot.weekday, slot.part_of_day) for slot in second] == [(0, MORNING), (4, AFTER_SCHOOL)]
    assert second[0].pk == kept_id
    assert slots_of(pat.pk) == [(0, "morning"), (4, "late_afternoon")]
    # The removed Wednesday morning is in the slot's own history.
    removed = AvailabilitySlot.history.filter(weekday=2, history_type="-").get()
    assert (removed.participant_id, removed.part_of_day) == (pat.pk, "morning")
    assert [event[4] for event in availability_events(pat.pk)] == ["/a", "/b"]


def test_the_same_list_again_changes_nothing_and_writes_no_event(personas: Personas) -> None:
    pat = personas.participant
    set_availability(actor=pat.user, participant_id=pat.pk, slots=[(1, MORNING)])
    again = set_availability(actor=pat.user, participant_id=pat.pk, slots=[(1, MORNING), (1, MORNING)])
    assert [(slot.weekday, slot.part_of_day) for slot in again] == [(1, MORNING)]
    assert len(availability_events(pat.pk)) == 1


def test_an_empty_list_clears_what_was_said(personas: Personas) -> None:
    pat = personas.participant
    set_availability(actor=pat.user, participant_id=pat.pk, slots=[(1, MORNING), (5, EVENING)])
    assert set_availability(actor=pat.user, participant_id=pat.pk, slots=[]) == []
    assert slots_of(pat.pk) == []
    assert len(availability_events(pat.pk)) == 2


def test_the_area_manager_may_record_it(personas: Personas) -> None:
    olive = personas.other_participant
    slots = set_availability(actor=personas.manager.user, participant_id=olive.pk, slots=[(6, AFTERNOON)])
    assert [(slot.weekday, slot.part_of_day) for slot in slots] == [(6, AFTERNOON)]
    assert availability_events(olive.pk) == [("mo@fifelpt.example.org", "change", ["availability"], "system", "")]


@pytest.mark.parametrize(
    ("bad_slots", "message"),
    [
        ([(7, "morning")], "Choose a day of the week from Monday to Sunday."),
        ([(-1, "morning")], "Choose a day of the week from Monday to Sunday."),
        ([("1", "morning")], "Choose a day of the week from Monday to Sunday."),
        ([(True, "morning")], "Choose a day of the week from Monday to Sunday."),
        ([(1, "night")], "Choose morning, afternoon, after school or evening."),
        ([(1, "")], "Choose morning, afternoon, after school or evening."),
        ([(1,)], "Choose a day of the week from Monday to Sunday."),
    ],
)
def test_bad_slots_are_refused_and_change_nothing(personas: Personas, bad_slots: list, message: str) -> None:
    pat = personas.participant
    set_availability(actor=pat.user, participant_id=pat.pk, slots=[(2, MORNING)])
    with pytest.raises(InvalidInput) as error:
        set_availability(actor=pat.user, participant_id=pat.pk, slots=[(0, MORNING), *bad_slots])
    assert error.value.errors == {"slots": [message]}
    assert slots_of(pat.pk) == [(2, "morning")]
    assert len(availability_events(pat.pk)) == 1


def test_every_problem_is_listed_once(personas: Personas) -> None:
    pat = personas.participant
    with pytest.raises(InvalidInput) as error:
        set_availability(actor=pat.user, participant_id=pat.pk, slots=[(9, MORNING), (8, EVENING), (1, "noon")])
    assert error.value.errors == {
        "slots": [
            "Choose a day of the week from Monday to Sunday.",
            "Choose morning, afternoon, after school or evening.",
        ]
    }


def test_pat_cannot_set_paulas_times(personas: Personas) -> None:
    paula = personas.second_participant
    with pytest.raises(NotFound):
        set_availability(actor=personas.participant.user, participant_id=paula.pk, slots=[(1, MORNING)])
    assert slots_of(paula.pk) == []


def test_a_keyworker_cannot_set_another_keyworkers_participants_times(personas: Personas) -> None:
    olive = personas.other_participant
    with pytest.raises(NotFound):
        set_availability(actor=personas.keyworker.user, participant_id=olive.pk, slots=[(1, MORNING)])
    assert slots_of(olive.pk) == []


@pytest.mark.parametrize("who", ["partner_worker", "funder", "evaluator", "glasgow_manager", "glasgow_keyworker"])
def test_nobody_else_can_see_pat_to_set_her_times(personas: Personas, who: str) -> None:
    pat = personas.participant
    with pytest.raises(NotFound):
        set_availability(actor=getattr(personas, who).user, participant_id=pat.pk, slots=[(1, MORNING)])
    assert slots_of(pat.pk) == []
    assert AuditEvent.objects.filter(participant_id=pat.pk).count() == 0


def test_a_covering_keyworker_sees_the_case_but_may_not_change_these_details(personas: Personas) -> None:
    pat = personas.participant
    today = timezone.localdate()
    share_for_cover(
        actor=personas.keyworker.user,
        participant_id=pat.pk,
        covering_keyworker_id=personas.other_keyworker.pk,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        reason="Annual leave",
    )
    with pytest.raises(NotAllowed):
        set_availability(actor=personas.other_keyworker.user, participant_id=pat.pk, slots=[(1, MORNING)])
    assert slots_of(pat.pk) == []
