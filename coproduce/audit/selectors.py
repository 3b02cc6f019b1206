"""Reading the audit log: who looked at a record; where its sealing stands."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Min, QuerySet, Value, When
from django.db.models.functions import TruncMonth

from coproduce.audit.checkpoints import checkpoint_file
from coproduce.audit.models import AuditEvent, AuditSeal, AuditVerification


def events_about_participant(participant_id: int) -> QuerySet[AuditEvent]:
    """Every event about one participant, newest first. Callers check who may see them."""
    return AuditEvent.objects.filter(participant_id=participant_id).select_related("actor")


def events_shown_to_the_participant(participant_id: int, hidden_records: dict[str, list[int]]) -> QuerySet[AuditEvent]:
    """What a participant sees of who looked at their record: every event except those about
    records kept from them for a safeguarding reason (`hidden_records`, by record type), which
    would otherwise tell them such a record exists."""
    events = events_about_participant(participant_id)
    for record_type, record_ids in hidden_records.items():
        if record_ids:
            events = events.exclude(record_type=record_type, record_id__in=[str(pk) for pk in record_ids])
    return events


def record_views_grouped(participant_id: int, hidden_records: dict[str, list[int]], *, viewer_id: int) -> QuerySet[Any]:
    """Who looked at a participant's record, as the participant reads it: the events
    `events_shown_to_the_participant` gives, counted in the database into one row per person,
    role, action, kind of record, changed fields, purpose and month ("Fiona Baird saw your name
    in a list, 12 times this month"), with the last time. Other people's rows come first, the
    participant's own (`viewer_id`) last; within each, the most recent first. One query per page."""
    return (
        events_shown_to_the_participant(participant_id, hidden_records)
        .order_by()
        .annotate(month=TruncMonth("at"))
        .values(
            "month",
            "actor_id",
            "actor__display_name",
            "actor__first_name",
            "actor__last_name",
            "actor__username",
            "actor_role",
            "action",
            "record_type",
            "changed_fields",
            "purpose",
        )
        .annotate(
            times=Count("id"),
            last_at=Max("at"),
            own=Case(When(actor_id=viewer_id, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .order_by("own", "-last_at", "action", "record_type")
    )


@dataclass(frozen=True)
class CheckpointStatus:
    """Where sealing stands, for the admin: the database's last seal, the checkpoint file's last
    line, the events not sealed yet and the last check of the whole log."""

    path: str
    last_seal: AuditSeal | None
    last_checkpoint: dict[str, Any] | None
    unsealed_events: int
    oldest_unsealed_at: datetime.datetime | None
    last_check: AuditVerification | None

    @property
    def last_checkpoint_sequence(self) -> int:
        if self.last_checkpoint is None:
            return 0
        key = "after_sequence" if self.last_checkpoint.get("kind") == "resume" else "sequence"
        return int(self.last_checkpoint.get(key, 0))

    @property
    def in_step(self) -> bool:
        """Whether the file ends with the database's last seal (or neither has one)."""
        return self.last_checkpoint_sequence == (self.last_seal.sequence if self.last_seal else 0)


def checkpoint_status() -> CheckpointStatus:
    """Reads the end of the checkpoint file only, so it costs the same however long the log is."""
    store = checkpoint_file()
    last_seal = AuditSeal.objects.defer("event_digests").order_by("-sequence").first()
    unsealed = AuditEvent.objects.filter(pk__gt=last_seal.last_event_id if last_seal else 0)
    counted = unsealed.aggregate(count=Count("pk"), oldest=Min("at"))
    return CheckpointStatus(
        path=str(store.path),
        last_seal=last_seal,
        last_checkpoint=store.last_entry(),
        unsealed_events=counted["count"],
        oldest_unsealed_at=counted["oldest"],
        last_check=AuditVerification.objects.order_by("-ran_at", "-pk").first(),
    )
