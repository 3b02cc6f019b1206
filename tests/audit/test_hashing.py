"""What a seal hashes: the same bytes for an event on SQLite and PostgreSQL, RFC 6962's tree."""

import datetime

import pytest

from coproduce.audit.hashing import (
    EVENT_COLUMNS,
    canonical_event,
    leaf_hash,
    merkle_root,
    node_hash,
    pack_digests,
    unpack_digests,
    utc_text,
)
from coproduce.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.participants.factories import ParticipantFactory

# The reference tree heads of RFC 6962 for these leaves, sizes 0 to 8, as published with the
# certificate-transparency implementations' tests (e.g. google/certificate-transparency-go, merkle).
RFC6962_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
RFC6962_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_the_tree_is_rfc_6962s() -> None:
    leaves = [leaf_hash(bytes.fromhex(data)) for data in RFC6962_LEAVES]
    assert [merkle_root(leaves[:size]).hex() for size in range(9)] == RFC6962_ROOTS


def rfc_6962_root(leaves: list[bytes]) -> bytes:
    """The RFC's definition, word for word: split at the largest power of two below the size."""
    if len(leaves) == 1:
        return leaves[0]
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return node_hash(rfc_6962_root(leaves[:split]), rfc_6962_root(leaves[split:]))


@pytest.mark.parametrize("size", [9, 13, 16, 17, 100, 257])
def test_larger_trees_follow_the_rfcs_definition(size: int) -> None:
    leaves = [leaf_hash(number.to_bytes(4, "big")) for number in range(size)]
    assert merkle_root(leaves) == rfc_6962_root(leaves)


def test_every_column_of_an_event_is_hashed() -> None:
    columns = {field.attname for field in AuditEvent._meta.concrete_fields}
    assert set(EVENT_COLUMNS) == columns


@pytest.mark.django_db
def test_an_event_read_back_gives_the_same_bytes_on_either_database() -> None:
    """The expected bytes are written out: the test passes on SQLite and on PostgreSQL alike, so
    both give the same bytes (microseconds, UTC, JSON key order, nulls, non-ASCII text)."""
    actor = UserFactory()
    participant = ParticipantFactory()
    event = AuditEvent.objects.create(
        actor=actor,
        actor_role="keyworker",
        action=AuditEvent.Action.CHANGE,
        channel=AuditEvent.Channel.API,
        participant=participant,
        record_type="participants.Participant",
        record_id=str(participant.pk),
        purpose="Casework – café",
        changed_fields=[{"b": 1, "a": None}, "mobile"],
        path="/api/v1/participants/1",
        api_token_name="laptop",
    )
    row = AuditEvent.objects.filter(pk=event.pk).values_list(*EVENT_COLUMNS).get()

    stamped = event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    assert canonical_event(row).decode() == (
        f'["coproduce.audit.event",1,{event.pk},"{stamped}",{actor.pk},"keyworker",'
        f'"change","api",{participant.pk},"participants.Participant","{participant.pk}","Casework – café",'
        '[{"a":null,"b":1},"mobile"],"/api/v1/participants/1","laptop"]'
    )


@pytest.mark.django_db
def test_an_event_with_no_actor_or_participant_hashes_its_nulls() -> None:
    event = AuditEvent.objects.create(action="view", channel="system", record_type="x.Y", record_id="7")
    row = AuditEvent.objects.filter(pk=event.pk).values_list(*EVENT_COLUMNS).get()

    stamped = event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    assert canonical_event(row).decode() == (
        f'["coproduce.audit.event",1,{event.pk},"{stamped}",null,"","view","system",null,"x.Y","7","",[],"",""]'
    )


def test_times_are_written_in_utc_with_microseconds() -> None:
    british_summer_time = datetime.timezone(datetime.timedelta(hours=1))
    moment = datetime.datetime(2026, 3, 31, 9, 15, 2, tzinfo=british_summer_time)
    assert utc_text(moment) == "2026-03-31T08:15:02.000000+00:00"


def test_digests_pack_and_unpack() -> None:
    digests = [(1, b"\x01" * 32), (2**40, b"\xff" * 32)]
    assert unpack_digests(pack_digests(digests)) == digests
    with pytest.raises(ValueError, match="whole"):
        unpack_digests(b"\x00" * 41)
