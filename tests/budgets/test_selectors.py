from decimal import Decimal

import pytest

from coproduce.budgets.selectors import (
    PotBalance,
    pot_balance,
    pots_visible_to,
    pots_with_balances,
    spend_by_category,
    spends_visible_to,
    spends_waiting_for_manager,
)
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory, SpendFactory
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_pots_of_the_partnership_and_its_member_organisations_only(personas: Personas) -> None:
    fife = BudgetPotFactory(partnership=personas.fife, name="Fife")
    member = BudgetPotFactory(partnership=None, organisation=personas.partner_agency, name="Member")
    BudgetPotFactory(partnership=personas.glasgow, name="Glasgow")
    BudgetPotFactory(partnership=None, organisation=personas.funder_organisation, name="Outsider")
    for role in ("keyworker", "partnership_manager"):
        assert set(pots_visible_to(personas.user_for(role))) == {fife, member}
    for role in ("participant", "partner_worker", "funder", "evaluator", "administrator"):
        assert list(pots_visible_to(personas.user_for(role))) == []


def test_spend_participant_own_keyworker_caseload_manager_area(personas: Personas) -> None:
    pot = BudgetPotFactory(partnership=personas.fife)
    pats = SpendFactory(pot=pot, participant=personas.participant)
    paulas = SpendFactory(pot=pot, participant=personas.second_participant)
    olives = SpendFactory(pot=pot, participant=personas.other_participant)
    gemmas = SpendFactory(pot=BudgetPotFactory(partnership=personas.glasgow), participant=personas.glasgow_participant)
    assert set(spends_visible_to(personas.participant.user)) == {pats}
    assert set(spends_visible_to(personas.keyworker.user)) == {pats, paulas}
    assert set(spends_visible_to(personas.manager.user)) == {pats, paulas, olives}
    assert set(spends_visible_to(personas.glasgow_manager.user)) == {gemmas}
    assert list(spends_visible_to(personas.funder.user)) == []


def test_balance_counts_approved_and_waiting_only(personas: Personas) -> None:
    pot = BudgetPotFactory(partnership=personas.fife, amount=Decimal("300.00"))
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("100.10"))
    SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("20.00"))
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("50.00"), state="declined")
    SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("70.00"), state="cancelled")
    expected = PotBalance(
        amount=Decimal("300.00"), approved=Decimal("100.10"), requested=Decimal("20.00"), left=Decimal("199.90")
    )
    assert pot_balance(pot) == expected
    assert pots_with_balances(personas.manager.user) == [(pot, expected)]


def test_waiting_for_the_manager_is_above_the_limit_only(personas: Personas) -> None:
    pot = BudgetPotFactory(partnership=personas.fife, keyworker_limit=Decimal("100.00"))
    SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("100.00"))
    over = SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("100.01"))
    assert list(spends_waiting_for_manager(personas.manager.user)) == [over]
    assert list(spends_waiting_for_manager(personas.keyworker.user)) == []


def test_spend_by_category(personas: Personas) -> None:
    pot = BudgetPotFactory(partnership=personas.fife)
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("10.00"), category="travel")
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("5.50"), category="travel")
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("60.00"), category="childcare")
    SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("99.00"), category="childcare")
    assert spend_by_category(personas.manager.user) == [
        {"category": "Childcare", "total": Decimal("60.00")},
        {"category": "Travel", "total": Decimal("15.50")},
    ]


@pytest.mark.parametrize("pots", [1, 15])
def test_balances_of_every_pot_in_one_query(personas: Personas, django_assert_num_queries: object, pots: int) -> None:
    for _ in range(pots):
        pot = BudgetPotFactory(partnership=personas.fife)
        ApprovedSpendFactory(pot=pot, participant=personas.participant)
    user = personas.manager.user
    pots_visible_to(user).count()  # works out who is acting (cached on the user)
    with django_assert_num_queries(1):  # type: ignore[operator]
        rows = pots_with_balances(user)
    assert len(rows) == pots
