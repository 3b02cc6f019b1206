"""Validate documents against the official HSDS 3.0 and Open Referral UK 3.0 JSON Schemas, offline.

The schema files are copied unchanged under `standard/` (see `standard/SOURCE.md`). They
reference each other by file name (`"$ref": "organization.json"`) and declare no `$schema`, so
we validate as Draft 2020-12 with a `referencing.Registry` that serves "<name>.json" (and the
raw.githubusercontent.com addresses the HSDS OpenAPI file uses) from the local copies. Format
checking is on (uuid, email, date-time...).
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

STANDARD_DIR = Path(__file__).resolve().parent / "standard"
HSDS = "hsds-3.0"
ORUK = "oruk-3.0"
STANDARDS = (HSDS, ORUK)
_REMOTE_PREFIXES = {
    HSDS: "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/",
    ORUK: "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/",
}


def schema_dir(standard: str = HSDS) -> Path:
    if standard not in STANDARDS:
        raise ValueError(f"Unknown standard {standard!r}: use one of {', '.join(STANDARDS)}.")
    return STANDARD_DIR / standard / "schema"


def schema_names(standard: str = HSDS) -> list[str]:
    """The object names there is a schema for, like "service" or "taxonomy_term"."""
    return sorted(path.stem for path in schema_dir(standard).glob("*.json"))


@cache
def _registry(standard: str) -> Registry:
    directory = schema_dir(standard)

    def retrieve(uri: str) -> Resource:
        name = uri.removeprefix(_REMOTE_PREFIXES[standard])
        path = directory / name
        if "/" in name or not name.endswith(".json") or not path.is_file():
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        return DRAFT202012.create_resource(json.loads(path.read_text(encoding="utf-8")))

    return Registry(retrieve=retrieve)  # type: ignore[call-arg]


@cache
def _validator(schema_name: str, standard: str) -> Draft202012Validator:
    if schema_name not in schema_names(standard):
        raise ValueError(f"No {standard} schema called {schema_name!r}.")
    return Draft202012Validator(
        {"$ref": f"{schema_name}.json"},
        registry=_registry(standard),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _path(parts: Any, prefix: str) -> str:
    text = prefix
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


def validate_document(doc: Any, schema_name: str, *, standard: str = HSDS, prefix: str = "") -> list[str]:
    """Every problem with `doc` as an HSDS `schema_name` object, readable, in document order.

    Like `services[0].status: 'open' is not one of ['active', ...]`. `prefix` is put in front of
    each path (for a document that sits inside a bigger one). An empty list means valid.
    """
    validator = _validator(schema_name, standard)
    problems = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        problems.append(f"{_path(error.absolute_path, prefix)}: {error.message}")
    return problems
