"""Targets, grants and labour-market context through the API: both sides of agreement, refusals, versions."""

from collections.abc import Callable

from django.test import Client

from coproduce.audit.models import AuditEvent
from coproduce.programmes.models import EngagementTarget, Grant, LabourMarketContext
from tests.api.helpers import send_json
from tests.personas import Personas

GRANT = {
    "reference": "MIW-FIF-2013-01",
    "title": "Making It Work in Fife",
    "description": "Keyworkers and childcare for lone parents.",
    "amount": "350000.00",
    "awarded_on": "2013-03-01",
    "starts_on": "2013-04-01",
    "ends_on": "2016-03-31",
}


def test_the_manager_proposes_and_the_funder_agrees(personas: Personas, client_for: Callable[[str], Client]) -> None:
    manager, funder = client_for("partnership_manager"), client_for("funder")
    proposed = send_json(
        manager, "POST", "/api/v1/targets", {"partnership_id": personas.fife.pk, "year": 2015, "participants": 120}
    )
    assert proposed.status_code == 201
    body = proposed.json()
    assert (body["area"], body["status"], body["proposed_by"], body["agreed_by"], body["version"]) == (
        "Fife",
        "proposed",
        str(personas.manager.user),
        None,
        1,
    )
    own = send_json(manager, "POST", f"/api/v1/targets/{body['id']}/agree", {"version": 1})
    assert own.status_code == 403
    agreed = send_json(funder, "POST", f"/api/v1/targets/{body['id']}/agree", {"version": 1})
    assert agreed.status_code == 200
    assert (agreed.json()["status"], agreed.json()["agreed_by"]) == ("agreed", str(personas.funder.user))
    assert AuditEvent.objects.filter(channel="api", record_id=str(body["id"])).count() == 2


def test_changing_an_agreed_target_through_the_api_sends_it_back(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    funder, manager = client_for("funder"), client_for("partnership_manager")
    target = {"partnership_id": personas.fife.pk, "year": 2016, "participants": 90}
    made = send_json(funder, "POST", "/api/v1/targets", target).json()
    send_json(manager, "POST", f"/api/v1/targets/{made['id']}/agree", {"version": 1})
    twice = send_json(funder, "POST", "/api/v1/targets", target)
    assert twice.status_code == 400
    stale = send_json(funder, "POST", "/api/v1/targets", {**target, "participants": 95, "version": 1})
    assert stale.status_code == 409
    changed = send_json(manager, "POST", "/api/v1/targets", {**target, "participants": 95, "version": 2})
    assert changed.status_code == 201
    assert (changed.json()["status"], changed.json()["participants"], changed.json()["proposed_by"]) == (
        "proposed",
        95,
        str(personas.manager.user),
    )


def test_targets_are_listed_by_area(personas: Personas, client_for: Callable[[str], Client]) -> None:
    funder = client_for("funder")
    for partnership in (personas.fife, personas.glasgow):
        send_json(
            funder, "POST", "/api/v1/targets", {"partnership_id": partnership.pk, "year": 2015, "participants": 9}
        )
    assert client_for("funder").get("/api/v1/targets").json()["count"] == 2
    assert [t["area"] for t in client_for("partnership_manager").get("/api/v1/targets").json()["items"]] == ["Fife"]
    assert client_for("keyworker").get("/api/v1/targets").json()["count"] == 0
    refused = send_json(
        client_for("partnership_manager"),
        "POST",
        "/api/v1/targets",
        {"partnership_id": personas.glasgow.pk, "year": 2016, "participants": 9},
    )
    assert refused.status_code == 404
    assert EngagementTarget.objects.count() == 2


def test_the_funder_records_and_edits_a_grant(personas: Personas, client_for: Callable[[str], Client]) -> None:
    funder = client_for("funder")
    made = send_json(funder, "POST", "/api/v1/grants", {**GRANT, "partnership_id": personas.fife.pk})
    assert made.status_code == 201
    grant = made.json()
    assert (grant["recipient"], grant["funder"], grant["amount"], grant["version"]) == (
        "Fife Lone Parents Together",
        "Good Causes Fund",
        "350000.00",
        1,
    )
    patched = send_json(funder, "PATCH", f"/api/v1/grants/{grant['id']}", {"version": 1, "amount": "360000.00"})
    assert (patched.status_code, patched.json()["amount"], patched.json()["version"]) == (200, "360000.00", 2)
    stale = send_json(funder, "PATCH", f"/api/v1/grants/{grant['id']}", {"version": 1, "title": "Old"})
    assert stale.status_code == 409
    bad = send_json(funder, "PATCH", f"/api/v1/grants/{grant['id']}", {"version": 2, "ends_on": "2012-01-01"})
    assert (bad.status_code, sorted(bad.json()["errors"])) == (400, ["awarded_on", "ends_on"])
    by_manager = send_json(
        client_for("partnership_manager"), "PATCH", f"/api/v1/grants/{grant['id']}", {"version": 2, "title": "Mine"}
    )
    assert by_manager.status_code == 403
    assert Grant.objects.get().title == "Making It Work in Fife"
    # The manager reads it; Glasgow's manager does not see it.
    assert client_for("partnership_manager").get(f"/api/v1/grants/{grant['id']}").status_code == 200
    glasgow = client_for("partnership_manager")
    glasgow.force_login(personas.glasgow_manager.user)
    assert glasgow.get(f"/api/v1/grants/{grant['id']}").status_code == 404


def test_a_bad_grant_is_refused(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("funder"), "POST", "/api/v1/grants", {**GRANT, "partnership_id": personas.fife.pk, "amount": "0"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"amount": ["The amount must be more than £0."]}
    assert Grant.objects.count() == 0


def test_labour_market_figures(personas: Personas, client_for: Callable[[str], Client]) -> None:
    funder = client_for("funder")
    figures = {"partnership_id": personas.fife.pk, "year": 2015, "claimant_rate": "3.4", "source": "ONS Nomis"}
    made = send_json(funder, "POST", "/api/v1/labour-market", figures)
    assert made.status_code == 201
    assert (made.json()["gss_code"], made.json()["claimant_rate"], made.json()["job_density"]) == (
        "S12000047",
        "3.4",
        None,
    )
    corrected = send_json(funder, "POST", "/api/v1/labour-market", {**figures, "job_density": "0.64", "version": 1})
    assert (corrected.status_code, corrected.json()["job_density"], corrected.json()["version"]) == (201, "0.64", 2)
    refused = send_json(client_for("partnership_manager"), "POST", "/api/v1/labour-market", {**figures, "year": 2016})
    assert refused.status_code == 403
    assert client_for("partnership_manager").get("/api/v1/labour-market").json()["count"] == 1
    assert client_for("keyworker").get("/api/v1/labour-market").json()["count"] == 0
    assert LabourMarketContext.objects.count() == 1
