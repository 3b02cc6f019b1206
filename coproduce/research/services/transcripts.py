"""Transcripts: upload, redaction, ready for coding, and the team's policy on unredacted originals.

A transcript is uploaded for a done interview, redacted (suggested or chosen passages replaced by
"[participant]", "[place]"…), then marked ready for coding, after which its text never changes, so
coded segments' offsets keep pointing at the words that were coded. Each redaction is logged
(where, how long, replaced by what, by whom) but never the words taken out. The unredacted original
is kept only while the uploader's organisation's TranscriptPolicy says so; turning the policy off
erases the originals its members already uploaded.

Only evaluators (`research.work_on_evaluation`) do any of this. Every change and every read of a
participant's transcript is audited with that participant's id.
"""

from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any, NamedTuple

import rules
from django.db import transaction

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_events
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.programmes.models import Organisation
from coproduce.programmes.standing import standing_of
from coproduce.research.documents import Upload, read_upload
from coproduce.research.models import (
    DismissedSuggestion,
    Interview,
    Redaction,
    StakeholderRole,
    Transcript,
    TranscriptPolicy,
)
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.redaction import REPLACEMENTS, suggest_redactions
from coproduce.research.selectors import interviewee_participant_id, interviews_visible_to, transcripts_visible_to
from coproduce.research.selectors.transcripts import (
    _with_interviewee,
    keeps_originals,
    may_read_original,
    open_suggestions,
)

SERVICE_USER = "Service User"
READY_ALREADY = "This transcript is ready for coding: its text can no longer change."
SUGGESTIONS_CHANGED = "The transcript has changed since these suggestions were made: reload the page."
STALE = (
    "Someone else changed this record while you were editing it. Nothing was saved: reload to see "
    "their change, then make yours again."
)


class RedactionRequest(NamedTuple):
    """One passage to take out of the text as it is now: [start, end)."""

    start: int
    end: int
    kind: str
    replacement: str = ""
    suggested: bool = False


# ---- audited reads ----------------------------------------------------------------------------


def _record_list(actor: ActingUser, rows: Iterable[tuple[Any, int | None]]) -> None:
    record_events(
        actor=actor,
        action=AuditEvent.Action.LIST,
        records=(
            (record._meta.label, record.pk, participant_id)
            for record, participant_id in rows
            if participant_id is not None
        ),
    )


def record_transcript_list_view(*, actor: ActingUser, transcripts: Iterable[Transcript]) -> None:
    """One LIST event per participant transcript shown, in one query."""
    _record_list(actor, ((t, interviewee_participant_id(t)) for t in transcripts))


def record_interview_list_view(*, actor: ActingUser, interviews: Iterable[Interview]) -> None:
    """One LIST event per participant interview shown (by pseudonym), in one query."""
    _record_list(actor, ((i, _participant_of(i)) for i in interviews))


def view_transcript(*, actor: ActingUser, transcript_id: int) -> Transcript:
    """A transcript this person may see, its reading audited with the interviewee participant's id.
    A participant who withdrew their research consent has no visible transcript (NotFound)."""
    transcript = _with_interviewee(transcripts_visible_to(actor)).filter(pk=transcript_id).first()
    if transcript is None:
        raise NotFound("No such transcript.")
    record_event(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        record=transcript,
        participant_id=interviewee_participant_id(transcript),
    )
    return transcript


def view_original(*, actor: ActingUser, transcript_id: int) -> Transcript:
    """The unredacted original, for the uploader's team, only if their policy kept it. Audited."""
    transcript = (
        _with_interviewee(transcripts_visible_to(actor))
        .select_related("uploaded_by__staff_member")
        .filter(pk=transcript_id)
        .first()
    )
    if transcript is None or not may_read_original(actor, transcript):
        raise NotFound("No unredacted original is kept for this transcript.")
    record_event(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        record=transcript,
        participant_id=interviewee_participant_id(transcript),
    )
    return transcript


# ---- changes ----------------------------------------------------------------------------------


NOT_EVALUATOR = "Only evaluators work on transcripts."


def _speaker_label(interview: Interview) -> str:
    if interview.kind == Interview.Kind.PARTICIPANT:
        return SERVICE_USER
    role = interview.stakeholder.role if interview.stakeholder else StakeholderRole.OTHER
    return str(StakeholderRole(role).label)


def _participant_of(interview: Interview | None) -> int | None:
    if interview is None or interview.research_consent_id is None:
        return None
    return interview.research_consent.participant_id  # type: ignore[union-attr]


def _audit_change(
    actor: ActingUser,
    transcript: Transcript,
    changed_fields: list[str],
    action: str = AuditEvent.Action.CHANGE,
) -> None:
    """A transcript created or changed, recorded against its interviewee (if a participant)."""
    record_event(
        actor=actor,
        action=action,
        record=transcript,
        participant_id=_participant_of(transcript.interview),
        changed_fields=changed_fields,
    )


def upload_transcript(
    *,
    actor: ActingUser,
    interview_id: int,
    upload: Upload,
    title: str = "",
) -> Transcript:
    """Upload the transcript of a done interview that has none yet (.txt or .docx, at most 2 MB).

    The speaker label is "Service User" for a participant and the stakeholder's role for a
    stakeholder ("Keyworker"); area and wave come from the interview. The unredacted original is
    kept only if the uploader's organisation's policy says so.
    """
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    document = read_upload(upload)
    title = title.strip()
    if len(title) > 200:
        raise InvalidInput({"title": ["Keep the title to 200 characters or fewer."]})
    with transaction.atomic():
        # Locking the interview makes a second upload at the same moment wait, then see the first.
        interview = (
            interviews_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("wave", "partnership", "research_consent", "stakeholder")
            .filter(pk=interview_id)
            .first()
        )
        if interview is None:
            raise NotFound("No such interview.")
        if interview.status != Interview.Status.DONE:
            raise InvalidInput({"interview": ["Only an interview that has been done can have a transcript."]})
        if Transcript.objects.filter(interview_id=interview.pk).exists():
            raise InvalidInput({"interview": ["This interview already has a transcript."]})
        label = _speaker_label(interview)
        transcript = Transcript.objects.create(
            source=Transcript.Source.INTERVIEW,
            interview=interview,
            partnership=interview.partnership,
            wave=interview.wave,
            speaker_label=label,
            title=title or f"{label}, {interview.partnership.area_name}, {interview.wave.year}",
            text=document.text,
            original_text=document.text if keeps_originals(standing_of(actor).organisation_id) else "",
            original_filename=document.filename,
            status=Transcript.Status.REDACTING,
            uploaded_by=signed_in(actor),
        )
        _audit_change(
            actor,
            transcript,
            ["text", "title", *(["original_text"] if transcript.original_text else [])],
            action=AuditEvent.Action.CREATE,
        )
    return transcript


def _locked_transcript(actor: ActingUser, transcript_id: int, expected_version: int) -> Transcript:
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    transcript = (
        transcripts_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("interview__research_consent")
        .filter(pk=transcript_id)
        .first()
    )
    if transcript is None:
        raise NotFound("No such transcript.")
    transcript.check_version(expected_version)
    return transcript


def _checked(text: str, requests: Sequence[RedactionRequest | Sequence[Any]]) -> list[RedactionRequest]:
    """The redactions, in order, or InvalidInput naming every problem; the text is not touched."""
    if not requests:
        raise InvalidInput({"redactions": ["Choose at least one passage to redact."]})
    problems: list[str] = []
    wanted: list[RedactionRequest] = []
    for given in requests:
        try:
            request = RedactionRequest(*given)
        except TypeError:
            problems.append("Give each passage as start, end, kind and (if you like) replacement.")
            continue
        start, end = request.start, request.end
        if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
            problems.append("Say where each passage starts and ends, as character positions.")
            continue
        if not 0 <= start < end <= len(text):
            problems.append(f"The passage from {start} to {end} is not inside the text (0 to {len(text)}).")
            continue
        if request.kind not in Redaction.Kind.values:
            problems.append(f"“{request.kind}” is not a kind of redaction.")
            continue
        replacement = (request.replacement or REPLACEMENTS[request.kind]).strip()
        if len(replacement) > 40:
            problems.append("Keep each replacement to 40 characters or fewer.")
            continue
        wanted.append(request._replace(replacement=replacement, suggested=bool(request.suggested)))
    wanted.sort(key=lambda request: (request.start, request.end))
    for before, after in pairwise(wanted):
        if after.start < before.end:
            problems.append(
                f"The passages at {before.start} to {before.end} and {after.start} to {after.end} overlap: "
                "redact them as one passage."
            )
    if problems:
        raise InvalidInput({"redactions": list(dict.fromkeys(problems))})
    return wanted


def _apply(actor: ActingUser, transcript: Transcript, wanted: list[RedactionRequest]) -> Transcript:
    if transcript.status != Transcript.Status.REDACTING:
        raise DomainError(READY_ALREADY)
    text = transcript.text
    # From the end backwards, so each passage's start is still right when it is replaced, and
    # each logged start is the position in the text as it was when that passage went.
    for request in reversed(wanted):
        text = text[: request.start] + request.replacement + text[request.end :]
    transcript.text = text
    transcript.bump_version()
    transcript.save(update_fields=["text", "version", "updated_at"])
    _move_dismissals(transcript, wanted)
    Redaction.objects.bulk_create(
        [
            Redaction(
                transcript=transcript,
                start=request.start,
                length_removed=request.end - request.start,
                replacement=request.replacement,
                kind=request.kind,
                suggested=request.suggested,
                applied_by=signed_in(actor),
            )
            for request in reversed(wanted)
        ]
    )
    _audit_change(actor, transcript, ["text"])
    return transcript


def _move_dismissals(transcript: Transcript, wanted: list[RedactionRequest]) -> None:
    """Keep each dismissal pointing at its words in the new text: after the passages redacted
    before it, it moves by the difference in length; a dismissal of words now redacted goes."""
    gone: list[int] = []
    moved: list[DismissedSuggestion] = []
    for dismissal in DismissedSuggestion.objects.filter(transcript=transcript):
        if any(request.start < dismissal.end and dismissal.start < request.end for request in wanted):
            gone.append(dismissal.pk)
            continue
        shift = sum(
            len(request.replacement) - (request.end - request.start)
            for request in wanted
            if request.end <= dismissal.start
        )
        if shift:
            dismissal.start += shift
            dismissal.end += shift
            moved.append(dismissal)
    if gone:
        DismissedSuggestion.objects.filter(pk__in=gone).delete()
    if moved:
        DismissedSuggestion.objects.bulk_update(moved, ["start", "end"])


def resolve_suggestions(
    *,
    actor: ActingUser,
    transcript_id: int,
    expected_version: int,
    redact: Sequence[tuple[int, int]] = (),
    dismiss: Sequence[tuple[int, int, str]] = (),
) -> Transcript:
    """Settle suggested redactions of the text as it is now: redact the passages at `redact`
    (start, end), and leave in those at `dismiss` (start, end, reason), each with a reason.

    Every passage must be one of the current suggestions (else the page was stale: nothing is
    saved). Leaving one in without a reason is refused, naming the words. Dismissals are recorded
    first, at today's positions; the redactions then move them along.
    """
    with transaction.atomic():
        transcript = _locked_transcript(actor, transcript_id, expected_version)
        if transcript.status != Transcript.Status.REDACTING:
            raise DomainError(READY_ALREADY)
        if not redact and not dismiss:
            raise InvalidInput({"suggestion": ["Choose at least one suggestion to redact or leave in."]})
        suggestions = {(suggestion.start, suggestion.end): suggestion for suggestion in suggest_redactions(transcript)}
        spans = [(start, end) for start, end in redact] + [(start, end) for start, end, _ in dismiss]
        if any(span not in suggestions for span in spans) or len(set(spans)) != len(spans):
            raise InvalidInput({"suggestion": [SUGGESTIONS_CHANGED]})
        problems = [
            f"Say why “{suggestions[(start, end)].text}” can stay, or redact it."
            for start, end, reason in dismiss
            if not (reason or "").strip()
        ]
        problems += [
            f"Keep the reason for leaving “{suggestions[(start, end)].text}” in to 500 characters or fewer."
            for start, end, reason in dismiss
            if len((reason or "").strip()) > 500
        ]
        if problems:
            raise InvalidInput({"reason": problems})
        if dismiss:
            DismissedSuggestion.objects.filter(
                transcript=transcript, start__in=[start for start, _, _ in dismiss]
            ).delete()
            DismissedSuggestion.objects.bulk_create(
                [
                    DismissedSuggestion(
                        transcript=transcript,
                        start=start,
                        end=end,
                        kind=suggestions[(start, end)].kind,
                        reason=reason.strip(),
                        dismissed_by=signed_in(actor),
                    )
                    for start, end, reason in dismiss
                ]
            )
        if redact:
            chosen = [suggestions[span] for span in redact]
            requests = [RedactionRequest(s.start, s.end, s.kind, s.replacement, True) for s in chosen]
            return _apply(actor, transcript, _checked(transcript.text, requests))
        transcript.bump_version()
        transcript.save(update_fields=["version", "updated_at"])
        _audit_change(actor, transcript, ["dismissed_suggestions"])
    return transcript


def apply_redactions(
    *,
    actor: ActingUser,
    transcript_id: int,
    expected_version: int,
    redactions: Sequence[RedactionRequest | Sequence[Any]],
) -> Transcript:
    """Replace passages of the text as it is now, each (start, end, kind, replacement, suggested).

    Refused, with nothing changed, if any passage is outside the text or overlaps another, or once
    the transcript is ready for coding. Each passage is logged as a Redaction, without its words.
    """
    with transaction.atomic():
        transcript = _locked_transcript(actor, transcript_id, expected_version)
        if transcript.status != Transcript.Status.REDACTING:
            raise DomainError(READY_ALREADY)
        return _apply(actor, transcript, _checked(transcript.text, redactions))


def occurrences(text: str, passage: str) -> list[int]:
    """Where the exact words appear, not overlapping, in order."""
    starts: list[int] = []
    if not passage:
        return starts
    at = text.find(passage)
    while at != -1:
        starts.append(at)
        at = text.find(passage, at + len(passage))
    return starts


def redact_passage(
    *,
    actor: ActingUser,
    transcript_id: int,
    expected_version: int,
    passage: str,
    kind: str = Redaction.Kind.OTHER,
    replacement: str = "",
    occurrence: int | None = None,
    start: int | None = None,
    every: bool = False,
) -> Transcript:
    """Redact a passage chosen by its exact words: the only place they appear, the `occurrence`-th
    (from 1), the one at `start`, or with `every` all of them. Clear errors when the words are not
    in the text or appear more than once and it is not said which."""
    with transaction.atomic():
        transcript = _locked_transcript(actor, transcript_id, expected_version)
        if transcript.status != Transcript.Status.REDACTING:
            raise DomainError(READY_ALREADY)
        if not passage.strip():
            raise InvalidInput({"passage": ["Copy the words to redact from the transcript."]})
        found = occurrences(transcript.text, passage)
        if not found:
            raise InvalidInput(
                {"passage": ["These words are not in the transcript: copy them exactly as they are written there."]}
            )
        if every:
            chosen = found
        elif start is not None:
            if start not in found:
                raise InvalidInput({"start": [f"The words do not start at position {start}."]})
            chosen = [start]
        elif occurrence is not None:
            if not 1 <= occurrence <= len(found):
                raise InvalidInput(
                    {
                        "occurrence": [
                            f"These words appear {len(found)} time{'s' if len(found) > 1 else ''}: "
                            f"choose a number from 1 to {len(found)}."
                        ]
                    }
                )
            chosen = [found[occurrence - 1]]
        elif len(found) > 1:
            raise InvalidInput(
                {
                    "occurrence": [
                        f"These words appear {len(found)} times: say which one (1 to {len(found)}), "
                        "or redact every one."
                    ]
                }
            )
        else:
            chosen = found
        requests = [RedactionRequest(at, at + len(passage), kind, replacement, False) for at in chosen]
        return _apply(actor, transcript, _checked(transcript.text, requests))


def mark_ready_for_coding(*, actor: ActingUser, transcript_id: int, expected_version: int) -> Transcript:
    """End redaction: from now on the text never changes, so coded offsets stay right.

    Refused while any suggested redaction is open (neither redacted nor left in with a reason), so
    a name cannot be frozen into the text by a click."""
    with transaction.atomic():
        transcript = _locked_transcript(actor, transcript_id, expected_version)
        if transcript.status == Transcript.Status.READY:
            raise DomainError("This transcript is already ready for coding.")
        waiting = len(open_suggestions(transcript))
        if waiting:
            many = waiting != 1
            raise DomainError(
                f"{waiting} suggested redaction{'s are' if many else ' is'} still open. "
                f"Redact {'each one' if many else 'it'}, or leave it in with a reason, "
                "before the transcript is ready for coding."
            )
        transcript.status = Transcript.Status.READY
        transcript.bump_version()
        transcript.save(update_fields=["status", "version", "updated_at"])
        _audit_change(actor, transcript, ["status"])
    return transcript


def rename_transcript(*, actor: ActingUser, transcript_id: int, expected_version: int, title: str) -> Transcript:
    """Change a transcript's title, at any stage (the text is not touched)."""
    title = title.strip()
    if not title:
        raise InvalidInput({"title": ["Give the transcript a title."]})
    if len(title) > 200:
        raise InvalidInput({"title": ["Keep the title to 200 characters or fewer."]})
    with transaction.atomic():
        transcript = _locked_transcript(actor, transcript_id, expected_version)
        if transcript.title == title:
            return transcript
        transcript.title = title
        transcript.bump_version()
        transcript.save(update_fields=["title", "version", "updated_at"])
        _audit_change(actor, transcript, ["title"])
    return transcript


def delete_transcript(*, actor: ActingUser, transcript_id: int, expected_version: int) -> None:
    """Delete a transcript while it is still being redacted (to upload the right file instead).
    Once ready for coding it stays: coded segments and quotes point at it."""
    with transaction.atomic():
        transcript = _locked_transcript(actor, transcript_id, expected_version)
        if transcript.status != Transcript.Status.REDACTING:
            raise DomainError("A transcript ready for coding cannot be deleted.")
        _audit_change(actor, transcript, ["deleted"])
        transcript.delete()


def set_transcript_policy(
    *,
    actor: ActingUser,
    organisation_id: int,
    keep_unredacted_originals: bool,
    expected_version: int,
) -> TranscriptPolicy:
    """An evaluator of the team (`research.change_transcript_policy`) says whether its uploads keep
    their unredacted originals. `version` is 0 while the team has no policy yet. Turning it off
    erases every original its members already uploaded, each erasure audited."""
    with transaction.atomic():
        # Locking the organisation makes two first-time policies at once run one after the other.
        organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        if organisation is None or not rules.has_perm("research.change_transcript_policy", actor, organisation):
            raise NotAllowed("Only an evaluator of this team can change its policy on originals.")
        policy = TranscriptPolicy.objects.select_for_update().filter(organisation=organisation).first()
        if policy is None:
            if expected_version != 0:
                raise ConflictError(STALE)
            policy = TranscriptPolicy(organisation=organisation, changed_by=signed_in(actor))
            action = AuditEvent.Action.CREATE
        else:
            policy.check_version(expected_version)
            if policy.keep_unredacted_originals == keep_unredacted_originals:
                return policy
            policy.bump_version()
            action = AuditEvent.Action.CHANGE
        policy.keep_unredacted_originals = keep_unredacted_originals
        policy.changed_by = signed_in(actor)
        policy.save()
        record_event(
            actor=actor,
            action=action,
            record=policy,
            participant_id=None,
            changed_fields=["keep_unredacted_originals"],
        )
        if not keep_unredacted_originals:
            _erase_originals(actor, organisation.pk)
    return policy


def _erase_originals(actor: ActingUser, organisation_id: int) -> None:
    kept = list(
        Transcript.objects.select_for_update(of=("self",))
        .filter(uploaded_by__staff_member__organisation_id=organisation_id)
        .exclude(original_text="")
        .select_related("interview__research_consent")
    )
    if not kept:
        return
    Transcript.objects.filter(pk__in=[transcript.pk for transcript in kept]).update(original_text="")
    record_events(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        records=((Transcript._meta.label, transcript.pk, _participant_of(transcript.interview)) for transcript in kept),
        changed_fields=["original_text"],
    )
