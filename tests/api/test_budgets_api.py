"""Budget pots and spend through the API."""

from collections.abc import Callable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coproduce.audit.models import AuditEvent
from coproduce.budgets.models import BudgetPot, Spend
from tests.api.helpers import send_json
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory, SpendFactory
from tests.personas import Personas
from tests.plans.factories import GoalFactory

ClientFor = Callable[[str], Client]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_pots_list_with_balances_for_fife_staff_only(personas: Personas, client_for: ClientFor) -> None:
    pot = BudgetPotFactory(partnership=personas.fife, amount=Decimal("500.00"))
    BudgetPotFactory(partnership=personas.glasgow, name="Glasgow fund")
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("120.50"))
    SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("30.00"))
    listed = client_for("partnership_manager").get("/api/v1/budget-pots").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["name"], item["amount"], item["approved"], item["requested"], item["left"]) == (
        "Barrier-busting fund",
        "500.00",
        "120.50",
        "30.00",
        "379.50",
    )
    assert client_for("funder").get("/api/v1/budget-pots").json() == {"items": [], "count": 0}
    assert client_for("partnership_manager").get(f"/api/v1/budget-pots/{pot.pk}").json()["left"] == "379.50"
    assert client_for("funder").get(f"/api/v1/budget-pots/{pot.pk}").status_code == 404


def test_manager_opens_and_changes_a_pot_stale_version_gets_409(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("partnership_manager")
    made = send_json(
        client,
        "POST",
        "/api/v1/budget-pots",
        {"name": "Fife 2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "amount": "2000.00"},
    )
    assert made.status_code == 201
    pot_id = made.json()["id"]
    changed = send_json(client, "PATCH", f"/api/v1/budget-pots/{pot_id}", {"version": 1, "amount": "2500.00"})
    assert (changed.status_code, changed.json()["amount"], changed.json()["version"]) == (200, "2500.00", 2)
    stale = send_json(client, "PATCH", f"/api/v1/budget-pots/{pot_id}", {"version": 1, "name": "Old"})
    assert stale.status_code == 409
    assert BudgetPot.objects.get(pk=pot_id).name == "Fife 2027"


def test_keyworker_requests_and_approves_within_limit_then_receipt(personas: Personas, client_for: ClientFor) -> None:
    pot = BudgetPotFactory(partnership=personas.fife)
    goal = GoalFactory(participant=personas.participant)
    client = client_for("keyworker")
    made = send_json(
        client,
        "POST",
        "/api/v1/spends",
        {
            "participant_id": personas.participant.pk,
            "pot_id": pot.pk,
            "category": "clothes",
            "amount": "100.00",
            "description": "Interview suit",
            "goal_id": goal.pk,
        },
    )
    assert made.status_code == 201
    spend_id = made.json()["id"]
    assert made.json()["participant_answer"] == "waiting"
    too_soon = send_json(client, "POST", f"/api/v1/spends/{spend_id}/approve", {"version": 1})
    assert too_soon.status_code == 400
    assert "They have not said yes to this yet" in too_soon.json()["detail"]
    said = send_json(
        client_for("participant"), "POST", f"/api/v1/spends/{spend_id}/answer", {"version": 1, "answer": "yes"}
    )
    assert (said.status_code, said.json()["participant_answer"], said.json()["answered_how"]) == (
        200,
        "yes",
        "themselves",
    )
    approved = send_json(client, "POST", f"/api/v1/spends/{spend_id}/approve", {"version": 2})
    assert (approved.status_code, approved.json()["state"]) == (200, "approved")
    upload = client.post(
        f"/api/v1/spends/{spend_id}/receipt",
        {"version": "3", "receipt": SimpleUploadedFile("suit.png", PNG, content_type="image/png")},
    )
    assert (upload.status_code, upload.json()["has_receipt"]) == (200, True)
    bad = client.post(
        f"/api/v1/spends/{spend_id}/receipt", {"version": "4", "receipt": SimpleUploadedFile("suit.gif", b"GIF89a")}
    )
    assert bad.status_code == 400
    assert AuditEvent.objects.filter(record_type="budgets.Spend", record_id=str(spend_id)).count() == 4


def test_staff_record_an_answer_saying_how_and_a_spend_needs_a_goal_or_a_reason(
    personas: Personas, client_for: ClientFor
) -> None:
    pot = BudgetPotFactory(partnership=personas.fife)
    client = client_for("keyworker")
    asked = {
        "participant_id": personas.participant.pk,
        "pot_id": pot.pk,
        "category": "travel",
        "amount": "10.00",
        "description": "Bus",
    }
    assert send_json(client, "POST", "/api/v1/spends", asked).status_code == 400
    made = send_json(client, "POST", "/api/v1/spends", {**asked, "no_goal_reason": "Travel to see us"})
    assert (made.status_code, made.json()["no_goal_reason"]) == (201, "Travel to see us")
    spend_id = made.json()["id"]
    no_how = send_json(client, "POST", f"/api/v1/spends/{spend_id}/answer", {"version": 1, "answer": "no"})
    assert no_how.status_code == 400
    said = send_json(
        client, "POST", f"/api/v1/spends/{spend_id}/answer", {"version": 1, "answer": "no", "answered_how": "phone"}
    )
    assert (said.json()["participant_answer"], said.json()["answered_how"]) == ("no", "phone")


def test_over_the_limit_the_keyworker_gets_403_and_the_manager_approves(
    personas: Personas, client_for: ClientFor
) -> None:
    spend = SpendFactory(
        pot=BudgetPotFactory(partnership=personas.fife), participant=personas.participant, amount=Decimal("100.01")
    )
    refused = send_json(client_for("keyworker"), "POST", f"/api/v1/spends/{spend.pk}/approve", {"version": 1})
    assert refused.status_code == 403
    approved = send_json(
        client_for("partnership_manager"), "POST", f"/api/v1/spends/{spend.pk}/approve", {"version": 1}
    )
    assert approved.json()["state"] == "approved"


def test_overspend_is_400_and_nothing_changes(personas: Personas, client_for: ClientFor) -> None:
    pot = BudgetPotFactory(partnership=personas.fife, amount=Decimal("50.00"))
    spend = SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("50.01"))
    response = send_json(client_for("keyworker"), "POST", f"/api/v1/spends/{spend.pk}/approve", {"version": 1})
    assert response.status_code == 400
    assert response.json()["detail"] == "There is not enough left in Barrier-busting fund: £50.00 left, £50.01 asked."
    assert Spend.objects.get(pk=spend.pk).state == "requested"


def test_decline_and_cancel(personas: Personas, client_for: ClientFor) -> None:
    pot = BudgetPotFactory(partnership=personas.fife)
    first = SpendFactory(pot=pot, participant=personas.participant)
    second = SpendFactory(pot=pot, participant=personas.participant)
    client = client_for("keyworker")
    declined = send_json(
        client, "POST", f"/api/v1/spends/{first.pk}/decline", {"version": 1, "reason": "Paid by college"}
    )
    assert (declined.json()["state"], declined.json()["decline_reason"]) == ("declined", "Paid by college")
    cancelled = send_json(client, "POST", f"/api/v1/spends/{second.pk}/cancel", {"version": 1})
    assert cancelled.json()["state"] == "cancelled"


def test_participant_sees_only_money_spent_on_them_and_it_is_audited(personas: Personas, client_for: ClientFor) -> None:
    pot = BudgetPotFactory(partnership=personas.fife)
    ApprovedSpendFactory(pot=pot, participant=personas.participant, description="Bus pass")
    ApprovedSpendFactory(pot=pot, participant=personas.second_participant, description="Paula's laptop")
    client = client_for("participant")
    mine = client.get("/api/v1/me/spends").json()
    assert [item["description"] for item in mine["items"]] == ["Bus pass"]
    assert [item["description"] for item in client.get("/api/v1/spends").json()["items"]] == ["Bus pass"]
    assert AuditEvent.objects.filter(participant=personas.participant, action=AuditEvent.Action.LIST).count() == 2
    assert client_for("keyworker").get("/api/v1/me/spends").json() == {"items": [], "count": 0}
