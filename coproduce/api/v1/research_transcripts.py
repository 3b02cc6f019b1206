"""Transcripts for evaluators: list, read, upload, redaction suggestions, redaction, ready for
coding, the kept original and the team's policy on originals.

Rows come through coproduce/research/selectors.py, changes from
coproduce/research/services/transcripts.py. Only evaluators reach any of it (others get 403).
Every response showing a participant's transcript is audited with that participant's id (channel
"api"); participants appear only by pseudonym.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from coproduce.accounts.acting import ActingUser
from coproduce.api.v1.auth import caller, caller_allowed
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.research_programme import programme_query, research_programme_id
from coproduce.api.v1.schemas import AreaRef, Input, VersionIn, error_responses, one_of
from coproduce.core.errors import NotFound
from coproduce.programmes.standing import standing_of
from coproduce.research.models import Redaction, Transcript
from coproduce.research.selectors.transcripts import (
    interviewee_label,
    may_read_original,
    policy_of,
    reviewed_suggestions,
    transcripts_for,
)
from coproduce.research.services.transcripts import (
    RedactionRequest,
    apply_redactions,
    delete_transcript,
    mark_ready_for_coding,
    record_transcript_list_view,
    redact_passage,
    rename_transcript,
    resolve_suggestions,
    set_transcript_policy,
    upload_transcript,
    view_original,
    view_transcript,
)

router = Router(tags=["research"])

FORBIDDEN = "Only evaluators work on transcripts."

if TYPE_CHECKING:
    RedactionKind = str
    TranscriptStatusOrAny = str
else:
    RedactionKind = one_of(Redaction.Kind)
    TranscriptStatusOrAny = one_of(Transcript.Status, blank=True)


def _evaluator(request: HttpRequest) -> Any:
    return caller_allowed(request, "research.work_on_evaluation", FORBIDDEN)


class TranscriptSummaryOut(Schema):
    id: int
    version: int
    title: str
    status: str
    source: str
    speaker_label: str = Field(description='How quotes are attributed, like "Service User" or "Keyworker".')
    interview_id: int | None
    interviewee: str = Field(description="A participant's pseudonym, or a stakeholder's name and role.")
    partnership: AreaRef | None
    wave_id: int
    wave_year: int
    original_filename: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_interviewee(transcript: Transcript) -> str:
        return interviewee_label(transcript.interview)

    @staticmethod
    def resolve_wave_year(transcript: Transcript) -> int:
        return transcript.wave.year


class TranscriptOut(TranscriptSummaryOut):
    text: str
    original_kept: bool = Field(description="Whether your team kept the unredacted original (GET …/original).")
    redactions: int = Field(description="How many passages have been redacted.")

    @staticmethod
    def resolve_original_kept(transcript: Transcript, context: Any) -> bool:
        return may_read_original(context["request"].auth, transcript)

    @staticmethod
    def resolve_redactions(transcript: Transcript) -> int:
        return transcript.redactions.count()


class OriginalOut(Schema):
    id: int
    title: str
    original_filename: str
    original_text: str


class RedactionSuggestionOut(Schema):
    start: int
    end: int
    text: str
    kind: str
    replacement: str
    why: str
    left_in_because: str | None = Field(
        description="The reason given for leaving it in; null while it is open (neither redacted nor left in)."
    )


class LeaveInIn(Schema):
    start: int = Field(ge=0, description="Where the suggested passage starts in the text as it is now.")
    end: int = Field(ge=0)
    reason: str = Field(max_length=500, description="Why it can stay in the text: required.")


class LeaveInsIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    suggestions: list[LeaveInIn]


class RedactionIn(Schema):
    start: int = Field(ge=0, description="Where the passage starts in the text as it is now.")
    end: int = Field(ge=0, description="Where it ends (exclusive).")
    kind: RedactionKind
    replacement: str = Field("", max_length=40, description='Leave blank for the usual one, like "[place]".')
    suggested: bool = Field(False, description="Taken from GET …/suggestions.")


class RedactionsIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    redactions: list[RedactionIn]


class PassageIn(Input):
    version: int
    passage: str = Field(description="The exact words to redact.")
    kind: RedactionKind = "other"
    replacement: str = Field("", max_length=40)
    occurrence: int | None = Field(None, ge=1, description="Which time they appear (from 1), if more than once.")
    start: int | None = Field(None, ge=0, description="Or: where the occurrence to redact starts.")
    every: bool = Field(False, description="Redact every time they appear.")


class TitleIn(VersionIn):
    title: str


class PolicyOut(Schema):
    organisation_id: int
    organisation_name: str
    keep_unredacted_originals: bool
    version: int = Field(description="0 while your team has no policy yet (originals are not kept).")


class PolicyIn(Input):
    keep_unredacted_originals: bool
    version: int = Field(description="The `version` you read (0 if your team has none yet).")


def _audit_list(request: HttpRequest, items: list[Any]) -> None:
    record_transcript_list_view(actor=caller(request), transcripts=items)


def _read(request: HttpRequest, transcript_id: int) -> Transcript:
    return view_transcript(actor=caller(request), transcript_id=transcript_id)


@router.get(
    "/research/transcripts",
    response={200: list[TranscriptSummaryOut], **error_responses(400, 401, 403, 404)},
    summary="List transcripts (evaluators), by wave, area and stage",
    url_name="list_research_transcripts",
)
@paginate(PageNumber, audit=_audit_list)
def list_research_transcripts(
    request: HttpRequest,
    wave_id: int | None = None,
    partnership_id: int | None = None,
    status: TranscriptStatusOrAny = "",
    programme: int | None = programme_query(),
) -> QuerySet[Transcript]:
    user = _evaluator(request)
    return transcripts_for(
        user,
        programme_id=research_programme_id(user, programme),
        wave_id=wave_id,
        partnership_id=partnership_id,
        status=status,
    )


@router.post(
    "/research/transcripts",
    response={201: TranscriptOut, **error_responses(400, 401, 403, 404)},
    summary="Upload the transcript of a done interview (multipart: interview_id, upload, title)",
    url_name="upload_research_transcript",
)
def upload_research_transcript(
    request: HttpRequest, interview_id: Form[int], upload: File[UploadedFile], title: Form[str] = ""
) -> Status[Transcript]:
    """A .txt (UTF-8) or .docx file of at most 2 MB, for a done interview with no transcript yet."""
    transcript = upload_transcript(actor=_evaluator(request), interview_id=interview_id, upload=upload, title=title)
    return Status(201, _read(request, transcript.pk))


@router.get(
    "/research/transcripts/policy",
    response={200: PolicyOut, **error_responses(401, 403, 404)},
    summary="Your team's policy on keeping unredacted originals",
    url_name="research_transcript_policy",
)
def research_transcript_policy(request: HttpRequest) -> dict[str, Any]:
    user = _evaluator(request)
    return _policy_out(user)


def _policy_out(actor: ActingUser) -> dict[str, Any]:
    staff = standing_of(actor).staff_member
    if staff is None:
        raise NotFound("You are not part of an evaluation team.")
    policy = policy_of(staff.organisation_id)
    return {
        "organisation_id": staff.organisation_id,
        "organisation_name": staff.organisation.name,
        "keep_unredacted_originals": bool(policy and policy.keep_unredacted_originals),
        "version": policy.version if policy else 0,
    }


@router.put(
    "/research/transcripts/policy",
    response={200: PolicyOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change your team's policy; turning it off erases the originals already kept",
    url_name="set_research_transcript_policy",
)
def set_research_transcript_policy(request: HttpRequest, payload: PolicyIn) -> dict[str, Any]:
    user = _evaluator(request)
    staff = standing_of(user).staff_member
    if staff is None:
        raise NotFound("You are not part of an evaluation team.")
    set_transcript_policy(
        actor=user,
        organisation_id=staff.organisation_id,
        keep_unredacted_originals=payload.keep_unredacted_originals,
        expected_version=payload.version,
    )
    return _policy_out(user)


@router.get(
    "/research/transcripts/{transcript_id}",
    response={200: TranscriptOut, **error_responses(401, 403, 404)},
    summary="Read a transcript (audited)",
    url_name="research_transcript_detail",
)
def research_transcript_detail(request: HttpRequest, transcript_id: int) -> Transcript:
    _evaluator(request)
    return _read(request, transcript_id)


@router.patch(
    "/research/transcripts/{transcript_id}",
    response={200: TranscriptOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a transcript's title",
    url_name="rename_research_transcript",
)
def rename_research_transcript(request: HttpRequest, transcript_id: int, payload: TitleIn) -> Transcript:
    rename_transcript(
        actor=_evaluator(request),
        transcript_id=transcript_id,
        expected_version=payload.version,
        title=payload.title,
    )
    return _read(request, transcript_id)


@router.delete(
    "/research/transcripts/{transcript_id}",
    response={204: None, **error_responses(400, 401, 403, 404, 409)},
    summary="Delete a transcript still being redacted",
    url_name="delete_research_transcript",
)
def delete_research_transcript(request: HttpRequest, transcript_id: int, payload: VersionIn) -> Status[None]:
    delete_transcript(actor=_evaluator(request), transcript_id=transcript_id, expected_version=payload.version)
    return Status(204, None)


@router.get(
    "/research/transcripts/{transcript_id}/suggestions",
    response={200: list[RedactionSuggestionOut], **error_responses(401, 403, 404)},
    summary="Suggested redactions: names of people and places Coproduce knows (audited)",
    url_name="research_transcript_suggestions",
)
def research_transcript_suggestions(request: HttpRequest, transcript_id: int) -> list[Any]:
    """Empty once the transcript is ready for coding (its text no longer changes). While any is
    open (`left_in_because` null), the transcript cannot be marked ready."""
    _evaluator(request)
    transcript = _read(request, transcript_id)
    return [
        {**suggestion.__dict__, "left_in_because": dismissal.reason if dismissal else None}
        for suggestion, dismissal in reviewed_suggestions(transcript)
    ]


@router.post(
    "/research/transcripts/{transcript_id}/suggestions/left-in",
    response={200: TranscriptOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Leave suggested redactions in the text, each with a reason",
    url_name="leave_in_research_transcript_suggestions",
)
def leave_in_research_transcript_suggestions(
    request: HttpRequest, transcript_id: int, payload: LeaveInsIn
) -> Transcript:
    """400, with nothing saved, if a passage is not one of the current suggestions or has no reason.
    To redact suggestions instead, POST them to …/redactions with `suggested` true."""
    resolve_suggestions(
        actor=_evaluator(request),
        transcript_id=transcript_id,
        expected_version=payload.version,
        dismiss=[(item.start, item.end, item.reason) for item in payload.suggestions],
    )
    return _read(request, transcript_id)


@router.post(
    "/research/transcripts/{transcript_id}/redactions",
    response={200: TranscriptOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Redact passages of the text as it is now (from suggestions or chosen)",
    url_name="apply_research_transcript_redactions",
)
def apply_research_transcript_redactions(request: HttpRequest, transcript_id: int, payload: RedactionsIn) -> Transcript:
    """400, with nothing changed, if passages overlap or fall outside the text, or once ready for coding."""
    apply_redactions(
        actor=_evaluator(request),
        transcript_id=transcript_id,
        expected_version=payload.version,
        redactions=[
            RedactionRequest(item.start, item.end, item.kind, item.replacement, item.suggested)
            for item in payload.redactions
        ],
    )
    return _read(request, transcript_id)


@router.post(
    "/research/transcripts/{transcript_id}/redact-passage",
    response={200: TranscriptOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Redact words chosen by their exact text",
    url_name="redact_research_transcript_passage",
)
def redact_research_transcript_passage(request: HttpRequest, transcript_id: int, payload: PassageIn) -> Transcript:
    """400 if the words are not in the text, or appear several times and it is not said which."""
    redact_passage(
        actor=_evaluator(request),
        transcript_id=transcript_id,
        **payload.model_dump(exclude={"version"}),
        expected_version=payload.version,
    )
    return _read(request, transcript_id)


@router.post(
    "/research/transcripts/{transcript_id}/ready",
    response={200: TranscriptOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Mark a transcript ready for coding: its text no longer changes (400 while a suggestion is open)",
    url_name="research_transcript_ready",
)
def research_transcript_ready(request: HttpRequest, transcript_id: int, payload: VersionIn) -> Transcript:
    mark_ready_for_coding(actor=_evaluator(request), transcript_id=transcript_id, expected_version=payload.version)
    return _read(request, transcript_id)


@router.get(
    "/research/transcripts/{transcript_id}/original",
    response={200: OriginalOut, **error_responses(401, 403, 404)},
    summary="The unredacted original, if your team's policy kept it (audited)",
    url_name="research_transcript_original",
)
def research_transcript_original(request: HttpRequest, transcript_id: int) -> Transcript:
    return view_original(actor=_evaluator(request), transcript_id=transcript_id)
