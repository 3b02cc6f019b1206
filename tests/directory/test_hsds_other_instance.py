"""An export of one Coproduce instance imports into another, empty one; what it cannot use there is reported.

The second instance is the same test database emptied of its directory and of the partnership the
services were in, so the export names a GSS code the importing instance has no partnership for.
"""

import copy
import io
import json
import re
import shlex
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from coproduce.directory.hsds.exporter import export_directory, export_tabular
from coproduce.directory.hsds.importer import MODELS, import_hsds_json
from coproduce.directory.hsds.validate import HSDS, ORUK, validate_document
from coproduce.directory.models import Location, Service
from coproduce.programmes.models import Partnership
from tests.directory.factories import (
    AddressFactory,
    AttributeFactory,
    LocationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from tests.programmes.factories import PartnershipFactory

README = Path(__file__).resolve().parents[2] / "README.md"
KIRKCALDY = (56.1165, -3.1584)


def build_directory() -> Partnership:
    partnership = PartnershipFactory(gss_code="S12000015", area_name="Fife")
    service = ServiceFactory(name="Money advice", partnerships=[partnership], takes_referrals=True)
    link = ServiceAtLocationFactory(service=service, location__latitude=KIRKCALDY[0], location__longitude=KIRKCALDY[1])
    AddressFactory(location=link.location)
    PhoneFactory(service=service)
    ScheduleFactory(service=service)
    AttributeFactory(service=service)
    ServiceFactory(name="Food bank", organization=service.organization, partnerships=[partnership])
    ServiceFactory(name="Helpline", organization=None)
    LocationFactory(organization=None, name="Online", location_type=Location.LocationType.VIRTUAL)
    return partnership


def empty_the_instance(partnership: Partnership) -> None:
    for model in MODELS.values():
        model.objects.all().delete()  # type: ignore[attr-defined]
    partnership.delete()


def without_partnerships(document: dict[str, Any]) -> dict[str, Any]:
    """The export as the other instance has it: the services in no partnership."""
    document = copy.deepcopy(document)
    for organisation in document["organizations"]:
        for service in organisation.get("services", []):
            service["x_coproduce"]["partnerships"] = []
    for service in document["services"]:
        service["x_coproduce"]["partnerships"] = []
    return document


@pytest.mark.django_db
def test_an_export_imports_into_an_empty_instance(tmp_path: Path) -> None:
    partnership = build_directory()
    call_command("export_hsds", "--output", str(tmp_path / "directory.json"), stderr=io.StringIO())
    exported = json.loads((tmp_path / "directory.json").read_text(encoding="utf-8"))
    empty_the_instance(partnership)

    out, err = io.StringIO(), io.StringIO()
    call_command("import_hsds", str(tmp_path / "directory.json"), stdout=out, stderr=err)

    assert err.getvalue() == (
        "Ignored x_coproduce.partnerships on 2 services: no local partnership with GSS code S12000015.\n"
    )
    assert out.getvalue().startswith("Created 1 taxonomy, 1 taxonomy_term, 1 organization, 3 service, 2 location,")
    assert sorted(Service.objects.values_list("name", flat=True)) == ["Food bank", "Helpline", "Money advice"]
    assert Service.objects.get(name="Money advice").takes_referrals is True
    assert not Service.partnerships.through.objects.exists()
    placed = Location.objects.exclude(latitude=None).get()
    assert (placed.latitude, placed.longitude) == KIRKCALDY
    # Everything else comes back exactly as it went.
    assert export_directory() == without_partnerships(exported)


@pytest.mark.django_db
def test_the_partnerships_the_instance_has_are_linked_and_the_others_left_out() -> None:
    partnership = build_directory()
    document = export_directory()
    service = document["organizations"][0]["services"][0]
    service["x_coproduce"]["partnerships"].append({"gss_code": "S12000099", "area_name": "Elsewhere"})
    empty_the_instance(partnership)
    here = PartnershipFactory(gss_code="S12000015")

    result = import_hsds_json(json.dumps(document), actor=None)

    assert result.warnings == [
        "Ignored x_coproduce.partnerships on 1 service: no local partnership with GSS code S12000099."
    ]
    assert set(Service.objects.filter(partnerships=here).values_list("name", flat=True)) == {
        "Food bank",
        "Money advice",
    }


@pytest.mark.django_db
def test_an_area_that_ran_successive_programmes_links_the_programme_running_now() -> None:
    import datetime

    from tests.programmes.factories import ProgrammeFactory

    partnership = build_directory()
    document = export_directory()
    empty_the_instance(partnership)
    ended = ProgrammeFactory(
        name="An earlier programme", starts_on=datetime.date(2013, 4, 1), ends_on=datetime.date(2017, 12, 31)
    )
    running = ProgrammeFactory(name="Making It Work Together", starts_on=datetime.date(2025, 4, 1))
    PartnershipFactory(programme=ended, gss_code="S12000015", area_name="Fife", short_code="FIF")
    now = PartnershipFactory(programme=running, gss_code="S12000015", area_name="Fife", short_code="FIF")

    result = import_hsds_json(json.dumps(document), actor=None)

    assert result.warnings == []
    assert set(Service.objects.filter(partnerships=now).values_list("name", flat=True)) == {"Food bank", "Money advice"}


@pytest.mark.django_db
def test_a_service_naming_only_unknown_partnerships_keeps_its_links() -> None:
    here = PartnershipFactory()
    service = ServiceFactory(partnerships=[here])
    document = {
        "id": str(service.pk),
        "name": service.name,
        "status": "active",
        "x_coproduce": {"partnerships": [{"gss_code": "S12000099"}]},
    }

    result = import_hsds_json(json.dumps(document), actor=None)

    assert result.warnings == [
        "Ignored x_coproduce.partnerships on 1 service: no local partnership with GSS code S12000099."
    ]
    assert list(service.partnerships.all()) == [here]


@pytest.mark.django_db
def test_unknown_extensions_are_reported_not_refused() -> None:
    service_id, location_id = uuid.uuid4(), uuid.uuid4()
    document = {
        "id": str(service_id),
        "name": "Tenancy help",
        "status": "active",
        "x_coproduce": {"takes_referrals": True, "rating": 5, "queue": {"weeks": 2}},
        "x_other_tool": {"colour": "green"},
        "service_at_locations": [
            {
                "id": str(uuid.uuid4()),
                "location": {"id": str(location_id), "location_type": "physical", "x_other_tool": 1},
            }
        ],
    }
    result = import_hsds_json(json.dumps(document), actor=None)

    assert result.warnings == [
        "Ignored x_coproduce.queue on 1 service: this instance does not know it.",
        "Ignored x_coproduce.rating on 1 service: this instance does not know it.",
        "Kept x_other_tool on 1 location as it came, unused: this instance does not know it.",
        "Kept x_other_tool on 1 service as it came, unused: this instance does not know it.",
    ]
    service = Service.objects.get(pk=service_id)
    assert service.takes_referrals is True
    exported = export_directory()["services"][0]
    assert exported["x_other_tool"] == {"colour": "green"}
    assert "rating" not in exported["x_coproduce"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": "open"}, "status: 'open' is not one of"),
        ({"x_coproduce": {"takes_referrals": "yes", "partnerships": [{"gss_code": "S12000099"}]}}, "is not of type"),
        ({"service_at_locations": [{"id": "not-a-uuid", "location_id": str(uuid.uuid4())}]}, "is not a 'uuid'"),
    ],
)
def test_a_broken_file_is_still_refused_and_changes_nothing(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    document = {
        "id": str(uuid.uuid4()),
        "name": "Tenancy help",
        "status": "active",
        "x_coproduce": {"partnerships": [{"gss_code": "S12000099"}]},
        "x_other_tool": 1,
        **change,
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_hsds", str(path), stdout=io.StringIO(), stderr=err)

    assert problem in err.getvalue()
    assert "Ignored" not in err.getvalue()
    assert not Service.objects.exists()


# Latitude and longitude -------------------------------------------------------------------------


def located(latitude: Any, longitude: Any) -> dict[str, Any]:
    point = {key: value for key, value in (("latitude", latitude), ("longitude", longitude)) if value is not None}
    return {"id": str(uuid.uuid4()), "location_type": "physical", "name": "Centre", **point}


@pytest.mark.django_db
def test_a_point_is_imported_and_exported_as_hsds_numbers(client: Client) -> None:
    document = located(*KIRKCALDY)
    service = {
        "id": str(uuid.uuid4()),
        "name": "Money advice",
        "status": "active",
        "service_at_locations": [{"id": str(uuid.uuid4()), "location": document}],
    }

    result = import_hsds_json(json.dumps(service), actor=None)

    assert result.warnings == []
    location = Location.objects.get()
    assert (location.latitude, location.longitude) == KIRKCALDY
    exported = export_directory()["services"][0]["service_at_locations"][0]["location"]
    assert (exported["latitude"], exported["longitude"]) == KIRKCALDY
    for standard in (HSDS, ORUK):
        assert validate_document(exported, "location", standard=standard) == []
    rows = export_tabular()["locations.csv"].splitlines()
    header, row = rows[0].split(","), rows[1].split(",")
    assert (row[header.index('"latitude"')], row[header.index('"longitude"')]) == ("56.1165", "-3.1584")
    public = client.get(f"/hsds/services/{service['id']}").json()["service_at_locations"][0]["location"]
    assert (public["latitude"], public["longitude"]) == KIRKCALDY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("latitude", "longitude", "why"),
    [
        (100, 40, "a latitude is from -90 to 90 and a longitude from -180 to 180"),
        (56.1, -181, "a latitude is from -90 to 90 and a longitude from -180 to 180"),
        (56.1, None, "it has only one of latitude and longitude"),
        (None, -3.2, "it has only one of latitude and longitude"),
    ],
)
def test_a_point_that_is_not_one_is_kept_as_it_came_and_reported(latitude: Any, longitude: Any, why: str) -> None:
    # HSDS does not bound them: its own example location has a latitude of 100.
    document = located(latitude, longitude)

    result = import_hsds_json(json.dumps(document), actor=None, kind="location")

    given = ", ".join(f"{key} {value}" for key, value in (("latitude", latitude), ("longitude", longitude)) if value)
    assert result.warnings == [f"(document): kept {given} as it came, but not as a point on the map: {why}."]
    location = Location.objects.get()
    assert (location.latitude, location.longitude) == (None, None)
    assert export_directory()["locations"] == [{**document, "name": "Centre"}]


# The README's commands ------------------------------------------------------------------------


def readme_commands(name: str) -> list[list[str]]:
    """The `manage.py NAME …` lines of the README, as arguments (comments and the "…" cut off)."""
    lines = re.findall(rf"^\.venv/bin/python manage\.py {name} ([^#\n]*)", README.read_text(encoding="utf-8"), re.M)
    return [shlex.split(line) for line in lines]


@pytest.mark.django_db
def test_the_readme_export_commands_work_and_their_files_import_into_an_empty_instance(tmp_path: Path) -> None:
    commands = readme_commands("export_hsds")
    assert commands == [["--output", "directory.json"], ["--tabular", "--output", "FOLDER"]]
    partnership = build_directory()
    places = {"directory.json": str(tmp_path / "directory.json"), "FOLDER": str(tmp_path / "FOLDER")}
    for arguments in commands:
        call_command("export_hsds", *[places.get(argument, argument) for argument in arguments], stderr=io.StringIO())
    assert (tmp_path / "FOLDER" / "datapackage.json").is_file()
    assert (tmp_path / "FOLDER" / "locations.csv").is_file()
    partnership.delete()
    for source in ("FOLDER", "directory.json"):
        for model in MODELS.values():
            model.objects.all().delete()  # type: ignore[attr-defined]
        call_command("import_hsds", places[source], stdout=io.StringIO(), stderr=io.StringIO())
        assert Service.objects.count() == 3
        placed = Location.objects.exclude(latitude=None).get()
        assert (placed.latitude, placed.longitude) == KIRKCALDY
