"""Reading an uploaded transcript into plain text: a .txt file or a Word .docx document.

Only what a transcript needs: the words, one paragraph a line. Anything we cannot read honestly
(another encoding, an old .doc, a damaged file) is refused with a message the evaluator can act
on, rather than turned into text with wrong characters in it.
"""

import io
import os
from dataclasses import dataclass
from typing import Any, Protocol

from coproduce.core.archives import TOO_BIG, TOO_MANY_ENTRIES, UnsafeArchive, ZipLimits, check_unpacked_size, open_zip
from coproduce.core.validation import InvalidInput

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# A .docx is a zip: refuse one that would unpack to far more than any transcript (a "zip bomb").
# A two-hour interview is about 1 MB of Word XML; photographs come already compressed.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024
MAX_PARTS = 1_000  # a Word document has a few dozen
DOCX_LIMITS = ZipLimits(entries=MAX_PARTS, unpacked_bytes=MAX_UNPACKED_BYTES)
TOO_BIG_MESSAGE = "This Word document is too big to be a transcript."
TOO_MANY_PARTS_MESSAGE = (
    f"This Word document holds more than {MAX_PARTS:,} parts, far more than a transcript: check it is the right file."
)
NOT_WORD_MESSAGE = "This is not a Word document we can read. Save it again as .docx or .txt."
ACCEPTED = (".txt", ".docx")
FIELD = "upload"


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, *args: Any) -> bytes: ...


@dataclass(frozen=True)
class ReadDocument:
    text: str
    filename: str
    # How the bytes were read: "utf-8", "windows-1252" or "docx".
    encoding: str


def _refuse(message: str) -> InvalidInput:
    return InvalidInput({FIELD: [message]})


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_upload(upload: Upload) -> ReadDocument:
    """The text of an uploaded .txt (UTF-8, with or without BOM; Windows-1252 when it is clearly not
    UTF-8) or .docx (paragraphs and table cells, in document order). Raises InvalidInput on `upload`."""
    filename = os.path.basename(upload.name or "")[:200]
    extension = os.path.splitext(filename)[1].lower()
    if extension not in ACCEPTED:
        if extension == ".doc":
            raise _refuse("This is an old Word document (.doc): save it as .docx or plain text (.txt) and try again.")
        raise _refuse("Choose a plain text (.txt) or Word (.docx) file.")
    size = upload.size if upload.size is not None else 0
    if size > MAX_UPLOAD_BYTES:
        raise _refuse("The file is bigger than 2 MB: a transcript should be far smaller. Check it is the right file.")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse("The file is bigger than 2 MB: a transcript should be far smaller. Check it is the right file.")
    if not data:
        raise _refuse("The file is empty.")
    if extension == ".txt":
        text, encoding = _decode_text(data)
    else:
        text, encoding = _read_docx(data), "docx"
    text = normalise_newlines(text)
    if not text.strip():
        raise _refuse("The file has no words in it.")
    return ReadDocument(text=text, filename=filename, encoding=encoding)


def _decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise _refuse(
            "This text file is saved as UTF-16, which we do not read: save it again as UTF-8 "
            '(in Notepad or Word, choose "UTF-8" when you save) and try again.'
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # A file that is mostly UTF-8 with a few broken bytes would turn into nonsense as Windows-1252.
    if any(ord(character) > 127 for character in data.decode("utf-8", errors="ignore")):
        raise _refuse("This text file is partly UTF-8 and partly something else: save it again as UTF-8 and try again.")
    # Word and Notepad on Windows save plain text as Windows-1252 by default. Five bytes have no
    # character in it; a file using them is in some other encoding and is refused.
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise _refuse(
            "We could not tell how this text file is encoded: save it again as UTF-8 and try again."
        ) from None


def _check_zip(data: bytes) -> None:
    """A .docx we may hand to python-docx: checked, and unpacked once to count it, before it reads a byte."""
    try:
        with open_zip(data, DOCX_LIMITS) as archive:
            if "word/document.xml" not in archive.namelist():
                raise _refuse(NOT_WORD_MESSAGE)
            check_unpacked_size(archive, DOCX_LIMITS)
    except UnsafeArchive as unsafe:
        messages = {TOO_BIG: TOO_BIG_MESSAGE, TOO_MANY_ENTRIES: TOO_MANY_PARTS_MESSAGE}
        raise _refuse(messages.get(unsafe.reason, NOT_WORD_MESSAGE)) from unsafe


def _read_docx(data: bytes) -> str:
    import docx
    from docx.table import Table

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as error:  # python-docx raises many kinds for a damaged file
        raise _refuse(NOT_WORD_MESSAGE) from error
    return "\n".join(lines)


def _table_lines(table: Any) -> list[str]:
    """One line per row, its cells' text separated by tabs; a merged cell counts once."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(paragraph.text for paragraph in cell.paragraphs).strip())
        lines.append("\t".join(cells))
    return lines
