"""REFI-QDA projects (.qdpx): writing the evaluation's coding out, and reading another tool's back.

A .qdpx is a zip holding `project.qde` (XML in namespace urn:QDA-XML:project:1.0, valid against
the official schema copied in `refi_qda/Project-mrt2019.xsd`, see its SOURCE.md) and a `sources/`
folder with each text source as a UTF-8 .txt file, named by `plainTextPath="internal://<guid>.txt"`
as QualCoder, NVivo and MAXQDA write them.

- `project_document` / `project_zip` write a project: users (the coders), the codebook (codes
  nested as in the hierarchy, themes as sets), one text source per transcript ready for coding with
  its redacted text only, one PlainTextSelection per coded segment (start and end are character
  offsets in the source's text, as in Coproduce) with its Coding → CodeRef and creatingUser, and
  each segment's memo as a Note the selection points at with a NoteRef.
- `read_project` reads one back, or any tool's, and refuses a file that is not a zip, has no
  project.qde, is not valid against the schema, or whose sources cannot be read (QdpxError, with
  a message for the person who uploaded it). Checking positions against the text is the caller's:
  it knows which transcript a source is.

GUIDs are uuid5 of what they name, so a second export carries the same GUIDs: a code keeps the
GUID the codebook export (.qdc) gives it, and a transcript's source is recognised when it comes back.
"""

import io
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from coproduce.accounts.models import User
from coproduce.core.archives import (
    NOT_A_ZIP,
    OUTSIDE,
    TOO_BIG,
    TOO_MANY_ENTRIES,
    UnsafeArchive,
    ZipLimits,
    open_zip,
    read_entries,
)
from coproduce.research.exchange import GUID_NAMESPACE, ORIGIN, code_guid, theme_guid
from coproduce.research.models import Code, Codebook, CodedSegment, Theme, Transcript

QDE_NAMESPACE = "urn:QDA-XML:project:1.0"
QDE_SCHEMA = Path(__file__).resolve().parent / "refi_qda" / "Project-mrt2019.xsd"
QDPX_CONTENT_TYPE = "application/zip"
PROJECT_FILE = "project.qde"
SOURCES_FOLDER = "sources"
INTERNAL = "internal://"
Q = f"{{{QDE_NAMESPACE}}}"

MAX_QDPX_BYTES = 20 * 1024 * 1024
QDPX_LIMITS = ZipLimits(entries=5_000, unpacked_bytes=100 * 1024 * 1024)
# Consensus segments are no one coder's: they go out under this user, and never come back in as a coder's.
CONSENSUS_USER_GUID = str(uuid.uuid5(GUID_NAMESPACE, "consensus"))
CONSENSUS_USER_NAME = "Consensus (settled in Coproduce)"


class QdpxError(Exception):
    """A file we cannot take, with what to tell the person who gave it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---- GUIDs --------------------------------------------------------------------------------------


def _guid(name: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, name))


def user_guid(user_id: int) -> str:
    return _guid(f"user:{user_id}")


def transcript_guid(transcript_id: int) -> str:
    return _guid(f"transcript:{transcript_id}")


def segment_guid(segment_id: int, part: str = "selection") -> str:
    return _guid(f"segment:{segment_id}:{part}")


def normal_guid(value: str | None) -> str:
    """GUIDs compare without braces and case: "{ABC…}" from NVivo is "abc…"."""
    return (value or "").strip().strip("{}").lower()


# ---- writing ------------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_codes(codes_element: Any, codes: Sequence[Code]) -> None:
    children: dict[int | None, list[Code]] = {}
    known = {code.pk for code in codes}
    for code in codes:
        children.setdefault(code.parent_id if code.parent_id in known else None, []).append(code)

    def add(parent_element: Any, code: Code, trail: frozenset[int]) -> None:
        element = etree.SubElement(
            parent_element,
            f"{Q}Code",
            guid=code_guid(code),
            name=code.name,
            isCodable="true",
            color=code.colour.upper(),
        )
        if code.definition:
            etree.SubElement(element, f"{Q}Description").text = code.definition
        for child in children.get(code.pk, []):
            if child.pk not in trail:
                add(element, child, trail | {child.pk})

    for code in children.get(None, []):
        add(codes_element, code, frozenset({code.pk}))


@dataclass(frozen=True)
class ProjectContent:
    """What goes into a project: the caller has already chosen what the evaluator may see."""

    codebook: Codebook
    codes: Sequence[Code]
    themes: Sequence[Theme]
    transcripts: Sequence[Transcript]  # ready for coding, with wave and partnership selected
    segments: Sequence[CodedSegment]  # with coder selected
    exported_by: User
    exported_at: datetime


def _user_name(user: User) -> str:
    return str(getattr(user, "display_name", "") or user.username)


def project_document(content: ProjectContent) -> bytes:
    """The project.qde (UTF-8 XML) for the content."""
    codebook = content.codebook
    users: dict[str, str] = {user_guid(content.exported_by.pk): _user_name(content.exported_by)}
    for segment in content.segments:
        if segment.is_consensus:
            users[CONSENSUS_USER_GUID] = CONSENSUS_USER_NAME
        else:
            users[user_guid(segment.coder_id)] = _user_name(segment.coder)
    root = etree.Element(
        f"{Q}Project",
        nsmap={None: QDE_NAMESPACE},
        name=f"{codebook.programme.name}: {codebook.name}",
        origin=ORIGIN,
        creatingUserGUID=user_guid(content.exported_by.pk),
        creationDateTime=_when(content.exported_at),
    )
    users_element = etree.SubElement(root, f"{Q}Users")
    for guid, name in users.items():
        etree.SubElement(users_element, f"{Q}User", guid=guid, name=name)
    if content.codes:
        _add_codes(etree.SubElement(etree.SubElement(root, f"{Q}CodeBook"), f"{Q}Codes"), content.codes)
    by_transcript: dict[int, list[CodedSegment]] = {}
    for segment in content.segments:
        by_transcript.setdefault(segment.transcript_id, []).append(segment)
    notes: list[tuple[str, CodedSegment]] = []
    if content.transcripts:
        sources = etree.SubElement(root, f"{Q}Sources")
        for transcript in content.transcripts:
            guid = transcript_guid(transcript.pk)
            source = etree.SubElement(
                sources,
                f"{Q}TextSource",
                guid=guid,
                name=transcript.title,
                plainTextPath=f"{INTERNAL}{guid}.txt",
                creationDateTime=_when(transcript.created_at),
            )
            area = transcript.partnership.area_name if transcript.partnership else ""
            attribution = ", ".join(part for part in (transcript.speaker_label, area, transcript.wave.name) if part)
            etree.SubElement(source, f"{Q}Description").text = attribution
            for segment in by_transcript.get(transcript.pk, []):
                creator = CONSENSUS_USER_GUID if segment.is_consensus else user_guid(segment.coder_id)
                selection = etree.SubElement(
                    source,
                    f"{Q}PlainTextSelection",
                    guid=segment_guid(segment.pk),
                    name=segment.text[:100],
                    startPosition=str(segment.start),
                    endPosition=str(segment.end),
                    creatingUser=creator,
                    creationDateTime=_when(segment.created_at),
                )
                coding = etree.SubElement(
                    selection,
                    f"{Q}Coding",
                    guid=segment_guid(segment.pk, "coding"),
                    creatingUser=creator,
                    creationDateTime=_when(segment.created_at),
                )
                etree.SubElement(coding, f"{Q}CodeRef", targetGUID=code_guid(segment.code))
                if segment.memo:
                    note_guid = segment_guid(segment.pk, "memo")
                    etree.SubElement(selection, f"{Q}NoteRef", targetGUID=note_guid)
                    notes.append((note_guid, segment))
    if notes:
        notes_element = etree.SubElement(root, f"{Q}Notes")
        for guid, segment in notes:
            creator = CONSENSUS_USER_GUID if segment.is_consensus else user_guid(segment.coder_id)
            note = etree.SubElement(
                notes_element,
                f"{Q}Note",
                guid=guid,
                name=f"Memo: {segment.text[:60]}",
                creatingUser=creator,
                creationDateTime=_when(segment.created_at),
            )
            etree.SubElement(note, f"{Q}PlainTextContent").text = segment.memo
    theme_members = [(theme, [code for code in content.codes if code.theme_id == theme.pk]) for theme in content.themes]
    theme_members = [(theme, members) for theme, members in theme_members if members]
    if theme_members:
        sets = etree.SubElement(root, f"{Q}Sets")
        for theme, members in theme_members:
            element = etree.SubElement(sets, f"{Q}Set", guid=theme_guid(codebook.pk, theme.pk), name=theme.name)
            if theme.description:
                etree.SubElement(element, f"{Q}Description").text = theme.description
            for code in members:
                etree.SubElement(element, f"{Q}MemberCode", targetGUID=code_guid(code))
    if codebook.description:
        etree.SubElement(root, f"{Q}Description").text = codebook.description
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def project_zip(content: ProjectContent) -> bytes:
    """The .qdpx: project.qde and sources/<guid>.txt, the redacted text of each transcript."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PROJECT_FILE, project_document(content))
        for transcript in content.transcripts:
            # Only `text`: the redacted words. The unredacted original never leaves.
            archive.writestr(f"{SOURCES_FOLDER}/{transcript_guid(transcript.pk)}.txt", transcript.text.encode("utf-8"))
    return buffer.getvalue()


@cache
def project_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(QDE_SCHEMA)))


# ---- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileCode:
    guid: str
    name: str


@dataclass(frozen=True)
class FileCoding:
    """One code applied to a passage of a source, by someone (their user GUID; "" if the file does not say)."""

    start: int
    end: int
    code_guid: str
    user_guid: str
    memo: str


@dataclass
class FileSource:
    guid: str
    name: str
    text: str
    codings: list[FileCoding] = field(default_factory=list)


@dataclass
class FileProject:
    name: str
    origin: str
    users: dict[str, str]  # GUID → name
    codes: dict[str, FileCode]  # GUID → code
    sources: list[FileSource]
    other_sources: int  # pictures, PDFs, audio and video: not coded text, so not imported


def _parser() -> etree.XMLParser:
    # A file from elsewhere: no entities, no network, no DTD.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


ARCHIVE_MESSAGES = {
    NOT_A_ZIP: "This is not a REFI-QDA project file (.qdpx): a .qdpx is a zip archive, and this file is not one.",
    TOO_MANY_ENTRIES: "This .qdpx holds far more files than a project of transcripts: check it is the right file.",
    TOO_BIG: "This .qdpx unpacks to more than 100 MB, far more than a project of transcripts.",
    OUTSIDE: "This .qdpx holds a file named to go outside the project folder, so it is refused.",
}


def _archive_message(error: UnsafeArchive) -> str:
    return ARCHIVE_MESSAGES.get(error.reason, f"This .qdpx is damaged ({error.name or error.reason}): export it again.")


def _wanted(info: Any) -> bool:
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if len(path.parts) == 1:
        return path.suffix.lower() == ".qde"
    return len(path.parts) == 2 and path.parts[0].lower() == SOURCES_FOLDER and path.suffix.lower() == ".txt"


def _project_entry(entries: dict[str, bytes]) -> bytes:
    names = [name for name in entries if "/" not in name.replace("\\", "/")]
    exact = [name for name in names if name.lower() == PROJECT_FILE]
    # QualCoder reads any one .qde at the top when it is not called project.qde; so do we.
    chosen = exact or names
    if len(chosen) != 1:
        raise QdpxError(
            "This .qdpx has no project.qde, the part of a REFI-QDA project that holds the codes and coding."
            if not chosen
            else "This .qdpx holds more than one project (.qde) file: export a single project."
        )
    return entries[chosen[0]]


def _text(element: Any, tag: str) -> str:
    child = element.find(f"{Q}{tag}")
    return (child.text or "") if child is not None else ""


def _decode(data: bytes, name: str) -> str:
    try:
        # QualCoder writes its .txt sources with a byte order mark; it is not part of the text.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise QdpxError(f"The text of the source “{name}” is not UTF-8, so its positions cannot be trusted.") from error


def _source_text(source: Any, entries: dict[str, bytes]) -> str:
    name = source.get("name") or source.get("guid")
    content = source.find(f"{Q}PlainTextContent")
    if content is not None:
        return content.text or ""
    path = source.get("plainTextPath") or ""
    if not path.startswith(INTERNAL):
        raise QdpxError(
            f"The source “{name}” keeps its text outside the .qdpx ({path or 'no plainTextPath'}): "
            "export the project with its sources inside."
        )
    wanted = path.removeprefix(INTERNAL).lower()
    for entry_name, data in entries.items():
        parts = PurePosixPath(entry_name.replace("\\", "/")).parts
        if len(parts) == 2 and parts[1].lower() == wanted:
            return _decode(data, name)
    raise QdpxError(f"The text of the source “{name}” ({path}) is not in the .qdpx's sources folder.")


def _collect_codes(element: Any, codes: dict[str, FileCode]) -> None:
    for code in element.iterfind(f"{Q}Code"):
        guid = normal_guid(code.get("guid"))
        codes[guid] = FileCode(guid=guid, name=(code.get("name") or "").strip())
        _collect_codes(code, codes)


def _note_texts(root: Any) -> dict[str, str]:
    notes = {}
    for note in root.iterfind(f"{Q}Notes/{Q}Note"):
        notes[normal_guid(note.get("guid"))] = _text(note, "PlainTextContent").strip()
    return notes


def _codings(source: Any, notes: dict[str, str]) -> list[FileCoding]:
    codings = []
    for selection in source.iterfind(f"{Q}PlainTextSelection"):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        # QualCoder writes a selection's memo as its Description; we (and NVivo) as Notes it points at.
        memos = [_text(selection, "Description").strip()]
        memos += [notes.get(normal_guid(ref.get("targetGUID")), "") for ref in selection.iterfind(f"{Q}NoteRef")]
        selection_user = normal_guid(selection.get("creatingUser"))
        for coding in selection.iterfind(f"{Q}Coding"):
            memo_parts = [*memos]
            memo_parts += [notes.get(normal_guid(ref.get("targetGUID")), "") for ref in coding.iterfind(f"{Q}NoteRef")]
            codings.append(
                FileCoding(
                    start=start,
                    end=end,
                    code_guid=normal_guid(coding.find(f"{Q}CodeRef").get("targetGUID")),
                    user_guid=normal_guid(coding.get("creatingUser")) or selection_user,
                    memo="\n\n".join(dict.fromkeys(part for part in memo_parts if part)),
                )
            )
    return codings


def read_project(data: bytes) -> FileProject:
    """A .qdpx's users, codes, text sources (with their text) and codings. QdpxError when it cannot be taken."""
    if len(data) > MAX_QDPX_BYTES:
        raise QdpxError("This .qdpx is bigger than 20 MB, far bigger than a project of transcripts.")
    try:
        archive = open_zip(data, QDPX_LIMITS)
        entries = read_entries(archive, QDPX_LIMITS, keep=_wanted)
    except UnsafeArchive as error:
        raise QdpxError(_archive_message(error)) from error
    document = _project_entry(entries)
    try:
        root = etree.fromstring(document, _parser())
    except etree.XMLSyntaxError as error:
        raise QdpxError(f"The project.qde in this file is not well-formed XML ({error.msg}).") from error
    schema = project_schema()
    if not schema.validate(root):
        problems = "; ".join(f"line {error.line}: {error.message}" for error in list(schema.error_log)[:3])
        raise QdpxError(f"The project.qde in this file is not valid against the REFI-QDA Project schema: {problems}")
    users = {normal_guid(user.get("guid")): user.get("name") or "" for user in root.iterfind(f"{Q}Users/{Q}User")}
    codes: dict[str, FileCode] = {}
    codebook = root.find(f"{Q}CodeBook/{Q}Codes")
    if codebook is not None:
        _collect_codes(codebook, codes)
    notes = _note_texts(root)
    sources = []
    other = 0
    for source in root.iterfind(f"{Q}Sources/*"):
        if source.tag != f"{Q}TextSource":
            other += 1
            continue
        name = source.get("name") or ""
        sources.append(
            FileSource(
                guid=normal_guid(source.get("guid")),
                name=name,
                text=_source_text(source, entries),
                codings=_codings(source, notes),
            )
        )
    return FileProject(
        name=root.get("name") or "",
        origin=root.get("origin") or "",
        users=users,
        codes=codes,
        sources=sources,
        other_sources=other,
    )


def names_list(names: Iterable[str]) -> str:
    """“A”, “B” and “C”."""
    quoted = [f"“{name}”" for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"
