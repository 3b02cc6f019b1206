"""The demo's referrals and signposting, in every state, each with the consent it needs.

Written after the directory and the plans, from each person's own random stream. Closed cases
have only referrals that ended while they were supported; open cases also have referrals
under way, placed against `today` (a sent referral is in time or overdue against its
service's working days). Every referral past "proposed" has the participant's consent to share
named fields with exactly that organisation; "consent withdrawn" withdraws both.

Rows are written with `bulk_create`, which skips `clean()`, so the plan keeps to the model's
check constraints itself, and a few states are always present whatever the size: the first
referrals drawn take them from REQUIRED_OPEN / REQUIRED_CLOSED, and the demo participant and
the demo partner worker's agency get a scripted story (see `_scripted`).
"""

import datetime
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.demo.data import AREAS, DEMO_LOGIN_BY_ROLE
from coproduce.demo.directory import DirectoryPlan, demo_id
from coproduce.participants.models import Consent, Participant
from coproduce.plans.models import Goal
from coproduce.referrals.models import Referral, ServiceRating, SharedField
from coproduce.referrals.selectors import is_working_day, working_days_after
from coproduce.referrals.services import CONSENT_WITHDRAWN_REASON

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder, _Person

State = Referral.State
Decline = Referral.DeclineReason

# Variants: a state, and for some states how it came about.
PROPOSED, AGREED, SENT, OVERDUE = "proposed", "agreed", "sent", "sent_overdue"
ACCEPTED, STARTED, COMPLETED, DID_NOT_START = "accepted", "started", "completed", "did_not_start"
WITHDRAWN_PROPOSED, WITHDRAWN_AGREED, WITHDRAWN_SENT = "withdrawn_proposed", "withdrawn_agreed", "withdrawn_sent"
WITHDRAWN_ACCEPTED, CONSENT_WITHDRAWN = "withdrawn_accepted", "consent_withdrawn"
SIGNPOSTED_DIRECTORY, SIGNPOSTED_OUTSIDE = "signposted_directory", "signposted_outside"
DECLINED = {reason: f"declined_{reason}" for reason in Decline.values}

# The events each variant went through, in order: proposed, agreed, sent, answered, started, ended, withdrawn.
PATHS: dict[str, tuple[str, ...]] = {
    PROPOSED: ("proposed",),
    AGREED: ("proposed", "agreed"),
    SENT: ("proposed", "agreed", "sent"),
    OVERDUE: ("proposed", "agreed", "sent"),
    ACCEPTED: ("proposed", "agreed", "sent", "answered"),
    STARTED: ("proposed", "agreed", "sent", "answered", "started"),
    COMPLETED: ("proposed", "agreed", "sent", "answered", "started", "ended"),
    DID_NOT_START: ("proposed", "agreed", "sent", "answered", "ended"),
    WITHDRAWN_PROPOSED: ("proposed", "withdrawn"),
    WITHDRAWN_AGREED: ("proposed", "agreed", "withdrawn"),
    WITHDRAWN_SENT: ("proposed", "agreed", "sent", "withdrawn"),
    WITHDRAWN_ACCEPTED: ("proposed", "agreed", "sent", "answered", "withdrawn"),
    CONSENT_WITHDRAWN: ("proposed", "agreed", "sent", "answered", "started", "withdrawn"),
    SIGNPOSTED_DIRECTORY: ("proposed",),
    SIGNPOSTED_OUTSIDE: ("proposed",),
    **dict.fromkeys(DECLINED.values(), ("proposed", "agreed", "sent", "answered")),
}
STATE_OF = {
    PROPOSED: State.PROPOSED,
    AGREED: State.AGREED,
    SENT: State.SENT,
    OVERDUE: State.SENT,
    ACCEPTED: State.ACCEPTED,
    STARTED: State.STARTED,
    COMPLETED: State.COMPLETED,
    DID_NOT_START: State.DID_NOT_START,
    WITHDRAWN_PROPOSED: State.WITHDRAWN,
    WITHDRAWN_AGREED: State.WITHDRAWN,
    WITHDRAWN_SENT: State.WITHDRAWN,
    WITHDRAWN_ACCEPTED: State.WITHDRAWN,
    CONSENT_WITHDRAWN: State.WITHDRAWN,
    SIGNPOSTED_DIRECTORY: State.SIGNPOSTED,
    SIGNPOSTED_OUTSIDE: State.SIGNPOSTED,
    **dict.fromkeys(DECLINED.values(), State.DECLINED),
}
# Referrals still under way: only open cases have them, dated up to `today`.
UNDER_WAY = {PROPOSED, AGREED, SENT, OVERDUE, ACCEPTED, STARTED}

OPEN_WEIGHTS = {
    PROPOSED: 10,
    AGREED: 6,
    SENT: 8,
    OVERDUE: 4,
    ACCEPTED: 9,
    STARTED: 14,
    COMPLETED: 14,
    DID_NOT_START: 3,
    WITHDRAWN_PROPOSED: 2,
    WITHDRAWN_AGREED: 2,
    WITHDRAWN_SENT: 1,
    WITHDRAWN_ACCEPTED: 1,
    CONSENT_WITHDRAWN: 2,
    SIGNPOSTED_DIRECTORY: 5,
    SIGNPOSTED_OUTSIDE: 7,
    **dict.fromkeys(DECLINED.values(), 1),
}
CLOSED_WEIGHTS = {
    COMPLETED: 40,
    DID_NOT_START: 8,
    WITHDRAWN_PROPOSED: 3,
    WITHDRAWN_AGREED: 2,
    WITHDRAWN_SENT: 2,
    WITHDRAWN_ACCEPTED: 2,
    CONSENT_WITHDRAWN: 2,
    SIGNPOSTED_DIRECTORY: 8,
    SIGNPOSTED_OUTSIDE: 12,
    DECLINED[Decline.NO_CAPACITY]: 4,
    DECLINED[Decline.NOT_ELIGIBLE]: 2,
    DECLINED[Decline.NOT_SUITABLE]: 2,
    DECLINED[Decline.COULD_NOT_CONTACT]: 3,
    DECLINED[Decline.OTHER]: 1,
}
OPEN_COUNT_WEIGHTS = {0: 15, 1: 35, 2: 32, 3: 18}
CLOSED_COUNT_WEIGHTS = {0: 45, 1: 35, 2: 20}
# Drawn first, so that every state is in the demo whatever its size.
REQUIRED_OPEN = (PROPOSED, AGREED, SENT, OVERDUE, ACCEPTED, STARTED, CONSENT_WITHDRAWN, WITHDRAWN_AGREED)
REQUIRED_CLOSED = (
    COMPLETED,
    *DECLINED.values(),
    DID_NOT_START,
    WITHDRAWN_PROPOSED,
    WITHDRAWN_SENT,
    WITHDRAWN_ACCEPTED,
    SIGNPOSTED_DIRECTORY,
    SIGNPOSTED_OUTSIDE,
)

REASONS: dict[str, tuple[str, ...]] = {
    "money_and_debt": (
        "The debts are getting on top of her and she wants a plan before she starts work.",
        "Wants to know she will be better off working, and to check she gets everything she is due.",
        "Rent arrears letters have started coming and she doesn't know where to start.",
    ),
    "housing": (
        "The flat is damp and too small; she wants advice on moving.",
        "Worried about losing the tenancy after the benefit change.",
    ),
    "mental_health": (
        "Anxiety is stopping her going out; she wants someone to talk to.",
        "Low mood since the separation; she asked for some support for herself.",
    ),
    "physical_health": ("Back pain makes long days hard; a gentle group would help her get moving.",),
    "social_isolation": ("Wants to meet other parents and get out of the house more.",),
    "childcare": (
        "Needs childcare she can trust before she can start the course.",
        "Has a job offer but no after-school care for the youngest.",
        "Wants help to pay for nursery hours in her first months of work.",
    ),
    "caring": ("Cares for her mum as well as the children and needs a break now and then.",),
    "skills": (
        "Wants a qualification to apply for better jobs.",
        "Left school early and wants to get back into learning.",
    ),
    "work_history_gaps": ("Has been out of work for six years and wants some recent experience.",),
    "digital": ("Can't do job applications on her phone and wants to learn on a computer.",),
    "language": ("Wants to practise her English so she feels able to go to interviews.",),
    "confidence": (
        "Says she has lost her confidence and wants to feel like herself again.",
        "Freezes in interviews; wants to practise in a friendly group.",
    ),
    "transport": ("The job she wants is two buses away; help with travel for the first month would make it work.",),
}
DELIVERED: dict[str, tuple[str, ...]] = {
    "money_and_debt": (
        "Benefit check, debt plan agreed with two creditors, better-off-in-work calculation.",
        "Three appointments: income maximisation, council tax arrears sorted, budget plan.",
    ),
    "housing": ("Tenancy advice and a housing application with supporting letter.",),
    "mental_health": (
        "Eight one-to-one sessions and a plan for coping when it gets hard.",
        "Six weeks of the peer support group.",
    ),
    "physical_health": ("Ten weeks of the walking group.",),
    "social_isolation": ("Came to the group most weeks for three months.",),
    "childcare": (
        "Found a childminder near the school and funded the first eight weeks.",
        "After-school club place for the youngest, funded for the first term.",
    ),
    "caring": ("Carer's assessment and two short breaks.",),
    "skills": ("Completed the twelve-week course and an SCQF level 4 unit.", "Food hygiene certificate and a CV."),
    "work_history_gaps": ("A six-week placement, two mornings a week, with a reference.",),
    "digital": ("Six sessions at the drop-in and a loan laptop.",),
    "language": ("Ten weeks of the conversation café.",),
    "confidence": ("Completed the eight-week confidence course.",),
    "transport": ("Travel training and a bus pass for the first month of work.",),
}
COMPLETED_NOTES = (
    "Finished the course and wants to keep going.",
    "Much more settled now; knows where to come back to.",
    "Started a part-time job during the service.",
    "Went to most sessions; would recommend it to others.",
    "",
)
DID_NOT_START_NOTES = (
    "Could not get childcare for the start date; keen to try next intake.",
    "Moved out of the area before starting.",
    "Decided it was not the right time, with the children unwell.",
    "Started a job, so no longer needed it.",
)
DECLINE_DETAILS = {
    Decline.NO_CAPACITY: ("Full until the next intake in eight weeks.", ""),
    Decline.NOT_ELIGIBLE: ("The course is for people with no qualification at this level yet.", ""),
    Decline.NOT_SUITABLE: ("A specialist debt service would suit her better; details sent to the keyworker.",),
    Decline.COULD_NOT_CONTACT: ("Tried three times by phone and once by text.",),
    Decline.OTHER: ("The group is for parents of under-fives only.", "Service paused while staff are off."),
}
WITHDRAWN_REASONS = (
    "Changed her mind; wants to focus on the course first.",
    "Sorted it another way.",
    "Not the right time.",
    "",
)
OUTSIDE_SIGNPOSTS: dict[str, tuple[str, str]] = {
    "money_and_debt": ("Local credit union", "Savings and fair loans; open Tuesday and Thursday at the library."),
    "housing": ("The council's housing options team", "Phone the council's main number and ask for housing options."),
    "childcare": ("The council's family information service", "Lists every registered childminder and nursery."),
    "physical_health": ("Her GP practice", "Book a double appointment to talk about work and health."),
    "mental_health": ("Breathing Space-style helpline", "Free phone line, evenings and weekends."),
    "social_isolation": ("Community food larder", "Drop in Friday mornings; a friendly place to meet people."),
    "caring": ("The local carers' centre", "Carer's assessments and short breaks."),
    "transport": ("Community transport scheme", "Minibus to appointments; book two days ahead."),
    "skills": ("The local college's open day", "Courses starting in August and January."),
    "work_history_gaps": ("Volunteer centre", "Matches volunteers to local groups."),
    "digital": ("The public library", "Free computers and Wi-Fi, and a Tuesday help session."),
    "language": ("ESOL classes at the college", "Free English classes, daytime and evening."),
    "confidence": ("Local women's group", "Weekly group with a crèche."),
}


@dataclass
class _Planned:
    person: "_Person"
    variant: str
    service_id: Any = None  # a directory Service id, or None for signposting outside the directory
    need: str = ""
    dates: dict[str, datetime.date] = field(default_factory=dict)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def write_referrals(builder: "_Builder", plan: DirectoryPlan) -> None:
    services = {service.id: service for services in plan.by_area.values() for service in services}
    services.update({service.id: service for service in plan.outside})
    goals: dict[int, list[Goal]] = {}
    for goal in Goal.objects.filter(participant__partnership__in=builder.partnerships.values()).order_by("pk"):
        goals.setdefault(goal.participant_id, []).append(goal)

    consents: list[Consent | None] = []
    referrals: list[Referral] = []
    required_open = list(REQUIRED_OPEN)
    required_closed = list(REQUIRED_CLOSED)
    scripted = _scripted(builder)
    for person in builder.people:
        rng = builder.rng(f"referrals {person.reference}")
        is_open = person.status != Participant.Status.CLOSED
        count = _weighted(rng, OPEN_COUNT_WEIGHTS if is_open else CLOSED_COUNT_WEIGHTS)
        variants = [_weighted(rng, OPEN_WEIGHTS if is_open else CLOSED_WEIGHTS) for _ in range(count)]
        mine = scripted.get(person.reference, [])
        if mine:
            variants = []  # the people in the demo's story have only their story
        if variants:
            required = required_open if is_open else required_closed
            if required:
                variants[0] = required.pop(0)
        planned = [
            _plan_one(builder, rng, plan, person, variant, service_id, need) for variant, service_id, need in mine
        ]
        used: set[Any] = {service_id for _, service_id, _ in mine}
        for variant in variants:
            need, service_id = _choose_service(rng, plan, person, variant, used)
            if service_id is not None:
                used.add(service_id)
            planned.append(_plan_one(builder, rng, plan, person, variant, service_id, need))
        for item in planned:
            consent, referral = _rows(builder, rng, plan, services, goals, item)
            consents.append(consent)
            referrals.append(referral)
    builder.save(Consent, [consent for consent in consents if consent is not None])
    for consent, referral in zip(consents, referrals, strict=True):
        referral.consent = consent
    builder.save(Referral, referrals)
    builder.counts["support:referrals"] = len(referrals)
    _rate_completed(builder, referrals)
    builder.counts["consents"] += sum(1 for consent in consents if consent is not None)


RATING_COMMENTS = (
    "They listened and helped me make a plan.",
    "Friendly, and they fitted around school hours.",
    "It took a while to get seen, but it helped.",
    "I did not feel it was for me.",
    "",
)


def _rate_completed(builder: "_Builder", referrals: list[Referral]) -> None:
    """Most people whose referral finished rated the service (1 to 5), some without their name."""
    rng = builder.rng("service ratings")
    ratings = []
    for referral in referrals:
        if referral.state != State.COMPLETED or referral.service_id is None or rng.random() < 0.2:
            continue
        score = rng.choices([5, 4, 3, 2, 1], weights=[5, 4, 2, 1, 1])[0]
        ratings.append(
            ServiceRating(
                referral=referral,
                service_id=referral.service_id,
                participant_id=referral.participant_id,
                score=score,
                comment=rng.choice(RATING_COMMENTS),
                anonymous=rng.random() < 0.4,
            )
        )
    builder.save(ServiceRating, ratings)
    builder.counts["support:service_ratings"] = len(ratings)


def _scripted(builder: "_Builder") -> dict[str, list[tuple[str, Any, str]]]:
    """The story the demo logins see: Nicola's referrals, and Fiona's inbox at her money advice agency.

    Nicola (the demo participant) was referred to Fiona's agency, which accepted, so it holds her
    data; she has a childcare referral to agree to and was signposted to an advice line. Other
    Fife parents give Fiona an overdue referral, one in time, one started, one completed, one
    declined and one that did not start.
    """
    fife = DEMO_LOGIN_BY_ROLE[Role.PARTNER_WORKER].area
    agencies = {spec.offer: spec for area in AREAS if area.short_code == fife for spec in area.agencies}
    money = demo_id("service", agencies["money_and_debt"].domain, "money-advice")
    childcare = demo_id("service", agencies["childcare"].domain, "childcare-search")
    advice_line = demo_id("service", "opendooradvice.example.org", "advice-line")
    story: dict[str, list[tuple[str, Any, str]]] = {}
    demo = builder.demo_participant
    if demo is None:
        return {}  # the closed programme has no demo login's story
    story[demo.reference] = [
        (ACCEPTED, money, "money_and_debt"),
        (PROPOSED, childcare, "childcare"),
        (SIGNPOSTED_DIRECTORY, advice_line, "money_and_debt"),
    ]
    people = [person for person in builder.people if person.area.short_code == fife and person is not demo]
    open_people = [person for person in people if person.status == Participant.Status.ACTIVE]
    closed_people = [person for person in people if person.status == Participant.Status.CLOSED]
    for person, variant in zip(open_people, (OVERDUE, SENT, STARTED), strict=False):
        story[person.reference] = [(variant, money, "money_and_debt")]
    for person, variant in zip(closed_people, (COMPLETED, DECLINED[Decline.NO_CAPACITY], DID_NOT_START), strict=False):
        story[person.reference] = [(variant, money, "money_and_debt")]
    return story


def _choose_service(
    rng: random.Random, plan: DirectoryPlan, person: "_Person", variant: str, used: set[Any]
) -> tuple[str, Any]:
    """A need the person has (their first barriers most often), and a service that helps with it."""
    barriers = person.barriers or ["confidence"]
    need = rng.choices(barriers, weights=[len(barriers) - index for index in range(len(barriers))])[0]
    roll = rng.random()
    if variant == SIGNPOSTED_OUTSIDE:
        return need, None
    if variant == SIGNPOSTED_DIRECTORY:
        pool = [service for service in plan.outside if need in plan.needs[service.id]] or plan.outside
    else:
        area_services = plan.by_area[person.area.short_code]
        pool = [service for service in area_services if need in plan.needs[service.id]] or area_services
    fresh = [service for service in pool if service.id not in used] or pool
    service = fresh[int(roll * len(fresh))]
    return need, service.id


def _plan_one(
    builder: "_Builder",
    rng: random.Random,
    plan: DirectoryPlan,
    person: "_Person",
    variant: str,
    service_id: Any,
    need: str,
) -> _Planned:
    item = _Planned(person=person, variant=variant, service_id=service_id, need=need)
    response_days = _response_days(plan, service_id)
    path = PATHS[variant]
    # Days between one event and the next.
    gaps = {
        "agreed": rng.randint(0, 10),
        "sent": rng.randint(0, 3),
        "answered": rng.randint(1, response_days + 3),
        "started": rng.randint(3, 21),
        "ended": rng.randint(10, 35) if variant == DID_NOT_START else rng.randint(21, 120),
        "withdrawn": rng.randint(1, 30),
    }
    offsets = {"proposed": 0}
    total = 0
    for event in path[1:]:
        total += gaps[event]
        offsets[event] = total
    if person.status == Participant.Status.CLOSED:
        last = builder.last_day(person)
        room = (last - person.joined_on).days - 3 - total
        start = person.joined_on + datetime.timedelta(days=3 + rng.randint(0, max(room, 0)))
    elif variant in (SENT, OVERDUE):
        last = builder.today
        sent = _working_days_before(last, rng.randint(0, response_days - 1))
        if variant == OVERDUE:
            sent = _working_days_before(last, response_days + rng.randint(1, 10))
        start = sent - datetime.timedelta(days=offsets["sent"])
        item.dates = {"proposed": start, "agreed": start + datetime.timedelta(days=gaps["agreed"]), "sent": sent}
        return item
    else:
        last = builder.today
        ago = rng.randint(0, 20) if variant in UNDER_WAY else rng.randint(5, 400)
        start = last - datetime.timedelta(days=ago + total)
    start = max(start, person.joined_on)
    for event in path:
        day = _on_a_weekday(start + datetime.timedelta(days=offsets[event]))
        item.dates[event] = max(min(day, last), person.joined_on)
    return item


def _response_days(plan: DirectoryPlan, service_id: Any) -> int:
    for services in plan.by_area.values():
        for service in services:
            if service.id == service_id:
                return service.response_working_days
    return 5


def _on_a_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _working_days_before(day: datetime.date, days: int) -> datetime.date:
    """The working day `days` working days before `day` (or `day` itself, moved back to a working day, for 0)."""
    current = day
    while not is_working_day(current):
        current -= datetime.timedelta(days=1)
    for _ in range(days):
        current -= datetime.timedelta(days=1)
        while not is_working_day(current):
            current -= datetime.timedelta(days=1)
    return current


def _shared_fields(rng: random.Random, person: "_Person", need: str) -> list[str]:
    chosen = {SharedField.NAME.value}
    if person.mobile and rng.random() < 0.9:
        chosen.add(SharedField.MOBILE.value)
    if person.email and (SharedField.MOBILE.value not in chosen or rng.random() < 0.3):
        chosen.add(SharedField.EMAIL.value)
    if need in ("money_and_debt", "housing", "transport") or rng.random() < 0.2:
        chosen.add(SharedField.ADDRESS.value)
    if need in ("childcare", "caring") or rng.random() < 0.15:
        chosen.add(SharedField.CHILDREN.value)
    if rng.random() < 0.6:
        chosen.add(SharedField.BARRIERS.value)
    if rng.random() < 0.35:
        chosen.add(SharedField.ASPIRATIONS.value)
    if rng.random() < 0.7:
        chosen.add(SharedField.KEYWORKER.value)
    return [value for value in SharedField.values if value in chosen]


def _rows(
    builder: "_Builder",
    rng: random.Random,
    plan: DirectoryPlan,
    services: dict[Any, Any],
    goals: dict[int, list[Goal]],
    item: _Planned,
) -> tuple[Consent | None, Referral]:
    person = item.person
    assert person.keyworker is not None
    assert person.row is not None
    keyworker: User = person.keyworker.user
    minute = rng.randrange(0, 240)
    dates = item.dates

    def when(event: str, step: int) -> datetime.datetime:
        return builder.at(dates[event], minute + 25 * step)

    by_participant = person.user is not None and rng.random() < 0.3
    goal = None
    person_goals = goals.get(person.row.pk, [])
    if item.need in person.barriers[:2]:
        index = person.barriers.index(item.need)
        goal = person_goals[index] if index < len(person_goals) else None
    service = services.get(item.service_id)
    common: dict[str, Any] = {
        "participant": person.row,
        "goal": goal,
        "reason": rng.choice(REASONS.get(item.need, REASONS["confidence"])),
        "proposed_by": Referral.ProposedBy.PARTICIPANT if by_participant else Referral.ProposedBy.KEYWORKER,
        "proposed_by_user": person.user if by_participant and person.user else keyworker,
        "proposed_at": when("proposed", 0),
    }
    if item.variant in (SIGNPOSTED_DIRECTORY, SIGNPOSTED_OUTSIDE):
        outside_name, outside_details = OUTSIDE_SIGNPOSTS.get(item.need, OUTSIDE_SIGNPOSTS["confidence"])
        return None, Referral(
            kind=Referral.Kind.SIGNPOSTING,
            state=State.SIGNPOSTED,
            service=service if item.variant == SIGNPOSTED_DIRECTORY else None,
            outside_service_name="" if item.variant == SIGNPOSTED_DIRECTORY else outside_name,
            outside_service_details="" if item.variant == SIGNPOSTED_DIRECTORY else outside_details,
            **common,
        )

    assert service is not None
    assert service.organization is not None
    organisation = service.organization.member
    path = PATHS[item.variant]
    referral = Referral(
        kind=Referral.Kind.REFERRAL,
        state=STATE_OF[item.variant],
        service=service,
        organisation=organisation,
        version=len(path),
        **common,
    )
    consent = None
    if "agreed" in path:
        fields = _shared_fields(rng, person, item.need)
        online = person.user is not None and rng.random() < 0.3
        labels = ", ".join(SharedField(value).label.lower() for value in fields)
        consent = Consent(
            participant=person.row,
            purpose=Consent.Purpose.SHARE_WITH_ORGANISATION,
            organisation=organisation,
            detail=f"Referral to {service.name} at {service.organization.name}, sharing: {labels}"[:300],
            given_at=when("agreed", 1),
            given_by=person.user if online and person.user else keyworker,
            given_how=Consent.How.ONLINE
            if online
            else rng.choice([Consent.How.IN_PERSON_SIGNED, Consent.How.IN_PERSON_VERBAL, Consent.How.PHONE]),
        )
        referral.shared_fields = fields
        referral.agreed_at = consent.given_at
    if "sent" in path:
        referral.sent_at = when("sent", 2)
        referral.sent_by = keyworker
        referral.answer_due_on = working_days_after(dates["sent"], service.response_working_days)
    if "answered" in path:
        referral.answered_at = when("answered", 3)
        referral.answered_by = plan.partner_user.get(organisation.pk) if organisation else None
    if item.variant in DECLINED.values():
        reason = item.variant.removeprefix("declined_")
        referral.decline_reason = reason
        referral.decline_detail = rng.choice(DECLINE_DETAILS[Decline(reason)])
    if "started" in path:
        referral.started_on = dates["started"]
    if item.variant == COMPLETED:
        referral.ended_on = dates["ended"]
        referral.delivered = rng.choice(DELIVERED.get(item.need, DELIVERED["confidence"]))
        referral.outcome_note = rng.choice(COMPLETED_NOTES)
    if item.variant == DID_NOT_START:
        referral.outcome_note = rng.choice(DID_NOT_START_NOTES)
    if "withdrawn" in path:
        referral.withdrawn_at = when("withdrawn", 5)
        referral.withdrawn_reason = rng.choice(WITHDRAWN_REASONS)
        if item.variant == CONSENT_WITHDRAWN:
            assert consent is not None
            referral.withdrawn_reason = CONSENT_WITHDRAWN_REASON
            by_self = person.user is not None and rng.random() < 0.5
            consent.withdrawn_at = referral.withdrawn_at
            consent.withdrawn_by = person.user if by_self and person.user else keyworker
            consent.withdrawn_how = Consent.How.ONLINE if by_self else Consent.How.PHONE
    return consent, referral
