"""The demo's outcomes, money and boards are the same for the same seed, and go with `remove_demo`.

In a module of its own: the other outcome tests share a full demo built once for their module.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from coproduce.budgets.models import Spend
from coproduce.demo import data
from coproduce.demo.builder import build_demo, remove_demo
from coproduce.outcomes.models import Outcome, SustainmentCheck
from coproduce.participants.models import Participant
from coproduce.programmes.models import BoardMember, EngagementTarget, Grant

TODAY = datetime.date(2026, 11, 27)
SMALL = 150
SEED = 7


def outcome_snapshot() -> dict[str, list[Any]]:
    return {
        "outcomes": list(
            Outcome.objects.order_by("participant__reference", "kind", "achieved_on").values_list(
                "participant__reference", "kind", "achieved_on", "description", "hours_per_week", "hourly_pay"
            )
        ),
        "checks": list(
            SustainmentCheck.objects.order_by("outcome__participant__reference", "weeks").values_list(
                "outcome__participant__reference", "weeks", "status", "checked_on"
            )
        ),
        "spends": list(
            Spend.objects.order_by("participant__reference", "requested_at").values_list(
                "participant__reference", "amount", "state", "category"
            )
        ),
        "targets": list(
            EngagementTarget.objects.order_by("partnership__short_code", "year").values_list("participants")
        ),
        "board": list(BoardMember.objects.order_by("partnership__short_code", "name").values_list("name", "kind")),
    }


def test_the_same_seed_gives_the_same_outcomes_money_and_boards(db: None) -> None:
    build_demo(participants=SMALL, seed=SEED, today=TODAY)
    first = outcome_snapshot()
    assert len(first["outcomes"]) > 0
    assert len(first["spends"]) > 0
    working = (
        Participant.objects.filter(outcomes__kind="job_start", partnership__programme__name=data.PROGRAMME_NAME)
        .distinct()
        .count()
    )
    assert working == 44  # 11 + 9 + 10 + 6 + 8 at the areas' rates
    remove_demo()
    assert not Outcome.objects.exists()
    assert not Grant.objects.exists()
    build_demo(participants=SMALL, seed=SEED, today=TODAY)
    assert outcome_snapshot() == first
    closed_grants = Grant.objects.filter(partnership__programme__name=data.PROGRAMME_NAME)
    assert closed_grants.aggregate(total=Sum("amount"))["total"] == Decimal("7000000.00")
