"""The demo's outcomes: work wishes, job starts with their terms, sustainment checks, training,
qualifications, volunteering and progression in work.

The headline is the paper's: about 30% of the 3,115 participants started paid work. The paper
gives only that total; the split between the five areas below is INVENTED, chosen to follow the
local labour markets (Edinburgh's tight market highest, Glasgow lowest). Who gets a job is drawn
at random, but how many is not: each area's count is its rate times its participants, rounded, so
the full demo has exactly `sum(round(n × rate))` people in work, whatever the seed.

A job start falls after joining and on or before the day the case closed (or today, for open
cases); pay is drawn around the real Living Wage in force on the start date, and hours and
contract mostly, but not always, match what the participant said they wanted.
"""

import datetime
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from coproduce.accounts.roles import Role
from coproduce.demo import data
from coproduce.demo.support import GENERAL_GOALS, GOALS
from coproduce.outcomes.models import ContractType, Outcome, Sector, SustainmentCheck, WorkWish
from coproduce.outcomes.quality import living_wage_on
from coproduce.participants.models import Participant

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder, _Person

# Share of each area's participants who start paid work. INVENTED split (the paper gives only the
# programme-wide 30%); at full size it gives 223 + 192 + 216 + 136 + 168 = 935 of 3,115 (30.0%).
PAID_WORK_RATES: dict[str, Decimal] = {
    "EDI": Decimal("0.36"),
    "FIF": Decimal("0.32"),
    "GLA": Decimal("0.24"),
    "NLA": Decimal("0.27"),
    "SLA": Decimal("0.343"),
}
MIN_DAYS_BEFORE_JOB = 21
WORK_WISH_SHARE = 0.88
TRAINING_SHARE = 0.34
QUALIFICATION_SHARE_OF_TRAINED = 0.55
VOLUNTEERING_SHARE = 0.14
PROGRESSION_SHARE_OF_WORKERS = 0.2
DUE_GRACE_DAYS = 14  # a check due in the last fortnight is still waiting for an answer

SECTOR_WEIGHTS = {
    Sector.CARE: 25,
    Sector.RETAIL: 22,
    Sector.ADMIN: 14,
    Sector.EDUCATION: 12,
    Sector.HOSPITALITY: 10,
    Sector.CLEANING: 8,
    Sector.PUBLIC: 4,
    Sector.THIRD_SECTOR: 3,
    Sector.MANUFACTURING: 2,
}
JOB_TITLES: dict[str, tuple[str, ...]] = {
    Sector.CARE: ("Care assistant", "Support worker", "Home carer", "Healthcare assistant"),
    Sector.RETAIL: ("Sales assistant", "Customer service assistant", "Checkout operator", "Shelf stacker"),
    Sector.ADMIN: ("Administrative assistant", "Receptionist", "Data entry clerk", "Call centre adviser"),
    Sector.EDUCATION: ("Classroom assistant", "Early years practitioner", "Breakfast club worker", "Playworker"),
    Sector.HOSPITALITY: ("Kitchen assistant", "Waiting staff", "Barista", "School cook"),
    Sector.CLEANING: ("Cleaner", "Domestic assistant", "Janitorial assistant"),
    Sector.PUBLIC: ("Council clerical assistant", "Library assistant"),
    Sector.THIRD_SECTOR: ("Project worker", "Community development assistant"),
    Sector.MANUFACTURING: ("Packer", "Warehouse operative"),
}
CONTRACT_WEIGHTS = {
    ContractType.PERMANENT: 55,
    ContractType.FIXED_TERM: 15,
    ContractType.TEMPORARY: 10,
    ContractType.ZERO_HOURS: 11,
    ContractType.SELF_EMPLOYED: 5,
    ContractType.APPRENTICESHIP: 4,
}
# (min, max) hours a week wanted: mostly part-time, around school hours.
WISH_HOURS = {(10, 16): 10, (16, 20): 25, (16, 25): 30, (20, 30): 20, (25, 37.5): 10, (30, 40): 5}
# Hours of jobs that were not fitted to a work wish.
JOB_HOURS = {"8": 4, "12": 6, "16": 20, "20": 18, "22.5": 10, "25": 12, "30": 12, "37.5": 10}
WISH_CONTRACTS = {
    ("permanent",): 25,
    ("permanent", "fixed_term"): 40,
    ("permanent", "fixed_term", "temporary"): 20,
    ("permanent", "fixed_term", "temporary", "zero_hours"): 8,
    ("permanent", "self_employed"): 4,
    ("permanent", "apprenticeship"): 3,
}
WISH_NOTES = (
    "School hours only",
    "Nothing before 9.15 — I do the school run",
    "Not weekends, no childcare then",
    "Would do more hours once the youngest starts school",
    "Needs to be on a bus route",
    "Term-time would be ideal",
    "",
    "",
)
EVIDENCE_FOR_JOB = {
    Outcome.Evidence.PAYSLIP: 40,
    Outcome.Evidence.CONTRACT: 30,
    Outcome.Evidence.EMPLOYER: 15,
    Outcome.Evidence.PARTICIPANT: 15,
}
TRAINING = (
    "Return to learn course at the local college",
    "SVQ Level 2 in Social Services and Healthcare",
    "Introduction to childcare (evening course)",
    "Basic computing for work",
    "Customer service course",
    "Access to nursing",
    "Food hygiene and kitchen skills",
    "Bookkeeping for beginners",
)
QUALIFICATIONS = (
    "Elementary Food Hygiene certificate",
    "SVQ Level 2 in Social Services and Healthcare",
    "SCQF Level 5 in Early Learning and Childcare",
    "European Computer Driving Licence",
    "First Aid at Work certificate",
    "National 5 English",
    "REHIS Food Hygiene certificate",
)
VOLUNTEERING = (
    "Volunteer at the community café",
    "Charity shop volunteer, two mornings a week",
    "Parent helper at the school",
    "Volunteer at the food bank",
    "Peer mentor for new lone parents",
)
PROGRESSION = ("Moved to more hours", "Promoted to senior", "Moved to a permanent contract", "Pay rise")
CHECK_NOTES = {
    SustainmentCheck.Status.IN_WORK: ("Going well.", "Enjoying it; hours still suit.", "", ""),
    SustainmentCheck.Status.NOT_IN_WORK: (
        "Left: the hours changed and childcare did not fit.",
        "Contract ended.",
        "Left for health reasons.",
    ),
    SustainmentCheck.Status.NO_CONTACT: ("Two calls and a text, no answer.", "Number no longer in use."),
}


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weekday(day: datetime.date, last: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    while day > last or day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def paid_work_count(people_in_area: int, short_code: str) -> int:
    """How many of an area's participants start paid work in the demo (half up)."""
    return int((people_in_area * PAID_WORK_RATES[short_code]).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _goal_for(goals: list[tuple[int, str]], titles: tuple[str, ...]) -> int | None:
    for pk, title in goals:
        if title in titles:
            return pk
    return None


def write_outcomes(builder: "_Builder") -> None:
    workers = _choose_workers(builder)
    demo_keyworker = builder.demo_staff.get(Role.KEYWORKER)
    forced = _forced_due_starts(builder, workers, demo_keyworker)

    wishes: list[WorkWish] = []
    wish_by_person: dict[int, WorkWish] = {}
    outcomes: list[Outcome] = []
    checks_by_job: list[tuple[Outcome, _Person, random.Random]] = []
    for person in builder.people:
        assert person.keyworker is not None
        assert person.row is not None
        rng = builder.rng(f"outcomes {person.reference}")
        keyworker_user = person.keyworker.user
        last_day = builder.last_day(person)
        mine = builder.goals_of(person.row)
        # Drawn for everyone, in the same order, so that who works does not shift anyone's wish.
        has_wish = rng.random() < WORK_WISH_SHARE
        hours = _weighted(rng, WISH_HOURS)
        contracts = _weighted(rng, WISH_CONTRACTS)
        note = rng.choice(WISH_NOTES)
        wish = None
        if has_wish or id(person) in workers:
            wish = WorkWish(
                participant=person.row,
                min_hours=Decimal(str(hours[0])),
                max_hours=Decimal(str(hours[1])),
                contract_types=list(contracts),
                note=note,
                recorded_by=keyworker_user,
            )
            wishes.append(wish)
            wish_by_person[id(person)] = wish

        if id(person) in workers:
            job = _job(builder, person, rng, wish, forced.get(id(person)), mine)
            outcomes.append(job)
            checks_by_job.append((job, person, rng))
            if rng.random() < PROGRESSION_SHARE_OF_WORKERS:
                progression = _progression(person, rng, job, last_day)
                if progression is not None:
                    outcomes.append(progression)
        length = (last_day - person.joined_on).days
        if length >= 14 and rng.random() < TRAINING_SHARE:
            started = _weekday(person.joined_on + datetime.timedelta(days=rng.randint(14, length)), last_day)
            outcomes.append(
                Outcome(
                    participant=person.row,
                    kind=Outcome.Kind.TRAINING,
                    achieved_on=started,
                    description=rng.choice(TRAINING),
                    goal_id=_goal_for(mine, GOALS["skills"]),
                    evidence=_weighted(rng, {Outcome.Evidence.PROVIDER: 60, Outcome.Evidence.PARTICIPANT: 40}),
                    recorded_by=keyworker_user,
                )
            )
            gained = started + datetime.timedelta(days=rng.randint(30, 270))
            if gained <= last_day and rng.random() < QUALIFICATION_SHARE_OF_TRAINED:
                outcomes.append(
                    Outcome(
                        participant=person.row,
                        kind=Outcome.Kind.QUALIFICATION,
                        achieved_on=_weekday(gained, last_day),
                        description=rng.choice(QUALIFICATIONS),
                        goal_id=_goal_for(mine, GOALS["skills"]),
                        evidence=Outcome.Evidence.CERTIFICATE,
                        evidence_note="Copy of the certificate seen.",
                        recorded_by=keyworker_user,
                    )
                )
        if length >= 14 and rng.random() < VOLUNTEERING_SHARE:
            outcomes.append(
                Outcome(
                    participant=person.row,
                    kind=Outcome.Kind.VOLUNTEERING,
                    achieved_on=_weekday(person.joined_on + datetime.timedelta(days=rng.randint(14, length)), last_day),
                    description=rng.choice(VOLUNTEERING),
                    goal_id=_goal_for(mine, GOALS["work_history_gaps"] + GOALS["social_isolation"]),
                    evidence=_weighted(rng, {Outcome.Evidence.PROVIDER: 50, Outcome.Evidence.PARTICIPANT: 50}),
                    recorded_by=keyworker_user,
                )
            )

    builder.save(WorkWish, wishes)
    builder.save(Outcome, outcomes)
    checks = [check for job, person, rng in checks_by_job for check in _checks(builder, person, rng, job)]
    # Only the checks still due will be edited (answered), so only they need a first history row.
    builder.save(SustainmentCheck, [check for check in checks if check.status == SustainmentCheck.Status.DUE])
    builder.save(
        SustainmentCheck, [check for check in checks if check.status != SustainmentCheck.Status.DUE], with_history=False
    )
    builder.counts.update(
        {
            "outcomes:work_wishes": len(wishes),
            "outcomes:job_starts": len(checks_by_job),
            "outcomes:other_outcomes": len(outcomes) - len(checks_by_job),
            "outcomes:sustainment_checks": len(checks),
        }
    )


def _choose_workers(builder: "_Builder") -> set[int]:
    """Exactly `paid_work_count` people per area, drawn with more chance the longer they were supported.

    The demo participant is left out (her story is still about getting ready for work). Weighted
    sampling without replacement by Efraimidis–Spirakis keys, so the count is exact.
    """
    rng = builder.rng("who works")
    by_area: dict[str, list[_Person]] = defaultdict(list)
    for person in builder.people:
        by_area[person.area.short_code].append(person)
    chosen: set[int] = set()
    for code, people in by_area.items():
        keyed = []
        for person in people:
            draw = rng.random()
            length = (builder.last_day(person) - person.joined_on).days
            if person is builder.demo_participant or length < MIN_DAYS_BEFORE_JOB + 7:
                continue
            weight = min(length, 540) / 540
            keyed.append((draw ** (1 / weight), person.reference, person))
        keyed.sort(key=lambda item: (-item[0], item[1]))
        count = min(paid_work_count(len(people), code), len(keyed))
        chosen.update(id(person) for _, _, person in keyed[:count])
        _ensure_demo_caseload_has_workers(builder, people, keyed, chosen)
    return chosen


def _demo_caseload(builder: "_Builder", people: list["_Person"]) -> list["_Person"]:
    keyworker = builder.demo_staff.get(Role.KEYWORKER)
    return [
        person
        for person in people
        if keyworker is not None
        and person.keyworker is keyworker
        and person.status == Participant.Status.ACTIVE
        and person is not builder.demo_participant
        and (builder.last_day(person) - person.joined_on).days >= 200
    ]


def _ensure_demo_caseload_has_workers(
    builder: "_Builder", people: list["_Person"], keyed: list[tuple[float, str, "_Person"]], chosen: set[int]
) -> None:
    """The demo keyworker has people in work with checks due: swap some in, keeping the count."""
    caseload = sorted(_demo_caseload(builder, people), key=lambda person: person.reference)
    if not caseload:
        return
    wanted = caseload[:3]
    for person in wanted:
        if id(person) in chosen:
            continue
        for _, _, other in reversed(keyed):  # give up the least likely worker outside the caseload
            if id(other) in chosen and all(other is not keep for keep in wanted) and other not in caseload:
                chosen.discard(id(other))
                chosen.add(id(person))
                break


def _forced_due_starts(builder: "_Builder", workers: set[int], keyworker: Any) -> dict[int, datetime.date]:
    """Start dates that put a 4-, 13- and 26-week check due now on the demo keyworker's caseload."""
    if keyworker is None:
        return {}
    caseload = sorted(
        (person for person in _demo_caseload(builder, builder.people) if id(person) in workers),
        key=lambda person: person.reference,
    )
    starts = {}
    for person, (weeks, late) in zip(caseload, ((4, 3), (13, 5), (26, 1)), strict=False):
        starts[id(person)] = builder.today - datetime.timedelta(days=weeks * 7 + late)
    return starts


def _money(value: Decimal) -> Decimal:
    """Round to the nearest 5p, as employers' rates usually are."""
    return (value * 20).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 20


def _job(
    builder: "_Builder",
    person: "_Person",
    rng: random.Random,
    wish: WorkWish | None,
    forced: datetime.date | None,
    goals: list[tuple[int, str]],
) -> Outcome:
    assert person.keyworker is not None
    last_day = builder.last_day(person)
    earliest = person.joined_on + datetime.timedelta(days=MIN_DAYS_BEFORE_JOB)
    share = 0.3 + 0.7 * rng.random()
    recent_days = rng.randint(20, 700)
    if forced is not None:
        start = forced
    elif person.status == Participant.Status.CLOSED:
        # Most find work towards the end of their support: often the reason the case closed.
        start = earliest + datetime.timedelta(days=round(share * (last_day - earliest).days))
    else:
        start = max(earliest, builder.today - datetime.timedelta(days=recent_days))
    start = max(_weekday(start, last_day), earliest) if forced is None else start
    sector = _weighted(rng, SECTOR_WEIGHTS)
    title = rng.choice(JOB_TITLES[sector])
    fits_hours = wish is not None and rng.random() < 0.78
    if fits_hours and wish is not None:
        steps = int((wish.max_hours - wish.min_hours) * 2)
        hours = wish.min_hours + Decimal(rng.randint(0, steps)) / 2
    else:
        hours = Decimal(
            _weighted(rng, {"8": 4, "12": 6, "16": 20, "20": 18, "22.5": 10, "25": 12, "30": 12, "37.5": 10})
        )
    contract = _weighted(rng, CONTRACT_WEIGHTS)
    if wish is not None and rng.random() < 0.8 and contract not in wish.contract_types:
        contract = wish.contract_types[0]
    living_wage = living_wage_on(start)
    band = _weighted(rng, {"below": 24, "at": 36, "above": 40})
    factor = {"below": 0.86 + 0.13 * rng.random(), "at": 1.0, "above": 1.01 + 0.4 * rng.random()}[band]
    pay = _money(living_wage * Decimal(str(round(factor, 4))))
    return Outcome(
        participant=person.row,
        kind=Outcome.Kind.JOB_START,
        achieved_on=start,
        description=title,
        goal_id=_goal_for(goals, GENERAL_GOALS + GOALS["childcare"] + GOALS["money_and_debt"]),
        employer_sector=sector,
        hours_per_week=hours,
        contract_type=contract,
        hourly_pay=pay,
        evidence=_weighted(rng, EVIDENCE_FOR_JOB),
        recorded_by=person.keyworker.user,
    )


def _progression(person: "_Person", rng: random.Random, job: Outcome, last_day: datetime.date) -> Outcome | None:
    assert person.keyworker is not None
    assert job.hourly_pay is not None
    assert job.hours_per_week is not None
    day = job.achieved_on + datetime.timedelta(days=rng.randint(90, 400))
    if day > last_day:
        return None
    what = rng.choice(PROGRESSION)
    hours = job.hours_per_week + (Decimal(rng.choice((4, 5, 7.5, 8))) if what == "Moved to more hours" else 0)
    pay = _money(job.hourly_pay * Decimal("1.08")) if what in ("Promoted to senior", "Pay rise") else job.hourly_pay
    contract = ContractType.PERMANENT if what == "Moved to a permanent contract" else job.contract_type
    return Outcome(
        participant=person.row,
        kind=Outcome.Kind.PROGRESSION,
        achieved_on=_weekday(day, last_day),
        description=f"{what} ({job.description.lower()})",
        employer_sector=job.employer_sector,
        hours_per_week=min(hours, Decimal("40")),
        contract_type=contract,
        hourly_pay=pay,
        evidence=_weighted(rng, {Outcome.Evidence.PAYSLIP: 50, Outcome.Evidence.PARTICIPANT: 50}),
        recorded_by=person.keyworker.user,
    )


def _checks(builder: "_Builder", person: "_Person", rng: random.Random, job: Outcome) -> list[SustainmentCheck]:
    """The four checks; those due before the last fortnight answered, mostly still in work."""
    assert person.keyworker is not None
    rows = []
    previous = SustainmentCheck.Status.IN_WORK
    # A closed programme's checks were all answered, the last up to a year after it ended.
    seen_on = data.HISTORY_ENDS_ON if builder.spec.closed else builder.today
    grace = 0 if builder.spec.closed else DUE_GRACE_DAYS
    for weeks in SustainmentCheck.Weeks:
        due_on = job.achieved_on + datetime.timedelta(weeks=int(weeks))
        roll = rng.random()
        delay = rng.randint(0, 9)
        note_pick = rng.random()
        if due_on > seen_on - datetime.timedelta(days=grace):
            rows.append(SustainmentCheck(outcome=job, weeks=weeks, due_on=due_on))
            continue
        if previous == SustainmentCheck.Status.NOT_IN_WORK:
            status = SustainmentCheck.Status.NOT_IN_WORK
            note = "Still not in work; see the earlier check."
        else:
            status = (
                SustainmentCheck.Status.IN_WORK
                if roll < 0.86
                else SustainmentCheck.Status.NOT_IN_WORK
                if roll < 0.94
                else SustainmentCheck.Status.NO_CONTACT
            )
            notes = CHECK_NOTES[status]
            note = notes[int(note_pick * len(notes))]
        previous = status
        rows.append(
            SustainmentCheck(
                outcome=job,
                weeks=weeks,
                due_on=due_on,
                status=status,
                checked_on=min(_weekday(due_on + datetime.timedelta(days=delay), seen_on), seen_on),
                checked_by=person.keyworker.user,
                note=note,
            )
        )
    return rows
