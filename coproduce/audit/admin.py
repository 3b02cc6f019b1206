from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from coproduce.accounts.roles import STAFF_ROLES
from coproduce.audit.models import AuditEvent, AuditSeal, AuditVerification
from coproduce.audit.selectors import checkpoint_status

STAFF_ROLE_NAMES = {role.value for role in STAFF_ROLES}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes these rows here, administrators included."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, even for administrators.

    Administrators do no casework, so the participant an event is about appears only as a
    number, never as a name or reference; so does an actor who is not staff (a participant
    looking at their own record). There is no filter or search by participant.
    """

    list_display = (
        "at",
        "actor_shown",
        "actor_role",
        "action",
        "channel",
        "record_type",
        "record_id",
        "participant_number",
        "purpose",
    )
    list_filter = ("action", "channel", "actor_role")
    search_fields = ("=record_id", "actor__username")
    search_help_text = "An exact record number, or part of a staff member's username."
    date_hierarchy = "at"
    list_select_related = ("actor",)
    fields = (
        "at",
        "actor_shown",
        "actor_role",
        "action",
        "channel",
        "participant_number",
        "record_type",
        "record_id",
        "purpose",
        "changed_fields",
        "path",
        "api_token_name",
    )
    readonly_fields = fields

    @admin.display(description="who")
    def actor_shown(self, event: AuditEvent) -> str:
        if event.actor_id is None:
            return "—"
        if event.actor_role in STAFF_ROLE_NAMES:
            return str(event.actor)
        return f"User {event.actor_id}"

    @admin.display(description="participant")
    def participant_number(self, event: AuditEvent) -> str:
        return str(event.participant_id) if event.participant_id is not None else "—"


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    """The seals of the audit log, and whether the external checkpoints keep up with them."""

    list_display = ("sequence", "sealed_at", "events", "event_count", "root", "hash")
    date_hierarchy = "sealed_at"
    fields = (
        "sequence",
        "sealed_at",
        "format_version",
        "events",
        "event_count",
        "events_root",
        "previous_hash",
        "seal_hash",
    )
    readonly_fields = fields
    change_list_template = "admin/audit/auditseal/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditSeal]:
        # Each event's digest is for verification, not for reading.
        return super().get_queryset(request).defer("event_digests")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        context = {**(extra_context or {}), "checkpoint_status": checkpoint_status()}
        return super().changelist_view(request, extra_context=context)  # type: ignore[return-value]

    @admin.display(description="events")
    def events(self, seal: AuditSeal) -> str:
        return f"{seal.after_event_id + 1}–{seal.last_event_id}"

    @admin.display(description="events root")
    def root(self, seal: AuditSeal) -> str:
        return f"{seal.events_root[:16]}…"

    @admin.display(description="seal hash")
    def hash(self, seal: AuditSeal) -> str:
        return f"{seal.seal_hash[:16]}…"


@admin.register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    """Every check of the audit log (`manage.py verify_audit`, the daily task), failures first to see."""

    list_display = ("ran_at", "outcome", "seals_checked", "events_checked", "unsealed_events", "administrators_told")
    list_filter = ("outcome",)
    date_hierarchy = "ran_at"
    fields = (
        "ran_at",
        "outcome",
        "summary",
        "problems",
        "seals_checked",
        "events_checked",
        "unsealed_events",
        "administrators_told",
    )
    readonly_fields = fields
