"""Taking the analysis to other tools: coded segments as a table, the codebook as REFI-QDA.

- `export_segments`: every coded segment the evaluator may see, one row each (transcript, area,
  wave, speaker, coder, code, its path "Parent > Child", theme, offsets, consensus, text). The
  interfaces write the rows as CSV.
- `export_quotes`: the quote bank with attributions, codes, themes and notes (CSV or XLSX).
- `export_codebook_qdc`: one codebook as a REFI-QDA Codebook (.qdc) document, which NVivo,
  ATLAS.ti, MAXQDA and QualCoder import: codes nested as in the hierarchy, with definitions and
  colours; themes as sets of codes. GUIDs are uuid5 of the codebook's and the code's ids, so a
  second export of the same codebook carries the same GUIDs and other tools match the codes up.
  The official schema is in `refi_qda/Codebook.xsd` (see its SOURCE.md): in a .qdc, a set's
  member is `<MemberCode guid=…/>`.

Every export is audited: one event per participant interviewee whose words are in it, and one
for the export itself.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from lxml import etree

from coproduce.accounts.acting import ActingUser
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_participant_reads
from coproduce.core.errors import NotFound
from coproduce.research.models import Code, Codebook, CodedSegment
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import codebooks_visible_to, interviewee_participant_id, segments_visible_to
from coproduce.research.selectors.quotes import QuoteFilters, quotes_in_bank, with_codes
from coproduce.research.services.quotes import audit_quote_reads

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
QDC_CONTENT_TYPE = "application/xml; charset=utf-8"
ORIGIN = "Coproduce"
# Fixed, so that the GUIDs of a code are the same in every export from every installation.
GUID_NAMESPACE = uuid.UUID("6f0f4a52-7c1e-5b8e-9d1a-2f3c4b5d6e7f")
EXPORT = AuditEvent.Action.EXPORT

Cell = int | str | None


@dataclass(frozen=True)
class Rows:
    """A table to export: the interfaces write it as CSV or XLSX."""

    slug: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


NOT_EVALUATOR = "Only evaluators export the analysis."


# ---- coded segments ----------------------------------------------------------------------------

SEGMENT_COLUMNS = (
    "transcript",
    "area",
    "wave",
    "speaker",
    "coder",
    "code",
    "code path",
    "theme",
    "start",
    "end",
    "consensus",
    "text",
)


def code_path(code: Code, codes_by_id: dict[int, Code]) -> str:
    """The code's place in the hierarchy: "Parent > Child"."""
    names = [code.name]
    seen = {code.pk}
    parent_id = code.parent_id
    while parent_id is not None and parent_id not in seen and parent_id in codes_by_id:
        parent = codes_by_id[parent_id]
        names.append(parent.name)
        seen.add(parent.pk)
        parent_id = parent.parent_id
    return " > ".join(reversed(names))


def segments_to_export(
    actor: ActingUser,
    *,
    programme_id: int | None = None,
    codebook_id: int | None = None,
    wave_id: int | None = None,
    partnership_id: int | None = None,
) -> QuerySet[CodedSegment]:
    segments = segments_visible_to(actor, programme_id=programme_id).select_related(
        "transcript__wave",
        "transcript__partnership",
        "transcript__interview__research_consent",
        "code__theme",
        "coder",
    )
    if codebook_id is not None:
        segments = segments.filter(code__codebook_id=codebook_id)
    if wave_id is not None:
        segments = segments.filter(transcript__wave_id=wave_id)
    if partnership_id is not None:
        segments = segments.filter(transcript__partnership_id=partnership_id)
    return segments.order_by("transcript__wave__year", "transcript_id", "start", "end", "pk")


def export_segments(
    *,
    actor: ActingUser,
    programme_id: int | None = None,
    codebook_id: int | None = None,
    wave_id: int | None = None,
    partnership_id: int | None = None,
) -> Rows:
    """The coded segments this evaluator may see, one row each. Audited per participant quoted."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    segments = list(
        segments_to_export(
            actor, programme_id=programme_id, codebook_id=codebook_id, wave_id=wave_id, partnership_id=partnership_id
        )
    )
    codebook_ids = {segment.code.codebook_id for segment in segments}
    codes_by_id = {code.pk: code for code in Code.objects.filter(codebook_id__in=codebook_ids)}
    rows = tuple(
        (
            segment.transcript.title,
            segment.transcript.partnership.area_name if segment.transcript.partnership else "",
            segment.transcript.wave.year,
            segment.transcript.speaker_label,
            segment.coder.display_name or segment.coder.username,
            segment.code.name,
            code_path(segment.code, codes_by_id),
            segment.code.theme.name if segment.code.theme else "",
            segment.start,
            segment.end,
            "yes" if segment.is_consensus else "no",
            segment.text,
        )
        for segment in segments
    )
    _audit_export(
        actor=actor,
        participant_ids={interviewee_participant_id(segment.transcript) for segment in segments},
    )
    return Rows(slug="coded-segments", title="Coded segments", columns=SEGMENT_COLUMNS, rows=rows)


def _audit_export(*, actor: ActingUser, participant_ids: set[int | None]) -> None:
    record_participant_reads(
        actor=actor,
        participant_ids=sorted(pid for pid in participant_ids if pid is not None),
        action=EXPORT,
    )


# ---- the quote bank ----------------------------------------------------------------------------

QUOTE_COLUMNS = ("text", "attribution", "codes", "themes", "note")


def export_quotes(*, actor: ActingUser, filters: QuoteFilters | None = None) -> Rows:
    """The quote bank (as filtered) with attributions, codes and themes. Audited per participant quoted."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    quotes = list(quotes_in_bank(actor, filters or QuoteFilters()))
    rows = tuple(
        (row.quote.text, row.quote.attribution, "; ".join(row.codes), "; ".join(row.themes), row.quote.note)
        for row in with_codes(quotes)
    )
    audit_quote_reads(actor=actor, quotes=quotes, action=EXPORT)
    return Rows(slug="quotes", title="Quote bank", columns=QUOTE_COLUMNS, rows=rows)


# ---- the codebook as REFI-QDA ------------------------------------------------------------------


def code_guid(code: Code) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"codebook:{code.codebook_id}:code:{code.pk}"))


def theme_guid(codebook_id: int, theme_id: int) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"codebook:{codebook_id}:theme:{theme_id}"))


def codebook_qdc(codebook: Codebook, codes: Sequence[Code], themes: Sequence[Any]) -> bytes:
    """The REFI-QDA Codebook document (UTF-8 XML) for a codebook's codes and themes."""
    q = f"{{{QDC_NAMESPACE}}}"
    root = etree.Element(f"{q}CodeBook", nsmap={None: QDC_NAMESPACE}, origin=ORIGIN)
    codes_element = etree.SubElement(root, f"{q}Codes")
    children: dict[int | None, list[Code]] = {}
    known = {code.pk for code in codes}
    for code in codes:
        parent = code.parent_id if code.parent_id in known else None
        children.setdefault(parent, []).append(code)

    def add(parent_element: Any, code: Code, trail: frozenset[int]) -> None:
        element = etree.SubElement(
            parent_element,
            f"{q}Code",
            guid=code_guid(code),
            name=code.name,
            isCodable="true",
            color=code.colour.upper(),
        )
        if code.definition:
            etree.SubElement(element, f"{q}Description").text = code.definition
        for child in children.get(code.pk, []):
            if child.pk not in trail:
                add(element, child, trail | {child.pk})

    for code in children.get(None, []):
        add(codes_element, code, frozenset({code.pk}))
    theme_members = [(theme, [code for code in codes if code.theme_id == theme.pk]) for theme in themes]
    theme_members = [(theme, members) for theme, members in theme_members if members]
    if theme_members:
        sets = etree.SubElement(root, f"{q}Sets")
        for theme, members in theme_members:
            element = etree.SubElement(sets, f"{q}Set", guid=theme_guid(codebook.pk, theme.pk), name=theme.name)
            if theme.description:
                etree.SubElement(element, f"{q}Description").text = theme.description
            for code in members:
                etree.SubElement(element, f"{q}MemberCode", guid=code_guid(code))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_codebook_qdc(*, actor: ActingUser, codebook_id: int) -> tuple[Codebook, bytes]:
    """One codebook as a REFI-QDA .qdc document. No personal data; the export is audited."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    codebook = codebooks_visible_to(actor).filter(pk=codebook_id).first()
    if codebook is None:
        raise NotFound("No such codebook.")
    codes = list(codebook.codes.order_by("name", "pk"))
    if not codes:
        raise NotFound("This codebook has no codes yet: there is nothing to export.")
    themes = list(codebook.themes.order_by("position", "name", "pk"))
    document = codebook_qdc(codebook, codes, themes)
    record_event(actor=actor, action=EXPORT, record=codebook, participant_id=None)
    return codebook, document
