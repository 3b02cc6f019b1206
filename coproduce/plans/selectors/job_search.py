"""Reads of the job-search log."""

from django.db.models import QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import JobSearchEntry


def job_search_entries_visible_to(actor: ActingUser) -> QuerySet[JobSearchEntry]:
    """Entries in the logs of the participants this person may see, and no others."""
    return JobSearchEntry.objects.filter(participant__in=participants_visible_to(actor))


def job_search_log_for(actor: ActingUser, participant_id: int) -> QuerySet[JobSearchEntry]:
    """One participant's log, newest first, with who wrote each entry: one query."""
    return (
        job_search_entries_visible_to(actor)
        .filter(participant_id=participant_id)
        .select_related("recorded_by")
        .order_by("-searched_on", "-pk")
    )
