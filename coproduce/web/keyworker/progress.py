"""Casework pages for a participant's progress checks, job-search log and full record.

Keyworkers (and covering keyworkers) work on their caseload, partnership managers on their area;
which participants that is comes from participants_visible_to (404 for anyone else). Every read
is audited; the PDF export with action "export".
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coproduce.accounts.roles import Role
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import JobSearchEntry
from coproduce.plans.selectors.job_search import job_search_entries_visible_to, job_search_log_for
from coproduce.plans.selectors.record import record_about
from coproduce.plans.services.job_search import add_job_search_entry, update_job_search_entry
from coproduce.plans.services.progress import record_progress_check
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles, visible_participant_or_404
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.progress_forms import SCALE_HINT, JobSearchEntryForm, ProgressCheckForm
from coproduce.web.progress_pages import ENTRIES_PER_PAGE, job_search_pdf, progress_context

CASEWORK = (Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)


@require_roles(*CASEWORK)
def participant_progress(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    context = {
        "page_title": f"{participant.full_name}: progress",
        "participant": participant,
        **progress_context(request.user, participant, theirs="Participant", keyworkers="Keyworker"),
    }
    record_participant_view(actor=request.user, participant=participant)
    return render(request, "web/keyworker/participant_progress.html", context)


@require_roles(*CASEWORK)
def participant_progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    status = 200
    if request.method == "POST":
        form = ProgressCheckForm(request.POST, for_staff=True)
        if form.is_valid():
            with submitting(form) as submission:
                record_progress_check(
                    actor=request.user,
                    participant_id=participant.pk,
                    checked_on=form.cleaned_data["checked_on"],
                    reader=form.cleaned_data["reader"],
                    scores=form.scores(),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "The progress check is saved.")
                return redirect("web:participant_progress", pk=participant.pk)
        else:
            status = 400
    else:
        form = ProgressCheckForm(for_staff=True)
        record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"Record a progress check for {participant.full_name}",
        "participant": participant,
        "form": form,
        "scale_hint": SCALE_HINT,
    }
    return render(request, "web/keyworker/participant_progress_add.html", context, status=status)


@require_roles(*CASEWORK)
def participant_job_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The log, and a form to add an entry with them."""
    participant = visible_participant_or_404(request, pk)
    status = 200
    if request.method == "POST":
        form = JobSearchEntryForm(request.POST)
        if form.is_valid():
            with submitting(form) as submission:
                add_job_search_entry(actor=request.user, participant_id=participant.pk, **form.details())
            status = submission.status
            if submission.ok:
                messages.success(request, "Added to their job-search log.")
                return redirect("web:participant_job_search", pk=participant.pk)
        else:
            status = 400
    else:
        form = JobSearchEntryForm()
    pages = paginate(request, job_search_log_for(request.user, participant.pk), ENTRIES_PER_PAGE)
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"{participant.full_name}: job-search log",
        "participant": participant,
        "pages": pages,
        "form": form,
    }
    return render(request, "web/keyworker/participant_job_search.html", context, status=status)


@require_roles(*CASEWORK)
def participant_job_search_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return job_search_pdf(request, visible_participant_or_404(request, pk))


@require_roles(*CASEWORK)
def participant_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything recorded about them, as they see it on their own page, plus the restricted notes."""
    record = record_about(request.user, pk)
    if record is None:
        raise Http404("No such participant.")
    record_participant_view(actor=request.user, participant=record.participant)
    context = {
        "page_title": f"What is recorded about {record.participant.full_name}",
        "record": record,
    }
    return render(request, "web/keyworker/participant_record.html", context)


@require_roles(Role.PARTICIPANT, *CASEWORK)
def job_search_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one entry: the participant in their own log, or their keyworker with them."""
    entry: JobSearchEntry | None = (
        job_search_entries_visible_to(request.user).select_related("participant").filter(pk=pk).first()
    )
    if entry is None:
        raise Http404("No such entry.")
    own = standing_of(request.user).participant_id == entry.participant_id
    back = redirect("web:my_job_search") if own else redirect("web:participant_job_search", pk=entry.participant_id)
    status = 200
    if request.method == "POST":
        form = JobSearchEntryForm(request.POST)
        if form.is_valid():
            with submitting(form) as submission:
                update_job_search_entry(
                    actor=request.user,
                    entry_id=entry.pk,
                    expected_version=form.cleaned_data["version"] or 0,
                    changes=form.details(),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "The entry is saved.")
                return back
        else:
            status = 400
    else:
        form = JobSearchEntryForm(
            initial={name: getattr(entry, name) for name in JobSearchEntryForm.FIELDS} | {"version": entry.version}
        )
        record_participant_view(actor=request.user, participant=entry.participant)
    context = {
        "page_title": "Change a job-search entry",
        "form": form,
        "entry": entry,
        "own": own,
        "back_url": back.url,
    }
    return render(request, "web/keyworker/job_search_edit.html", context, status=status)
