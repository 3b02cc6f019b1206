"""The evaluator's transcripts: the list, upload, redaction (suggested and by hand), ready for
coding, the kept original and the team's policy on originals.

Rows come from coproduce/research/selectors.py (through the reads in
coproduce/research/services/transcripts.py), changes from the services there. Participants appear
only by pseudonym; every page showing a participant's transcript is audited with their id.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.core.errors import ConflictError
from coproduce.programmes.selectors import partnerships_visible_to
from coproduce.programmes.standing import standing_of
from coproduce.research.models import Transcript
from coproduce.research.redaction import Suggestion
from coproduce.research.selectors import waves_visible_to
from coproduce.research.selectors.transcripts import (
    interviewee_label,
    interviews_awaiting_transcript,
    may_read_original,
    policy_of,
    reviewed_suggestions,
    transcripts_for,
)
from coproduce.research.services.transcripts import (
    STALE,
    delete_transcript,
    mark_ready_for_coding,
    record_interview_list_view,
    record_transcript_list_view,
    redact_passage,
    rename_transcript,
    resolve_suggestions,
    set_transcript_policy,
    upload_transcript,
    view_original,
    view_transcript,
)
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.research.scope import programme_context, programme_id_of
from coproduce.web.research.transcript_forms import (
    PassageForm,
    PolicyForm,
    SuggestionsForm,
    TitleForm,
    TranscriptFilterForm,
    UploadForm,
    VersionForm,
)

PER_PAGE = 25
CONTEXT_CHARACTERS = 30
evaluators_only = require_roles(Role.EVALUATOR)


def _transcript(request: HttpRequest, pk: int) -> Transcript:
    return view_transcript(actor=request.user, transcript_id=pk)


def _coding_url(transcript: Transcript) -> str:
    return reverse("web:research_transcript_code", args=[transcript.pk])


@evaluators_only
def research_transcripts(request: HttpRequest) -> HttpResponse:
    """Transcripts by wave, area and stage, a page at a time; each participant shown is audited."""
    programme_id = programme_id_of(request)
    waves = [
        (wave.pk, wave.name)
        for wave in waves_visible_to(request.user, programme_id=programme_id).order_by("year", "pk")
    ]
    areas = list(
        partnerships_visible_to(request.user)
        .filter(programme_id=programme_id)
        .order_by("area_name", "pk")
        .values_list("pk", "area_name")
    )
    filters = TranscriptFilterForm(request.GET or None, waves=waves, areas=areas)
    chosen: dict[str, Any] = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    rows = transcripts_for(
        request.user,
        programme_id=programme_id,
        wave_id=chosen.get("wave"),
        partnership_id=chosen.get("area"),
        status=chosen.get("status") or "",
    )
    pages = paginate(request, rows, PER_PAGE)
    shown = list(pages.page.object_list)
    record_transcript_list_view(actor=request.user, transcripts=shown)
    context = {
        "page_title": "Transcripts",
        "filters": filters,
        "pages": pages,
        "rows": [(transcript, interviewee_label(transcript.interview)) for transcript in shown],
        **programme_context(request),
    }
    return render(request, "web/research/transcripts/list.html", context)


@evaluators_only
def research_transcript_upload(request: HttpRequest) -> HttpResponse:
    waiting = list(interviews_awaiting_transcript(request.user, programme_id=programme_id_of(request)))
    choices = [(interview.pk, _interview_label(interview)) for interview in waiting]
    record_interview_list_view(actor=request.user, interviews=waiting)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        interviews=choices,
        initial={"interview": request.GET.get("interview")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                transcript = upload_transcript(
                    actor=request.user,
                    interview_id=data["interview"],
                    upload=data["upload"],
                    title=data["title"],
                )
            if submission.ok:
                messages.success(request, "The transcript is uploaded. Redact it before it is coded.")
                return redirect("web:research_transcript", pk=transcript.pk)
    context = {
        "page_title": "Upload a transcript",
        "form": form,
        "waiting": bool(waiting),
        **programme_context(request),
    }
    return render(request, "web/research/transcripts/upload.html", context, status=status)


def _interview_label(interview: Any) -> str:
    held = f", held on {interview.held_on:%-d %B %Y}" if interview.held_on else ""
    return f"{interviewee_label(interview)}: {interview.partnership.area_name}, {interview.wave.name}{held}"


def _snippet(text: str, suggestion: Suggestion) -> tuple[str, str, str]:
    """The words around a suggestion, to show it in context: (before, words, after)."""
    before = text[max(0, suggestion.start - CONTEXT_CHARACTERS) : suggestion.start]
    after = text[suggestion.end : suggestion.end + CONTEXT_CHARACTERS]
    return (
        ("…" if suggestion.start > CONTEXT_CHARACTERS else "") + before.replace("\n", " "),
        suggestion.text.replace("\n", " "),
        after.replace("\n", " ") + ("…" if suggestion.end + CONTEXT_CHARACTERS < len(text) else ""),
    )


def _transcript_page(
    request: HttpRequest,
    transcript: Transcript,
    *,
    suggestions_form: SuggestionsForm | None = None,
    passage_form: PassageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    redacting = transcript.status == Transcript.Status.REDACTING
    reviewed = reviewed_suggestions(transcript) if redacting else []
    waiting = [suggestion for suggestion, dismissal in reviewed if dismissal is None]
    initial = {"version": transcript.version}
    form = suggestions_form or SuggestionsForm(suggestions=waiting, initial=initial)
    ticked = set(request.POST.getlist("suggestion")) if form.is_bound else {s.key for s in waiting}
    context = {
        "page_title": transcript.title,
        "transcript": transcript,
        "interviewee": interviewee_label(transcript.interview),
        "lines": transcript.text.split("\n"),
        "redacting": redacting,
        "suggestions": [
            (suggestion, _snippet(transcript.text, suggestion), reason, suggestion.key in ticked)
            for suggestion, reason in zip(waiting, form.reason_fields(), strict=True)
        ],
        "left_in": [
            (suggestion, _snippet(transcript.text, suggestion), dismissal)
            for suggestion, dismissal in reviewed
            if dismissal is not None
        ],
        "suggestions_form": form,
        "passage_form": passage_form or PassageForm(initial=initial),
        "version_form": VersionForm(initial=initial, auto_id="id_ready_%s"),
        "redaction_count": transcript.redactions.count(),
        "coding_url": None if redacting else _coding_url(transcript),
        "original_kept": may_read_original(request.user, transcript),
        "errors_form": suggestions_form if suggestions_form is not None and suggestions_form.errors else passage_form,
    }
    return render(request, "web/research/transcripts/transcript.html", context, status=status)


@evaluators_only
def research_transcript(request: HttpRequest, pk: int) -> HttpResponse:
    return _transcript_page(request, _transcript(request, pk))


@conflict_back_label("See the transcript as it is now")
@evaluators_only
@require_POST
def research_transcript_redact(request: HttpRequest, pk: int) -> HttpResponse:
    """Settle the open suggestions, as they were worked out from the text the page showed: the
    ticked ones (or, with "Accept all suggestions", every one) are redacted, the others stay in
    with the reason given for each."""
    transcript = _transcript(request, pk)
    waiting = [suggestion for suggestion, dismissal in reviewed_suggestions(transcript) if dismissal is None]
    form = SuggestionsForm(request.POST, suggestions=waiting)
    version = request.POST.get("version", "")
    if version.isdigit() and int(version) != transcript.version:
        raise ConflictError(STALE)
    if not form.is_valid():
        return _transcript_page(request, transcript, suggestions_form=form, status=400)
    redact, dismiss = form.chosen()
    with submitting(form) as submission:
        resolve_suggestions(
            actor=request.user,
            transcript_id=transcript.pk,
            expected_version=form.cleaned_data["version"],
            redact=redact,
            dismiss=dismiss,
        )
    if submission.failed:
        return _transcript_page(request, transcript, suggestions_form=form, status=400)
    done = [f"{len(redact)} passage{'s' if len(redact) != 1 else ''} redacted"] if redact else []
    done += [f"{len(dismiss)} left in, with your reason{'s' if len(dismiss) != 1 else ''}"] if dismiss else []
    messages.success(request, ", ".join(done) + ".")
    return redirect("web:research_transcript", pk=pk)


@conflict_back_label("See the transcript as it is now")
@evaluators_only
@require_POST
def research_transcript_redact_passage(request: HttpRequest, pk: int) -> HttpResponse:
    """Redact words the evaluator chose, found by their exact text."""
    transcript = _transcript(request, pk)
    form = PassageForm(request.POST)
    if not form.is_valid():
        return _transcript_page(request, transcript, passage_form=form, status=400)
    data = form.cleaned_data
    with submitting(form) as submission:
        redact_passage(
            actor=request.user,
            transcript_id=transcript.pk,
            expected_version=data["version"],
            passage=data["passage"],
            kind=data["kind"],
            replacement=data["replacement"],
            occurrence=data["occurrence"],
            every=data["every"],
        )
    if submission.failed:
        return _transcript_page(request, transcript, passage_form=form, status=400)
    messages.success(request, "Redacted.")
    return redirect("web:research_transcript", pk=pk)


@conflict_back_label("See the transcript as it is now")
@evaluators_only
@require_POST
def research_transcript_ready(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = _transcript(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return redirect("web:research_transcript", pk=pk)
    with submitting(request) as submission:
        mark_ready_for_coding(
            actor=request.user,
            transcript_id=transcript.pk,
            expected_version=form.cleaned_data["version"],
        )
    if submission.failed:
        return redirect("web:research_transcript", pk=pk)
    messages.success(request, "The transcript is ready for coding. Its text can no longer change.")
    return redirect("web:research_transcript", pk=pk)


@conflict_back_label("See the transcript as it is now")
@evaluators_only
def research_transcript_rename(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = _transcript(request, pk)
    form = TitleForm(
        request.POST if request.method == "POST" else None,
        initial={"title": transcript.title, "version": transcript.version},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with submitting(form) as submission:
                rename_transcript(
                    actor=request.user,
                    transcript_id=transcript.pk,
                    expected_version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                )
            if submission.ok:
                messages.success(request, "Saved.")
                return redirect("web:research_transcript", pk=pk)
    context = {"page_title": f"Change the title of {transcript.title}", "form": form, "transcript": transcript}
    return render(request, "web/research/transcripts/rename.html", context, status=status)


@conflict_back_label("See the transcript as it is now")
@evaluators_only
def research_transcript_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a transcript still being redacted, after asking."""
    transcript = _transcript(request, pk)
    form = VersionForm(request.POST if request.method == "POST" else None, initial={"version": transcript.version})
    status = 200
    if transcript.status != Transcript.Status.REDACTING:
        messages.error(request, "A transcript ready for coding cannot be deleted.")
        return redirect("web:research_transcript", pk=pk)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with submitting(form) as submission:
                delete_transcript(
                    actor=request.user,
                    transcript_id=transcript.pk,
                    expected_version=form.cleaned_data["version"],
                )
            if submission.ok:
                messages.success(request, f"{transcript.title} is deleted.")
                return redirect("web:research_transcripts")
    context = {"page_title": f"Delete {transcript.title}?", "form": form, "transcript": transcript}
    return render(request, "web/research/transcripts/delete.html", context, status=status)


@evaluators_only
def research_transcript_original(request: HttpRequest, pk: int) -> HttpResponse:
    """The unredacted original, for the uploader's team if its policy kept it. Audited."""
    transcript = view_original(actor=request.user, transcript_id=pk)
    context = {
        "page_title": f"Original of {transcript.title}",
        "transcript": transcript,
        "lines": transcript.original_text.split("\n"),
    }
    return render(request, "web/research/transcripts/original.html", context)


@conflict_back_label("See the policy as it is now")
@evaluators_only
def research_transcript_policy(request: HttpRequest) -> HttpResponse:
    """The evaluator's own team's policy on keeping unredacted originals."""
    standing = standing_of(request.user)
    organisation = standing.staff_member.organisation if standing.staff_member else None
    if organisation is None:
        raise Http404("You are not part of an evaluation team.")
    policy = policy_of(organisation.pk)
    keeps = policy is not None and policy.keep_unredacted_originals
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"keep_unredacted_originals": "yes" if keeps else "no", "version": policy.version if policy else 0},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with submitting(form) as submission:
                set_transcript_policy(
                    actor=request.user,
                    organisation_id=organisation.pk,
                    keep_unredacted_originals=form.cleaned_data["keep_unredacted_originals"],
                    expected_version=form.cleaned_data["version"],
                )
            if submission.ok:
                messages.success(request, "Saved.")
                return redirect("web:research_transcript_policy")
    context = {
        "page_title": "Keeping unredacted originals",
        "form": form,
        "organisation": organisation,
        "policy": policy,
        "keeps": keeps,
    }
    return render(request, "web/research/transcripts/policy.html", context, status=status)
