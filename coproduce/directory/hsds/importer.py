"""Import HSDS 3.0 into the directory: JSON documents, or a Tabular Data Package (CSV files).

Accepted JSON (`import_hsds_json`):
- one service, organization, service_at_location, location, taxonomy or taxonomy_term object,
  nested as the HSDS API gives them (`service_full`, `organization_full`…), or a brief one;
- a list of them, or an API page (`{"total_items": …, "contents": [...]}`);
- an export of ours (`exporter.export_directory()`).

Which object a document is, is told by its properties (a service has `status`, a location
`location_type`, a service_at_location a `service`/`location`…); pass `kind=` when a document
is ambiguous (an organisation or taxonomy with only id, name and description is read as an
organisation).

Everything is checked before anything is written: the limits every import shares (limits.py:
size, nesting, the length of any text, what a zip may hold), the JSON Schemas of HSDS 3.0, our
`x_coproduce` extension, the lengths our columns hold and the references our model needs (a
service_at_location's service and location, an address's location, an attribute's taxonomy
term). On any problem `ImportRefused(problems)` lists them all and nothing changes. Otherwise
every record is created or updated by its UUID in one transaction: properties given are
written, properties not given are left as they were (a brief list item does not wipe the
details a full import brought), children are added or updated but never deleted. A record the
file holds as the directory already has it is left alone and counted as unchanged. How values
map to columns and `extra` is in `fields.py`.

An import changes only what its importer may edit (scope.py): whatever else the file would
change is left as it is and reported in `ImportResult.refused`, by name and why.

A tabular package (`import_hsds_tabular`) is read with the field types of its
`datapackage.json` (the official HSDS 3.0 one when the package has none), one row per object;
rows of tables we do not model (languages, funding, cost_options, programs…) are put in their
parent's `extra` just as they sit nested in JSON. References the official datapackage declares
but our model does not need are not enforced (the official example package itself has dangling
ones, like `locations.organization_id`); unresolved ones are kept as given. Rows with no record
to belong to (metadata about a resource not in the package, meta_table_descriptions) are
skipped with a warning in the result. Our own export quotes text a spreadsheet would take for a
formula ("'=…", coproduce.core.spreadsheets); such a cell is read back without its quote.
"""

import csv
import datetime
import io
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rules
from django.db import models, transaction
from jsonschema import Draft202012Validator

from coproduce.accounts.acting import ActingUser
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed
from coproduce.core.spreadsheets import restored_text
from coproduce.directory.coordinates import coordinate_errors
from coproduce.directory.hsds import limits
from coproduce.directory.hsds.fields import FIELDS, REF, STR, DoesNotFit, Field, decode, is_empty
from coproduce.directory.hsds.scope import NAMED_KINDS, OWNERS, Change, Refused, Scope, label
from coproduce.directory.hsds.serialise import EXTENSION_KEY
from coproduce.directory.hsds.validate import STANDARD_DIR, schema_names, validate_document
from coproduce.directory.models import (
    Address,
    Attribute,
    Contact,
    DirectoryOrganisation,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from coproduce.programmes.models import Partnership, PartnershipMembership
from coproduce.programmes.selectors import running_programmes

MODELS: dict[str, type[models.Model]] = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": DirectoryOrganisation,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "contact": Contact,
    "phone": Phone,
    "schedule": Schedule,
    "service_area": ServiceArea,
    "address": Address,
    "attribute": Attribute,
}
KIND_OF = {model: kind for kind, model in MODELS.items()}
ROOT_KINDS = ("organization", "service", "service_at_location", "location", "taxonomy", "taxonomy_term")
# Our export's top-level lists, and the kind of their items.
EXPORT_LISTS = {
    "organizations": "organization",
    "services": "service",
    "service_at_locations": "service_at_location",
    "locations": "location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "contacts": "contact",
    "phones": "phone",
    "schedules": "schedule",
    "attributes": "attribute",
}

CHILD = "child"  # the nested object points at its parent: child.<attr> = parent
OBJECT = "object"  # the parent points at the nested object: parent.<attr> = child
_ATTRIBUTES = ("attribute", CHILD)
CHILDREN: dict[str, dict[str, tuple[str, str, str]]] = {
    "service": {
        "phones": ("phone", CHILD, "service_id"),
        "schedules": ("schedule", CHILD, "service_id"),
        "service_areas": ("service_area", CHILD, "service_id"),
        "service_at_locations": ("service_at_location", CHILD, "service_id"),
        "contacts": ("contact", CHILD, "service_id"),
        "attributes": (*_ATTRIBUTES, "service_id"),
        "organization": ("organization", OBJECT, "organization_id"),
    },
    "organization": {
        "contacts": ("contact", CHILD, "organization_id"),
        "phones": ("phone", CHILD, "organization_id"),
        "locations": ("location", CHILD, "organization_id"),
        "attributes": (*_ATTRIBUTES, "organization_id"),
        "services": ("service", CHILD, "organization_id"),
    },
    "location": {
        "addresses": ("address", CHILD, "location_id"),
        "contacts": ("contact", CHILD, "location_id"),
        "phones": ("phone", CHILD, "location_id"),
        "schedules": ("schedule", CHILD, "location_id"),
        "attributes": (*_ATTRIBUTES, "location_id"),
    },
    "service_at_location": {
        "contacts": ("contact", CHILD, "service_at_location_id"),
        "phones": ("phone", CHILD, "service_at_location_id"),
        "schedules": ("schedule", CHILD, "service_at_location_id"),
        "location": ("location", OBJECT, "location_id"),
        "service": ("service", OBJECT, "service_id"),
    },
    "contact": {"phones": ("phone", CHILD, "contact_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", OBJECT, "taxonomy_detail_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", OBJECT, "taxonomy_term_id")},
}
# References our model cannot do without.
REQUIRED_REFERENCES = {
    "service_at_location": ("service_id", "location_id"),
    "address": ("location_id",),
    "attribute": ("taxonomy_term_id",),
}
# Nesting links that are not HSDS properties: which record an attribute belongs to.
_OWNER_TARGETS = {"service_id": "service", "organization_id": "organization", "location_id": "location"}
# Write order: every record after those it points at (self references are set afterwards).
WRITE_ORDER = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "service",
    "location",
    "service_at_location",
    "contact",
    "phone",
    "schedule",
    "service_area",
    "address",
    "attribute",
)
SELF_REFERENCES = {"taxonomy_term": "parent_id", "organization": "parent_organization_id"}
AUDITED_KINDS = ("organization", "service", "location", "taxonomy", "taxonomy_term")
KIND_PLURALS = {kind: plural for plural, kind in EXPORT_LISTS.items()} | {
    "service_area": "service_areas",
    "address": "addresses",
}

EXTENSION_SCHEMA = {
    "type": "object",
    "properties": {
        "takes_referrals": {"type": "boolean"},
        "childcare_on_site": {"type": "boolean"},
        "places_available": {"type": ["integer", "null"], "minimum": 0, "maximum": 32767},
        "capacity_updated_at": {"type": ["string", "null"], "format": "date-time"},
        "response_working_days": {"type": "integer", "minimum": 0, "maximum": 32767},
        "last_checked_on": {"type": ["string", "null"], "format": "date"},
        "partnerships": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"gss_code": {"type": "string"}, "area_name": {"type": "string"}},
                "required": ["gss_code"],
            },
        },
    },
}
_EXTENSION_VALIDATOR = Draft202012Validator(EXTENSION_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


class ImportRefused(DomainError):
    """The file was not imported; `problems` says why, every problem found, one per line."""

    def __init__(self, problems: list[str]) -> None:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(f"Nothing was imported. {shown}")
        self.problems = problems


@dataclass(frozen=True)
class ChangedEntry:
    """An entry that was already in the directory and that the import changed, with whose it is."""

    kind: str
    id: uuid.UUID
    name: str
    areas: tuple[str, ...]  # the partnerships whose directory it is in (a service's; an organisation's)


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)  # by HSDS object name
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)  # in the file as the directory has them
    refused: list[Refused] = field(default_factory=list)  # what the importer may not change
    changed: list[ChangedEntry] = field(default_factory=list)  # entries updated, sorted by name
    warnings: list[str] = field(default_factory=list)
    roots: list[tuple[str, uuid.UUID]] = field(default_factory=list)  # the top-level objects, in order


@dataclass
class _Record:
    kind: str
    id: uuid.UUID
    where: str
    props: dict[str, Any] = field(default_factory=dict)
    links: dict[str, uuid.UUID] = field(default_factory=dict)


class _Batch:
    """Every record of one import, flattened, before anything is written."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, uuid.UUID], _Record] = {}
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.roots: list[tuple[str, uuid.UUID]] = []

    def record(self, kind: str, record_id: uuid.UUID, where: str) -> _Record:
        key = (kind, record_id)
        if key not in self.records:
            self.records[key] = _Record(kind, record_id, where)
        return self.records[key]

    def of_kind(self, kind: str) -> list[_Record]:
        return [record for (k, _), record in self.records.items() if k == kind]


# Entry points ---------------------------------------------------------------------------------


def import_hsds_json(data: Any, *, actor: ActingUser | None, kind: str | None = None) -> ImportResult:
    """Import HSDS JSON (text, bytes or the parsed value); see the module docstring."""
    _check_permission(actor)
    if isinstance(data, bytes | str):
        data, problems = limits.parse_json(data)
        if problems:
            raise ImportRefused(problems)
    single = isinstance(data, dict) and "contents" not in data and ("id" in data or not set(data) & set(EXPORT_LISTS))
    problems = limits.document_problems(data, "(document)" if single else "")
    if problems:
        raise ImportRefused(problems)
    batch = _Batch()
    documents = _documents(data, kind, batch.problems)
    for document_kind, document, where in documents:
        batch.problems += validate_document(document, document_kind, prefix=where)
    if batch.problems:
        raise ImportRefused(batch.problems)
    for document_kind, document, where in documents:
        root_id = _walk(batch, document_kind, document, where)
        batch.roots.append((document_kind, root_id))
    if batch.problems:
        raise ImportRefused(batch.problems)
    return _finish(batch, actor=actor)


def import_hsds_tabular(files: dict[str, bytes], *, actor: ActingUser | None) -> ImportResult:
    """Import an HSDS Tabular Data Package: file name → content (`datapackage.json` and CSVs)."""
    _check_permission(actor)
    problems = limits.package_problems(files)
    if problems:
        raise ImportRefused(problems)
    batch = _Batch()
    resources = _datapackage_resources(files, batch.problems)
    rows_by_kind: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for resource in resources:
        name = resource.get("name", "")
        file_name = Path(str(resource.get("path", ""))).name
        if file_name not in files:
            continue
        for where, row in _read_csv(files[file_name], file_name, resource, batch.problems):
            if name in _schema_names():
                batch.problems += [
                    f"{where}: {problem.removeprefix('(document): ')}" for problem in validate_document(row, name)
                ]
            rows_by_kind[name].append((where, row))
    if batch.problems:
        raise ImportRefused(batch.problems)
    _tabular_records(batch, rows_by_kind)
    return _finish(batch, actor=actor)


def read_package_directory(directory: Path) -> dict[str, bytes]:
    """The files of a tabular package on disk, for `import_hsds_tabular`; ImportRefused past the limits."""
    files, problems = limits.read_folder(directory)
    if problems:
        raise ImportRefused(problems)
    return files


def read_package_zip(content: bytes) -> dict[str, bytes]:
    """The files of a zipped tabular package, for `import_hsds_tabular`: checked before it is
    unpacked and unpacked a piece at a time (limits.py); ImportRefused past the limits."""
    files, problems = limits.unzip_package(content)
    if problems:
        raise ImportRefused(problems)
    return files


def read_import_file(name: str, content: bytes) -> tuple[str, Any]:
    """("tabular", files) for a .zip, ("json", content) for anything else: what the page and the
    API were sent, ready for `import_file`."""
    if name.lower().endswith(".zip"):
        return "tabular", read_package_zip(content)
    if len(content) > limits.MAX_IMPORT_BYTES:
        raise ImportRefused([limits.TOO_BIG])
    return "json", content


def import_file(name: str, content: bytes, *, actor: ActingUser) -> ImportResult:
    """Import an uploaded file: HSDS JSON, or a tabular package as a .zip."""
    form, data = read_import_file(name, content)
    return import_hsds_tabular(data, actor=actor) if form == "tabular" else import_hsds_json(data, actor=actor)


def _check_permission(actor: ActingUser | None) -> None:
    # actor None: the system (the management command, run by whoever runs the server).
    if actor is not None and not rules.has_perm("directory.import_hsds", actor):
        raise NotAllowed("Only a partnership manager can import the services directory.")


# Reading JSON ---------------------------------------------------------------------------------


def _documents(data: Any, kind: str | None, problems: list[str]) -> list[tuple[str, dict[str, Any], str]]:
    if kind is not None and kind not in ROOT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ROOT_KINDS)}")
    found: list[tuple[str, dict[str, Any], str]] = []

    def add(document: Any, where: str, document_kind: str | None) -> None:
        if not isinstance(document, dict):
            problems.append(f"{where or '(document)'}: expected an HSDS object, found {type(document).__name__}.")
            return
        chosen = document_kind or _guess_kind(document)
        if chosen is None:
            problems.append(f"{where or '(document)'}: cannot tell which HSDS object this is.")
            return
        found.append((chosen, document, where))

    if isinstance(data, list):
        for index, item in enumerate(data):
            add(item, f"[{index}]", kind)
    elif isinstance(data, dict) and isinstance(data.get("contents"), list):
        for index, item in enumerate(data["contents"]):
            add(item, f"contents[{index}]", kind)
    elif isinstance(data, dict) and "id" not in data and set(data) & set(EXPORT_LISTS):
        for key, list_kind in EXPORT_LISTS.items():
            items = data.get(key, [])
            if not isinstance(items, list):
                problems.append(f"{key}: expected a list.")
                continue
            for index, item in enumerate(items):
                add(item, f"{key}[{index}]", list_kind)
    else:
        add(data, "", kind)
    if not found and not problems:
        problems.append("The file holds no HSDS objects.")
    return found


def _guess_kind(document: dict[str, Any]) -> str | None:
    keys = set(document)
    if "status" in keys:
        return "service"
    if "location_type" in keys:
        return "location"
    if keys & {"service", "location", "service_id", "location_id"} and "name" not in keys:
        return "service_at_location"
    if keys & {"code", "parent_id", "taxonomy", "taxonomy_detail", "taxonomy_id", "term_uri", "language"}:
        return "taxonomy_term"
    if "name" in keys and keys <= {"id", "name", "description", "uri", "version", "metadata"} and "version" in keys:
        return "taxonomy"
    if "name" in keys:
        return "organization"
    return None


def _walk(batch: _Batch, kind: str, document: dict[str, Any], where: str) -> uuid.UUID:
    """Flatten one (validated) nested object into batch records; returns its id."""
    record_id = uuid.UUID(document["id"])
    props: dict[str, Any] = {}
    links: dict[str, uuid.UUID] = {}
    nested = CHILDREN.get(kind, {})
    for key, value in document.items():
        spec = nested.get(key)
        if spec is None or is_empty(value):
            props[key] = value
            continue
        child_kind, direction, attr = spec
        if direction == OBJECT:
            links[attr] = _walk(batch, child_kind, value, f"{where}.{key}" if where else key)
            continue
        for index, item in enumerate(value):
            child_id = _walk(batch, child_kind, item, f"{where}.{key}[{index}]" if where else f"{key}[{index}]")
            batch.record(child_kind, child_id, "").links[attr] = record_id
    record = batch.record(kind, record_id, where or "(document)")
    if not record.where:
        record.where = where or "(document)"
    for key, value in props.items():
        if key in record.props and record.props[key] != value:
            batch.problems.append(
                f"{where or '(document)'}.{key}: differs from the same {kind} ({record_id}) at {record.where}."
            )
    record.props.update(props)
    record.links.update(links)
    return record_id


# Reading a tabular package --------------------------------------------------------------------


def _schema_names() -> set[str]:
    return set(schema_names())


def _datapackage_resources(files: dict[str, bytes], problems: list[str]) -> list[dict[str, Any]]:
    raw = files.get("datapackage.json")
    official = STANDARD_DIR / "hsds-3.0" / "datapackage.json"
    if raw is not None and raw.strip() == b"../../datapackage.json":
        # The official examples/csv/datapackage.json is a link to the repository's one.
        raw = official.read_bytes()
    if raw is None:
        raw = official.read_bytes()
    try:
        package = json.loads(raw)
    except RecursionError:
        problems.append(f"datapackage.json: {limits.TOO_DEEP}")
        return []
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        problems.append(f"datapackage.json is not valid JSON: {error}.")
        return []
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        problems.append("datapackage.json: has no list of resources.")
        return []
    known = {Path(str(r.get("path", ""))).name for r in resources if isinstance(r, dict)}
    for name in sorted(files):
        if name.endswith(".csv") and name not in known:
            problems.append(f"{name}: not a table of the datapackage.")
    return [r for r in resources if isinstance(r, dict)]


def _read_csv(
    content: bytes, file_name: str, resource: dict[str, Any], problems: list[str]
) -> Iterable[tuple[str, dict[str, Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(f"{file_name}: not UTF-8 text.")
        return []
    if "\x00" in text:
        problems.append(f"{file_name}: holds a NUL character, which text cannot hold.")
        return []
    fields = {f["name"]: f for f in resource.get("schema", {}).get("fields", [])}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    unknown = [name for name in reader.fieldnames or [] if name not in fields]
    if unknown:
        problems.append(f"{file_name}: unknown columns {', '.join(unknown)}.")
        return []
    rows = []
    seen: set[str] = set()
    try:
        numbered = list(enumerate(reader, start=2))
    except csv.Error:
        # Python's csv module stops at 131,072 characters a cell, far past our own limit.
        problems.append(
            f"{file_name} line {reader.line_num + 1}: a cell is longer than the {limits.MAX_TEXT_LENGTH:,} "
            "characters a text in the directory may have."
        )
        return []
    for number, raw_row in numbered:
        where = f"{file_name} line {number}"
        if None in raw_row:
            problems.append(f"{where}: more cells than columns.")
            continue
        too_long = [name for name, cell in raw_row.items() if cell is not None and len(cell) > limits.MAX_TEXT_LENGTH]
        if too_long:
            problems += [limits.too_long(f"{where}: {name}", len(raw_row[name])) for name in too_long]
            continue
        row: dict[str, Any] = {}
        for name, raw_cell in raw_row.items():
            if raw_cell is None or raw_cell == "":
                continue
            # Our export puts a quote before text a spreadsheet would run as a formula.
            cell = restored_text(raw_cell)
            try:
                row[name] = _cell(cell, fields[name])
            except ValueError:
                problems.append(f"{where}: {name} {cell!r} is not a {fields[name]['type']}.")
        if row.get("id") in seen:
            problems.append(f"{where}: id {row['id']} appears twice.")
        seen.add(str(row.get("id")))
        rows.append((where, row))
    return rows


def _cell(cell: str, spec: dict[str, Any]) -> Any:
    kind = spec.get("type", "string")
    if kind == "number":
        number = float(cell)
        if not math.isfinite(number):
            raise ValueError(cell)
        return int(number) if number.is_integer() and "." not in cell and "e" not in cell.lower() else number
    if kind == "integer":
        return int(cell)
    if kind == "boolean":
        if cell.lower() in ("true", "1", "yes"):
            return True
        if cell.lower() in ("false", "0", "no"):
            return False
        raise ValueError(cell)
    if kind == "date":
        datetime.date.fromisoformat(cell)
    elif kind == "time":
        datetime.time.fromisoformat(cell)
    elif kind == "datetime":
        datetime.datetime.fromisoformat(cell)
    return cell  # strings, and dates/times kept as the text HSDS JSON has


# Unmodelled tables: where their rows sit in the JSON form.
_NESTED_TABLES = {
    "language": ("languages", (("service_id", "service"), ("location_id", "location"), ("phone_id", "phone"))),
    "funding": ("funding", (("organization_id", "organization"), ("service_id", "service"))),
    "cost_option": ("cost_options", (("service_id", "service"),)),
    "program": ("programs", (("organization_id", "organization"),)),
    "required_document": ("required_documents", (("service_id", "service"),)),
    "accessibility": ("accessibility", (("location_id", "location"),)),
    "organization_identifier": ("organization_identifiers", (("organization_id", "organization"),)),
}


def _tabular_records(batch: _Batch, rows_by_kind: dict[str, list[tuple[str, dict[str, Any]]]]) -> None:
    for kind in WRITE_ORDER:
        for where, row in rows_by_kind.get(kind, []):
            record = batch.record(kind, uuid.UUID(row["id"]), where)
            record.props.update(row)
            batch.roots.append((kind, record.id))
    for table, (key, parents) in _NESTED_TABLES.items():
        for where, row in rows_by_kind.get(table, []):
            homes = [
                batch.records[(parent_kind, uuid.UUID(row[ref]))]
                for ref, parent_kind in parents
                if ref in row and (parent_kind, uuid.UUID(row[ref])) in batch.records
            ]
            if not homes:
                batch.warnings.append(f"{where}: none of the records it belongs to is in the package; skipped.")
            for home in homes:
                home.props.setdefault(key, []).append(row)
    for where, row in rows_by_kind.get("metadata", []):
        homes = [r for (_, rid), r in batch.records.items() if str(rid) == row.get("resource_id")]
        if not homes:
            batch.warnings.append(f"{where}: its resource {row.get('resource_id')} is not in the package; skipped.")
        for home in homes:
            home.props.setdefault("metadata", []).append(row)
    for where, _row in rows_by_kind.get("meta_table_description", []):
        batch.warnings.append(f"{where}: table descriptions are not kept; skipped.")


# Checking and writing -------------------------------------------------------------------------


def _finish(batch: _Batch, *, actor: ActingUser | None) -> ImportResult:
    with transaction.atomic():
        existing = _existing_ids(batch)
        resolved = _resolve(batch, existing)
        partnerships = _check(batch, resolved)
        if batch.problems:
            raise ImportRefused(batch.problems)
        result = ImportResult(warnings=batch.warnings, roots=list(dict.fromkeys(batch.roots)))
        scope = Scope(actor)
        plans = _plan(batch, resolved, partnerships, scope)
        outside = _names_outside(plans)
        _name_children(plans, outside)
        refused = scope.refusals([plan.change for plan in plans], outside)
        _write(plans, refused, result, actor=actor)
    return result


def _existing_ids(batch: _Batch) -> dict[str, set[uuid.UUID]]:
    """Ids already in the directory among those the batch has or points at, by kind."""
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for (kind, record_id), record in batch.records.items():
        wanted[kind].add(record_id)
        for ref_field in _ref_fields(kind):
            value = record.props.get(ref_field.key)
            if isinstance(value, str):
                wanted[KIND_OF[ref_field.target]].add(uuid.UUID(value))  # type: ignore[index]
        if kind == "attribute" and isinstance(record.props.get("link_id"), str):
            for owner_kind in _OWNER_TARGETS.values():
                wanted[owner_kind].add(uuid.UUID(record.props["link_id"]))
    return {
        kind: set(MODELS[kind].objects.filter(pk__in=ids).values_list("pk", flat=True))  # type: ignore[attr-defined]
        for kind, ids in wanted.items()
    }


def _ref_fields(kind: str) -> list[Field]:
    return [f for f in FIELDS[MODELS[kind]] if f.kind == REF]


def _resolve(batch: _Batch, existing: dict[str, set[uuid.UUID]]) -> dict[tuple[str, uuid.UUID], dict[str, Any]]:
    """For each record, the foreign keys to set: attname → uuid (or None when it names nothing)."""

    def known(kind: str, target: uuid.UUID) -> bool:
        return (kind, target) in batch.records or target in existing.get(kind, set())

    resolved: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    for key, record in batch.records.items():
        kind = record.kind
        fks: dict[str, Any] = {}
        for ref_field in _ref_fields(kind):
            target_kind = KIND_OF[ref_field.target]  # type: ignore[index]
            link = record.links.get(ref_field.attr)
            given = record.props.get(ref_field.key)
            if isinstance(given, str) and known(target_kind, uuid.UUID(given)):
                fks[ref_field.attr] = uuid.UUID(given)
            elif link is not None:
                fks[ref_field.attr] = link
            elif ref_field.key in record.props:
                fks[ref_field.attr] = None  # given, but names nothing we hold: kept in extra
        if kind == "attribute":
            for attr in _OWNER_TARGETS:
                if attr in record.links:
                    fks[attr] = record.links[attr]
            link_id = record.props.get("link_id")
            if not any(attr in fks for attr in _OWNER_TARGETS) and isinstance(link_id, str):
                # link_entity names the owner's table; when it names none of ours, try each.
                entity = record.props.get("link_entity")
                candidates = [attr for attr, owner in _OWNER_TARGETS.items() if owner == entity] or list(_OWNER_TARGETS)
                for attr in candidates:
                    if known(_OWNER_TARGETS[attr], uuid.UUID(link_id)):
                        fks[attr] = uuid.UUID(link_id)
                        break
        resolved[key] = fks
    return resolved


def _check(batch: _Batch, resolved: dict[tuple[str, uuid.UUID], dict[str, Any]]) -> dict[str, Partnership]:
    """Problems (which refuse the file) into batch.problems; what is left out into batch.warnings.
    Returns the local partnerships the file's GSS codes name, by code."""
    wanted_codes: dict[str, int] = defaultdict(int)  # GSS code → the services that name it
    for key, record in batch.records.items():
        model = MODELS[record.kind]
        for ref in REQUIRED_REFERENCES.get(record.kind, ()):
            if resolved[key].get(ref) is None:
                given = record.props.get(ref, "")
                named = f" {given}" if given else ""
                batch.problems.append(
                    f"{record.where}: {ref}{named} names no {ref.removesuffix('_id').replace('_', ' ')} "
                    "in this file or in the directory."
                )
        for column in FIELDS[model]:
            value = record.props.get(column.key)
            if column.kind == STR and isinstance(value, str):
                max_length = getattr(model._meta.get_field(column.attr), "max_length", None)
                if max_length is not None and len(value) > max_length:
                    batch.problems.append(
                        f"{record.where}.{column.key}: {len(value)} characters, more than the {max_length} we keep."
                    )
        if record.kind == "service" and EXTENSION_KEY in record.props:
            extension = record.props[EXTENSION_KEY]
            for error in _EXTENSION_VALIDATOR.iter_errors(extension):
                place = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
                batch.problems.append(f"{record.where}.{EXTENSION_KEY}{place}: {error.message}")
            if isinstance(extension, dict) and isinstance(extension.get("partnerships"), list):
                for code in {p["gss_code"] for p in extension["partnerships"] if isinstance(p, dict)}:
                    wanted_codes[code] += 1
    batch.warnings += _unknown_extensions(batch)
    partnerships: dict[str, Partnership] = {}
    if wanted_codes:
        by_code: dict[str, list[Partnership]] = defaultdict(list)
        running = set(running_programmes().values_list("pk", flat=True))
        # An area that ran successive programmes has a partnership in each: the service joins the one
        # of the programme running now (the one taking referrals), else the only one there is.
        for partnership in Partnership.objects.filter(gss_code__in=wanted_codes).order_by("pk"):
            by_code[partnership.gss_code].append(partnership)
        for code, found in by_code.items():
            now = [partnership for partnership in found if partnership.programme_id in running]
            if now:
                by_code[code] = now
        for code in sorted(wanted_codes):
            if len(by_code[code]) == 1:
                partnerships[code] = by_code[code][0]
                continue
            # Another instance's partnerships are not ours: the services come in without that link.
            state = "no" if not by_code[code] else "more than one"
            batch.warnings.append(
                f"Ignored {EXTENSION_KEY}.partnerships on {_services(wanted_codes[code])}: "
                f"{state} local partnership with GSS code {code}."
            )
    return partnerships


def _services(number: int) -> str:
    return f"{number} service" if number == 1 else f"{number} services"


def _fit_point(obj: models.Model, record: _Record, warnings: list[str]) -> None:
    """A location's point that breaks the directory's rules (coordinates.py: in range, both or neither)
    is not a point here: the columns are left empty and the values kept in `extra`, exported back
    as they came. HSDS does not bound them (its own example has a latitude of 100), so it is said,
    not refused."""
    latitude, longitude = obj.latitude, obj.longitude  # type: ignore[attr-defined]
    if not coordinate_errors(latitude, longitude):
        return
    extra = dict(obj.extra)  # type: ignore[attr-defined]
    for key, value in (("latitude", latitude), ("longitude", longitude)):
        if value is not None:
            extra[key] = record.props.get(key, value)
        setattr(obj, key, None)
    obj.extra = extra  # type: ignore[attr-defined]
    if latitude is not None and longitude is not None:
        why = "a latitude is from -90 to 90 and a longitude from -180 to 180"
    else:
        why = "it has only one of latitude and longitude"
    given = ", ".join(f"{key} {extra[key]}" for key in ("latitude", "longitude") if key in extra)
    warnings.append(f"{record.where}: kept {given} as it came, but not as a point on the map: {why}.")


def _unknown_extensions(batch: _Batch) -> list[str]:
    """What the file extends HSDS with that this instance does not use, said once per property and kind.
    Unknown `x_` properties are kept with the record (export gives them back) but do nothing here;
    unknown properties inside our own extension are dropped, as it is rebuilt from our columns."""
    kept: dict[tuple[str, str], int] = defaultdict(int)
    dropped: dict[str, int] = defaultdict(int)
    for record in batch.records.values():
        for key in record.props:
            if key.startswith("x_") and not (key == EXTENSION_KEY and record.kind == "service"):
                kept[(key, record.kind)] += 1
        extension = record.props.get(EXTENSION_KEY) if record.kind == "service" else None
        if isinstance(extension, dict):
            for key in extension:
                if key not in EXTENSION_SCHEMA["properties"]:
                    dropped[key] += 1
    warnings = [
        f"Ignored {EXTENSION_KEY}.{key} on {_services(number)}: this instance does not know it."
        for key, number in sorted(dropped.items())
    ]
    warnings += [
        f"Kept {key} on {number} {kind if number == 1 else KIND_PLURALS.get(kind, kind)} as it came, unused: "
        "this instance does not know it."
        for (key, kind), number in sorted(kept.items())
    ]
    return warnings


@dataclass
class _Plan:
    """One record, applied to its row in memory but not saved: what writing it would do."""

    record: _Record
    obj: models.Model
    created: bool
    written: list[str]  # the columns the file gives (audited on a new row)
    changed: list[str]  # what differs from the directory (audited on an existing row)
    self_refs: list[tuple[models.Model, str, Any]]
    partnerships: set[int] | None  # a service's partnerships to set; None: leave them
    change: Change


_NOT_COMPARED = {"version", "created_at", "updated_at"}


def _state(obj: models.Model) -> dict[str, Any]:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in _NOT_COMPARED and not f.primary_key
    }


def _plan(
    batch: _Batch,
    resolved: dict[tuple[str, uuid.UUID], dict[str, Any]],
    partnerships: dict[str, Partnership],
    scope: Scope,
) -> list[_Plan]:
    """Every record of the batch applied to its (locked) row, in write order, with what it changes."""
    plans: list[_Plan] = []
    for kind in WRITE_ORDER:
        records = batch.of_kind(kind)
        if not records:
            continue
        model = MODELS[kind]
        rows = model.objects.select_for_update().in_bulk([r.id for r in records])  # type: ignore[attr-defined]
        links = _partnership_links(rows) if kind == "service" else {}
        for record in records:
            obj = rows.get(record.id)
            created = obj is None
            if obj is None:
                obj = model(pk=record.id)
            before = _state(obj)
            self_refs: list[tuple[models.Model, str, Any]] = []
            written = _apply(obj, record, resolved[(kind, record.id)], self_refs)
            if kind == "location":
                _fit_point(obj, record, batch.warnings)
            wanted: set[int] | None = None
            if kind == "service" and EXTENSION_KEY in record.props:
                for name, value in _extension_values(record.props[EXTENSION_KEY]).items():
                    setattr(obj, name, value)
                given = record.props[EXTENSION_KEY].get("partnerships", [])
                wanted = {partnerships[p["gss_code"]].pk for p in given if p["gss_code"] in partnerships}
                if given and not wanted:
                    # It names only partnerships we do not have (reported): its links stay as they are.
                    wanted = None
            after = _state(obj)
            changed = [name.removesuffix("_id") for name in after if before.get(name) != after[name]]
            changed += [attr.removesuffix("_id") for _, attr, target in self_refs if getattr(obj, attr) != target]
            final, others_change = (None, False)
            if kind == "service":
                final, others_change = _partnerships_after(links.get(record.id, set()), wanted, created, scope)
                if final == links.get(record.id, set()) and not created:
                    final = None
                elif final is not None:
                    changed.append("partnerships")
            owner_attrs = {attname for attname, _ in OWNERS.get(kind, ())} | {"organization_id"}
            # An entry is named as the directory knows it; the rest by their entry (_name_children).
            own_name = str(before.get("name") or getattr(obj, "name", "") or "") if kind in NAMED_KINDS else ""
            change = Change(
                kind=kind,
                id=record.id,
                name=own_name,
                created=created,
                # A file that would add or take away another partnership's link asks for a change too.
                changes=created or bool(changed) or others_change,
                owners_before={attname: before.get(attname) for attname in owner_attrs if attname in before},
                owners_after={attname: after.get(attname) for attname in owner_attrs if attname in after},
                references={
                    ref.attr: (KIND_OF[ref.target], after.get(ref.attr))  # type: ignore[index]
                    for ref in _ref_fields(kind)
                },
                other_partnerships_change=others_change,
            )
            plans.append(_Plan(record, obj, created, written, changed, self_refs, final, change))
    return plans


def _partnership_links(rows: dict[uuid.UUID, Any]) -> dict[uuid.UUID, set[int]]:
    links: dict[uuid.UUID, set[int]] = defaultdict(set)
    through = Service.partnerships.through.objects.filter(service_id__in=list(rows))  # type: ignore[attr-defined]
    for service_id, partnership_id in through.values_list("service_id", "partnership_id"):
        links[service_id].add(partnership_id)
    return links


def _partnerships_after(
    current: set[int], wanted: set[int] | None, created: bool, scope: Scope
) -> tuple[set[int] | None, bool]:
    """(A service's partnerships after the import, or None to leave them; whether that would add or
    remove a partnership other than the importer's). The system sets what the file says. An
    importer sets only whether their own partnership is linked, and a service they add is in it."""
    if scope.everything:
        return wanted, False
    own = scope.partnership_id
    others_now = current - {own}
    others_change = wanted is not None and (wanted - {own}) != others_now
    own_linked = own in (wanted if wanted is not None else current) or (created and own is not None)
    return others_now | ({own} if own_linked and own is not None else set()), others_change


def _names_outside(plans: list[_Plan]) -> dict[tuple[str, uuid.UUID], str]:
    """The names of organisations, services and locations the batch points at but does not hold."""
    held = {(plan.change.kind, plan.change.id) for plan in plans}
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for plan in plans:
        targets = [*plan.change.references.values(), *_owners(plan.change)]
        for kind, target in targets:
            if target is not None and kind in ("organization", "service", "location") and (kind, target) not in held:
                wanted[kind].add(target)
    return {
        (kind, pk): name
        for kind, ids in wanted.items()
        for pk, name in MODELS[kind].objects.filter(pk__in=ids).values_list("pk", "name")  # type: ignore[attr-defined]
    }


def _owners(change: Change) -> list[tuple[str, uuid.UUID | None]]:
    return [
        (kind, owners.get(attname))
        for attname, kind in OWNERS.get(change.kind, ())
        for owners in (change.owners_after, change.owners_before)
    ]


def _name_children(plans: list[_Plan], outside: dict[tuple[str, uuid.UUID], str]) -> None:
    """Name each record that has no name by what it is and whose: "a phone of Glasgow Money Matters"."""
    names = dict(outside)
    for plan in plans:  # write order: every record after the entries it belongs to
        change = plan.change
        if change.kind not in NAMED_KINDS:
            owner = next(
                (names[(kind, target)] for kind, target in _owners(change) if target and (kind, target) in names), None
            )
            change.name = label(change.kind, "", owner)
        names[(change.kind, change.id)] = change.name


def _write(
    plans: list[_Plan], refused: dict[tuple[str, uuid.UUID], Refused], result: ImportResult, *, actor: ActingUser | None
) -> None:
    self_refs: list[tuple[models.Model, str, Any]] = []
    for plan in plans:
        kind, obj = plan.change.kind, plan.obj
        if (kind, plan.change.id) in refused:
            result.refused.append(refused[(kind, plan.change.id)])
            continue
        if not plan.change.changes:
            result.unchanged[kind] = result.unchanged.get(kind, 0) + 1
            continue
        if not plan.created:
            obj.bump_version()  # type: ignore[attr-defined]
        obj.save()
        self_refs += plan.self_refs
        if plan.partnerships is not None:
            obj.partnerships.set(plan.partnerships)  # type: ignore[attr-defined]
        counts = result.created if plan.created else result.updated
        counts[kind] = counts.get(kind, 0) + 1
        if kind in AUDITED_KINDS:
            record_event(
                actor=actor,
                action=AuditEvent.Action.CREATE if plan.created else AuditEvent.Action.CHANGE,
                record=obj,
                participant_id=None,
                changed_fields=plan.written if plan.created else plan.changed,
            )
    for obj, attr, value in self_refs:
        setattr(obj, attr, value)
        obj.save(update_fields=[attr])
    result.changed = _changed_entries(plans, refused)


def _changed_entries(plans: list[_Plan], refused: dict[tuple[str, uuid.UUID], Refused]) -> list[ChangedEntry]:
    updated = [
        plan
        for plan in plans
        if plan.change.kind in ("organization", "service")
        and not plan.created
        and plan.change.changes
        and (plan.change.kind, plan.change.id) not in refused
    ]
    services = [plan.obj.pk for plan in updated if plan.change.kind == "service"]
    members = [plan.obj.member_id for plan in updated if plan.change.kind == "organization"]  # type: ignore[attr-defined]
    areas: dict[tuple[str, Any], list[str]] = defaultdict(list)
    through = Service.partnerships.through.objects.filter(service_id__in=services)  # type: ignore[attr-defined]
    for service_id, area in through.values_list("service_id", "partnership__area_name"):
        areas[("service", service_id)].append(area)
    memberships = PartnershipMembership.objects.filter(organisation_id__in=[m for m in members if m is not None])
    for member_id, area in memberships.values_list("organisation_id", "partnership__area_name"):
        areas[("organization", member_id)].append(area)
    return sorted(
        (
            ChangedEntry(
                kind=plan.change.kind,
                id=plan.change.id,
                name=str(plan.obj.name),  # type: ignore[attr-defined]
                areas=tuple(
                    sorted(
                        areas[
                            (plan.change.kind, plan.obj.pk if plan.change.kind == "service" else plan.obj.member_id)  # type: ignore[attr-defined]
                        ]
                    )
                ),
            )
            for plan in updated
        ),
        key=lambda entry: (entry.name, entry.kind),
    )


def _apply(
    obj: models.Model, record: _Record, fks: dict[str, Any], self_refs: list[tuple[models.Model, str, Any]]
) -> list[str]:
    """Set columns and extra from the record; returns the names of the columns written."""
    model = type(obj)
    extra = dict(obj.extra) if isinstance(obj.extra, dict) else {}  # type: ignore[attr-defined]
    props = dict(record.props)
    props.pop("id", None)
    if model is Service:
        props.pop(EXTENSION_KEY, None)
    changed: list[str] = []
    for column in FIELDS[model]:
        if column.kind == REF:
            if column.key in props:
                extra[column.key] = props.pop(column.key)
            continue
        if column.key not in props:
            continue
        value = props.pop(column.key)
        empty = _empty_value(model, column)
        if is_empty(value):
            setattr(obj, column.attr, empty)
            extra[column.key] = value
        else:
            try:
                setattr(obj, column.attr, decode(column, value, model))
                extra.pop(column.key, None)
            except DoesNotFit:
                setattr(obj, column.attr, empty)
                extra[column.key] = value
        changed.append(column.attr)
    for attr, target in fks.items():
        if (KIND_OF[model], attr) in SELF_REFERENCES.items():
            self_refs.append((obj, attr, target))
        else:
            setattr(obj, attr, target)
    for key in CHILDREN.get(KIND_OF[model], {}):
        if key in props and is_empty(props[key]):
            extra[key] = props.pop(key)
        elif key not in props and key in extra and not is_empty(extra[key]):
            extra.pop(key)
    extra.update(props)
    obj.extra = extra  # type: ignore[attr-defined]
    return changed


def _empty_value(model: type[models.Model], column: Field) -> Any:
    return None if getattr(model._meta.get_field(column.attr), "null", False) else ""


def _extension_values(extension: dict[str, Any]) -> dict[str, Any]:
    """A service's columns from our `x_coproduce` extension (what is not given takes its default)."""
    capacity_updated_at = extension.get("capacity_updated_at")
    last_checked_on = extension.get("last_checked_on")
    return {
        "takes_referrals": extension.get("takes_referrals", False),
        "childcare_on_site": extension.get("childcare_on_site", False),
        "places_available": extension.get("places_available"),
        "capacity_updated_at": datetime.datetime.fromisoformat(capacity_updated_at) if capacity_updated_at else None,
        "response_working_days": extension.get("response_working_days", 5),
        "last_checked_on": datetime.date.fromisoformat(last_checked_on) if last_checked_on else None,
    }
