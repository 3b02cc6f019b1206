"""The append-only audit log: every read of personal data and every change, and its seals."""

import operator
from collections.abc import Iterable
from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone

Row = TypeVar("Row", bound=models.Model)


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet[Row]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{str(self.model._meta.verbose_name_plural).capitalize()} are never changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{str(self.model._meta.verbose_name_plural).capitalize()} are never deleted.")


class AuditEventQuerySet(AppendOnlyQuerySet["AuditEvent"]):
    def bulk_create(self, objs: Iterable["AuditEvent"], *args: Any, **kwargs: Any) -> list["AuditEvent"]:
        events = list(objs)
        if args or kwargs or not connections[self.db].features.can_return_rows_from_bulk_insert:
            created = super().bulk_create(events, *args, **kwargs)
        else:
            created = _insert_events(events, using=self.db)
        if created:
            _request_sealing(self.db)
        return created


def _insert_events(events: list["AuditEvent"], *, using: str) -> list["AuditEvent"]:
    """Insert new events with one INSERT … RETURNING per batch, each value converted once here.

    The same statements as Django's bulk_create, but Django prepares every value of every row
    through its fields, which for a list page showing 30 people cost more than the insert itself
    (`make bench`); the rows written are the same (tests/audit/test_storage.py compares them).
    """
    if not events:
        return events
    if any(event.pk is not None for event in events):
        raise AppendOnlyError("Audit events are never changed.")
    connection = connections[using]
    meta = AuditEvent._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    converters = [_converter(field, connection, now) for field in fields]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    statement = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "
        f"({', '.join(connection.ops.quote_name(field.column) for field in fields)}) VALUES "
    )
    returning = f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
    batch = max(1, connection.ops.bulk_batch_size(fields, events))
    ids: list[int] = []
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(events), batch):
            chunk = events[start : start + batch]
            values = [convert(event) for event in chunk for convert in converters]
            cursor.execute(statement + ", ".join([row] * len(chunk)) + returning, values)
            ids += [pk for (pk,) in cursor.fetchall()]
    for event, pk in zip(events, ids, strict=True):
        event.at = now
        event.pk = pk
        event._state.adding = False
        event._state.db = using
    return events


def _converter(field: models.Field[Any, Any], connection: Any, now: Any) -> Any:
    """How to turn one field of an event into the value the database takes."""
    if field.attname == "at":
        stamped = connection.ops.adapt_datetimefield_value(now)
        return lambda event: stamped
    if isinstance(field, models.JSONField):
        return lambda event: connection.ops.adapt_json_value(getattr(event, field.attname), field.encoder)
    if isinstance(field, models.CharField):
        # As the field would: choices and numbers become their text.
        return lambda event: None if (value := getattr(event, field.attname)) is None else str(value)
    return operator.attrgetter(field.attname)


def _request_sealing(using: str) -> None:
    # Here rather than in the audit helpers so that every way of appending events asks for
    # them to be sealed, including the services that bulk-create events themselves. Imported
    # here because scheduling sits above the models (it queues the task that seals them).
    from coproduce.audit.scheduling import request_sealing

    request_sealing(using=using)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Looked at the record"
        LIST = "list", "Saw them in a list"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        EXPORT = "export", "Exported"
        ALLOCATE = "allocate", "Allocated"
        CONSENT_GIVEN = "consent_given", "Recorded consent"
        CONSENT_WITHDRAWN = "consent_withdrawn", "Recorded withdrawal of consent"
        REFUSED = "refused", "Was refused access"

    class Channel(models.TextChoices):
        PAGE = "page", "Web page"
        API = "api", "API"
        EXPORT = "export", "Export"
        ADMIN = "admin", "Administration"
        SYSTEM = "system", "System"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No index of their own: the indexes on (actor, at) and (participant, at) start with them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The participant whose personal data this is, if any: what "who looked at my record" reads.
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=40)
    purpose = models.CharField(max_length=120, blank=True)
    # Names of the fields changed, never their values: the log must not become a copy of the data.
    changed_fields = models.JSONField(default=list, blank=True)
    path = models.CharField(max_length=300, blank=True)
    # The name of the API token the request was made with, if any: which key, when a key leaks.
    api_token_name = models.CharField(max_length=100, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["participant", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["record_type", "record_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.record_type} {self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events are never changed.")
        super().save(*args, **kwargs)
        _request_sealing(self._state.db or "default")

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are never deleted.")


class AuditSealQuerySet(AppendOnlyQuerySet["AuditSeal"]):
    pass


class AuditSeal(models.Model):
    """One sealed batch: the events after `after_event_id` up to `last_event_id`, as they were.

    `events_root` is the Merkle root of the batch's events (coproduce/audit/hashing.py) and
    `seal_hash` covers it and `previous_hash`, the hash of the seal before, so the seals form
    a chain. Append-only like the events, and copied to the external checkpoints.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    format_version = models.PositiveSmallIntegerField()
    after_event_id = models.BigIntegerField(help_text="The batch starts after this event (the previous seal's last).")
    last_event_id = models.BigIntegerField()
    event_count = models.PositiveIntegerField(
        help_text="Events in the batch (ids skipped by cancelled writes do not count)."
    )
    events_root = models.CharField(max_length=64)
    # Each event's id and leaf hash, so that verification can name the event that changed.
    event_digests = models.BinaryField()
    previous_hash = models.CharField(max_length=64)
    seal_hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField()

    objects = AuditSealQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_event_id__gt=models.F("after_event_id")), name="seal_covers_some_events"
            ),
            models.CheckConstraint(condition=models.Q(event_count__gte=1), name="seal_has_events"),
        ]

    def __str__(self) -> str:
        return f"Seal {self.sequence}: events {self.after_event_id + 1}–{self.last_event_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit seals are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit seals are never deleted.")


class AuditVerification(models.Model):
    """One run of the audit log's check (`manage.py verify_audit`, or the daily task)."""

    class Outcome(models.TextChoices):
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    ran_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    seals_checked = models.PositiveBigIntegerField()
    events_checked = models.PositiveBigIntegerField()
    unsealed_events = models.PositiveBigIntegerField()
    summary = models.TextField(help_text="The first problem, or what was checked.")
    problems = models.TextField(blank=True, help_text="Every problem found, one a line.")
    administrators_told = models.PositiveIntegerField(
        default=0, help_text="How many administrators were sent an email about it."
    )

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = "audit log check"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.ran_at:%Y-%m-%d %H:%M}"


class AuditArchiveQuerySet(AppendOnlyQuerySet["AuditArchive"]):
    pass


class AuditArchive(models.Model):
    """One month of audit events moved out of the database into a compressed file
    (`manage.py archive_audit`, docs/audit.md). The seals stay, so the chain still verifies;
    `archived_ranges` tells verification which sealed events are in the file, not missing."""

    month = models.DateField(unique=True, help_text="The first day of the month archived (UTC).")
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    event_count = models.PositiveBigIntegerField()
    first_event_id = models.BigIntegerField(null=True)
    last_event_id = models.BigIntegerField(null=True)
    first_seal = models.PositiveBigIntegerField(null=True, help_text="The first seal holding events of the month.")
    last_seal = models.PositiveBigIntegerField(null=True)
    # Runs [first id, last id] within which every sealed event is in this archive.
    archived_ranges = models.JSONField(default=list)
    archived_at = models.DateTimeField()

    objects = AuditArchiveQuerySet.as_manager()

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"Audit archive {self.month:%Y-%m}: {self.event_count:,} events"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit archives are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit archives are never deleted.")
