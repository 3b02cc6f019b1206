"""Base models: timestamps, and a version number for optimistic locking."""

from django.db import models

from coproduce.core.errors import ConflictError


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimestampedModel):
    """A row whose edits must not silently overwrite each other.

    Every edit names the version it started from. The service locks the row
    (`select_for_update`), calls `check_version`, changes it and calls `bump_version` before
    saving, so the second of two concurrent edits fails with ConflictError instead of
    overwriting the first.
    """

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def check_version(self, expected_version: int) -> None:
        if self.version != expected_version:
            raise ConflictError(
                "Someone else changed this record while you were editing it. Nothing was "
                "saved: reload to see their change, then make yours again."
            )

    def bump_version(self) -> None:
        self.version += 1
