"""Reading the audit log: who looked at a record."""

from django.db.models import QuerySet

from coproduce.audit.models import AuditEvent


def events_about_participant(participant_id: int) -> QuerySet[AuditEvent]:
    """Every event about one participant, newest first. Callers check who may see them."""
    return AuditEvent.objects.filter(participant_id=participant_id).select_related("actor")
