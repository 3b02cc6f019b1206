"""Access cases for discretionary budgets: pots, spend, decisions, receipts.

Fife has a £1,000 pot (keyworkers up to £100). Pat has a £40 request (within Kim's limit), a
£250 request (above it: Mo decides) and an approved £30 spend. Refused roles see none of Pat's
spend and change nothing.
"""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.budgets.models import BudgetPot, Spend
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory, ProposedSpendFactory, SpendFactory
from tests.personas import Personas

MANAGER = roles("partnership_manager")
KEYWORKER = roles("keyworker")
CASEWORKERS = roles("keyworker", "partnership_manager")
SMALL = "Bus fares to the college open day"
BIG = "Deposit for a childminder"
DONE = "Interview shoes"
PROPOSED = "Bus pass for the first week in work"
EVERYONE_WHO_ANSWERS = roles("participant", "keyworker", "partnership_manager")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def fife_pot(p: Personas) -> BudgetPot:
    pot = BudgetPot.objects.filter(partnership=p.fife).order_by("pk").first()
    if pot is None:
        pot = BudgetPotFactory(partnership=p.fife, name="Fife barrier fund")
        SpendFactory(pot=pot, participant=p.participant, amount=Decimal("40.00"), description=SMALL)
        SpendFactory(
            pot=pot, participant=p.participant, amount=Decimal("250.00"), description=BIG, category="childcare"
        )
        ApprovedSpendFactory(pot=pot, participant=p.participant, amount=Decimal("30.00"), description=DONE)
        ProposedSpendFactory(pot=pot, participant=p.participant, amount=Decimal("25.00"), description=PROPOSED)
    return pot


def spend(p: Personas, description: str) -> Spend:
    fife_pot(p)
    return Spend.objects.get(description=description)


def pat_secrets(p: Personas) -> list[str]:
    fife_pot(p)
    return [SMALL, BIG, p.participant.reference]


def spends_snapshot(p: Personas) -> tuple[object, ...]:
    fife_pot(p)
    return tuple(
        Spend.objects.order_by("pk").values_list("state", "version", "receipt", "decline_reason", "participant_answer")
    )


def pots_snapshot(p: Personas) -> tuple[object, ...]:
    fife_pot(p)
    return tuple(BudgetPot.objects.order_by("pk").values_list("name", "amount", "version"))


def pot_form(p: Personas, **extra: object) -> dict[str, object]:
    return {
        "name": "Fife 2027",
        "holder": "",
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "amount": "2000.00",
        "keyworker_limit": "150.00",
        **extra,
    }


def receipt(p: Personas) -> dict[str, object]:
    done = spend(p, DONE)
    return {"version": done.version, "receipt": SimpleUploadedFile("shoes.png", PNG, content_type="image/png")}


CASES = [
    # The manager's budgets.
    AccessCase(
        route="web:area_budgets",
        url=lambda p: fife_pot(p) and reverse("web:area_budgets"),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(route="web:budget_pot_add", url=lambda p: reverse("web:budget_pot_add"), allowed=MANAGER),
    AccessCase(
        route="web:budget_pot_add",
        label="save",
        method="POST",
        url=lambda p: reverse("web:budget_pot_add"),
        data=pot_form,
        allowed=MANAGER,
        allowed_status=302,
        snapshot=pots_snapshot,
    ),
    AccessCase(
        route="web:budget_pot_edit",
        url=lambda p: reverse("web:budget_pot_edit", args=[fife_pot(p).pk]),
        allowed=MANAGER,
    ),
    AccessCase(
        route="web:budget_pot_edit",
        label="save",
        method="POST",
        url=lambda p: reverse("web:budget_pot_edit", args=[fife_pot(p).pk]),
        data=lambda p: pot_form(p, version=fife_pot(p).version),
        allowed=MANAGER,
        allowed_status=302,
        snapshot=pots_snapshot,
    ),
    # The keyworker's page for one participant, and decisions.
    AccessCase(
        route="web:participant_budget",
        url=lambda p: fife_pot(p) and reverse("web:participant_budget", args=[p.participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:participant_budget",
        label="ask",
        method="POST",
        url=lambda p: reverse("web:participant_budget", args=[p.participant.pk]),
        data=lambda p: {
            "pot": fife_pot(p).pk,
            "category": "travel",
            "amount": "12.00",
            "description": "Train to Edinburgh",
            "goal": "0",
            "no_goal_reason": "Travel to an appointment with us",
        },
        allowed=KEYWORKER,
        allowed_status=302,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="web:spend_approve",
        method="POST",
        url=lambda p: reverse("web:spend_approve", args=[spend(p, SMALL).pk]),
        data=lambda p: {"version": spend(p, SMALL).version},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="web:spend_decline",
        url=lambda p: reverse("web:spend_decline", args=[spend(p, BIG).pk]),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:spend_decline",
        label="save",
        method="POST",
        url=lambda p: reverse("web:spend_decline", args=[spend(p, SMALL).pk]),
        data=lambda p: {"version": spend(p, SMALL).version, "reason": "The college pays fares"},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="web:spend_cancel",
        method="POST",
        url=lambda p: reverse("web:spend_cancel", args=[spend(p, BIG).pk]),
        data=lambda p: {"version": spend(p, BIG).version},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="web:spend_receipt",
        url=lambda p: reverse("web:spend_receipt", args=[spend(p, DONE).pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [DONE, p.participant.reference],
    ),
    AccessCase(
        route="web:spend_receipt",
        label="upload",
        method="POST",
        url=lambda p: reverse("web:spend_receipt", args=[spend(p, DONE).pk]),
        data=receipt,
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=spends_snapshot,
    ),
    # The participant's own page.
    AccessCase(
        route="web:my_money",
        url=lambda p: fife_pot(p) and reverse("web:my_money"),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:my_money",
        label="the participant answers a proposed spend",
        method="POST",
        url=lambda p: fife_pot(p) and reverse("web:my_money"),
        data=lambda p: {"spend": spend(p, PROPOSED).pk, "version": spend(p, PROPOSED).version, "answer": "yes"},
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="web:participant_budget",
        label="staff record the participant's answer",
        method="POST",
        url=lambda p: reverse("web:participant_budget", args=[spend(p, PROPOSED).participant_id]),
        data=lambda p: {
            "action": "answer",
            "spend": spend(p, PROPOSED).pk,
            "version": spend(p, PROPOSED).version,
            "answer": "yes",
            "answered_how": "phone",
        },
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=spends_snapshot,
    ),
    # The API.
    AccessCase(
        route="api-v1:answer_spend",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:answer_spend", args=[spend(p, PROPOSED).pk]),
        data=lambda p: {"version": spend(p, PROPOSED).version, "answer": "no", "answered_how": "phone"},
        allowed=EVERYONE_WHO_ANSWERS,
        api=True,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="api-v1:list_budget_pots",
        url=lambda p: fife_pot(p) and reverse("api-v1:list_budget_pots"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
    ),
    AccessCase(
        route="api-v1:create_budget_pot",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:create_budget_pot"),
        data=lambda p: {"name": "Fife 2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "amount": "2000"},
        allowed=MANAGER,
        allowed_status=201,
        api=True,
        snapshot=pots_snapshot,
    ),
    AccessCase(
        route="api-v1:budget_pot_detail",
        url=lambda p: reverse("api-v1:budget_pot_detail", args=[fife_pot(p).pk]),
        allowed=CASEWORKERS,
        api=True,
    ),
    AccessCase(
        route="api-v1:update_budget_pot",
        method="PATCH",
        json=True,
        url=lambda p: reverse("api-v1:update_budget_pot", args=[fife_pot(p).pk]),
        data=lambda p: {"version": fife_pot(p).version, "amount": "1500.00"},
        allowed=MANAGER,
        api=True,
        snapshot=pots_snapshot,
    ),
    AccessCase(
        route="api-v1:list_spends",
        url=lambda p: fife_pot(p) and reverse("api-v1:list_spends"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:my_spends",
        url=lambda p: fife_pot(p) and reverse("api-v1:my_spends"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:request_spend",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:request_spend"),
        data=lambda p: {
            "participant_id": p.participant.pk,
            "pot_id": fife_pot(p).pk,
            "category": "equipment",
            "amount": "25.00",
            "description": "A printer cartridge for CVs",
            "no_goal_reason": "For every job they apply for",
        },
        allowed=KEYWORKER,
        allowed_status=201,
        api=True,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="api-v1:spend_detail",
        url=lambda p: reverse("api-v1:spend_detail", args=[spend(p, SMALL).pk]),
        allowed=roles("participant", "keyworker", "partnership_manager"),
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:approve_spend",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:approve_spend", args=[spend(p, SMALL).pk]),
        data=lambda p: {"version": spend(p, SMALL).version},
        allowed=CASEWORKERS,
        api=True,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="api-v1:approve_spend",
        label="above the limit",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:approve_spend", args=[spend(p, BIG).pk]),
        data=lambda p: {"version": spend(p, BIG).version},
        allowed=MANAGER,
        api=True,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="api-v1:decline_spend",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:decline_spend", args=[spend(p, SMALL).pk]),
        data=lambda p: {"version": spend(p, SMALL).version, "reason": "The college pays fares"},
        allowed=CASEWORKERS,
        api=True,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="api-v1:cancel_spend",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:cancel_spend", args=[spend(p, BIG).pk]),
        data=lambda p: {"version": spend(p, BIG).version},
        allowed=CASEWORKERS,
        api=True,
        snapshot=spends_snapshot,
    ),
    AccessCase(
        route="api-v1:attach_receipt",
        method="POST",
        url=lambda p: reverse("api-v1:attach_receipt", args=[spend(p, DONE).pk]),
        data=receipt,
        allowed=CASEWORKERS,
        api=True,
        snapshot=spends_snapshot,
    ),
]
