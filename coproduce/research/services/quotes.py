"""The quote bank: coded passages chosen to quote, attributed as the evaluation report does.

A quote is the passage of one coded segment, or a narrower passage inside it. Its attribution
is worked out from the transcript, never typed: "Service User, Fife, 2017", "Keyworker, Fife,
2015", "Survey respondent, Fife, 2016", or for a programme-wide stakeholder with no area
"Funder, 2016". Nobody is quoted who did not agree to it: a participant's research consent must
include quotation, a stakeholder must have agreed to be quoted (survey answers are anonymous).
Every change is audited with the interviewee participant's id (None for stakeholders and
surveys).
"""

from dataclasses import dataclass
from typing import Any

import rules
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet

from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.research.models import CodedSegment, Interview, Quote, Transcript
from coproduce.research.selectors import interviewee_participant_id, quotes_visible_to, segments_visible_to

NOTE_MAX = 2000
NOT_AGREED = "The interviewee did not agree to be quoted."


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


TRANSCRIPT_RELATIONS = (
    "transcript__wave",
    "transcript__partnership",
    "transcript__interview__research_consent",
    "transcript__interview__stakeholder",
)


def _check_allowed(actor: Any) -> None:
    if not rules.has_perm("research.work_on_evaluation", actor):
        raise NotAllowed("Only evaluators work on the quote bank.")


def select_quote(
    *,
    actor: Any,
    segment_id: int,
    start: int | None = None,
    end: int | None = None,
    note: str = "",
) -> Quote:
    """Put a coded segment's passage (or a narrower passage inside it) in the quote bank.

    Refused when the speaker did not agree to be quoted; a passage already in the bank is not
    added twice.
    """
    _check_allowed(actor)
    segment = segments_visible_to(actor).select_related(*TRANSCRIPT_RELATIONS).filter(pk=segment_id).first()
    if segment is None:
        raise NotFound("No such coded passage.")
    transcript = segment.transcript
    start = segment.start if start is None else start
    end = segment.end if end is None else end
    if not (segment.start <= start < end <= segment.end):
        raise InvalidInput({"passage": ["Choose words from within the coded passage."]})
    if not agreed_to_quotation(transcript):
        raise NotAllowed(NOT_AGREED)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput({"note": [f"Keep the note under {NOTE_MAX} characters."]})
    if Quote.objects.filter(transcript=transcript, start=start, end=end).exists():
        raise InvalidInput({"passage": ["This passage is already in the quote bank."]})
    quote = Quote(
        transcript=transcript,
        segment=segment,
        start=start,
        end=end,
        text=transcript.text[start:end],
        attribution=attribution_for(transcript),
        note=note,
        selected_by=actor,
    )
    validate_model(quote, exclude=["transcript", "segment", "selected_by"])
    try:
        with transaction.atomic():
            quote.save()
            record_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                record=quote,
                participant_id=interviewee_participant_id(transcript),
                changed_fields=["transcript", "segment", "start", "end", "text", "attribution", "note"],
            )
    except IntegrityError as error:
        # Someone added the same passage at the same moment.
        raise InvalidInput({"passage": ["This passage is already in the quote bank."]}) from error
    return quote


def _quote_for_change(actor: Any, quote_id: int) -> Quote:
    _check_allowed(actor)
    quote = (
        quotes_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("transcript__interview__research_consent")
        .filter(pk=quote_id)
        .first()
    )
    if quote is None:
        raise NotFound("No such quote.")
    return quote


def update_quote_note(*, actor: Any, quote_id: int, version: int, note: str) -> Quote:
    """Change the evaluator's note on a quote (why it matters, where it goes in the report).
    `version` is the one the evaluator started from: a note changed meanwhile is not overwritten."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput({"note": [f"Keep the note under {NOTE_MAX} characters."]})
    with transaction.atomic():
        quote = _quote_for_change(actor, quote_id)
        quote.check_version(version)
        if quote.note == note:
            return quote
        quote.note = note
        quote.bump_version()
        quote.save(update_fields=["note", "version", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=quote,
            participant_id=interviewee_participant_id(quote.transcript),
            changed_fields=["note"],
        )
    return quote


def remove_quote(*, actor: Any, quote_id: int) -> None:
    """Take a quote out of the bank. The coded segment it came from stays."""
    with transaction.atomic():
        quote = _quote_for_change(actor, quote_id)
        participant_id = interviewee_participant_id(quote.transcript)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=quote,
            participant_id=participant_id,
            changed_fields=["removed"],
        )
        quote.delete()


# ---- reading the bank ---------------------------------------------------------------------------


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


def quotes_in_bank(user: Any, filters: QuoteFilters | None = None) -> QuerySet[Quote]:
    """Quotes this person may see (`quotes_visible_to`), filtered by code, theme, area and wave.

    A quote has a code (or theme) when a segment with that code overlaps its passage.
    """
    filters = filters or QuoteFilters()
    quotes = quotes_visible_to(user, programme_id=filters.programme_id).select_related(
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


def audit_quote_reads(*, actor: Any, quotes: list[Quote], action: str) -> None:
    """One audit event per quoted participant shown or exported, in one query."""
    from coproduce.audit.services import record_participant_reads

    ids = sorted({pid for quote in quotes if (pid := interviewee_participant_id(quote.transcript)) is not None})
    if not ids:
        return
    record_participant_reads(
        actor=actor,
        participant_ids=ids,
        action=action,
    )
