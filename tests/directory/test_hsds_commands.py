"""`manage.py import_hsds` and `manage.py export_hsds`."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coproduce.audit.models import AuditEvent
from coproduce.directory.hsds.validate import STANDARD_DIR
from coproduce.directory.models import Service

EXAMPLES = STANDARD_DIR / "hsds-3.0" / "examples"


@pytest.mark.django_db
def test_import_a_json_file_then_export_it(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("import_hsds", str(EXAMPLES / "service_full.json"), stdout=out, stderr=io.StringIO())

    assert out.getvalue() == (
        "Created 1 taxonomy, 1 taxonomy_term, 1 organization, 1 service, 1 location, 1 service_at_location, "
        "1 contact, 1 phone, 1 schedule, 1 service_area, 1 address, 1 attribute; changed nothing; unchanged nothing.\n"
    )
    assert list(AuditEvent.objects.filter(record_type="directory.Service").values_list("action", "channel")) == [
        ("create", "system")
    ]
    call_command("export_hsds", "--output", str(tmp_path / "out.json"), stderr=io.StringIO())
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in exported["organizations"][0]["services"]] == ["Community Counselling"]


@pytest.mark.django_db
def test_import_a_csv_package_folder_and_export_one(tmp_path: Path) -> None:
    err = io.StringIO()
    call_command("import_hsds", str(EXAMPLES / "csv"), stdout=io.StringIO(), stderr=err)

    assert Service.objects.get().name == "Community Counselling"
    assert "meta_table_descriptions.csv line 2: table descriptions are not kept; skipped." in err.getvalue()
    call_command("export_hsds", "--tabular", "--output", str(tmp_path / "pkg"), stderr=io.StringIO())
    assert (
        (tmp_path / "pkg" / "services.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1]
        .startswith('"ac148810-d857-441c-9679-408f346de14b","d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",')
    )


@pytest.mark.django_db
def test_a_refused_file_lists_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    document = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    document["status"] = "open"
    bad.write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^Nothing was imported: 1 problem\(s\)\.$"):
        call_command("import_hsds", str(bad), stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == "status: 'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']\n"
    assert Service.objects.count() == 0


@pytest.mark.django_db
def test_export_to_standard_output() -> None:
    out = io.StringIO()
    call_command("export_hsds", stdout=out)

    assert json.loads(out.getvalue()) == {
        "organizations": [],
        "services": [],
        "locations": [],
        "taxonomies": [],
        "taxonomy_terms": [],
    }
