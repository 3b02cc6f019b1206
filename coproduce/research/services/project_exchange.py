"""The evaluation as a REFI-QDA project (.qdpx), out to other tools and back in as someone's coding.

Export (`export_project_qdpx`): one codebook's project, the way the codebook export (.qdc) is
scoped: the codebook belongs to a programme, and the project holds that programme's transcripts
ready for coding that the evaluator may see (redacted text only: never the unredacted original,
never a transcript still being redacted or a withdrawn interviewee's), the coders, the codebook,
and every coded segment with that codebook's codes (each coder's, and the consensus under a
"Consensus" user), with segment memos as notes. Audited: one export event per participant whose
words are in it, and one on the codebook.

Import (`import_project_qdpx`): a .qdpx another tool made (a team member coding in NVivo or
QualCoder) becomes segments on a transcript, recorded as one coder's:

- The coder is the importing evaluator, or an evaluator of their own evaluation team (same
  organisation): the person who did the coding. Nobody else's name can be put on segments.
- Which transcript: a source this project exported is recognised by its GUID. Otherwise the
  importer chooses the transcript (ready for coding, of the codebook's programme). Either way the
  source's text must be exactly the transcript's redacted text, or positions would point at other
  words: a different text is refused, saying where they first differ.
- Codes are matched by GUID (codes from our .qdc or .qdpx), otherwise by name within the codebook.
  A code the codebook does not have refuses the whole file with the list of them: the import never
  changes the codebook (which the whole team shares), so add the codes or rename them and import
  again.
- Whose codings: when the file holds several people's coding, those of the chosen coder's own
  GUID (a file we exported) or of the person named in `file_user`; a single person's, all of them.
  Consensus codings are never imported as a coder's: the consensus is settled in Coproduce.
- A coded passage outside its text, or of no length, refuses the file. A segment the coder already
  has (same words, same code) is not added twice, so importing the same file again adds nothing.

Everything or nothing: any refusal leaves the coding as it was. Each segment made is audited like
one applied on the coding page (against the interviewee, with the importer as actor).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_participant_reads
from coproduce.core.errors import NotFound
from coproduce.core.validation import InvalidInput
from coproduce.research.exchange import code_guid
from coproduce.research.models import Code, Codebook, CodedSegment, Transcript
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.qdpx import (
    CONSENSUS_USER_GUID,
    FileCoding,
    FileProject,
    FileSource,
    ProjectContent,
    QdpxError,
    names_list,
    project_zip,
    read_project,
    transcript_guid,
    user_guid,
)
from coproduce.research.selectors import codebooks_visible_to, interviewee_participant_id, segments_visible_to
from coproduce.research.selectors.project_exchange import project_transcripts, team_coders
from coproduce.research.services.coding import transcript_for_coding

UPLOAD = "upload"


def _codebook(actor: ActingUser, codebook_id: int) -> Codebook:
    codebook = codebooks_visible_to(actor).select_related("programme").filter(pk=codebook_id).first()
    if codebook is None:
        raise NotFound("No such codebook.")
    return codebook


# ---- export -------------------------------------------------------------------------------------


def export_project_qdpx(*, actor: ActingUser, codebook_id: int) -> tuple[Codebook, bytes]:
    """One codebook's evaluation project as a REFI-QDA .qdpx (zip bytes). Audited per participant quoted."""
    refuse_unless_evaluator(actor, "Only evaluators can export the evaluation.")
    codebook = _codebook(actor, codebook_id)
    codes = list(codebook.codes.order_by("name", "pk"))
    themes = list(codebook.themes.order_by("position", "name", "pk"))
    transcripts = project_transcripts(actor, codebook)
    segments = list(
        segments_visible_to(actor)
        .filter(transcript__in=[transcript.pk for transcript in transcripts], code__codebook=codebook)
        .select_related("code", "coder")
        .order_by("transcript_id", "start", "end", "is_consensus", "coder_id", "code__name", "pk")
    )
    content = ProjectContent(
        codebook=codebook,
        codes=codes,
        themes=themes,
        transcripts=transcripts,
        segments=segments,
        exported_by=signed_in(actor),
        exported_at=timezone.now(),
    )
    document = project_zip(content)
    participant_ids = {interviewee_participant_id(transcript) for transcript in transcripts}
    record_participant_reads(
        actor=actor,
        participant_ids=sorted(pid for pid in participant_ids if pid is not None),
        action=AuditEvent.Action.EXPORT,
    )
    record_event(actor=actor, action=AuditEvent.Action.EXPORT, record=codebook, participant_id=None)
    return codebook, document


# ---- import -------------------------------------------------------------------------------------


def _coder(actor: ActingUser, coder_id: int | None) -> User:
    if coder_id is None or coder_id == actor.pk:
        return signed_in(actor)
    for user in team_coders(actor):
        if user.pk == coder_id:
            return user
    raise InvalidInput({"coder": ["Choose yourself or an evaluator of your own team as the coder."]})


@dataclass
class ImportedTranscript:
    transcript: Transcript
    source_name: str
    added: int = 0
    already_there: int = 0


@dataclass
class ImportResult:
    coder: User
    transcripts: list[ImportedTranscript] = field(default_factory=list)
    consensus_skipped: int = 0
    other_sources: int = 0

    @property
    def added(self) -> int:
        return sum(row.added for row in self.transcripts)

    @property
    def already_there(self) -> int:
        return sum(row.already_there for row in self.transcripts)


def _refuse(message: str, name: str = UPLOAD) -> InvalidInput:
    return InvalidInput({name: [message]})


def _pairs(
    actor: ActingUser, codebook: Codebook, project: FileProject, transcript_id: int | None
) -> list[tuple[Transcript, FileSource]]:
    """Which source in the file goes with which transcript (see the module's docstring)."""
    if not project.sources:
        raise _refuse("This .qdpx has no text source: there is no coding of a transcript to import.")
    if transcript_id is not None:
        transcript = transcript_for_coding(actor, transcript_id)
        if transcript.wave.programme_id != codebook.programme_id:
            raise _refuse("Choose a transcript of this codebook's programme.", "transcript")
        guid = transcript_guid(transcript.pk)
        by_guid = [source for source in project.sources if source.guid == guid]
        same_text = [source for source in project.sources if source.text == transcript.text]
        if by_guid:
            return [(transcript, by_guid[0])]
        if len(same_text) == 1:
            return [(transcript, same_text[0])]
        if len(project.sources) == 1:
            return [(transcript, project.sources[0])]
        raise _refuse(
            f"This .qdpx holds {len(project.sources)} sources ({names_list(s.name for s in project.sources)}) "
            f"and none has the redacted text of “{transcript.title}”. Export just this transcript from your tool, "
            "or a copy whose text you have not changed."
        )
    ours = {transcript_guid(transcript.pk): transcript for transcript in project_transcripts(actor, codebook)}
    pairs = [(ours[source.guid], source) for source in project.sources if source.guid in ours]
    if not pairs:
        raise _refuse(
            "No source in this .qdpx came from this codebook's export, so Coproduce cannot tell which transcript "
            "it is: choose the transcript it is for.",
            "transcript",
        )
    return pairs


def _check_text(transcript: Transcript, source: FileSource) -> None:
    if source.text == transcript.text:
        return
    first = next(
        (i for i, (a, b) in enumerate(zip(source.text, transcript.text, strict=False)) if a != b),
        min(len(source.text), len(transcript.text)),
    )
    raise _refuse(
        f"The text of “{source.name}” in the file is not the redacted text of the transcript “{transcript.title}” "
        f"(they differ from character {first}; the file's text has {len(source.text):,} characters, the "
        f"transcript's {len(transcript.text):,}). The positions of its coded passages would point at other words, "
        "so nothing was imported. Code a copy of the transcript from Coproduce's .qdpx download without "
        "changing its text (line endings included)."
    )


def _check_positions(transcript: Transcript, source: FileSource, codings: list[FileCoding]) -> None:
    length = len(transcript.text)
    for coding in codings:
        if not (0 <= coding.start < coding.end <= length):
            raise _refuse(
                f"A coded passage of “{source.name}” runs from character {coding.start} to {coding.end}, "
                f"which is not a passage of its text ({length:,} characters), so nothing was imported."
            )


def _whose(project: FileProject, coder: User, codings: list[FileCoding], file_user: str) -> set[str]:
    """Whose codings to take (their user GUIDs), decided once for the whole file."""
    people = sorted({coding.user_guid for coding in codings})
    named = names_list(project.users.get(guid) or "someone not named" for guid in people)
    if file_user.strip():
        wanted = file_user.strip().lower()
        chosen = {guid for guid in people if guid == wanted or project.users.get(guid, "").strip().lower() == wanted}
        if not chosen:
            raise _refuse(
                f"Nobody called “{file_user.strip()}” coded in this file. It holds coding by {named}.", "file_user"
            )
        return chosen
    own = user_guid(coder.pk)
    if own in people:
        return {own}
    if len(people) > 1:
        raise _refuse(
            f"This file holds coding by several people ({named}). "
            "Say whose coding to import, by their name in the file.",
            "file_user",
        )
    return set(people)


def _code_map(codebook: Codebook, project: FileProject, codings: list[FileCoding]) -> dict[str, Code]:
    codes = list(Code.objects.filter(codebook=codebook))
    by_guid = {code_guid(code): code for code in codes}
    by_name = {code.name.strip().lower(): code for code in codes}
    mapping: dict[str, Code] = {}
    unknown: list[str] = []
    for guid in dict.fromkeys(coding.code_guid for coding in codings):
        file_code = project.codes.get(guid)
        code = by_guid.get(guid) or (by_name.get(file_code.name.lower()) if file_code else None)
        if code is None:
            unknown.append(file_code.name if file_code and file_code.name else f"a code with GUID {guid}")
        else:
            mapping[guid] = code
    if unknown:
        raise _refuse(
            f"These codes are not in the codebook “{codebook.name}”: {names_list(sorted(set(unknown)))}. "
            "Nothing was imported. Add them to the codebook (or give them a codebook code's name in your tool) "
            "and import again."
        )
    return mapping


def import_project_qdpx(
    *,
    actor: ActingUser,
    codebook_id: int,
    data: bytes,
    transcript_id: int | None = None,
    coder_id: int | None = None,
    file_user: str = "",
) -> ImportResult:
    """Turn a .qdpx's coding into segments of one coder on the transcripts it is for. All or nothing."""
    refuse_unless_evaluator(actor, "Only evaluators can import coding.")
    codebook = _codebook(actor, codebook_id)
    coder = _coder(actor, coder_id)
    try:
        project = read_project(data)
    except QdpxError as error:
        raise _refuse(error.message) from error
    result = ImportResult(coder=coder, other_sources=project.other_sources)
    pairs = _pairs(actor, codebook, project, transcript_id)
    independent: dict[int, list[FileCoding]] = {}
    for transcript, source in pairs:
        _check_text(transcript, source)
        independent[transcript.pk] = [coding for coding in source.codings if coding.user_guid != CONSENSUS_USER_GUID]
        result.consensus_skipped += len(source.codings) - len(independent[transcript.pk])
    people = _whose(project, coder, [coding for codings in independent.values() for coding in codings], file_user)
    plans = []
    for transcript, source in pairs:
        chosen = [coding for coding in independent[transcript.pk] if coding.user_guid in people]
        _check_positions(transcript, source, chosen)
        plans.append((transcript, source, chosen))
    mapping = _code_map(codebook, project, [coding for _t, _s, chosen in plans for coding in chosen])
    with transaction.atomic():
        for transcript, source, chosen in plans:
            # Locked and read again: it must still be ready for coding and visible when the segments go in.
            transcript = transcript_for_coding(actor, transcript.pk, lock=True)
            row = ImportedTranscript(transcript=transcript, source_name=source.name)
            existing = set(
                CodedSegment.objects.filter(transcript=transcript, coder=coder, is_consensus=False).values_list(
                    "code_id", "start", "end"
                )
            )
            participant_id = interviewee_participant_id(transcript)
            for coding in chosen:
                code = mapping[coding.code_guid]
                key = (code.pk, coding.start, coding.end)
                if key in existing:
                    row.already_there += 1
                    continue
                existing.add(key)
                segment = CodedSegment.objects.create(
                    transcript=transcript,
                    code=code,
                    coder=coder,
                    start=coding.start,
                    end=coding.end,
                    text=transcript.text[coding.start : coding.end],
                    memo=coding.memo,
                )
                fields = ["transcript", "code", "coder", "start", "end", "text", *(["memo"] if segment.memo else [])]
                record_event(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    record=segment,
                    participant_id=participant_id,
                    changed_fields=fields,
                )
                row.added += 1
            result.transcripts.append(row)
    return result
