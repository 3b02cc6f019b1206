"""Inter-coder agreement pages, and the exports that take the analysis to other tools.

- /research/agreement/: agreement per code and overall over the transcripts chosen (wave, area,
  codebook), as a table and as CSV. Figures only: no one's words, so nothing to audit.
- /research/transcripts/<pk>/agreement/: the same for one transcript, with its coded passages
  and a "Quote this" button on each. Shows an interviewee's words: audited.
- /research/segments.csv and /research/codebooks/<pk>/codebook.qdc: the coded segments and a
  codebook as REFI-QDA (coproduce/research/exchange.py; both audited there).
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.programmes.models import Partnership
from coproduce.reporting.exports import CONTENT_TYPES, CSV, PERCENT_FORMAT, ExportTable, file_heading, to_csv
from coproduce.reporting.exports import Figure as FileFigure
from coproduce.research.agreement import AgreementResult, AgreementScope, Figure, agreement_for
from coproduce.research.exchange import QDC_CONTENT_TYPE, Rows, export_codebook_qdc, export_segments
from coproduce.research.models import CodedSegment
from coproduce.research.selectors import (
    codebooks_visible_to,
    interviewee_participant_id,
    transcripts_visible_to,
    waves_visible_to,
)
from coproduce.research.selectors.quotes import agreed_to_quotation
from coproduce.web.access import require_roles
from coproduce.web.forms import GovukForm
from coproduce.web.research.scope import programme_context, programme_id_of


def _choice(label: str, empty: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": f"Choose {empty.lower()} from the list."},
    )


class ScopeForm(GovukForm):
    """Which wave, area and codebook: every choice is optional, and the choices are what the evaluator sees."""

    wave = _choice("Wave", "A wave")
    area = _choice("Area", "An area")
    codebook = _choice("Codebook", "A codebook")

    def __init__(self, *args: Any, actor: ActingUser, programme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        waves = waves_visible_to(actor, programme_id=programme_id).order_by("year")
        self._set("wave", "All waves", [(w.pk, w.name) for w in waves])
        self._set("area", "All areas", [(p.pk, p.area_name) for p in partnerships_for(actor, programme_id)])
        books = codebooks_visible_to(actor, programme_id=programme_id)
        self._set("codebook", "All codebooks", [(c.pk, c.name) for c in books])

    def _set(self, name: str, everything: str, choices: list[tuple[int, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", everything), *choices]


def partnerships_for(actor: ActingUser, programme_id: int) -> list[Partnership]:
    """The areas an evaluator can filter by: the partnerships of the programme the page shows, if it has a
    wave they can see."""
    programme_ids = waves_visible_to(actor, programme_id=programme_id).values("programme_id")
    return list(Partnership.objects.filter(programme_id__in=programme_ids).order_by("area_name"))


def scope_from(request: HttpRequest) -> tuple[ScopeForm, AgreementScope]:
    """The filters chosen, always within the programme the page shows."""
    programme_id = programme_id_of(request)
    form = ScopeForm(request.GET or None, actor=request.user, programme_id=programme_id)
    if not form.is_bound or not form.is_valid():
        return form, AgreementScope(programme_id=programme_id)
    data = form.cleaned_data
    return form, AgreementScope(
        programme_id=programme_id, wave_id=data["wave"], partnership_id=data["area"], codebook_id=data["codebook"]
    )


# ---- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    defined: bool
    column: str  # its column's heading, shown beside it when the table is stacked on a phone
    value: float | None = None
    percentage: bool = False  # a percentage agreement, not a coefficient

    @property
    def in_file(self) -> FileFigure | str:
        """The figure as a number a spreadsheet computes with (a percentage from 0 to 100), or why not."""
        if self.value is None:
            return self.text
        if self.percentage:
            return FileFigure(round(self.value * 100, 1), self.text, PERCENT_FORMAT)
        return FileFigure(round(self.value, 3) + 0.0, self.text, "0.000")  # + 0.0: never -0.0


@dataclass(frozen=True)
class Row:
    label: str
    units: int
    coders: int
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True)
class AgreementTable:
    caption: str
    columns: tuple[str, ...]  # after "Code", "Units" and "Coders"
    rows: tuple[Row, ...]
    reasons: tuple[str, ...]  # why figures shown as "not defined" are not defined
    coder_names: tuple[str, ...]

    def export(self, slug: str) -> ExportTable:
        return ExportTable(
            slug=slug,
            title=self.caption,
            columns=(
                "Code",
                "Units",
                "Coders",
                *(
                    file_heading(column, f"{column} %") if column.startswith("Agreement") else column
                    for column in self.columns
                ),
            ),
            rows=tuple((row.label, row.units, row.coders, *(cell.in_file for cell in row.cells)) for row in self.rows),
        )


def agreement_table(result: AgreementResult, caption: str) -> AgreementTable:
    report = result.report
    names = {coder: result.coder_names.get(coder, "A coder") for coder in report.coders}
    pair_labels = [f"{names[pair.first]} and {names[pair.second]}" for pair in report.overall.pairs]
    columns = (
        "Agreement (all coders)",
        *(f"Agreement ({label})" for label in pair_labels),
        *(f"Cohen's kappa ({label})" for label in pair_labels),
        "Krippendorff's alpha",
    )
    reasons: list[str] = []
    rows = []
    for figures, label, is_total in [
        *((code_figures, result.codes[code_figures.code].name, False) for code_figures in report.codes),
        (report.overall, "All codes (pooled)", True),
    ]:
        named: list[tuple[str, Figure, bool]] = [("agreement", figures.agreement, True)]
        named += [(f"agreement ({pair_labels[i]})", pair.agreement, True) for i, pair in enumerate(figures.pairs)]
        named += [(f"kappa ({pair_labels[i]})", pair.kappa, False) for i, pair in enumerate(figures.pairs)]
        named += [("alpha", figures.alpha, False)]
        cells = []
        for (what, figure, percentage), column in zip(named, columns, strict=True):
            text = figure.as_percentage() if percentage else figure.as_coefficient()
            cells.append(
                Cell(
                    text=text,
                    defined=figure.is_defined,
                    column=column,
                    value=figure.value,
                    percentage=percentage,
                )
            )
            if not figure.is_defined and figure.reason:
                reasons.append(f"{label}, {what}: {figure.reason}")
        rows.append(Row(label, figures.units, len(figures.coders), tuple(cells), is_total))
    return AgreementTable(
        caption=caption,
        columns=columns,
        rows=tuple(rows),
        reasons=tuple(dict.fromkeys(reasons)),
        coder_names=tuple(names.values()),
    )


def _csv_response(table: ExportTable) -> HttpResponse:
    response = HttpResponse(to_csv(table), content_type=CONTENT_TYPES[CSV])
    response["Content-Disposition"] = f'attachment; filename="{table.slug}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def rows_table(rows: Rows) -> ExportTable:
    return ExportTable(slug=rows.slug, title=rows.title, columns=rows.columns, rows=rows.rows)


# ---- pages -------------------------------------------------------------------------------------


@require_roles(Role.EVALUATOR)
def research_agreement(request: HttpRequest) -> HttpResponse:
    form, scope = scope_from(request)
    result = agreement_for(request.user, scope)
    table = agreement_table(result, "Agreement between coders, by code")
    context = {
        "page_title": "Agreement between coders",
        "form": form,
        "table": table,
        "result": result,
        "codebooks": list(codebooks_visible_to(request.user, programme_id=scope.programme_id)),
        "query": request.GET.urlencode(),
        **programme_context(request),
    }
    return render(request, "web/research/agreement/agreement.html", context)


@require_roles(Role.EVALUATOR)
def research_agreement_csv(request: HttpRequest) -> HttpResponse:
    """The agreement table as CSV: same filters as the page, and `transcript` for one transcript."""
    _form, scope = scope_from(request)
    transcript = request.GET.get("transcript", "")
    if transcript:
        if not transcript.isdigit() or not transcripts_visible_to(request.user).filter(pk=transcript).exists():
            raise Http404("No such transcript.")
        scope = AgreementScope(transcript_id=int(transcript))
    result = agreement_for(request.user, scope)
    return _csv_response(agreement_table(result, "Agreement between coders").export("agreement"))


@require_roles(Role.EVALUATOR)
def research_transcript_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    transcript = (
        transcripts_visible_to(request.user)
        .select_related("wave", "partnership", "interview__research_consent", "interview__stakeholder")
        .filter(pk=pk)
        .first()
    )
    if transcript is None:
        raise Http404("No such transcript.")
    record_event(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        record=transcript,
        participant_id=interviewee_participant_id(transcript),
    )
    result = agreement_for(request.user, AgreementScope(transcript_id=transcript.pk))
    segments = list(
        CodedSegment.objects.filter(transcript=transcript)
        .select_related("code", "coder")
        .order_by("start", "-is_consensus", "code__name", "pk")
    )
    context = {
        "page_title": f"Agreement: {transcript.title}",
        "transcript": transcript,
        "table": agreement_table(result, f"Agreement between coders on {transcript.title}"),
        "result": result,
        "segments": segments,
        "can_quote": agreed_to_quotation(transcript),
    }
    return render(request, "web/research/agreement/transcript.html", context)


@audited_as_export
@require_roles(Role.EVALUATOR)
def research_segments_csv(request: HttpRequest) -> HttpResponse:
    """Every coded segment the evaluator may see (filtered like the agreement page), as CSV."""
    _form, scope = scope_from(request)
    rows = export_segments(
        actor=request.user,
        programme_id=programme_id_of(request),
        codebook_id=scope.codebook_id,
        wave_id=scope.wave_id,
        partnership_id=scope.partnership_id,
    )
    return _csv_response(rows_table(rows))


@audited_as_export
@require_roles(Role.EVALUATOR)
def research_codebook_qdc(request: HttpRequest, pk: int) -> HttpResponse:
    """One codebook as a REFI-QDA Codebook file (.qdc) for NVivo, ATLAS.ti, MAXQDA or QualCoder."""
    codebook, document = export_codebook_qdc(actor=request.user, codebook_id=pk)
    response = HttpResponse(document, content_type=QDC_CONTENT_TYPE)
    slug = "".join(ch if ch.isalnum() else "-" for ch in codebook.name.lower()).strip("-") or "codebook"
    response["Content-Disposition"] = f'attachment; filename="{slug}.qdc"'
    return response
