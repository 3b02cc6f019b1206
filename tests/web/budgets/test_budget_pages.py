"""The budget pages: the manager's budgets, the keyworker's page per participant, “Money spent on me”."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coproduce.budgets.models import BudgetPot, Spend
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory, ProposedSpendFactory, SpendFactory
from tests.personas import Personas
from tests.plans.factories import GoalFactory

ClientFor = Callable[[str], Client]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
MANAGER_PAGE_QUERIES = 11
KEYWORKER_PAGE_QUERIES = 10
PARTICIPANT_PAGE_QUERIES = 7


def fife_pot(p: Personas, **kwargs: object) -> BudgetPot:
    return BudgetPotFactory(partnership=p.fife, **kwargs)


def test_manager_sees_balances_categories_and_requests_above_the_limit(
    personas: Personas, client_for: ClientFor
) -> None:
    pot = fife_pot(personas, amount=Decimal("800.00"))
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("70.00"), category="travel")
    SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("100.00"), description="Within the limit")
    SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("100.01"), description="A penny over")
    page = client_for("partnership_manager").get(reverse("web:area_budgets")).content.decode()
    for figure in ("£800.00", "£70.00", "£200.01", "£730.00"):
        assert figure in page
    assert "A penny over" in page
    assert "Within the limit" not in page
    assert "Travel" in page


def test_manager_approves_from_the_page_and_an_overspend_is_told_plainly(
    personas: Personas, client_for: ClientFor
) -> None:
    pot = fife_pot(personas, amount=Decimal("200.00"))
    big = SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("150.00"))
    bigger = SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("150.00"))
    client = client_for("partnership_manager")
    response = client.post(reverse("web:spend_approve", args=[big.pk]), {"version": 1}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:area_budgets")
    response = client.post(reverse("web:spend_approve", args=[bigger.pk]), {"version": 1}, follow=True)
    assert "There is not enough left in Barrier-busting fund: £50.00 left, £150.00 asked." in response.content.decode()
    assert sorted(Spend.objects.values_list("state", flat=True)) == ["approved", "requested"]


def test_a_stale_approval_gets_the_conflict_page(personas: Personas, client_for: ClientFor) -> None:
    spend = SpendFactory(pot=fife_pot(personas), participant=personas.participant, amount=Decimal("10.00"))
    response = client_for("keyworker").post(reverse("web:spend_approve", args=[spend.pk]), {"version": 9})
    assert response.status_code == 409
    assert Spend.objects.get(pk=spend.pk).state == "requested"


def test_keyworker_asks_and_approves_within_the_limit(personas: Personas, client_for: ClientFor) -> None:
    pot = fife_pot(personas)
    goal = GoalFactory(participant=personas.participant, title="Start the care course")
    client = client_for("keyworker")
    url = reverse("web:participant_budget", args=[personas.participant.pk])
    page = client.get(url).content.decode()
    assert "Barrier-busting fund (£1000.00 left)" in page
    response = client.post(
        url,
        {"pot": pot.pk, "category": "course_fees", "amount": "100.00", "description": "Course fee", "goal": goal.pk},
    )
    assert response.status_code == 302
    spend = Spend.objects.get()
    assert (spend.goal_id, spend.amount, spend.state) == (goal.pk, Decimal("100.00"), "requested")
    page = client.get(url).content.decode()
    assert "Waiting for Pat’s answer" in page
    assert reverse("web:spend_approve", args=[spend.pk]) not in page
    refused = client.post(reverse("web:spend_approve", args=[spend.pk]), {"version": 1}, follow=True)
    assert "They have not said yes to this yet, so it cannot be approved." in refused.content.decode()
    assert Spend.objects.get().state == "requested"
    client.post(
        url, {"action": "answer", "spend": spend.pk, "version": 1, "answer": "yes", "answered_how": "in_person"}
    )
    page = client.get(url).content.decode()
    assert "Pat said yes" in page
    assert reverse("web:spend_approve", args=[spend.pk]) in page
    client.post(reverse("web:spend_approve", args=[spend.pk]), {"version": 2})
    assert Spend.objects.get().state == "approved"


def test_a_spend_not_for_a_goal_needs_the_reason(personas: Personas, client_for: ClientFor) -> None:
    pot = fife_pot(personas)
    client = client_for("keyworker")
    url = reverse("web:participant_budget", args=[personas.participant.pk])
    asked = {"pot": pot.pk, "category": "travel", "amount": "8.00", "description": "Bus to see us"}
    page = client.post(url, asked).content.decode()
    assert "Choose the goal it is for, or “Not for a goal”." in page
    page = client.post(url, {**asked, "goal": "0"}).content.decode()
    assert "Say why it is not for one of their goals." in page
    assert client.post(url, {**asked, "goal": "0", "no_goal_reason": "Travel to see us"}).status_code == 302
    assert Spend.objects.get().no_goal_reason == "Travel to see us"


def test_the_record_and_the_goal_lead_to_the_budget(personas: Personas, client_for: ClientFor) -> None:
    pot = fife_pot(personas)
    goal = GoalFactory(participant=personas.participant, title="Get to interviews")
    GoalFactory(participant=personas.participant, title="Learn to drive")
    SpendFactory(pot=pot, participant=personas.participant, goal=goal, description="Train fare")
    SpendFactory(pot=pot, participant=personas.participant, description="Bus to see us")
    client = client_for("keyworker")
    budget = reverse("web:participant_budget", args=[personas.participant.pk])
    record = client.get(reverse("web:participant_detail", args=[personas.participant.pk])).content.decode()
    assert f'href="{budget}"' in record
    plan = client.get(reverse("web:participant_plan", args=[personas.participant.pk])).content.decode()
    assert plan.count("Spending for this goal") == 1
    assert f'href="{budget}?goal={goal.pk}"' in plan
    page = client.get(f"{budget}?goal={goal.pk}").content.decode()
    assert "Train fare" in page
    assert "Bus to see us" not in page
    assert "Showing only the spending for the goal “Get to interviews”" in page


def test_keyworker_sees_no_approve_button_a_penny_over(personas: Personas, client_for: ClientFor) -> None:
    spend = SpendFactory(pot=fife_pot(personas), participant=personas.participant, amount=Decimal("100.01"))
    page = client_for("keyworker").get(reverse("web:participant_budget", args=[personas.participant.pk])).content
    assert reverse("web:spend_approve", args=[spend.pk]).encode() not in page
    assert "Above £100.00: the partnership manager decides" in page.decode()
    assert (
        client_for("keyworker").post(reverse("web:spend_approve", args=[spend.pk]), {"version": 1}).status_code == 403
    )


def test_a_bad_request_shows_the_errors(personas: Personas, client_for: ClientFor) -> None:
    fife_pot(personas)
    url = reverse("web:participant_budget", args=[personas.participant.pk])
    response = client_for("keyworker").post(url, {"pot": "", "category": "travel", "amount": "-1", "description": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose the pot." in body
    assert "Say what it is for, in plain words." in body
    assert Spend.objects.count() == 0


def test_receipt_upload_and_a_wrong_file(personas: Personas, client_for: ClientFor) -> None:
    spend = ApprovedSpendFactory(pot=fife_pot(personas), participant=personas.participant)
    client = client_for("keyworker")
    url = reverse("web:spend_receipt", args=[spend.pk])
    bad = client.post(url, {"version": 1, "receipt": SimpleUploadedFile("r.png", b"not a png")})
    assert bad.status_code == 400
    assert "The file is not a real PNG." in bad.content.decode()
    good = client.post(url, {"version": 1, "receipt": SimpleUploadedFile("r.png", PNG)})
    assert good.status_code == 302
    download = client.get(url + "?download")
    assert download.content == PNG
    assert download["Content-Type"] == "image/png"


def test_manager_opens_a_pot_for_a_member_organisation(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("partnership_manager").post(
        reverse("web:budget_pot_add"),
        {
            "name": "Money advice fund",
            "holder": str(personas.partner_agency.pk),
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "amount": "900",
            "keyworker_limit": "50",
        },
    )
    assert response.status_code == 302
    pot = BudgetPot.objects.get()
    assert (pot.organisation_id, pot.partnership_id, pot.keyworker_limit) == (
        personas.partner_agency.pk,
        None,
        Decimal("50.00"),
    )


def test_participant_sees_what_was_spent_on_them_and_for_which_goal(personas: Personas, client_for: ClientFor) -> None:
    goal = GoalFactory(participant=personas.participant, title="Get to interviews")
    pot = fife_pot(personas)
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("45.50"), goal=goal)
    SpendFactory(pot=pot, participant=personas.participant, description="Cancelled thing", state="cancelled")
    ApprovedSpendFactory(pot=pot, participant=personas.second_participant, description="Paula's laptop")
    page = client_for("participant").get(reverse("web:my_money")).content.decode()
    assert "£45.50 spent on you so far." in page
    assert "For your goal “Get to interviews”" in page
    assert "Paula's laptop" not in page
    assert "Cancelled thing" not in page


def test_participant_says_yes_or_no_to_a_proposed_spend(personas: Personas, client_for: ClientFor) -> None:
    spend = ProposedSpendFactory(pot=fife_pot(personas), participant=personas.participant, description="Work boots")
    client = client_for("participant")
    page = client.get(reverse("web:my_money")).content.decode()
    assert "Would you like this?" in page
    assert "Yes, I’d like this" in page
    assert "No thanks" in page
    response = client.post(
        reverse("web:my_money"), {"spend": spend.pk, "version": spend.version, "answer": "no"}, follow=True
    )
    page = response.content.decode()
    assert "We have noted “no thanks”." in page
    assert "You said no thanks" in page
    spend.refresh_from_db()
    assert (spend.participant_answer, spend.answered_how) == ("no", "themselves")
    client.post(reverse("web:my_money"), {"spend": spend.pk, "version": spend.version, "answer": "yes"})
    spend.refresh_from_db()
    assert spend.participant_answer == "yes"


def test_a_participants_stale_answer_sends_them_back_to_look_again_and_changes_nothing(
    personas: Personas, client_for: ClientFor
) -> None:
    spend = ProposedSpendFactory(pot=fife_pot(personas), participant=personas.participant, description="Work boots")
    client = client_for("participant")
    seen = spend.version
    client.post(reverse("web:my_money"), {"spend": spend.pk, "version": seen, "answer": "no"})

    response = client.post(reverse("web:my_money"), {"spend": spend.pk, "version": seen, "answer": "yes"}, follow=True)

    assert response.redirect_chain == [(reverse("web:my_money"), 302)]
    assert "This changed while you were looking at it. Look again and answer again." in response.content.decode()
    spend.refresh_from_db()
    assert spend.participant_answer == "no"


@pytest.mark.parametrize("rows", [1, 12])
def test_manager_page_queries_do_not_grow(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: object, rows: int
) -> None:
    for _ in range(rows):
        pot = fife_pot(personas)
        ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("5.00"))
        SpendFactory(pot=pot, participant=personas.second_participant, amount=Decimal("150.00"))
    client = client_for("partnership_manager")
    client.get(reverse("web:area_budgets"))
    with django_assert_num_queries(MANAGER_PAGE_QUERIES):  # type: ignore[operator]
        assert client.get(reverse("web:area_budgets")).status_code == 200


@pytest.mark.parametrize("rows", [1, 12])
def test_keyworker_page_queries_do_not_grow(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: object, rows: int
) -> None:
    pot = fife_pot(personas)
    for _ in range(rows):
        fife_pot(personas)
        GoalFactory(participant=personas.participant)
        ApprovedSpendFactory(
            pot=pot, participant=personas.participant, goal=GoalFactory(participant=personas.participant)
        )
        SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("150.00"))
    client = client_for("keyworker")
    url = reverse("web:participant_budget", args=[personas.participant.pk])
    client.get(url)
    with django_assert_num_queries(KEYWORKER_PAGE_QUERIES):  # type: ignore[operator]
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 12])
def test_participant_page_queries_do_not_grow(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: object, rows: int
) -> None:
    pot = fife_pot(personas)
    for _ in range(rows):
        ApprovedSpendFactory(
            pot=pot, participant=personas.participant, goal=GoalFactory(participant=personas.participant)
        )
        ProposedSpendFactory(
            pot=pot, participant=personas.participant, goal=GoalFactory(participant=personas.participant)
        )
    client = client_for("participant")
    client.get(reverse("web:my_money"))
    with django_assert_num_queries(PARTICIPANT_PAGE_QUERIES):  # type: ignore[operator]
        assert client.get(reverse("web:my_money")).status_code == 200
