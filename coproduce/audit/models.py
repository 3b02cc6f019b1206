"""The append-only audit log: every read of personal data and every change."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are never changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events are never deleted.")


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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The participant whose personal data this is, if any: what "who looked at my record" reads.
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are never deleted.")
