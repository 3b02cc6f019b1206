"""The copy as it is handed over: a ZIP of data.json (for machines) and data.pdf (for people).

data.json is checked against schema/data.schema.json before it is written, so a copy whose shape
differs from what docs/subject-access.md promises is never handed over. data.pdf is drawn from
the same dictionary by WeasyPrint as a tagged PDF (PDF/UA-1), with the house rules of PDFs:
nothing is fetched from outside, the template carries its own styles and uses system fonts.
"""

import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from coproduce.core.languages import html_lang, text_direction
from coproduce.core.pdf import tagged_pdf

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "data.schema.json"
PDF_TEMPLATE = "subject_access/data.pdf.html"
README = """\
This is a copy of everything the employability service holds about you.

data.pdf  the same information, to read or print.
data.json the same information for computers, if you want to take it to another service.
          Its shape is described in the service's documentation (docs/subject-access.md).

If you took part in more than one programme, your record in each other programme is in its own
PDF, named by that record's reference (like MIW-FIF-00042.pdf), and in data.json under
"other_records".

Keep this file safe: it holds your personal information.
"""


class CopyShapeError(Exception):
    """The data does not have the promised shape: a bug, so the copy is not handed over."""


@dataclass(frozen=True)
class Package:
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def check_shape(data: dict[str, Any]) -> None:
    """Raise CopyShapeError naming the first place where `data` differs from the schema."""
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    error = next(iter(sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top)"
        raise CopyShapeError(f"data.json does not fit its schema at {where}: {error.message}")


def data_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


@dataclass(frozen=True)
class LookedLine:
    """One line of "who has looked" in the PDF: the same thing done by the same person, counted."""

    first_at: str
    period: str  # "day" or "month"
    who: str
    role: str
    action: str
    record: str
    changed_fields: tuple[str, ...]
    purpose: str
    times: int


def who_looked_for_reading(events: list[dict[str, Any]]) -> list[LookedLine]:
    """The audit events as a person reads them: what one person did to one kind of record for one
    purpose, once a day with how many times (and being seen in a list, once a month), oldest first.

    A busy record has thousands of events, mostly the same view repeated; listed one by one they
    would fill a hundred pages nobody reads (and take WeasyPrint minutes). data.json keeps every one.
    """
    lines: dict[tuple[Any, ...], LookedLine] = {}
    for event in events:
        action = event["action"]["code"] if event["action"] else ""
        period = "month" if action == "list" else "day"
        moment = datetime.datetime.fromisoformat(event["at"])
        when_key = (moment.year, moment.month) if period == "month" else moment.date()
        key = (
            when_key,
            event["who"],
            event["role"],
            action,
            event["record"],
            tuple(event["changed_fields"]),
            event["purpose"],
        )
        line = lines.get(key)
        if line is None:
            lines[key] = LookedLine(
                first_at=event["at"],
                period=period,
                who=event["who"],
                role=event["role"],
                action=event["action"]["label"] if event["action"] else "",
                record=event["record"],
                changed_fields=tuple(event["changed_fields"]),
                purpose=event["purpose"],
                times=1,
            )
        else:
            lines[key] = replace(line, times=line.times + 1)
    return list(lines.values())


def data_pdf(data: dict[str, Any], *, name: str, language: str = "en-gb") -> bytes:
    """The same content for a person: headings and tables in plain English, a tagged PDF/UA-1,
    in the person's own language (and its direction)."""
    context = {"data": data, "name": name, "who_looked": who_looked_for_reading(data["who_looked"])}
    with translation.override(language):
        context |= {"html_lang": html_lang(), "html_dir": text_direction()}
        html = render_to_string(PDF_TEMPLATE, context)
    return tagged_pdf(html)


def _entry(name: str, made_at: datetime.datetime) -> zipfile.ZipInfo:
    local = timezone.localtime(made_at)
    info = zipfile.ZipInfo(name, date_time=(local.year, local.month, local.day, local.hour, local.minute, local.second))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # readable by its owner only, once unpacked
    return info


def make_package(data: dict[str, Any], *, name: str, made_at: datetime.datetime, language: str = "en-gb") -> Package:
    """The ZIP: README.txt, data.json and data.pdf (in the person's language), each dated when the copy was made."""
    check_shape(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("README.txt", made_at), README)
        archive.writestr(_entry("data.json", made_at), data_json(data))
        archive.writestr(_entry("data.pdf", made_at), data_pdf(data, name=name, language=language))
        for record in data.get("other_records", []):
            archive.writestr(
                _entry(f"{record['participant_reference']}.pdf", made_at),
                data_pdf(record["copy"], name=name, language=language),
            )
    content = buffer.getvalue()
    return Package(content=content, sha256=hashlib.sha256(content).hexdigest())


def file_name(participant_reference: str, made_at: datetime.datetime) -> str:
    return f"my-data-{participant_reference}-{timezone.localtime(made_at):%Y-%m-%d}.zip"
