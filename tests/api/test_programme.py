"""Partnerships, organisations and staff through the API: for staff, with contacts for managers only."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import Personas


def test_partnerships_list_their_member_organisations(personas: Personas, client_for: Callable[[str], Client]) -> None:
    body = client_for("funder").get(reverse("api-v1:list_partnerships")).json()

    assert body["count"] == 2
    fife = body["items"][0]
    assert (fife["area_name"], fife["gss_code"], fife["short_code"], fife["programme"]) == (
        "Fife",
        "S12000047",
        "FIF",
        "Making It Work",
    )
    assert [(m["organisation"]["name"], m["role"]) for m in fife["memberships"]] == [
        ("Fife Council", "co_lead"),
        ("Fife Lone Parents Together", "co_lead"),
        ("Kingdom Money Advice", "member"),
    ]


def test_one_partnership_and_an_unknown_one(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client = client_for("evaluator")

    glasgow = client.get(reverse("api-v1:partnership_detail", args=[personas.glasgow.pk]))
    unknown = client.get(reverse("api-v1:partnership_detail", args=[999_999]))

    assert glasgow.json()["memberships"][0]["organisation"]["name"] == "Glasgow Family Works"
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "No such partnership."}


def test_an_organisation_shows_the_partnerships_it_belongs_to(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    body = (
        client_for("partner_worker")
        .get(reverse("api-v1:organisation_detail", args=[personas.partner_agency.pk]))
        .json()
    )

    assert body["name"] == "Kingdom Money Advice"
    assert body["memberships"] == [{"partnership": {"id": personas.fife.pk, "area_name": "Fife"}, "role": "member"}]


def test_organisations_are_listed_by_name(client_for: Callable[[str], Client]) -> None:
    body = client_for("keyworker").get(reverse("api-v1:list_organisations")).json()

    assert [item["name"] for item in body["items"]] == [
        "Caledonian Evaluation Unit",
        "Fife Council",
        "Fife Lone Parents Together",
        "Glasgow Family Works",
        "Good Causes Fund",
        "Kingdom Money Advice",
    ]


def test_staff_show_names_and_roles_but_contacts_only_to_managers(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    as_keyworker = {
        item["name"]: item for item in client_for("keyworker").get(reverse("api-v1:list_staff")).json()["items"]
    }
    as_manager = {
        item["name"]: item
        for item in client_for("partnership_manager").get(reverse("api-v1:list_staff")).json()["items"]
    }

    kim = as_keyworker["Kim Keyworker"]
    assert kim == {
        "id": personas.keyworker.pk,
        "name": "Kim Keyworker",
        "job_title": "Keyworker",
        "organisation": {
            "id": personas.lead_organisation.pk,
            "name": "Fife Lone Parents Together",
            "kind": "third_sector",
        },
        "partnership": {"id": personas.fife.pk, "area_name": "Fife"},
        "roles": ["keyworker"],
        "is_active": True,
        "email": None,
        "mobile": None,
    }
    assert as_manager["Kim Keyworker"]["email"] == "kim@fifelpt.example.org"
    assert as_manager["Fran Funder"]["partnership"] is None
    assert len(as_manager) == 8


@pytest.mark.parametrize(
    "route",
    ["api-v1:list_partnerships", "api-v1:list_organisations", "api-v1:list_staff"],
)
def test_participants_are_refused_the_programme_structure(route: str, client_for: Callable[[str], Client]) -> None:
    response = client_for("participant").get(reverse(route))

    assert response.status_code == 403
    assert response.json() == {"detail": "The programme's structure is for staff."}
