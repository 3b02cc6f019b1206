"""An HSDS import changes only entries its importer may edit; the rest are refused, by name.

Mo manages Fife; Glen manages Glasgow. Fife's partner Kingdom Money Advice runs "Money and debt
advice"; Glasgow's Glasgow Family Works runs "Glasgow Money Matters". Mo once imported a whole
directory and renamed Glasgow's service on the public directory ("665 updated"). Now whatever
Mo's file says about Glasgow's entries is refused and reported, and the rest of it is imported;
entries the file holds unchanged are neither changes nor refusals. The operator's command (the
system) may change anything, and says what it changed.
"""

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coproduce.directory.hsds.exporter import export_directory, export_tabular
from coproduce.directory.hsds.importer import import_hsds_json, import_hsds_tabular
from coproduce.directory.models import DirectoryOrganisation, Phone, Service, TaxonomyTerm
from coproduce.directory.selectors import services_editable_by
from coproduce.directory.services import barrier_taxonomy
from coproduce.plans.models import Barrier
from tests.personas import Personas
from tests.referrals.factories import PartnerEntryFactory, PartnerServiceFactory

NOT_YOURS = "It is not one of your partnership's entries."


@pytest.fixture
def glasgow_service(personas: Personas) -> Service:
    member = personas.glasgow_manager.organisation
    entry = PartnerEntryFactory(member=member, name=member.name)
    service = PartnerServiceFactory(organization=entry, name="Glasgow Money Matters")
    service.partnerships.add(personas.glasgow)
    return service


def organisations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {organisation["name"]: organisation for organisation in document["organizations"]}


def service_in(document: dict[str, Any], name: str) -> dict[str, Any]:
    for organisation in document["organizations"]:
        for service in organisation.get("services", []):
            if service["name"] == name:
                return service  # type: ignore[no-any-return]
    raise KeyError(name)


def renaming_both(personas: Personas) -> dict[str, Any]:
    """The whole directory, with Fife's service and Glasgow's renamed."""
    document = export_directory()
    service_in(document, "Money and debt advice")["name"] = "Money, debt and benefits advice"
    service_in(document, "Glasgow Money Matters")["name"] = "Click here for free money"
    return document


def names() -> list[str]:
    return sorted(Service.objects.values_list("name", flat=True))


def test_mo_renames_fifes_service_and_glasgows_is_refused_by_name(personas: Personas, glasgow_service: Service) -> None:
    version = glasgow_service.version

    result = import_hsds_json(renaming_both(personas), actor=personas.manager.user)

    assert names() == ["Glasgow Money Matters", "Money, debt and benefits advice"]
    assert Service.objects.get(pk=glasgow_service.pk).version == version
    assert result.updated == {"service": 1}
    assert result.created == {}
    assert [(r.kind, r.name, r.reason) for r in result.refused] == [("service", "Glasgow Money Matters", NOT_YOURS)]


def test_the_same_through_a_csv_data_package(personas: Personas, glasgow_service: Service) -> None:
    files = export_tabular(renaming_both(personas))

    result = import_hsds_tabular({name: text.encode() for name, text in files.items()}, actor=personas.manager.user)

    assert names() == ["Glasgow Money Matters", "Money, debt and benefits advice"]
    assert result.updated == {"service": 1}
    assert [r.name for r in result.refused] == ["Glasgow Money Matters"]


def test_glen_cannot_rename_fifes_service_either(personas: Personas, glasgow_service: Service) -> None:
    result = import_hsds_json(renaming_both(personas), actor=personas.glasgow_manager.user)

    assert names() == ["Click here for free money", "Money and debt advice"]
    assert [r.name for r in result.refused] == ["Money and debt advice"]


def test_reimporting_the_whole_directory_changes_and_refuses_nothing(
    personas: Personas, glasgow_service: Service
) -> None:
    before = list(Service.objects.order_by("pk").values_list("name", "version"))

    result = import_hsds_json(export_directory(), actor=personas.manager.user)

    assert (result.created, result.updated, result.refused) == ({}, {}, [])
    assert result.unchanged["service"] == 2
    assert list(Service.objects.order_by("pk").values_list("name", "version")) == before


def test_adding_a_phone_to_glasgows_service_is_refused(personas: Personas, glasgow_service: Service) -> None:
    document = export_directory()
    service_in(document, "Glasgow Money Matters")["phones"] = [{"id": str(uuid.uuid4()), "number": "0141 000 0000"}]

    result = import_hsds_json(document, actor=personas.manager.user)

    assert Phone.objects.count() == 0
    assert [(r.kind, r.name) for r in result.refused] == [("phone", "a phone of Glasgow Money Matters")]


def test_a_phone_that_belongs_to_no_entry_is_not_mos_to_change(personas: Personas) -> None:
    phone = Phone.objects.create(number="01592 000000")

    result = import_hsds_json(
        {"phones": [{"id": str(phone.pk), "number": "0800 000 000"}]}, actor=personas.manager.user
    )

    assert Phone.objects.get().number == "01592 000000"
    assert [(r.kind, r.name, r.reason) for r in result.refused] == [("phone", "a phone", NOT_YOURS)]


def test_a_new_service_is_mos_to_keep_and_one_in_glasgow_is_refused(
    personas: Personas, glasgow_service: Service
) -> None:
    document = export_directory()
    fife_entry = organisations(document)["Kingdom Money Advice"]
    fife_entry["services"].append({"id": str(uuid.uuid4()), "name": "Benefits check", "status": "active"})
    fife_entry["services"].append(
        {
            "id": str(uuid.uuid4()),
            "name": "Glasgow drop-in",
            "status": "active",
            "x_coproduce": {"partnerships": [{"gss_code": personas.glasgow.gss_code}]},
        }
    )

    result = import_hsds_json(document, actor=personas.manager.user)

    added = Service.objects.get(name="Benefits check")
    assert list(added.partnerships.all()) == [personas.fife]
    assert added in services_editable_by(personas.manager.user)
    assert not Service.objects.filter(name="Glasgow drop-in").exists()
    assert result.created == {"service": 1}
    assert [(r.name, r.reason) for r in result.refused] == [
        ("Glasgow drop-in", "It would change which other partnerships' directories it is in.")
    ]


def test_a_new_service_under_glasgows_organisation_is_refused(personas: Personas, glasgow_service: Service) -> None:
    document = export_directory()
    organisations(document)["Glasgow Family Works"]["services"].append(
        {"id": str(uuid.uuid4()), "name": "Fife outreach", "status": "active"}
    )

    result = import_hsds_json(document, actor=personas.manager.user)

    assert not Service.objects.filter(name="Fife outreach").exists()
    assert [(r.name, r.reason) for r in result.refused] == [
        ("Fife outreach", "It would be added to Glasgow Family Works, which is not one of your partnership's entries.")
    ]


def test_a_shared_service_may_be_changed_but_not_taken_out_of_glasgow(personas: Personas) -> None:
    shared = PartnerServiceFactory(organization=personas.partner_service.organization, name="Shared helpline")
    shared.partnerships.add(personas.fife, personas.glasgow)
    document = export_directory()
    service_in(document, "Shared helpline")["name"] = "Shared helpline (evenings too)"

    renamed = import_hsds_json(document, actor=personas.manager.user)
    service_in(document, "Shared helpline (evenings too)")["x_coproduce"]["partnerships"] = [
        {"gss_code": personas.fife.gss_code}
    ]
    dropped = import_hsds_json(document, actor=personas.manager.user)

    shared.refresh_from_db()
    assert shared.name == "Shared helpline (evenings too)"
    assert sorted(p.area_name for p in shared.partnerships.all()) == ["Fife", "Glasgow"]
    assert (renamed.updated, renamed.refused) == ({"service": 1}, [])
    assert [(r.name, r.reason) for r in dropped.refused] == [
        ("Shared helpline (evenings too)", "It would change which other partnerships' directories it is in.")
    ]


def test_the_shared_taxonomy_may_grow_but_not_change(personas: Personas) -> None:
    taxonomy = barrier_taxonomy()
    term = TaxonomyTerm.objects.get(taxonomy_detail=taxonomy, code=Barrier.CHILDCARE.value)
    document = {
        "taxonomy_terms": [
            {
                "id": str(term.pk),
                "code": term.code,
                "name": "Free babysitting",
                "description": term.description,
                "taxonomy_id": str(taxonomy.pk),
            },
            {
                "id": str(uuid.uuid4()),
                "code": "pets",
                "name": "Pet care",
                "description": "Looking after pets.",
                "taxonomy_id": str(taxonomy.pk),
            },
        ]
    }

    result = import_hsds_json(document, actor=personas.manager.user)

    assert TaxonomyTerm.objects.get(pk=term.pk).name == term.name
    assert TaxonomyTerm.objects.filter(name="Pet care").count() == 1
    assert [(r.kind, r.name, r.reason) for r in result.refused] == [
        (
            "taxonomy_term",
            term.name,
            "Every partnership shares the taxonomy: an import may add to it, and only the operator's changes it.",
        )
    ]


# Through the page, the API and the command ----------------------------------------------------


def json_upload(document: dict[str, Any]) -> io.BytesIO:
    file = io.BytesIO(json.dumps(document).encode())
    file.name = "directory.json"
    return file


def test_the_page_says_what_was_refused(
    personas: Personas, glasgow_service: Service, client_for: Callable[[str], Client]
) -> None:
    response = client_for("partnership_manager").post(
        reverse("web:directory_import"), {"file": json_upload(renaming_both(personas))}, follow=True
    )

    page = response.content.decode()
    assert "Imported: 0 records added, 1 changed and 2 unchanged." in page
    assert "1 entry was left as it was: your import may not change it." in page
    assert "It is not one of your partnership&#x27;s entries: Glasgow Money Matters." in page
    assert names() == ["Glasgow Money Matters", "Money, debt and benefits advice"]


def test_the_api_says_what_was_refused(
    personas: Personas, glasgow_service: Service, client_for: Callable[[str], Client]
) -> None:
    response = client_for("partnership_manager").post(
        reverse("api-v1:import_directory"), {"file": json_upload(renaming_both(personas))}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["refused_count"]) == ({}, {"service": 1}, 1)
    assert body["refused"] == [
        {"kind": "service", "id": str(glasgow_service.pk), "name": "Glasgow Money Matters", "reason": NOT_YOURS}
    ]
    assert names() == ["Glasgow Money Matters", "Money, debt and benefits advice"]


def test_the_command_run_as_mo_refuses_as_the_page_does(
    personas: Personas, glasgow_service: Service, tmp_path: Any
) -> None:
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(renaming_both(personas)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()

    call_command("import_hsds", str(path), "--as", personas.manager.user.email, stdout=out, stderr=err)

    assert names() == ["Glasgow Money Matters", "Money, debt and benefits advice"]
    assert err.getvalue() == f"Refused 1 entry, left as it was:\n- Glasgow Money Matters (service): {NOT_YOURS}\n"


def test_the_command_as_the_system_changes_anything_and_says_whose(
    personas: Personas, glasgow_service: Service, tmp_path: Any
) -> None:
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(renaming_both(personas)), encoding="utf-8")
    out = io.StringIO()

    call_command("import_hsds", str(path), stdout=out, stderr=io.StringIO())

    assert names() == ["Click here for free money", "Money, debt and benefits advice"]
    report = out.getvalue()
    assert "Created nothing; changed 2 service; unchanged 2 organization." in report
    assert (
        "Changed: Click here for free money (service; in Glasgow), Money, debt and benefits advice (service; in Fife)."
        in report
    )


def test_a_csv_package_from_mo_refuses_the_same_through_the_page(
    personas: Personas, glasgow_service: Service, client_for: Callable[[str], Client]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in export_tabular(renaming_both(personas)).items():
            archive.writestr(name, text)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "directory.zip"

    response = client_for("partnership_manager").post(reverse("web:directory_import"), {"file": upload}, follow=True)

    assert "Glasgow Money Matters" in response.content.decode()
    assert names() == ["Glasgow Money Matters", "Money, debt and benefits advice"]
    assert DirectoryOrganisation.objects.count() == 2
