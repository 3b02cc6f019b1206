"""Reading uploaded transcripts: plain text and real Word documents built here with python-docx."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.core.validation import InvalidInput
from coproduce.research.documents import MAX_UPLOAD_BYTES, read_upload


def word_file(name: str = "interview.docx", *, paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs[:1]:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row_index, row in enumerate(table):
            for column, text in enumerate(row):
                grid.cell(row_index, column).text = text
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def refusal(name: str, content: bytes) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_upload(SimpleUploadedFile(name, content))
    return caught.value.errors["upload"]


def test_utf8_text_with_or_without_bom_and_windows_line_ends() -> None:
    plain = read_upload(SimpleUploadedFile("a.txt", "Interviewer: Hello\r\nSiobhán: Hiya\r\n".encode()))
    assert (plain.text, plain.encoding, plain.filename) == ("Interviewer: Hello\nSiobhán: Hiya\n", "utf-8", "a.txt")
    with_bom = read_upload(SimpleUploadedFile("b.TXT", b"\xef\xbb\xbfIt's all about choices.\rEnd"))
    assert (with_bom.text, with_bom.encoding) == ("It's all about choices.\nEnd", "utf-8")


def test_windows_1252_text_is_read_as_such() -> None:
    read = read_upload(SimpleUploadedFile("w.txt", "She said \u201cno\u201d \u2013 caf\u00e9".encode("cp1252")))
    assert (read.text, read.encoding) == ("She said \u201cno\u201d \u2013 caf\u00e9", "windows-1252")


def test_utf16_and_unreadable_encodings_are_refused() -> None:
    assert refusal("u.txt", "Hello".encode("utf-16")) == [
        "This text file is saved as UTF-16, which we do not read: save it again as UTF-8 "
        '(in Notepad or Word, choose "UTF-8" when you save) and try again.'
    ]
    # 0x81 has no character in Windows-1252 and is not valid UTF-8 here.
    assert refusal("x.txt", b"caf\x81 \xe9\x81") == [
        "We could not tell how this text file is encoded: save it again as UTF-8 and try again."
    ]


def test_mostly_utf8_with_broken_bytes_is_refused_not_misread() -> None:
    assert refusal("m.txt", "Siobhán said ".encode() + b"caf\xe9") == [
        "This text file is partly UTF-8 and partly something else: save it again as UTF-8 and try again."
    ]


def test_word_document_paragraphs_and_table_cells_in_order() -> None:
    content = word_file(
        paragraphs=["Interview with R-TESTPAT", "Interviewer: Thank you."],
        table=[["Interviewer", "How did it go?"], ["Service user", "She never shoved me."]],
    )
    read = read_upload(SimpleUploadedFile("pat.docx", content))
    assert read.text == (
        "Interview with R-TESTPAT\n"
        "Interviewer\tHow did it go?\n"
        "Service user\tShe never shoved me.\n"
        "Interviewer: Thank you."
    )
    assert read.encoding == "docx"


def test_merged_table_cells_count_once() -> None:
    document = docx.Document()
    grid = document.add_table(rows=2, cols=2)
    grid.cell(0, 0).merge(grid.cell(0, 1)).text = "Heading across"
    grid.cell(1, 0).text = "A"
    grid.cell(1, 1).text = "B"
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_upload(SimpleUploadedFile("m.docx", buffer.getvalue())).text == "Heading across\nA\tB"


def test_empty_big_wrong_type_and_fake_word_files_are_refused() -> None:
    assert refusal("a.txt", b"") == ["The file is empty."]
    assert refusal("a.txt", b"  \r\n\t ") == ["The file has no words in it."]
    assert refusal("a.docx", word_file(paragraphs=["", " "])) == ["The file has no words in it."]
    assert refusal("a.txt", b"a" * (MAX_UPLOAD_BYTES + 1)) == [
        "The file is bigger than 2 MB: a transcript should be far smaller. Check it is the right file."
    ]
    assert refusal("a.pdf", b"%PDF-1.4") == ["Choose a plain text (.txt) or Word (.docx) file."]
    assert refusal("a", b"words") == ["Choose a plain text (.txt) or Word (.docx) file."]
    assert refusal("a.doc", b"\xd0\xcf\x11\xe0") == [
        "This is an old Word document (.doc): save it as .docx or plain text (.txt) and try again."
    ]
    not_word = ["This is not a Word document we can read. Save it again as .docx or .txt."]
    assert refusal("a.docx", b"Just some text pretending") == not_word
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a document")
    assert refusal("a.docx", buffer.getvalue()) == not_word


def test_exactly_two_megabytes_is_accepted() -> None:
    assert len(read_upload(SimpleUploadedFile("a.txt", b"a" * MAX_UPLOAD_BYTES)).text) == MAX_UPLOAD_BYTES
