"""Reads of transcripts: lists with what they show, redaction suggestions, the unredacted original's
readers and the teams' transcript policies."""

from django.db.models import QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.programmes.standing import standing_of
from coproduce.research.models import (
    DismissedSuggestion,
    Interview,
    Transcript,
    TranscriptPolicy,
)
from coproduce.research.permissions import is_evaluator
from coproduce.research.redaction import Suggestion, suggest_redactions
from coproduce.research.selectors import interviews_visible_to, transcripts_visible_to


def _with_interviewee(rows: QuerySet[Transcript]) -> QuerySet[Transcript]:
    return rows.select_related(
        "wave", "partnership", "interview__research_consent", "interview__stakeholder", "uploaded_by"
    )


def transcripts_for(
    actor: ActingUser,
    *,
    programme_id: int | None = None,
    wave_id: int | None = None,
    partnership_id: int | None = None,
    status: str = "",
) -> QuerySet[Transcript]:
    """The transcripts this person may see (`transcripts_visible_to`, of one programme if given), filtered,
    with what a list shows."""
    rows = _with_interviewee(transcripts_visible_to(actor, programme_id=programme_id))
    if wave_id:
        rows = rows.filter(wave_id=wave_id)
    if partnership_id:
        rows = rows.filter(partnership_id=partnership_id)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("wave__year", "partnership__area_name", "title", "pk")


def interviewee_label(interview: Interview | None) -> str:
    """How an evaluator knows the interviewee: a pseudonym, or a stakeholder's name and role."""
    if interview is None:
        return "Survey answers"
    if interview.research_consent is not None:
        return interview.research_consent.pseudonym
    if interview.stakeholder is not None:
        return f"{interview.stakeholder.name} ({interview.stakeholder.get_role_display()})"
    return ""


def reviewed_suggestions(transcript: Transcript) -> list[tuple[Suggestion, DismissedSuggestion | None]]:
    """Each redaction suggested for the text as it is now, with its dismissal if the evaluator left
    it in (with a reason). None once the transcript is ready for coding. Two queries more than
    the suggestions themselves."""
    if transcript.status != Transcript.Status.REDACTING:
        return []
    dismissed = {(row.start, row.end): row for row in DismissedSuggestion.objects.filter(transcript=transcript)}
    return [
        (suggestion, dismissed.get((suggestion.start, suggestion.end))) for suggestion in suggest_redactions(transcript)
    ]


def open_suggestions(transcript: Transcript) -> list[Suggestion]:
    """The suggestions neither redacted nor dismissed with a reason: while there is one, the
    transcript cannot be ready for coding."""
    return [suggestion for suggestion, dismissal in reviewed_suggestions(transcript) if dismissal is None]


def _uploader_organisation_id(transcript: Transcript) -> int | None:
    staff = getattr(transcript.uploaded_by, "staff_member", None)
    return staff.organisation_id if staff is not None else None


def may_read_original(actor: ActingUser, transcript: Transcript) -> bool:
    """Only the uploader's own team reads an original its policy kept."""
    organisation_id = _uploader_organisation_id(transcript)
    return (
        bool(transcript.original_text)
        and organisation_id is not None
        and standing_of(actor).organisation_id == organisation_id
        and is_evaluator(actor)
    )


def interviews_awaiting_transcript(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Interview]:
    """Done interviews this person may see (of one programme, if given) that have no transcript yet."""
    return (
        interviews_visible_to(actor, programme_id=programme_id)
        .filter(status=Interview.Status.DONE, transcript__isnull=True)
        .select_related("wave", "partnership", "research_consent", "stakeholder")
        .order_by("wave__year", "partnership__area_name", "held_on", "pk")
    )


def policy_of(organisation_id: int | None) -> TranscriptPolicy | None:
    if organisation_id is None:
        return None
    return TranscriptPolicy.objects.filter(organisation_id=organisation_id).first()


def keeps_originals(organisation_id: int | None) -> bool:
    policy = policy_of(organisation_id)
    return policy is not None and policy.keep_unredacted_originals
