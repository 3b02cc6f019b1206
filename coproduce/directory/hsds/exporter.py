"""Export the whole directory as one HSDS 3.0 JSON document.

The shape (our choice; HSDS defines objects and API responses, not a whole-dataset JSON file):

    {
      "organizations": [organization_full(org, full_service=True), ...],   # every organisation
      "services": [service_full(s), ...],      # services with no organisation
      "locations": [location(l), ...],         # locations with no organisation
      "taxonomies": [taxonomy(t), ...],        # every taxonomy
      "taxonomy_terms": [taxonomy_term(t), ...],  # every term
      "contacts"/"phones"/"schedules"/"attributes": [...]  # only when some belong to nothing else
    }

Each item of each list is a valid HSDS 3.0 object of its kind (the tests check them against the
official schemas and the Open Referral UK ones). Services, locations and the rest of the tree
sit nested where HSDS puts them, so a service with locations of another organisation appears
with them under its own organisation. `import_hsds_json` reads this document back.
"""

import io
import json
from typing import Any

from django.db.models import Q

from coproduce.core.spreadsheets import SafeCsvWriter
from coproduce.directory.hsds import serialise
from coproduce.directory.hsds.validate import STANDARD_DIR
from coproduce.directory.models import (
    Attribute,
    Contact,
    DirectoryOrganisation,
    Location,
    Phone,
    Schedule,
    Service,
    Taxonomy,
    TaxonomyTerm,
)


def export_directory() -> dict[str, Any]:
    organisations = serialise.prefetched_organisations(DirectoryOrganisation.objects.all())
    document: dict[str, Any] = {
        "organizations": [serialise.organization_full(org, full_service=True) for org in organisations],
        "services": [
            serialise.service_full(s)
            for s in serialise.prefetched_services(Service.objects.filter(organization__isnull=True))
        ],
        "locations": [
            serialise.location(loc)
            for loc in serialise.prefetched_locations(Location.objects.filter(organization__isnull=True))
        ],
        "taxonomies": [serialise.taxonomy(t) for t in Taxonomy.objects.all()],
        "taxonomy_terms": [serialise.taxonomy_term(t) for t in serialise.prefetched_terms(TaxonomyTerm.objects.all())],
    }
    unplaced = {
        "contacts": (
            Contact.objects.filter(
                organization=None, service=None, service_at_location=None, location=None
            ).prefetch_related("phones"),
            serialise.contact,
        ),
        "phones": (
            Phone.objects.filter(
                organization=None, service=None, location=None, contact=None, service_at_location=None
            ),
            serialise.phone,
        ),
        "schedules": (
            Schedule.objects.filter(service=None, location=None, service_at_location=None),
            serialise.schedule,
        ),
        "attributes": (
            Attribute.objects.filter(Q(service=None) & Q(organization=None) & Q(location=None)).select_related(
                "taxonomy_term__taxonomy_detail"
            ),
            serialise.attribute,
        ),
    }
    for key, (queryset, render) in unplaced.items():
        items = [render(row) for row in queryset]  # type: ignore[operator]
        if items:
            document[key] = items
    return document


# The Tabular Data Package form --------------------------------------------------------------

# Where each table's rows sit in the JSON form: array keys and single-object keys.
_ARRAY_TABLES = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_locations": "service_at_location",
    "contacts": "contact",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "addresses": "address",
    "attributes": "attribute",
    "languages": "language",
    "funding": "funding",
    "cost_options": "cost_option",
    "programs": "program",
    "required_documents": "required_document",
    "accessibility": "accessibility",
    "organization_identifiers": "organization_identifier",
    "metadata": "metadata",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}
_OBJECT_TABLES = {
    "organization": "organization",
    "service": "service",
    "location": "location",
    "program": "program",
    "taxonomy_detail": "taxonomy",
    "taxonomy_term": "taxonomy_term",
}


def _datapackage() -> dict[str, Any]:
    return json.loads((STANDARD_DIR / "hsds-3.0" / "datapackage.json").read_text(encoding="utf-8"))


def export_tabular(document: dict[str, Any] | None = None) -> dict[str, str]:
    """The directory (or an export document) as the HSDS Tabular Data Package: file name → CSV text.

    Made by walking the JSON export: every nested object becomes a row of its table (once per
    id), and a reference a nested object leaves out because its parent says it (a phone inside a
    service has no `service_id`) is filled in from that parent. `datapackage.json` is the
    official HSDS 3.0 one, unchanged. People open these files in spreadsheets, so text is quoted
    and made inert (coproduce.core.spreadsheets: "=…" is written "'=…", which the importer
    reads back as "=…"); numbers are written bare.
    """
    document = export_directory() if document is None else document
    resources = _datapackage()["resources"]
    columns = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in resources}
    rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in columns}

    def visit(obj: dict[str, Any], table: str, parent: tuple[str, str] | None) -> None:
        row = {name: obj.get(name) for name in columns[table]}
        if parent is not None and f"{parent[0]}_id" in row and row[f"{parent[0]}_id"] in (None, ""):
            row[f"{parent[0]}_id"] = parent[1]
        for key, value in obj.items():
            if key in _ARRAY_TABLES and isinstance(value, list):
                for item in value:
                    if isinstance(item, dict) and "id" in item:
                        visit(item, _ARRAY_TABLES[key], (table, obj["id"]))
            elif key in _OBJECT_TABLES and isinstance(value, dict) and "id" in value:
                child = _OBJECT_TABLES[key]
                if f"{child}_id" in row and row[f"{child}_id"] in (None, ""):
                    row[f"{child}_id"] = value["id"]
                visit(value, child, None)
        seen = rows[table].setdefault(str(obj["id"]), {})
        for name, value in row.items():
            if seen.get(name) in (None, ""):
                seen[name] = value

    for key, items in document.items():
        for item in items:
            visit(item, _ARRAY_TABLES[key], None)
    files = {"datapackage.json": json.dumps(_datapackage(), indent=2) + "\n"}
    for resource in resources:
        out = io.StringIO()
        writer = SafeCsvWriter(out, lineterminator="\n")
        writer.writerow(columns[resource["name"]])
        for row in rows[resource["name"]].values():
            writer.writerow([_csv_cell(row[name]) for name in columns[resource["name"]]])
        files[resource["path"]] = out.getvalue()
    return files


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value
