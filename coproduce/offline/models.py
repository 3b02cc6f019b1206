"""A keyworker's "take with me" mark: which participants' summaries go onto their phone for today's visits."""

from django.conf import settings
from django.db import models

from coproduce.participants.models import Participant
from coproduce.programmes.models import StaffMember


class VisitMark(models.Model):
    """One participant taken on one keyworker's visits, until `expires_at` (24 hours after marking).

    Only what a mark names ever goes onto a device, and only until it expires: the mark is the
    allow-list for /visits/data.json (docs/offline.md).
    """

    keyworker = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="visit_marks")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="visit_marks")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["keyworker", "participant"], name="one_visit_mark_per_keyworker_and_person"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("marked_at")), name="visit_mark_expires_later"
            ),
        ]
        indexes = [models.Index(fields=["keyworker", "expires_at"])]

    def __str__(self) -> str:
        return f"Visit to participant {self.participant_id} by staff {self.keyworker_id}"


class SyncedItem(models.Model):
    """An item recorded offline that the server has applied, by the id the device gave it.

    A phone that loses the signal after sending but before hearing back sends the item again;
    this row lets the second sending answer "already done" instead of recording it twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.UUIDField()
    kind = models.CharField(max_length=20)
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=40)
    synced_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="one_sync_per_device_item")]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"
