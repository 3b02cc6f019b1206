"""What the participant's and the keyworker's progress and job-search pages share.

The charts' context and the job-search log as a PDF; each audience's pages import them from
here, never from each other.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.audit.context import audited_as_export
from coproduce.participants.models import Participant
from coproduce.plans.charts import progress_charts
from coproduce.plans.selectors.job_search import job_search_log_for
from coproduce.plans.selectors.progress import progress_checks_for, progress_series
from coproduce.plans.services.job_search import record_job_search_export
from coproduce.web.pdf import pdf_response, render_pdf

ENTRIES_PER_PAGE = 50


def progress_context(actor: ActingUser, participant: Participant, *, theirs: str, keyworkers: str) -> dict[str, Any]:
    checks = list(progress_checks_for(actor, participant.pk))
    charts = progress_charts(progress_series(checks), participant_label=theirs, keyworker_label=keyworkers)
    return {"charts": charts, "check_count": len(checks), "theirs": theirs, "keyworkers": keyworkers}


@audited_as_export
def job_search_pdf(request: HttpRequest, participant: Participant) -> HttpResponse:
    """The whole log as a PDF to show at Jobcentre Plus; the export is audited."""
    entries = list(job_search_log_for(request.user, participant.pk))
    content = render_pdf(
        "web/job_search_log.pdf.html",
        {"participant": participant, "entries": entries, "printed_on": timezone.localdate()},
        language=participant.language,
    )
    record_job_search_export(actor=request.user, participant=participant)
    return pdf_response(content, f"job-search-log-{participant.reference}.pdf")
