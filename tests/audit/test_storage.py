"""Events bulk-created by the audit's own insert are stored exactly as Django's would store them."""

import datetime

import pytest

from coproduce.accounts.models import User
from coproduce.audit.hashing import EVENT_COLUMNS, canonical_event
from coproduce.audit.models import AppendOnlyError, AuditEvent
from coproduce.participants.models import Participant
from tests.accounts.factories import UserFactory
from tests.participants.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

SOME_TIME = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def events(actor: User, participant: Participant) -> list[AuditEvent]:
    return [
        AuditEvent(
            actor=actor,
            actor_role="keyworker",
            action=AuditEvent.Action.LIST,
            channel=AuditEvent.Channel.API,
            participant=participant,
            record_type="participants.Participant",
            record_id=participant.pk,  # a number: stored as its text
            purpose="Casework – café",
            changed_fields=[{"b": 1, "a": None}, "mobile"],
            path="/api/v1/participants",
            api_token_name="laptop",
        ),
        AuditEvent(action="view", channel="system", record_type="x.Y", record_id="7"),
    ]


def as_stored(created: list[AuditEvent]) -> list[bytes]:
    """Each row as read back, in canonical form, with its id and time set aside."""
    rows = AuditEvent.objects.filter(pk__in=[event.pk for event in created]).order_by("pk").values_list(*EVENT_COLUMNS)
    return [canonical_event((0, SOME_TIME, *row[2:])) for row in rows]


def test_the_audits_insert_stores_what_djangos_would() -> None:
    actor, participant = UserFactory(), ParticipantFactory()

    ours = AuditEvent.objects.bulk_create(events(actor, participant))
    djangos = AuditEvent.objects.bulk_create(events(actor, participant), batch_size=100)  # Django's own insert

    assert as_stored(ours) == as_stored(djangos)
    assert AuditEvent.objects.get(pk=ours[0].pk).record_id == str(participant.pk)
    stamped = AuditEvent.objects.filter(pk__in=[event.pk for event in ours]).values_list("at", flat=True)
    assert set(stamped) == {ours[0].at} == {ours[1].at}
    assert not any(event._state.adding for event in ours)


def test_many_events_are_inserted_in_batches_each_with_its_id() -> None:
    created = AuditEvent.objects.bulk_create(
        [AuditEvent(action="list", channel="page", record_type="x.Y", record_id=str(number)) for number in range(250)]
    )

    stored = dict(AuditEvent.objects.values_list("pk", "record_id"))
    assert {event.pk: event.record_id for event in created} == stored
    assert len(stored) == 250


def test_an_event_already_stored_cannot_be_inserted_again() -> None:
    event = AuditEvent.objects.create(action="view", channel="page", record_type="x.Y", record_id="1")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([event])
