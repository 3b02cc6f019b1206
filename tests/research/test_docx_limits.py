"""A Word transcript is a zip: one that would unpack to more than any transcript, or holds more
parts than any transcript, is refused before it is unpacked, with a message and nothing saved."""

import io
import struct
import tracemalloc
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coproduce.core.validation import InvalidInput
from coproduce.research.documents import read_upload
from coproduce.research.models import Transcript
from tests.personas import Personas
from tests.research.test_documents import word_file

MB = 1024 * 1024
TOO_BIG = "This Word document is too big to be a transcript."
TOO_MANY_PARTS = (
    "This Word document holds more than 1,000 parts, far more than a transcript: check it is the right file."
)
NOT_WORD = "This is not a Word document we can read. Save it again as .docx or .txt."


def with_extra_parts(parts: dict[str, bytes]) -> bytes:
    """A real Word document with these parts added to its zip."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(word_file(paragraphs=["Pat: It was good."]))) as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in original.infolist():
            archive.writestr(info, original.read(info))
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refusal(content: bytes) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_upload(SimpleUploadedFile("interview.docx", content))
    return caught.value.errors["upload"]


def test_a_word_document_of_ordinary_size_is_read() -> None:
    content = with_extra_parts({"word/media/photo.png": b"\x89PNG" + bytes(range(256)) * 4000})
    assert read_upload(SimpleUploadedFile("interview.docx", content)).text == "Pat: It was good."


def test_one_that_would_unpack_to_more_than_10_mb_is_refused_without_unpacking_it() -> None:
    content = with_extra_parts({"word/media/padding.bin": b"\0" * (11 * MB)})
    assert len(content) < 100_000
    tracemalloc.start()
    try:
        problems = refusal(content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert problems == [TOO_BIG]
    assert peak < 2 * MB


def test_one_with_thousands_of_parts_is_refused() -> None:
    assert refusal(with_extra_parts({f"customXml/extra{n}.xml": b"<a/>" for n in range(1_001)})) == [TOO_MANY_PARTS]


def test_one_lying_about_its_size_is_refused() -> None:
    archive = bytearray(with_extra_parts({"word/media/padding.bin": b"\0" * (40 * MB)}))
    # Both headers of the padding now say 1 KB: it still unpacks to 40 MB.
    _patch_sizes(archive, "word/media/padding.bin", 1024)

    assert refusal(bytes(archive)) == [NOT_WORD]


def _patch_sizes(archive: bytearray, name: str, size: int) -> None:
    """Write `size` as the uncompressed size of `name` in its local and central headers."""
    encoded = name.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        at = 0
        while (at := archive.find(signature, at)) >= 0:
            if archive[at + name_at : at + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", archive, at + size_at, size)
            at += 4


def test_one_with_a_part_named_outside_the_document_is_refused() -> None:
    assert refusal(with_extra_parts({"../../word/evil.xml": b"<a/>"})) == [NOT_WORD]


def test_the_api_refuses_it_and_saves_nothing(personas: Personas, client_for: Callable[[str], Client]) -> None:
    from tests.api.test_research_transcripts_api import done_interview

    interview = done_interview(personas)
    before = Transcript.objects.count()
    bomb = with_extra_parts({"word/media/padding.bin": b"\0" * (11 * MB)})

    response = client_for("evaluator").post(
        "/api/v1/research/transcripts",
        {"interview_id": interview.pk, "upload": SimpleUploadedFile("interview.docx", bomb)},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"upload": [TOO_BIG]}
    assert Transcript.objects.count() == before
