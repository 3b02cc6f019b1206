"""A pot is never overspent: under two approvals at the same moment (PostgreSQL), and under any
sequence of requests and decisions (a property test, on any database)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.budgets.models import BudgetPot, Spend
from coproduce.budgets.selectors import pot_balance
from coproduce.budgets.services import answer_spend, approve_spend, cancel_spend, decline_spend, request_spend
from coproduce.core.errors import DomainError
from tests.budgets.factories import BudgetPotFactory, SpendFactory
from tests.personas import Personas


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite locks the whole database, so select_for_update on a row is not exercised.",
)
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_cannot_overspend(personas: Personas) -> None:
    pot = BudgetPotFactory(partnership=personas.fife, amount=Decimal("100.00"), keyworker_limit=Decimal("100.00"))
    first = SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("60.00"))
    second = SpendFactory(pot=pot, participant=personas.second_participant, amount=Decimal("60.00"))
    keyworker_id = personas.keyworker.user.pk
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def approve(spend_id: int) -> None:
        from coproduce.accounts.models import User

        try:
            user = User.objects.get(pk=keyworker_id)  # each thread its own user (and actor cache)
            barrier.wait(timeout=10)
            approve_spend(actor=user, spend_id=spend_id, expected_version=1)
            outcomes[spend_id] = "approved"
        except DomainError as error:
            outcomes[spend_id] = f"refused: {error.message}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(spend.pk,)) for spend in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome.split(":")[0] for outcome in outcomes.values()) == ["approved", "refused"]
    refused = next(outcome for outcome in outcomes.values() if outcome.startswith("refused"))
    assert refused == "refused: There is not enough left in Barrier-busting fund: £40.00 left, £60.00 asked."
    states = sorted(Spend.objects.filter(pot=pot).values_list("state", flat=True))
    assert states == ["approved", "requested"]
    assert pot_balance(BudgetPot.objects.get(pk=pot.pk)).approved == Decimal("60.00")


ACTIONS = st.sampled_from(["request", "approve", "decline", "cancel"])
WHO = st.sampled_from(["keyworker", "manager"])
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400.00"), places=2)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=st.lists(st.tuples(ACTIONS, WHO, AMOUNTS, st.integers(min_value=0, max_value=9)), max_size=12))
def test_no_sequence_of_requests_and_decisions_overspends(
    personas: Personas, calls: list[tuple[str, str, Decimal, int]]
) -> None:
    users = {"keyworker": personas.keyworker.user, "manager": personas.manager.user}
    pot = BudgetPotFactory(partnership=personas.fife, amount=Decimal("500.00"), keyworker_limit=Decimal("100.00"))
    for action, who, amount, pick in calls:
        spends = list(Spend.objects.filter(pot=pot).order_by("pk"))
        try:
            if action == "request" or not spends:
                proposed = request_spend(
                    actor=personas.keyworker.user,
                    participant_id=personas.participant.pk,
                    pot_id=pot.pk,
                    category="travel",
                    amount=amount,
                    description="Bus fares",
                    no_goal_reason="Travel to appointments",
                )
                answer_spend(
                    actor=personas.keyworker.user,
                    spend_id=proposed.pk,
                    expected_version=proposed.version,
                    answer="yes",
                    answered_how="in_person",
                )
            else:
                spend = spends[pick % len(spends)]
                if action == "approve":
                    approve_spend(actor=users[who], spend_id=spend.pk, expected_version=spend.version)
                elif action == "decline":
                    decline_spend(actor=users[who], spend_id=spend.pk, expected_version=spend.version, reason="No")
                else:
                    cancel_spend(actor=users[who], spend_id=spend.pk, expected_version=spend.version)
        except DomainError:
            pass
        balance = pot_balance(BudgetPot.objects.get(pk=pot.pk))
        assert balance.left >= 0
        assert balance.approved == sum(
            (s.amount for s in Spend.objects.filter(pot=pot, state="approved")), Decimal("0.00")
        )
        assert balance.left == Decimal("500.00") - balance.approved
    Spend.objects.filter(pot=pot).delete()
    pot.delete()
