"""The participant's own progress checks, job-search log and "what is recorded about me".

Everything is read through participants_visible_to (a participant sees only themselves) and every
read is audited; changes go through the plans services.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.accounts.roles import Role
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import ProgressArea
from coproduce.plans.selectors.job_search import job_search_log_for
from coproduce.plans.selectors.progress import progress_draft_for
from coproduce.plans.selectors.record import record_about
from coproduce.plans.services.job_search import add_job_search_entry
from coproduce.plans.services.progress import finish_progress_check, save_progress_answer
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.progress_forms import (
    QUESTIONS,
    SCALE_HINT,
    JobSearchEntryForm,
    ProgressAnswerForm,
)
from coproduce.web.progress_pages import ENTRIES_PER_PAGE, job_search_pdf, progress_context


def _me(request: HttpRequest) -> Participant:
    participant_id = standing_of(request.user).participant_id
    participant = participants_visible_to(request.user).filter(pk=participant_id).first() if participant_id else None
    if participant is None:
        raise Http404("No participant record.")
    return participant


@require_roles(Role.PARTICIPANT)
def my_progress(request: HttpRequest) -> HttpResponse:
    participant = _me(request)
    context = {
        "page_title": _("My progress"),
        "participant": participant,
        "draft": progress_draft_for(request.user, participant.pk),
        **progress_context(request.user, participant, theirs="You", keyworkers="Your keyworker"),
    }
    record_participant_view(actor=request.user, participant=participant)
    return render(request, "web/participant/my_progress.html", context)


@require_roles(Role.PARTICIPANT)
def my_progress_add(request: HttpRequest) -> HttpResponse:
    """Start the check, or carry on where they left off: the first question not yet reached."""
    participant = _me(request)
    draft = progress_draft_for(request.user, participant.pk)
    area = draft.next_area() if draft is not None else ProgressArea.values[0]
    if area is None:
        return redirect("web:my_progress_check")
    return redirect("web:my_progress_question", area=area)


def _after(draft: Any, area: str, *, changing: bool) -> HttpResponse:
    """Where a question leads: back to the check page when changing an answer, else the next question."""
    following = None if changing else draft.next_area()
    if following is None:
        return redirect("web:my_progress_check")
    return redirect("web:my_progress_question", area=following)


@require_roles(Role.PARTICIPANT)
def my_progress_question(request: HttpRequest, area: str) -> HttpResponse:
    """One question a screen: Continue, Skip this question, or Save and finish later."""
    if area not in ProgressArea.values:
        raise Http404("No such question.")
    participant = _me(request)
    draft = progress_draft_for(request.user, participant.pk)
    saved = draft.answers.get(area, {}) if draft is not None else {}
    changing = request.GET.get("change") == "1"
    status = 200
    if request.method == "POST":
        form = ProgressAnswerForm(request.POST, area=area)
        action = request.POST.get("action", "continue")
        if form.is_valid():
            score = form.cleaned_data["score"] or None
            if action == "continue" and score is None:
                form.needs_score()
                status = 400
            elif action == "later" and score is None:
                messages.success(request, _("Your answers are saved. You can carry on when you are ready."))
                return redirect("web:my_progress")
            else:
                with submitting(form) as submission:
                    draft = save_progress_answer(
                        actor=request.user,
                        participant_id=participant.pk,
                        area=area,
                        score=None if action == "skip" else score,
                        comment=form.cleaned_data["comment"],
                        expected_version=form.cleaned_data["version"],
                    )
                status = submission.status
                if submission.ok:
                    if action == "later":
                        messages.success(request, _("Your answers are saved. You can carry on when you are ready."))
                        return redirect("web:my_progress")
                    return _after(draft, area, changing=changing)
        else:
            status = 400
    else:
        form = ProgressAnswerForm(
            area=area,
            initial={
                "score": str(saved["score"]) if saved.get("score") else None,
                "comment": saved.get("comment", ""),
                "version": draft.version if draft is not None else None,
            },
        )
    position = ProgressArea.values.index(area)
    previous = ProgressArea.values[position - 1] if position else None
    context = {
        "page_title": str(QUESTIONS[ProgressArea(area)]),
        "form": form,
        "scale_hint": SCALE_HINT,
        "number": position + 1,
        "total": len(ProgressArea),
        "previous": previous,
        "changing": changing,
    }
    return render(request, "web/participant/my_progress_question.html", context, status=status)


@require_roles(Role.PARTICIPANT)
def my_progress_check(request: HttpRequest) -> HttpResponse:
    """Check your answers, change any of them, then send: the check is recorded with the areas answered."""
    participant = _me(request)
    draft = progress_draft_for(request.user, participant.pk)
    if draft is None:
        return redirect("web:my_progress_add")
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        with submitting() as submission:
            finish_progress_check(actor=request.user, participant_id=participant.pk)
        if submission.failed:
            errors = [_("Answer at least one question before you send your answers.")]
            status = submission.status
        else:
            messages.success(request, _("Thank you. Your answers are saved."))
            return redirect("web:my_progress")
    else:
        record_participant_view(actor=request.user, participant=participant)
    rows = [
        {
            "area": area,
            "question": QUESTIONS[area],
            "answer": draft.answers.get(area.value),
        }
        for area in ProgressArea
    ]
    context = {"page_title": _("Check your answers"), "rows": rows, "errors": errors}
    return render(request, "web/participant/my_progress_check.html", context, status=status)


@require_roles(Role.PARTICIPANT)
def my_job_search(request: HttpRequest) -> HttpResponse:
    participant = _me(request)
    pages = paginate(request, job_search_log_for(request.user, participant.pk), ENTRIES_PER_PAGE)
    record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": _("My job-search log"), "participant": participant, "pages": pages}
    return render(request, "web/participant/my_job_search.html", context)


@require_roles(Role.PARTICIPANT)
def my_job_search_add(request: HttpRequest) -> HttpResponse:
    participant = _me(request)
    status = 200
    if request.method == "POST":
        form = JobSearchEntryForm(request.POST)
        if form.is_valid():
            with submitting(form) as submission:
                add_job_search_entry(actor=request.user, participant_id=participant.pk, **form.details())
            status = submission.status
            if submission.ok:
                messages.success(request, _("Added to your job-search log."))
                return redirect("web:my_job_search")
        else:
            status = 400
    else:
        form = JobSearchEntryForm()
    return render(
        request,
        "web/participant/my_job_search_add.html",
        {"page_title": _("Add to my job-search log"), "form": form},
        status=status,
    )


@require_roles(Role.PARTICIPANT)
def my_job_search_pdf(request: HttpRequest) -> HttpResponse:
    return job_search_pdf(request, _me(request))


@require_roles(Role.PARTICIPANT)
def my_record(request: HttpRequest) -> HttpResponse:
    record = record_about(request.user, _me(request).pk)
    if record is None:
        raise Http404("No participant record.")
    record_participant_view(actor=request.user, participant=record.participant)
    context = {
        "page_title": _("What is recorded about me"),
        "record": record,
    }
    return render(request, "web/participant/my_record.html", context)
