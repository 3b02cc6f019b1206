"""Audit events to seal, and the tools of someone rewriting them behind the application's back."""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from coproduce.accounts.models import User
from coproduce.audit.hashing import EVENT_COLUMNS, event_digest, merkle_root, pack_digests, seal_hash
from coproduce.audit.models import AuditEvent, AuditSeal
from coproduce.audit.sealing import fields_of
from coproduce.participants.models import Participant

APPEND_ONLY_EVENTS = importlib.import_module("coproduce.audit.migrations.0002_audit_events_are_append_only")
APPEND_ONLY_SEALS = importlib.import_module("coproduce.audit.migrations.0005_audit_seals_are_append_only")


def append_events(count: int, *, actor: User | None = None, participant: Participant | None = None) -> list[AuditEvent]:
    """`count` events as the application writes them: some by a person about a participant, some by the system."""
    events = []
    for number in range(count):
        about = participant if number % 2 == 0 else None
        events.append(
            AuditEvent.objects.create(
                actor=actor if number % 3 else None,
                actor_role="keyworker" if actor is not None and number % 3 else "",
                action=AuditEvent.Action.CHANGE if number % 4 == 0 else AuditEvent.Action.VIEW,
                channel=AuditEvent.Channel.PAGE,
                participant=about,
                record_type="participants.Participant" if about else "programmes.Partnership",
                record_id=str(about.pk if about else number),
                purpose="Casework – café visit" if number % 5 == 0 else "Casework",
                changed_fields=["mobile", "email"] if number % 4 == 0 else [],
                path=f"/participants/{about.pk}/" if about else "/partnership/",
                api_token_name="laptop" if number % 7 == 0 else "",
            )
        )
    return events


def execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@contextmanager
def triggers_off() -> Iterator[None]:
    """What a database administrator can do: switch off the append-only triggers (PostgreSQL), or
    drop them (SQLite). They are back on when the block ends, as every other test expects."""
    if connection.vendor == "postgresql":
        execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            execute("SET session_replication_role = DEFAULT")
        return
    execute("DROP TRIGGER audit_event_no_update")
    execute("DROP TRIGGER audit_seal_no_update")
    try:
        yield
    finally:
        for statement in [*APPEND_ONLY_EVENTS.SQLITE, *APPEND_ONLY_SEALS.SQLITE]:
            execute(statement)


def reseal_from(sequence: int) -> None:
    """Recompute seal `sequence` from its events as they are now, and every seal after it, as
    someone who knows the algorithm would after rewriting history. Call it with triggers off."""
    previous = AuditSeal.objects.filter(sequence=sequence - 1).first()
    previous_hash = previous.seal_hash if previous else "0" * 64
    for seal in AuditSeal.objects.filter(sequence__gte=sequence).order_by("sequence"):
        rows = list(
            AuditEvent.objects.filter(pk__gt=seal.after_event_id, pk__lte=seal.last_event_id)
            .order_by("pk")
            .values_list(*EVENT_COLUMNS)
        )
        digests = [(row[0], event_digest(row)) for row in rows]
        seal.events_root = merkle_root([digest for _, digest in digests]).hex()
        seal.previous_hash = previous_hash
        new_hash = seal_hash(fields_of(seal))
        execute(
            "UPDATE audit_auditseal SET events_root = %s, event_digests = %s, previous_hash = %s, seal_hash = %s "
            "WHERE sequence = %s",
            [seal.events_root, pack_digests(digests), previous_hash, new_hash, seal.sequence],
        )
        previous_hash = new_hash
