from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from coproduce.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, even for administrators."""

    list_display = ("at", "actor", "actor_role", "action", "channel", "record_type", "record_id", "purpose")
    list_filter = ("action", "channel", "actor_role")
    search_fields = ("record_id", "actor__username")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
