"""Reading a PDF as assistive technology does: its structure tree, language and title (pypdf), and, where
poppler-utils is installed, what `pdfinfo` says about it."""

import io
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject


@dataclass(frozen=True)
class PdfTags:
    marked: bool
    language: str
    title: str
    xmp_title: str
    display_title: bool
    elements: Counter[str]


def _structure_types(node: Any, found: Counter[str]) -> None:
    node = node.get_object()
    if not isinstance(node, DictionaryObject):
        return
    if "/S" in node:
        found[str(node["/S"]).removeprefix("/")] += 1
    kids = node.get("/K")
    if kids is None:
        return
    kids = kids.get_object()
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        if hasattr(kid, "get_object"):
            _structure_types(kid, found)


def pdf_tags(content: bytes) -> PdfTags:
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"].get_object()
    mark_info = root.get("/MarkInfo")
    found: Counter[str] = Counter()
    if "/StructTreeRoot" in root:
        _structure_types(root["/StructTreeRoot"], found)
    xmp = reader.xmp_metadata
    xmp_titles = xmp.dc_title if xmp is not None else None
    preferences = root.get("/ViewerPreferences")
    return PdfTags(
        marked=bool(mark_info is not None and mark_info.get_object().get("/Marked")) and "/StructTreeRoot" in root,
        language=str(root.get("/Lang", "")),
        title=str(reader.metadata.title if reader.metadata and reader.metadata.title else ""),
        xmp_title=str(xmp_titles.get("x-default", "")) if xmp_titles else "",
        display_title=bool(preferences is not None and preferences.get_object().get("/DisplayDocTitle")),
        elements=found,
    )


def pdfinfo_says(content: bytes) -> dict[str, str]:
    """poppler's own reading of the file; the test is skipped where poppler-utils is not installed
    (`make pdf-libs` installs it)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed: make pdf-libs")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checked.pdf"
        path.write_bytes(content)
        output = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}
