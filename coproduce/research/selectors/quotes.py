"""Reads of the quote bank: quotes filtered by code, theme, area and wave, with their codes and attribution."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.research.models import CodedSegment, Interview, Quote, Transcript
from coproduce.research.selectors import quotes_visible_to


def attribution_for(transcript: Transcript) -> str:
    """How the paper attributes a quote: speaker, area and year; speaker and year without an area."""
    year = transcript.wave.year
    if transcript.partnership is None:
        return f"{transcript.speaker_label}, {year}"
    return f"{transcript.speaker_label}, {transcript.partnership.area_name}, {year}"


def agreed_to_quotation(transcript: Transcript) -> bool:
    if transcript.source == Transcript.Source.SURVEY:
        return True
    interview = transcript.interview
    if interview is None:
        return False
    if interview.kind == Interview.Kind.STAKEHOLDER:
        return interview.stakeholder is not None and interview.stakeholder.agreed_to_quotation
    return interview.research_consent is not None and interview.research_consent.quotation


@dataclass(frozen=True)
class QuoteFilters:
    programme_id: int | None = None  # one programme's quotes only
    code_id: int | None = None
    theme_id: int | None = None
    partnership_id: int | None = None
    wave_id: int | None = None


@dataclass(frozen=True)
class QuoteRow:
    quote: Quote
    codes: tuple[str, ...]  # consensus codes first, then the coders' codes, each once
    themes: tuple[str, ...]


def _overlapping(code_field: str, value: int) -> Exists:
    return Exists(
        CodedSegment.objects.filter(
            transcript_id=OuterRef("transcript_id"),
            start__lt=OuterRef("end"),
            end__gt=OuterRef("start"),
            **{code_field: value},
        )
    )


def quotes_in_bank(actor: ActingUser, filters: QuoteFilters | None = None) -> QuerySet[Quote]:
    """Quotes this person may see (`quotes_visible_to`), filtered by code, theme, area and wave.

    A quote has a code (or theme) when a segment with that code overlaps its passage.
    """
    filters = filters or QuoteFilters()
    quotes = quotes_visible_to(actor, programme_id=filters.programme_id).select_related(
        "transcript__wave", "transcript__partnership", "transcript__interview__research_consent"
    )
    if filters.code_id is not None:
        quotes = quotes.filter(_overlapping("code_id", filters.code_id))
    if filters.theme_id is not None:
        quotes = quotes.filter(_overlapping("code__theme_id", filters.theme_id))
    if filters.partnership_id is not None:
        quotes = quotes.filter(transcript__partnership_id=filters.partnership_id)
    if filters.wave_id is not None:
        quotes = quotes.filter(transcript__wave_id=filters.wave_id)
    return quotes.order_by(
        "transcript__wave__year", "transcript__partnership__area_name", "transcript_id", "start", "pk"
    )


def with_codes(quotes: list[Quote]) -> list[QuoteRow]:
    """Each quote with the codes (and their themes) of the segments overlapping its passage. One query."""
    transcript_ids = {quote.transcript_id for quote in quotes}
    segments = list(
        CodedSegment.objects.filter(transcript_id__in=transcript_ids)
        .select_related("code__theme")
        .order_by("-is_consensus", "start", "code__name", "pk")
    )
    rows = []
    for quote in quotes:
        codes: list[str] = []
        themes: list[str] = []
        for segment in segments:
            if segment.transcript_id != quote.transcript_id:
                continue
            if not (segment.start < quote.end and quote.start < segment.end):
                continue
            if segment.code.name not in codes:
                codes.append(segment.code.name)
            theme = segment.code.theme
            if theme is not None and theme.name not in themes:
                themes.append(theme.name)
        rows.append(QuoteRow(quote=quote, codes=tuple(codes), themes=tuple(themes)))
    return rows
