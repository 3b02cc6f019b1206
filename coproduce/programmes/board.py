"""The partnership board: its members, meetings, decisions log and documents.

Its manager and its lived-experience members see it (`programmes.view_board`); only the manager
changes it (`programmes.change_board`). Nothing here is about a participant: board data is the
partnership's, so audit events carry no participant.
"""

import datetime
from pathlib import PurePath
from typing import Any

import rules
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.programmes.models import (
    BoardDecision,
    BoardDocument,
    BoardMeeting,
    BoardMember,
    Organisation,
    Partnership,
)
from coproduce.programmes.selectors.board import board_documents_visible_to, board_partnership_for

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
}
# What a file of each type starts with (a .docx and an .odt are zip files); text has no signature.
DOCUMENT_SIGNATURES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".odt": b"PK\x03\x04"}


# ---------------------------------------------------------------- services


def _managed_board(actor: ActingUser) -> Partnership:
    partnership = board_partnership_for(actor)
    if partnership is None or not rules.has_perm("programmes.change_board", actor, partnership):
        raise NotAllowed("Only the partnership's manager changes its board.")
    return partnership


def _audit(actor: ActingUser, action: str, record: Any, changed: list[str]) -> None:
    record_event(
        actor=actor,
        action=action,
        record=record,
        participant_id=None,
        changed_fields=changed,
    )


def _meeting_of(partnership: Partnership, meeting_id: int | None) -> BoardMeeting | None:
    if meeting_id is None:
        return None
    meeting = BoardMeeting.objects.filter(partnership=partnership, pk=meeting_id).first()
    if meeting is None:
        raise InvalidInput({"meeting": ["Choose one of this board's meetings."]})
    return meeting


def add_meeting(
    *,
    actor: ActingUser,
    held_on: datetime.date,
    place: str = "",
    notes: str = "",
) -> BoardMeeting:
    with transaction.atomic():
        partnership = _managed_board(actor)
        meeting = BoardMeeting(partnership=partnership, held_on=held_on, place=place.strip(), notes=notes.strip())
        validate_model(meeting)
        meeting.save()
        _audit(actor, AuditEvent.Action.CREATE, meeting, ["held_on", "place", "notes"])
    return meeting


def update_meeting(
    *,
    actor: ActingUser,
    meeting_id: int,
    held_on: datetime.date,
    place: str = "",
    notes: str = "",
) -> BoardMeeting:
    with transaction.atomic():
        partnership = _managed_board(actor)
        meeting = BoardMeeting.objects.select_for_update().filter(partnership=partnership, pk=meeting_id).first()
        if meeting is None:
            raise NotFound("No such meeting of your board.")
        new = {"held_on": held_on, "place": place.strip(), "notes": notes.strip()}
        changed = [name for name, value in new.items() if getattr(meeting, name) != value]
        if not changed:
            return meeting
        for name in changed:
            setattr(meeting, name, new[name])
        validate_model(meeting)
        meeting.save()
        _audit(actor, AuditEvent.Action.CHANGE, meeting, changed)
    return meeting


def record_decision(
    *,
    actor: ActingUser,
    decided_on: datetime.date,
    decision: str,
    action_by: str = "",
    done_on: datetime.date | None = None,
    meeting_id: int | None = None,
) -> BoardDecision:
    with transaction.atomic():
        partnership = _managed_board(actor)
        row = BoardDecision(
            partnership=partnership,
            meeting=_meeting_of(partnership, meeting_id),
            decided_on=decided_on,
            decision=decision.strip(),
            action_by=action_by.strip(),
            done_on=done_on,
            recorded_by=signed_in(actor),
        )
        validate_model(row, exclude=["version"])
        row.save()
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            row,
            ["decided_on", "decision", "action_by", "done_on", "meeting"],
        )
    return row


def update_decision(
    *,
    actor: ActingUser,
    decision_id: int,
    expected_version: int,
    decided_on: datetime.date,
    decision: str,
    action_by: str = "",
    done_on: datetime.date | None = None,
    meeting_id: int | None = None,
) -> BoardDecision:
    """Change a decision in the log, typically to say it was done. Optimistically locked."""
    with transaction.atomic():
        partnership = _managed_board(actor)
        row = BoardDecision.objects.select_for_update().filter(partnership=partnership, pk=decision_id).first()
        if row is None:
            raise NotFound("No such decision of your board.")
        row.check_version(expected_version)
        meeting = _meeting_of(partnership, meeting_id)
        new: dict[str, Any] = {
            "decided_on": decided_on,
            "decision": decision.strip(),
            "action_by": action_by.strip(),
            "done_on": done_on,
            "meeting_id": meeting.pk if meeting else None,
        }
        changed = [name for name, value in new.items() if getattr(row, name) != value]
        if not changed:
            return row
        for name in changed:
            setattr(row, name, new[name])
        validate_model(row, exclude=["version"])
        row.bump_version()
        row.save()
        _audit(
            actor,
            AuditEvent.Action.CHANGE,
            row,
            [name.removesuffix("_id") for name in changed],
        )
    return row


def check_document(upload: UploadedFile) -> str:
    """The file's type (its extension), if it is a PDF, Word (.docx), OpenDocument (.odt) or text
    file of at most 10 MB whose content matches its name; InvalidInput otherwise."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise InvalidInput({"file": ["The file must be a PDF, a Word document (.docx), an .odt or a .txt file."]})
    size = upload.size or 0
    if size == 0:
        raise InvalidInput({"file": ["The file is empty."]})
    if size > MAX_DOCUMENT_BYTES:
        raise InvalidInput({"file": ["The file must be 10 MB or smaller."]})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    signature = DOCUMENT_SIGNATURES.get(extension)
    if signature is not None and not head.startswith(signature):
        raise InvalidInput({"file": [f"The file is not a real {extension} file."]})
    if signature is None and b"\x00" in head:
        raise InvalidInput({"file": ["The file is not a plain text file."]})
    return extension


def upload_document(
    *,
    actor: ActingUser,
    title: str,
    upload: UploadedFile,
    meeting_id: int | None = None,
) -> BoardDocument:
    with transaction.atomic():
        partnership = _managed_board(actor)
        check_document(upload)
        if not title.strip():
            raise InvalidInput({"title": ["Enter a title for the document."]})
        document = BoardDocument(
            partnership=partnership,
            meeting=_meeting_of(partnership, meeting_id),
            title=title.strip(),
            uploaded_by=signed_in(actor),
        )
        validate_model(document, exclude=["file"])
        document.file.save(PurePath(upload.name or "document").name, upload, save=True)
        _audit(actor, AuditEvent.Action.CREATE, document, ["title", "file", "meeting"])
    return document


def open_document(*, actor: ActingUser, document_id: int) -> BoardDocument:
    """A board document to download, for someone who may see the board. The read is audited (as
    board data, not anyone's personal data)."""
    document = board_documents_visible_to(actor).filter(pk=document_id).first()
    if document is None:
        raise NotFound("No such document.")
    _audit(actor, AuditEvent.Action.VIEW, document, [])
    return document


def document_content_type(document: BoardDocument) -> str:
    return DOCUMENT_TYPES.get(PurePath(document.file.name).suffix.lower(), "application/octet-stream")


def _member_fields(
    partnership: Partnership,
    *,
    name: str,
    kind: str,
    organisation_id: int | None,
    joined_on: datetime.date,
    left_on: datetime.date | None,
    user_id: int | None,
) -> dict[str, Any]:
    organisation = None
    if kind == BoardMember.Kind.ORGANISATION:
        organisation = (
            Organisation.objects.filter(pk=organisation_id, memberships__partnership=partnership).first()
            if organisation_id is not None
            else None
        )
        if organisation is None:
            raise InvalidInput({"organisation": ["Choose an organisation in this partnership."]})
    if left_on is not None and left_on < joined_on:
        raise InvalidInput({"left_on": ["The date they left must be on or after the date they joined."]})
    return {
        "name": name.strip(),
        "kind": kind,
        "organisation_id": organisation.pk if organisation else None,
        "joined_on": joined_on,
        "left_on": left_on,
        "user_id": user_id,
    }


def add_member(
    *,
    actor: ActingUser,
    name: str,
    kind: str,
    joined_on: datetime.date,
    organisation_id: int | None = None,
    left_on: datetime.date | None = None,
    user_email: str = "",
) -> BoardMember:
    """Give someone a seat on the board. A lived-experience member linked to a user account (found
    by `user_email`) can then sign in and see the board page and the partnership's figures, never
    casework."""
    with transaction.atomic():
        partnership = _managed_board(actor)
        user_id = None
        if user_email.strip():
            user_id = (
                User.objects.filter(email__iexact=user_email.strip(), is_active=True)
                .values_list("pk", flat=True)
                .first()
            )
            if user_id is None:
                raise InvalidInput({"user_email": ["Nobody has an account with that email address."]})
        fields = _member_fields(
            partnership,
            name=name,
            kind=kind,
            organisation_id=organisation_id,
            joined_on=joined_on,
            left_on=left_on,
            user_id=user_id,
        )
        member = BoardMember(partnership=partnership, **fields)
        validate_model(member)
        member.save()
        _audit(actor, AuditEvent.Action.CREATE, member, sorted(fields))
    return member


def update_member(
    *,
    actor: ActingUser,
    member_id: int,
    name: str,
    kind: str,
    joined_on: datetime.date,
    organisation_id: int | None = None,
    left_on: datetime.date | None = None,
) -> BoardMember:
    """Change a seat, typically to record the day the member left. Its user account stays linked."""
    with transaction.atomic():
        partnership = _managed_board(actor)
        member = BoardMember.objects.select_for_update().filter(partnership=partnership, pk=member_id).first()
        if member is None:
            raise NotFound("No such member of your board.")
        fields = _member_fields(
            partnership,
            name=name,
            kind=kind,
            organisation_id=organisation_id,
            joined_on=joined_on,
            left_on=left_on,
            user_id=member.user_id,
        )
        changed = [name for name, value in fields.items() if getattr(member, name) != value]
        if not changed:
            return member
        for field_name in changed:
            setattr(member, field_name, fields[field_name])
        validate_model(member)
        member.save()
        _audit(actor, AuditEvent.Action.CHANGE, member, [n.removesuffix("_id") for n in changed])
    return member
