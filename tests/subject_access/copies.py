"""Opening a subject access copy as its reader would: the ZIP, data.json and the PDF."""

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader


@dataclass(frozen=True)
class OpenedCopy:
    names: list[str]
    data: dict[str, Any]
    data_text: str
    pdf: bytes

    @property
    def pdf_text(self) -> str:
        reader = PdfReader(io.BytesIO(self.pdf))
        # Words wrapped across lines in a table cell come out with a line break between them.
        return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    @property
    def pdf_is_tagged(self) -> bool:
        """Tagged for accessibility: marked content and a structure tree (what PDF/UA requires)."""
        root = PdfReader(io.BytesIO(self.pdf)).trailer["/Root"]
        mark_info = root.get("/MarkInfo")
        return bool(mark_info is not None and mark_info.get_object().get("/Marked")) and "/StructTreeRoot" in root

    @property
    def pdf_language_and_title(self) -> tuple[str, str]:
        reader = PdfReader(io.BytesIO(self.pdf))
        return str(reader.trailer["/Root"].get("/Lang")), str(reader.metadata.title if reader.metadata else "")

    def contains(self, text: str) -> bool:
        """Anywhere in the copy: data.json (as written) or the PDF's text."""
        return text in self.data_text or text in self.pdf_text


def open_copy(content: bytes) -> OpenedCopy:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        data_text = archive.read("data.json").decode("utf-8")
        pdf = archive.read("data.pdf")
    return OpenedCopy(names=names, data=json.loads(data_text), data_text=data_text, pdf=pdf)
