"""The demo's discretionary budgets: a pot per partnership per year, and spend on participants.

One pot per partnership for each programme year (2013–2017) and one for the current year, for the
open cases. Spends are requested by the keyworker, linked to the goal they serve where the
participant has one, and decided by the keyworker up to the pot's limit and by the partnership
manager above it. They are settled in the order they were asked for, and a request that would take
a pot past its amount is declined, so no pot is ever overspent. Requests still waiting are in the
current year's pots only.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from coproduce.accounts.roles import Role
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.demo import data
from coproduce.demo.support import GOALS
from coproduce.participants.models import Participant

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder, _Person

YEARS = (2013, 2014, 2015, 2016, 2017)
POUNDS_PER_PARTICIPANT_A_YEAR = 40  # a year's pot, per participant the area has in the demo
POUNDS_PER_OPEN_CASE = 70  # the current year's pot, per open case
NOT_ENOUGH_LEFT = "Not enough left in this pot."
SPEND_SHARE = 0.45

CATEGORY_WEIGHTS = {
    Spend.Category.CHILDCARE: 25,
    Spend.Category.TRAVEL: 30,
    Spend.Category.CLOTHES: 15,
    Spend.Category.COURSE_FEES: 12,
    Spend.Category.EQUIPMENT: 10,
    Spend.Category.OTHER: 8,
}
# (lowest, highest) in pounds, and what it is for.
CATEGORY_SPEND: dict[str, tuple[int, int, tuple[str, ...]]] = {
    Spend.Category.CHILDCARE: (
        40,
        420,
        ("Nursery fees for the first month in work", "After-school club while on the course", "Holiday club"),
    ),
    Spend.Category.TRAVEL: (8, 90, ("Bus pass for the first month in work", "Train fare to an interview")),
    Spend.Category.CLOTHES: (25, 85, ("Interview outfit", "Work shoes and trousers")),
    Spend.Category.COURSE_FEES: (45, 380, ("College course fee", "First aid course", "Driving theory test")),
    Spend.Category.EQUIPMENT: (20, 320, ("Second-hand laptop for job applications", "Tools for the job")),
    Spend.Category.OTHER: (15, 120, ("PVG check for a care job", "Phone top-up for job search")),
}
GOAL_THEMES = {
    Spend.Category.CHILDCARE: "childcare",
    Spend.Category.TRAVEL: "transport",
    Spend.Category.CLOTHES: "confidence",
    Spend.Category.COURSE_FEES: "skills",
    Spend.Category.EQUIPMENT: "digital",
}
NO_GOAL_REASONS = {
    Spend.Category.CHILDCARE: "Childcare so they can come to appointments, not for one goal",
    Spend.Category.TRAVEL: "Travel to appointments with us, not for one goal",
    Spend.Category.CLOTHES: "Helps with every job they apply for, not one goal",
    Spend.Category.COURSE_FEES: "They have not set a goal for this course yet",
    Spend.Category.EQUIPMENT: "Helps with every job they apply for, not one goal",
    Spend.Category.OTHER: "Needed for any job, not one goal",
}
DECLINE_REASONS = (
    "Other funding covers this: apply to the college bursary first.",
    "Too far ahead; ask again nearer the start date.",
    "Can be borrowed from the partnership instead.",
)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _round_to_100(amount: float) -> Decimal:
    return Decimal(max(500, round(amount / 100) * 100))


def write_budgets(builder: "_Builder") -> None:
    by_area: dict[str, list[_Person]] = defaultdict(list)
    for person in builder.people:
        by_area[person.area.short_code].append(person)
    current_year = builder.today.year
    spec = builder.spec
    # A closed programme's pots are its years'; a running one's, the years before this one, and this year's.
    years = YEARS if spec.closed else tuple(range(spec.starts_on.year, current_year))
    has_current = not spec.closed
    pots: dict[tuple[str, int], BudgetPot] = {}
    for area in data.AREAS:
        people = by_area[area.short_code]
        limit = Decimal("150.00") if area.short_code == "FIF" else Decimal("100.00")
        for year in years:
            starts_on = max(datetime.date(year, 1, 1), spec.starts_on)
            months = 12 - starts_on.month + 1
            pots[(area.short_code, year)] = BudgetPot(
                partnership=builder.partnerships[area.short_code],
                name=f"{area.area_name} discretionary fund {year}",
                starts_on=starts_on,
                ends_on=datetime.date(year, 12, 31),
                amount=_round_to_100(len(people) * POUNDS_PER_PARTICIPANT_A_YEAR * months / 12),
                keyworker_limit=limit,
            )
        if has_current:
            open_cases = sum(1 for person in people if person.status != Participant.Status.CLOSED)
            pots[(area.short_code, current_year)] = BudgetPot(
                partnership=builder.partnerships[area.short_code],
                name=f"{area.area_name} discretionary fund {current_year}",
                starts_on=max(datetime.date(current_year, 1, 1), spec.starts_on),
                ends_on=datetime.date(current_year, 12, 31),
                amount=_round_to_100(open_cases * POUNDS_PER_OPEN_CASE),
                keyworker_limit=limit,
            )
    builder.save(BudgetPot, list(pots.values()))

    planned: list[tuple[datetime.datetime, str, Spend]] = []
    demo_keyworker = builder.demo_staff.get(Role.KEYWORKER)
    waiting_for_demo = 0
    for person in builder.people:
        rng = builder.rng(f"spends {person.reference}")
        assert person.keyworker is not None
        assert person.row is not None
        count = rng.randint(1, 3) if rng.random() < SPEND_SHARE else 0
        is_open = person.status != Participant.Status.CLOSED
        for index in range(count):
            category = _weighted(rng, CATEGORY_WEIGHTS)
            low, high, descriptions = CATEGORY_SPEND[category]
            amount = Decimal(rng.randint(low, high)) + Decimal(rng.choice((0, 0, 50, 99))) / 100
            description = rng.choice(descriptions)
            roll = rng.random()
            days = rng.random()
            minute = rng.randrange(6 * 60)
            if is_open and has_current and index == 0:
                first = max(
                    datetime.date(current_year, 1, 1), builder.today - datetime.timedelta(days=150), person.joined_on
                )
                day = first + datetime.timedelta(days=round(days * (builder.today - first).days))
                year = current_year
                state = (
                    Spend.State.REQUESTED
                    if roll < 0.25 or day > builder.today - datetime.timedelta(days=3)
                    else Spend.State.APPROVED
                    if roll < 0.85
                    else Spend.State.DECLINED
                    if roll < 0.93
                    else Spend.State.CANCELLED
                )
                if (
                    person.keyworker is demo_keyworker
                    and waiting_for_demo < 2
                    and person is not builder.demo_participant
                ):
                    state = Spend.State.REQUESTED
                    waiting_for_demo += 1
            else:
                last = min(builder.last_day(person), spec.ends_on)
                if last < person.joined_on:
                    continue
                day = person.joined_on + datetime.timedelta(days=round(days * (last - person.joined_on).days))
                year = day.year
                state = (
                    Spend.State.APPROVED
                    if roll < 0.84
                    else Spend.State.DECLINED
                    if roll < 0.93
                    else Spend.State.CANCELLED
                )
            theme = GOAL_THEMES.get(category)
            goal_id = next((pk for pk, title in builder.goals_of(person.row) if theme and title in GOALS[theme]), None)
            requested_at = builder.at(day, minute)
            spend = Spend(
                pot=pots[(person.area.short_code, year)],
                participant=person.row,
                goal_id=goal_id,
                no_goal_reason="" if goal_id else NO_GOAL_REASONS[category],
                category=category,
                amount=amount,
                description=description,
                state=state,
                requested_by=person.keyworker.user,
                requested_at=requested_at,
            )
            planned.append((requested_at, person.reference, spend))

    approved: dict[int, Decimal] = defaultdict(Decimal)
    spends: list[Spend] = []
    demo_requests = 0
    for requested_at, _, spend in sorted(planned, key=lambda item: (item[0], item[1])):
        pot = spend.pot
        person_area = pot.partnership.short_code if pot.partnership else ""
        if spend.state == Spend.State.APPROVED and approved[id(pot)] + spend.amount > pot.amount:
            spend.state = Spend.State.DECLINED
            spend.decline_reason = NOT_ENOUGH_LEFT
        elif spend.state == Spend.State.DECLINED:
            spend.decline_reason = DECLINE_REASONS[len(spends) % len(DECLINE_REASONS)]
        if spend.state == Spend.State.APPROVED:
            approved[id(pot)] += spend.amount
        # A shared decision: every decided spend had the participant's yes first; of those still
        # waiting, some have it (the keyworker can approve them) and some wait for the answer.
        # The demo keyworker has one of each: a request with the yes (to approve), one waiting for it.
        if spend.state == Spend.State.REQUESTED and demo_keyworker and spend.requested_by == demo_keyworker.user:
            demo_requests += 1
            has_yes = demo_requests == 1
        else:
            has_yes = spend.state != Spend.State.REQUESTED or bool(len(spends) % 2)
        if spend.state != Spend.State.CANCELLED and has_yes:
            spend.participant_answer = Spend.Answer.YES
            own_user = spend.participant.user if len(spends) % 3 == 0 else None
            spend.answered_how = Spend.AnsweredHow.THEMSELVES if own_user else Spend.AnsweredHow.IN_PERSON
            spend.answer_recorded_by = own_user or spend.requested_by
            spend.answered_at = min(requested_at + datetime.timedelta(minutes=30), builder.now)
        if spend.state in (Spend.State.APPROVED, Spend.State.DECLINED):
            spend.decided_by = (
                spend.requested_by if spend.amount <= pot.keyworker_limit else builder.manager_users[person_area]
            )
            decided_at = requested_at + datetime.timedelta(hours=2 + (len(spends) % 70))
            spend.decided_at = min(decided_at, builder.now)
        spends.append(spend)
    builder.save(Spend, spends)
    builder.counts.update({"budgets:pots": len(pots), "budgets:spends": len(spends)})
