"""The quote bank pages: the list (filtered by code, theme, area and wave), adding a quote from
a coded passage, the evaluator's note, removal, and CSV/XLSX exports.

Quotes are someone's words: every list, page and export is audited per participant quoted
(coproduce/research/services/quotes.py and exchange.py).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.reporting.exports import CONTENT_TYPES, CSV, XLSX, to_csv, to_xlsx
from coproduce.research.exchange import export_quotes
from coproduce.research.models import Theme
from coproduce.research.selectors import (
    codebooks_visible_to,
    codes_visible_to,
    interviewee_participant_id,
    quotes_visible_to,
    segments_visible_to,
    waves_visible_to,
)
from coproduce.research.selectors.quotes import QuoteFilters, quotes_in_bank, with_codes
from coproduce.research.services.quotes import (
    NOT_AGREED,
    NOTE_MAX,
    TRANSCRIPT_RELATIONS,
    agreed_to_quotation,
    attribution_for,
    audit_quote_reads,
    remove_quote,
    select_quote,
    update_quote_note,
)
from coproduce.web.access import require_roles
from coproduce.web.forms import GovukForm, submitting
from coproduce.web.pagination import paginate
from coproduce.web.research.agreement_views import partnerships_for, rows_table
from coproduce.web.research.scope import programme_context, programme_id_of

PER_PAGE = 25


def _choice(label: str, everything: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": f"Choose {everything.lower().replace('all ', 'one of the ')} from the list."},
    )


class QuoteFilterForm(GovukForm):
    code = _choice("Code", "All codes")
    theme = _choice("Theme", "All themes")
    area = _choice("Area", "All areas")
    wave = _choice("Wave", "All waves")

    def __init__(self, *args: Any, actor: ActingUser, programme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = (
            codes_visible_to(actor, programme_id=programme_id)
            .select_related("codebook")
            .order_by("codebook__name", "name")
        )
        books = codebooks_visible_to(actor, programme_id=programme_id)
        themes = Theme.objects.filter(codebook__in=books).order_by("codebook_id", "position")
        waves = waves_visible_to(actor, programme_id=programme_id).order_by("year")
        self._set("code", "All codes", [(c.pk, c.name) for c in codes])
        self._set("theme", "All themes", [(t.pk, t.name) for t in themes])
        self._set("area", "All areas", [(p.pk, p.area_name) for p in partnerships_for(actor, programme_id)])
        self._set("wave", "All waves", [(w.pk, w.name) for w in waves])

    def _set(self, name: str, everything: str, choices: list[tuple[int, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", everything), *choices]


def quote_filters(request: HttpRequest) -> tuple[QuoteFilterForm, QuoteFilters]:
    """The filters chosen, always within the programme the page shows."""
    programme_id = programme_id_of(request)
    form = QuoteFilterForm(request.GET or None, actor=request.user, programme_id=programme_id)
    if not form.is_bound or not form.is_valid():
        return form, QuoteFilters(programme_id=programme_id)
    data = form.cleaned_data
    return form, QuoteFilters(
        programme_id=programme_id,
        code_id=data["code"],
        theme_id=data["theme"],
        partnership_id=data["area"],
        wave_id=data["wave"],
    )


@require_roles(Role.EVALUATOR)
def research_quotes(request: HttpRequest) -> HttpResponse:
    form, filters = quote_filters(request)
    pages = paginate(request, quotes_in_bank(request.user, filters), PER_PAGE)
    quotes = list(pages.page.object_list)
    audit_quote_reads(
        actor=request.user,
        quotes=quotes,
        action=AuditEvent.Action.LIST,
    )
    context = {
        "page_title": "Quote bank",
        "form": form,
        "rows": with_codes(quotes),
        "pages": pages,
        "count": pages.page.paginator.count,
        "query": request.GET.urlencode(),
        **programme_context(request),
    }
    return render(request, "web/research/quotes/list.html", context)


@audited_as_export
def _download(request: HttpRequest, file_format: str) -> HttpResponse:
    _form, filters = quote_filters(request)
    rows = export_quotes(actor=request.user, filters=filters)
    table = rows_table(rows)
    content = to_csv(table) if file_format == CSV else to_xlsx(table)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{table.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"'
    )
    return response


@require_roles(Role.EVALUATOR)
def research_quotes_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, CSV)


@require_roles(Role.EVALUATOR)
def research_quotes_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, XLSX)


# ---- adding a quote ------------------------------------------------------------------------------


class QuoteForm(GovukForm):
    passage = forms.CharField(
        label="Words to quote",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The whole coded passage, or delete words from its start and end to quote part of it.",
    )
    note = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=NOTE_MAX,
        help_text="Why this quote matters, or where it goes in the report.",
        error_messages={"max_length": f"Keep the note under {NOTE_MAX} characters."},
    )


@require_roles(Role.EVALUATOR)
def research_quote_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Quote a coded passage (or part of it). A POST without `passage` quotes the whole passage."""
    segment = segments_visible_to(request.user).select_related(*TRANSCRIPT_RELATIONS, "code").filter(pk=pk).first()
    if segment is None:
        raise Http404("No such coded passage.")
    transcript = segment.transcript
    # A bare "Quote this" POST has no fields at all, and is still a submission.
    form = QuoteForm(request.POST if request.method == "POST" else None, initial={"passage": segment.text})
    can_quote = agreed_to_quotation(transcript)
    status = 200
    if request.method == "POST":
        status = 400
        if not can_quote:
            # Said on the form, as the page already says it: the service would refuse it (403).
            form.add_error(None, NOT_AGREED)
        elif form.is_valid():
            start, end = _passage_offsets(segment, form.cleaned_data["passage"], form)
            if not form.errors:
                with submitting(form) as submission:
                    quote = select_quote(
                        actor=request.user,
                        segment_id=segment.pk,
                        start=start,
                        end=end,
                        note=form.cleaned_data["note"],
                    )
                if submission.ok:
                    messages.success(request, f"The quote is in the bank as “{quote.attribution}”.")
                    return redirect("web:research_quotes")
    else:
        record_event(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            record=segment,
            participant_id=interviewee_participant_id(transcript),
        )
    context = {
        "page_title": "Quote a coded passage",
        "form": form,
        "segment": segment,
        "transcript": transcript,
        "attribution": attribution_for(transcript),
        "can_quote": can_quote,
    }
    return render(request, "web/research/quotes/add.html", context, status=status)


def _passage_offsets(segment: Any, passage: str, form: QuoteForm) -> tuple[int | None, int | None]:
    passage = passage.strip()
    if not passage or passage == segment.text:
        return None, None
    at = segment.text.find(passage)
    if at < 0:
        form.add_error("passage", "Copy the words exactly from the coded passage: delete words, do not change them.")
        return None, None
    return segment.start + at, segment.start + at + len(passage)


# ---- note and removal ----------------------------------------------------------------------------


class NoteForm(GovukForm):
    note = QuoteForm.base_fields["note"]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _visible_quote(request: HttpRequest, pk: int) -> Any:
    quote = (
        quotes_visible_to(request.user)
        .select_related("transcript__interview__research_consent", "transcript__wave", "transcript__partnership")
        .filter(pk=pk)
        .first()
    )
    if quote is None:
        raise Http404("No such quote.")
    return quote


@require_roles(Role.EVALUATOR)
def research_quote_note(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _visible_quote(request, pk)
    status = 400 if request.method == "POST" else 200
    form = NoteForm(
        request.POST if request.method == "POST" else None, initial={"note": quote.note, "version": quote.version}
    )
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            update_quote_note(
                actor=request.user,
                quote_id=quote.pk,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        if submission.ok:
            messages.success(request, "The note is saved.")
            return redirect("web:research_quotes")
    if request.method != "POST":
        record_event(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            record=quote,
            participant_id=interviewee_participant_id(quote.transcript),
        )
    context = {"page_title": "Note on a quote", "form": form, "quote": quote}
    return render(request, "web/research/quotes/note.html", context, status=status)


@require_roles(Role.EVALUATOR)
@require_POST
def research_quote_remove(request: HttpRequest, pk: int) -> HttpResponse:
    remove_quote(actor=request.user, quote_id=pk)
    messages.success(request, "The quote is out of the bank. The coded passage is still there.")
    return redirect("web:research_quotes")
