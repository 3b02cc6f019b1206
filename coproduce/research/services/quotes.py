"""The quote bank: coded passages chosen to quote, attributed as the evaluation report does.

A quote is the passage of one coded segment, or a narrower passage inside it. Its attribution
is worked out from the transcript, never typed: "Service User, Fife, 2017", "Keyworker, Fife,
2015", "Survey respondent, Fife, 2016", or for a programme-wide stakeholder with no area
"Funder, 2016". Nobody is quoted who did not agree to it: a participant's research consent must
include quotation, a stakeholder must have agreed to be quoted (survey answers are anonymous).
Every change is audited with the interviewee participant's id (None for stakeholders and
surveys).
"""

from django.db import IntegrityError, transaction

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_participant_reads
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.research.models import Quote
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import interviewee_participant_id, quotes_visible_to, segments_visible_to
from coproduce.research.selectors.quotes import agreed_to_quotation, attribution_for

NOTE_MAX = 2000
NOT_AGREED = "The interviewee did not agree to be quoted."


TRANSCRIPT_RELATIONS = (
    "transcript__wave",
    "transcript__partnership",
    "transcript__interview__research_consent",
    "transcript__interview__stakeholder",
)


NOT_EVALUATOR = "Only evaluators work on the quote bank."


def select_quote(
    *,
    actor: ActingUser,
    segment_id: int,
    start: int | None = None,
    end: int | None = None,
    note: str = "",
) -> Quote:
    """Put a coded segment's passage (or a narrower passage inside it) in the quote bank.

    Refused when the speaker did not agree to be quoted; a passage already in the bank is not
    added twice.
    """
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
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
        selected_by=signed_in(actor),
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


def _quote_for_change(actor: ActingUser, quote_id: int) -> Quote:
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
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


def update_quote_note(*, actor: ActingUser, quote_id: int, expected_version: int, note: str) -> Quote:
    """Change the evaluator's note on a quote (why it matters, where it goes in the report).
    `version` is the one the evaluator started from: a note changed meanwhile is not overwritten."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput({"note": [f"Keep the note under {NOTE_MAX} characters."]})
    with transaction.atomic():
        quote = _quote_for_change(actor, quote_id)
        quote.check_version(expected_version)
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


def remove_quote(*, actor: ActingUser, quote_id: int) -> None:
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


# ---- audited reads ------------------------------------------------------------------------------


def audit_quote_reads(*, actor: ActingUser, quotes: list[Quote], action: str) -> None:
    """One audit event per quoted participant shown or exported, in one query."""
    ids = sorted({pid for quote in quotes if (pid := interviewee_participant_id(quote.transcript)) is not None})
    if not ids:
        return
    record_participant_reads(
        actor=actor,
        participant_ids=ids,
        action=action,
    )
