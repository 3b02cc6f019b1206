"""Inter-coder agreement, the quote bank and the exports to other tools (evaluators only).

Figures come from coproduce/research/agreement.py; quotes from services/quotes.py (changes) and
the visibility functions (reads); exports from coproduce/research/exchange.py. Every other role
is refused with 403. Quotes are someone's words: lists and exports are audited per participant
quoted (channel "api").
"""

from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from coproduce.accounts.acting import ActingUser
from coproduce.api.v1.auth import caller, caller_allowed
from coproduce.api.v1.research_programme import PROGRAMME_HELP, research_programme_id
from coproduce.api.v1.schemas import Input, error_responses
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotFound
from coproduce.core.validation import InvalidInput
from coproduce.reporting.exports import CONTENT_TYPES, CSV, XLSX, ExportTable, to_csv, to_xlsx
from coproduce.research.agreement import Agreement, AgreementScope, Figure, agreement_for
from coproduce.research.exchange import QDC_CONTENT_TYPE, Rows, export_codebook_qdc, export_quotes, export_segments
from coproduce.research.qdpx import MAX_QDPX_BYTES, QDPX_CONTENT_TYPE
from coproduce.research.selectors import quotes_visible_to, transcripts_visible_to
from coproduce.research.selectors.quotes import QuoteFilters, QuoteRow, quotes_in_bank, with_codes
from coproduce.research.services.project_exchange import export_project_qdpx, import_project_qdpx
from coproduce.research.services.quotes import audit_quote_reads, remove_quote, select_quote, update_quote_note

router = Router(tags=["research"])

FORBIDDEN = "Only evaluators work on the evaluation."

if TYPE_CHECKING:
    ExportFormat = str
else:
    ExportFormat = Literal["csv", "xlsx"]


def _evaluator(request: HttpRequest) -> Any:
    return caller_allowed(request, "research.work_on_evaluation", FORBIDDEN)


# ---- agreement ---------------------------------------------------------------------------------


class FigureOut(Schema):
    value: float | None = Field(description="The statistic; null when it is not defined.")
    not_defined_because: str = Field(description="Why it is not defined (empty when it is).")


class PairOut(Schema):
    first_coder_id: int
    second_coder_id: int
    agreement: FigureOut
    cohens_kappa: FigureOut


class AgreementOut(Schema):
    code_id: int | None = Field(description="null for the overall figures (every unit × code decision pooled).")
    code_name: str
    units: int = Field(description="Sentences decided on by two or more coders.")
    coder_ids: list[int]
    agreement: FigureOut = Field(description="Share of units on which all coders made the same decision.")
    pairs: list[PairOut]
    krippendorff_alpha: FigureOut


class CoderOut(Schema):
    id: int
    name: str


class AgreementReportOut(Schema):
    transcripts: int
    units: int
    coders: list[CoderOut]
    codes: list[AgreementOut]
    overall: AgreementOut


class AgreementQuery(Schema):
    programme: int | None = Field(None, description=PROGRAMME_HELP)
    wave_id: int | None = None
    partnership_id: int | None = None
    codebook_id: int | None = None
    transcript_id: int | None = Field(None, description="One transcript only (the other filters are then ignored).")


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": figure.value, "not_defined_because": figure.reason}


def _agreement(figures: Agreement, name: str) -> dict[str, Any]:
    return {
        "code_id": figures.code,
        "code_name": name,
        "units": figures.units,
        "coder_ids": list(figures.coders),
        "agreement": _figure(figures.agreement),
        "pairs": [
            {
                "first_coder_id": pair.first,
                "second_coder_id": pair.second,
                "agreement": _figure(pair.agreement),
                "cohens_kappa": _figure(pair.kappa),
            }
            for pair in figures.pairs
        ],
        "krippendorff_alpha": _figure(figures.alpha),
    }


@router.get(
    "/research/agreement",
    response={200: AgreementReportOut, **error_responses(400, 401, 403, 404)},
    summary="Inter-coder agreement per code and overall",
    description=(
        "Percentage agreement, Cohen's kappa for each pair of coders and Krippendorff's alpha "
        "(nominal) for all coders, per code and overall. Units are the transcripts' sentences; "
        "a coder applied a code to a sentence if one of their own (not consensus) segments with "
        "it overlaps the sentence. A figure that is not defined (everyone made the same decision "
        "everywhere) is null with the reason."
    ),
    url_name="research_agreement",
)
def research_agreement(request: HttpRequest, filters: Query[AgreementQuery]) -> dict[str, Any]:
    user = _evaluator(request)
    programme_id = research_programme_id(user, filters.programme)
    if filters.transcript_id is not None:
        if not transcripts_visible_to(user).filter(pk=filters.transcript_id).exists():
            raise NotFound("No such transcript.")
        scope = AgreementScope(transcript_id=filters.transcript_id)
    else:
        scope = AgreementScope(
            programme_id=programme_id,
            wave_id=filters.wave_id,
            partnership_id=filters.partnership_id,
            codebook_id=filters.codebook_id,
        )
    result = agreement_for(user, scope)
    report = result.report
    return {
        "transcripts": report.transcripts,
        "units": report.units,
        "coders": [{"id": coder, "name": result.coder_names.get(coder, "")} for coder in report.coders],
        "codes": [_agreement(figures, result.codes[figures.code].name) for figures in report.codes],
        "overall": _agreement(report.overall, "All codes (pooled)"),
    }


# ---- quotes ------------------------------------------------------------------------------------


class QuoteOut(Schema):
    id: int
    version: int
    transcript_id: int
    segment_id: int | None
    start: int
    end: int
    text: str
    attribution: str = Field(description='Like "Service User, Fife, 2017".')
    note: str
    codes: list[str] = Field(description="Codes of the segments overlapping the passage, consensus ones first.")
    themes: list[str]


class QuotePageOut(Schema):
    items: list[QuoteOut]
    count: int = Field(description="How many quotes there are in all (on every page).")


class QuoteQuery(Schema):
    programme: int | None = Field(None, description=PROGRAMME_HELP)
    code_id: int | None = None
    theme_id: int | None = None
    partnership_id: int | None = None
    wave_id: int | None = None
    page: int = Field(1, ge=1, description="Which page, counting from 1.")


class QuoteIn(Input):
    segment_id: int
    start: int | None = Field(None, ge=0, description="A narrower passage inside the segment: its start offset.")
    end: int | None = Field(None, ge=1, description="… and its end offset. Leave both out to quote the whole segment.")
    note: str = ""


class QuoteUpdateIn(Input):
    version: int = Field(description="The version you started from: 409 if someone changed the note since.")
    note: str


def _quote_out(row: QuoteRow) -> dict[str, Any]:
    quote = row.quote
    return {
        "id": quote.pk,
        "version": quote.version,
        "transcript_id": quote.transcript_id,
        "segment_id": quote.segment_id,
        "start": quote.start,
        "end": quote.end,
        "text": quote.text,
        "attribution": quote.attribution,
        "note": quote.note,
        "codes": list(row.codes),
        "themes": list(row.themes),
    }


def _read_quote(request: HttpRequest, quote_id: int) -> dict[str, Any]:
    quote = (
        quotes_visible_to(caller(request))
        .select_related("transcript__interview__research_consent")
        .filter(pk=quote_id)
        .first()
    )
    if quote is None:
        raise NotFound("No such quote.")
    audit_quote_reads(actor=caller(request), quotes=[quote], action=AuditEvent.Action.VIEW)
    return _quote_out(with_codes([quote])[0])


def _filters(actor: ActingUser, query: "QuoteQuery | QuoteExportQuery") -> QuoteFilters:
    return QuoteFilters(
        programme_id=research_programme_id(actor, query.programme),
        code_id=query.code_id,
        theme_id=query.theme_id,
        partnership_id=query.partnership_id,
        wave_id=query.wave_id,
    )


@router.get(
    "/research/quotes",
    response={200: QuotePageOut, **error_responses(400, 401, 403, 404)},
    summary="The quote bank, with attributions, codes and themes",
    url_name="list_research_quotes",
)
def list_research_quotes(request: HttpRequest, query: Query[QuoteQuery]) -> dict[str, Any]:
    user = _evaluator(request)
    quotes = quotes_in_bank(user, _filters(user, query))
    size = settings.COPRODUCE_API_PAGE_SIZE
    offset = (query.page - 1) * size
    count = quotes.count()
    items = list(quotes[offset : offset + size]) if offset < count else []
    audit_quote_reads(actor=user, quotes=items, action=AuditEvent.Action.LIST)
    return {"items": [_quote_out(row) for row in with_codes(items)], "count": count}


@router.post(
    "/research/quotes",
    response={201: QuoteOut, **error_responses(400, 401, 403, 404)},
    summary="Put a coded passage (or part of it) in the quote bank",
    description="403 when the interviewee did not agree to be quoted; 400 when the passage is already in the bank.",
    url_name="create_research_quote",
)
def create_research_quote(request: HttpRequest, payload: QuoteIn) -> Status[dict[str, Any]]:
    user = _evaluator(request)
    quote = select_quote(actor=user, **payload.model_dump())
    return Status(201, _read_quote(request, quote.pk))


@router.patch(
    "/research/quotes/{int:quote_id}",
    response={200: QuoteOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change the note on a quote",
    url_name="update_research_quote",
)
def update_research_quote(request: HttpRequest, quote_id: int, payload: QuoteUpdateIn) -> dict[str, Any]:
    user = _evaluator(request)
    update_quote_note(actor=user, quote_id=quote_id, expected_version=payload.version, note=payload.note)
    return _read_quote(request, quote_id)


@router.delete(
    "/research/quotes/{int:quote_id}",
    response={204: None, **error_responses(401, 403, 404)},
    summary="Take a quote out of the bank (the coded segment stays)",
    url_name="delete_research_quote",
)
def delete_research_quote(request: HttpRequest, quote_id: int) -> Status[None]:
    user = _evaluator(request)
    remove_quote(actor=user, quote_id=quote_id)
    return Status(204, None)


def _file(rows: Rows, file_format: str) -> HttpResponse:
    table = ExportTable(slug=rows.slug, title=rows.title, columns=rows.columns, rows=rows.rows)
    content = to_csv(table) if file_format == CSV else to_xlsx(table)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{table.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"'
    )
    return response


class QuoteExportQuery(Schema):
    programme: int | None = Field(None, description=PROGRAMME_HELP)
    code_id: int | None = None
    theme_id: int | None = None
    partnership_id: int | None = None
    wave_id: int | None = None
    format: ExportFormat = "csv"


@router.get(
    "/research/exports/quotes",
    response={200: None, **error_responses(400, 401, 403, 404)},
    summary="The quote bank as CSV or XLSX (text, attribution, codes, themes, note)",
    url_name="export_research_quotes",
)
def export_research_quotes(request: HttpRequest, query: Query[QuoteExportQuery]) -> HttpResponse:
    user = _evaluator(request)
    rows = export_quotes(actor=user, filters=_filters(user, query))
    return _file(rows, XLSX if query.format == "xlsx" else CSV)


class SegmentExportQuery(Schema):
    programme: int | None = Field(None, description=PROGRAMME_HELP)
    codebook_id: int | None = None
    wave_id: int | None = None
    partnership_id: int | None = None


@router.get(
    "/research/exports/segments",
    response={200: None, **error_responses(400, 401, 403, 404)},
    summary="Every coded segment as CSV (transcript, area, wave, speaker, coder, code, path, theme, offsets, text)",
    url_name="export_research_segments",
)
def export_research_segments(request: HttpRequest, query: Query[SegmentExportQuery]) -> HttpResponse:
    user = _evaluator(request)
    rows = export_segments(
        actor=user,
        programme_id=research_programme_id(user, query.programme),
        codebook_id=query.codebook_id,
        wave_id=query.wave_id,
        partnership_id=query.partnership_id,
    )
    return _file(rows, CSV)


@router.get(
    "/research/exports/codebooks/{int:codebook_id}",
    response={200: None, **error_responses(401, 403, 404)},
    summary="A codebook as a REFI-QDA Codebook (.qdc) document",
    description="XML in namespace urn:QDA-XML:codebook:1.0; valid against the official Codebook.xsd.",
    url_name="export_research_codebook_qdc",
)
def export_research_codebook_qdc(request: HttpRequest, codebook_id: int) -> HttpResponse:
    user = _evaluator(request)
    codebook, document = export_codebook_qdc(actor=user, codebook_id=codebook_id)
    response = HttpResponse(document, content_type=QDC_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="codebook-{codebook.pk}.qdc"'
    return response


@router.get(
    "/research/exports/codebooks/{int:codebook_id}/project",
    response={200: None, **error_responses(401, 403, 404)},
    summary="A codebook's evaluation as a REFI-QDA project (.qdpx)",
    description=(
        "A zip holding project.qde (valid against the official REFI-QDA Project schema, namespace "
        "urn:QDA-XML:project:1.0) and sources/<guid>.txt: the redacted text of each transcript of the "
        "codebook's programme that is ready for coding, the coders, the codes, every coded segment and memos."
    ),
    url_name="export_research_project_qdpx",
)
def export_research_project_qdpx(request: HttpRequest, codebook_id: int) -> HttpResponse:
    user = _evaluator(request)
    codebook, data = export_project_qdpx(actor=user, codebook_id=codebook_id)
    response = HttpResponse(data, content_type=QDPX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="codebook-{codebook.pk}.qdpx"'
    return response


class ImportedTranscriptOut(Schema):
    transcript_id: int
    source_name: str = Field(description="The source's name in the file.")
    added: int = Field(description="Segments made.")
    already_there: int = Field(description="Codings the coder already had (same code, same passage): not added again.")


class ProjectImportOut(Schema):
    coder_id: int
    transcripts: list[ImportedTranscriptOut]
    consensus_skipped: int = Field(description="Consensus codings in the file: never imported as a coder's.")
    other_sources: int = Field(description="Sources in the file that are not text (left out).")


@router.post(
    "/research/imports/codebooks/{int:codebook_id}/project",
    response={201: ProjectImportOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Import the coding in a REFI-QDA project (.qdpx) as one coder's segments",
    description=(
        "Multipart: upload (the .qdpx), transcript_id (needed unless the file came from this codebook's export), "
        "coder_id (you, or an evaluator of your team; default you), file_user (whose coding, by name in the file, "
        "when it holds several people's). All or nothing: a refused file changes nothing."
    ),
    url_name="import_research_project_qdpx",
)
def import_research_project_qdpx(
    request: HttpRequest,
    codebook_id: int,
    upload: File[UploadedFile],
    transcript_id: Form[int | None] = None,
    coder_id: Form[int | None] = None,
    file_user: Form[str] = "",
) -> Status[dict[str, Any]]:
    user = _evaluator(request)
    if upload.size is not None and upload.size > MAX_QDPX_BYTES:
        raise InvalidInput({"upload": ["This .qdpx is bigger than 20 MB, far bigger than a project of transcripts."]})
    result = import_project_qdpx(
        actor=user,
        codebook_id=codebook_id,
        data=upload.read(MAX_QDPX_BYTES + 1),
        transcript_id=transcript_id,
        coder_id=coder_id,
        file_user=file_user,
    )
    return Status(
        201,
        {
            "coder_id": result.coder.pk,
            "transcripts": [
                {
                    "transcript_id": row.transcript.pk,
                    "source_name": row.source_name,
                    "added": row.added,
                    "already_there": row.already_there,
                }
                for row in result.transcripts
            ],
            "consensus_skipped": result.consensus_skipped,
            "other_sources": result.other_sources,
        },
    )
