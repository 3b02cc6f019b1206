"""Reading the audit log: who looked at a record."""

from django.db.models import QuerySet

from coproduce.audit.models import AuditEvent


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
