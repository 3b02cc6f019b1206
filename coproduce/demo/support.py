"""The demo's co-produced support: plans with agreed and declined steps, appointments, progress
checks that improve for many but not all, job-search logs, requests, group sessions and feedback.

Written after the casework, from each person's own random stream, so that it is as deterministic
as the rest of the demo. Only open cases (and some closed ones) get appointments and recent
progress checks; everybody gets a plan.
"""

import datetime
import random
from typing import TYPE_CHECKING, Any

from coproduce.accounts.roles import Role
from coproduce.participants.models import Participant
from coproduce.plans.models import Appointment, Goal, JobSearchEntry, ProgressArea, ProgressCheck, ProgressScore, Step
from coproduce.programmes.models import StaffMember
from coproduce.voice.models import Feedback, GroupSession, Invitation, Request

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder, _Person

# Goals in participants' own words, by the barrier they grew out of.
GOALS: dict[str, tuple[str, ...]] = {
    "childcare": ("Sort out childcare I can trust so I can work", "Find a nursery place near the school"),
    "skills": ("Get a qualification so I can apply for better jobs", "Finish the course I started years ago"),
    "work_history_gaps": ("Explain the gap in my CV without feeling ashamed", "Get some recent experience"),
    "confidence": ("Feel confident enough to go to an interview", "Stop doubting myself"),
    "mental_health": ("Get on top of my anxiety", "Have someone to talk to when it gets bad"),
    "physical_health": ("Find work that my back can manage", "Get my health sorted first"),
    "money_and_debt": ("Get my debts under control", "Know I'll be better off in work"),
    "housing": ("Get somewhere settled to live", "Sort out the damp in the flat"),
    "transport": ("Pass my driving test", "Find work I can get to on the bus"),
    "social_isolation": ("Meet other parents", "Get out of the house more"),
    "caring": ("Find work that fits round caring for my mum", "Get some help with caring"),
    "language": ("Improve my English", "Feel able to speak up in meetings"),
    "digital": ("Learn to use a computer for job applications", "Get a laptop and get online"),
}
GENERAL_GOALS = ("Find a part-time job in the school hours", "Work out what I want to do next", "Start volunteering")

STEPS: dict[str, tuple[str, ...]] = {
    "childcare": (
        "Visit two nurseries with my keyworker",
        "Apply for help with childcare costs",
        "Try a taster day at the after-school club",
    ),
    "skills": (
        "Enrol on the college's return-to-learn course",
        "Do the free food hygiene certificate",
        "Look at SVQ options in care",
    ),
    "work_history_gaps": (
        "Write my CV with my keyworker",
        "Do a four-week work placement",
        "Volunteer one morning a week",
    ),
    "confidence": (
        "Come to the confidence group",
        "Practise an interview with my keyworker",
        "Do the personal development course",
    ),
    "mental_health": ("Talk to the wellbeing service", "Go to my GP about how I'm feeling", "Try the walking group"),
    "physical_health": ("Ask my GP what work would suit me", "Look at jobs with less lifting"),
    "money_and_debt": (
        "See the money adviser about my debts",
        "Get a better-off-in-work calculation",
        "Check I get all the benefits I'm due",
    ),
    "housing": ("Get advice from the housing officer", "Apply for a housing transfer"),
    "transport": ("Use the budget for a bus pass for the first month", "Book driving lessons"),
    "social_isolation": ("Come to the parents' coffee morning", "Join the community garden group"),
    "caring": ("Get a carer's assessment", "Find out about respite care"),
    "language": ("Join the ESOL class", "Practise speaking at the conversation café"),
    "digital": ("Do the getting-online course at the library", "Set up an email address for applications"),
}
DECLINE_REASONS = (
    "",
    "",
    "",
    "Not right now, maybe later",
    "I'd rather do it another way",
    "It doesn't fit with the kids",
)
EMPLOYERS = (
    "Tesco",
    "Asda",
    "NHS Fife",
    "the council",
    "Boots",
    "a local nursery",
    "Greggs",
    "a care home",
    "Lidl",
    "the primary school",
    "a call centre",
    "a hotel",
)
ROLES = (
    "Retail assistant",
    "Care assistant",
    "Admin assistant",
    "Cleaner",
    "Kitchen porter",
    "Receptionist",
    "Classroom assistant",
    "Customer service adviser",
    "Early years practitioner",
)
OUTCOMES = ("", "Waiting to hear", "Not successful", "Invited to interview", "Offered the job", "No reply")
PROGRESS_COMMENTS = ("", "", "Getting there", "Better than last time", "Still hard", "A good few weeks")
GROUP_SESSIONS: dict[str, tuple[str, str, str]] = {
    "confidence": (
        "Confidence and you",
        "Six mornings on confidence, self-esteem and saying what you want.",
        "Kingdom Wellbeing",
    ),
    "job_search": (
        "CV and interview workshop",
        "Write your CV together and practise interviews in a friendly group.",
        "Skills Hub",
    ),
    "money": (
        "Money matters drop-in",
        "Benefits, budgeting and being better off in work, with a money adviser.",
        "Money Advice team",
    ),
    "digital": ("Getting online", "Email, online forms and job sites, on laptops we lend you.", "Library digital team"),
    "social": ("Parents' coffee morning", "Meet other parents, with a crèche next door.", "Keyworker team"),
}
REQUEST_TEXTS: dict[str, tuple[str, ...]] = {
    "confidence": ("A group for building confidence would really help me", "Something on dealing with nerves"),
    "job_search": ("Help with my CV please", "Practice interviews in a group"),
    "money": ("Help understanding Universal Credit and work", "Someone to look at my debts"),
    "digital": ("I need to learn to use a computer for applications", "A class on filling in forms online"),
    "social": ("A chance to meet other single parents", "A coffee morning with a crèche"),
    "childcare": ("Help finding childcare for the school holidays",),
    "skills": ("A first aid course", "Information about college courses"),
}
FEEDBACK_TEXTS = (
    "My keyworker never pushes me, it's always my choice. That makes all the difference.",
    "It would help if the groups were at school times.",
    "Being visited at home when my son was ill meant I didn't lose touch.",
    "I'd like more help with childcare in the holidays.",
    "Best support I've had. Nothing like the Jobcentre.",
    "Sometimes it's hard to get hold of my keyworker on the phone.",
)


SESSIONS_PER_AREA = 2


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def write_support(builder: "_Builder") -> None:
    goals: list[Goal] = []
    steps_by_goal: list[list[Step]] = []
    appointments: list[Appointment] = []
    checks: list[ProgressCheck] = []
    scores_by_check: list[list[ProgressScore]] = []
    entries: list[JobSearchEntry] = []
    requests: list[tuple[Request, str]] = []
    feedback: list[Feedback] = []
    for person in builder.people:
        rng = builder.rng(f"support {person.reference}")
        _plan(builder, person, rng, goals, steps_by_goal)
        if person.status != Participant.Status.CLOSED:
            _appointments(builder, person, rng, appointments)
        if person.status != Participant.Status.CLOSED or rng.random() < 0.2:
            _progress(builder, person, rng, checks, scores_by_check)
        if rng.random() < 0.35:
            _job_search(builder, person, rng, entries)
        if rng.random() < 0.15:
            topic = rng.choice(sorted(REQUEST_TEXTS))
            kind = Request.Kind.GROUP_ON if topic in GROUP_SESSIONS and rng.random() < 0.7 else Request.Kind.HELP_WITH
            requests.append(
                (
                    Request(participant=person.row, kind=kind, topic=topic, text=rng.choice(REQUEST_TEXTS[topic])),
                    person.area.short_code,
                )
            )
        if rng.random() < 0.06:
            feedback.append(
                Feedback(
                    participant=person.row,
                    partnership=builder.partnerships[person.area.short_code],
                    text=rng.choice(FEEDBACK_TEXTS),
                    anonymous_to_keyworker=rng.random() < 0.3,
                )
            )

    saved_goals = builder.save(Goal, goals)
    steps = []
    for goal, rows in zip(saved_goals, steps_by_goal, strict=True):
        for row in rows:
            row.goal = goal
            steps.append(row)
    builder.save(Step, steps)
    builder.save(Appointment, appointments)
    saved_checks = builder.save(ProgressCheck, checks)
    scores: list[ProgressScore] = []
    for check, check_scores in zip(saved_checks, scores_by_check, strict=True):
        for score in check_scores:
            score.progress_check = check
            scores.append(score)
    builder.save(ProgressScore, scores)
    builder.save(JobSearchEntry, entries)
    sessions, invitations = _group_sessions(builder, requests)
    builder.save(Feedback, feedback)
    builder.counts.update(
        {
            "support:goals": len(goals),
            "support:steps": len(steps),
            "support:appointments": len(appointments),
            "support:progress_checks": len(checks),
            "support:job_search_entries": len(entries),
            "support:requests": len(requests),
            "support:group_sessions": sessions,
            "support:invitations": invitations,
            "support:feedback": len(feedback),
        }
    )


def _plan(
    builder: "_Builder", person: "_Person", rng: random.Random, goals: list[Goal], steps: list[list[Step]]
) -> None:
    assert person.keyworker is not None
    keyworker_user = person.keyworker.user
    last_day = builder.last_day(person)
    themes = person.barriers[:2] or ["confidence"]
    for theme in themes:
        own = rng.random() < 0.3 and person.user is not None
        goal_status = Goal.Status.OPEN
        if person.status == Participant.Status.CLOSED:
            goal_status = Goal.Status.ACHIEVED if rng.random() < 0.6 else Goal.Status.SET_ASIDE
        goals.append(
            Goal(
                participant=person.row,
                title=rng.choice(GOALS.get(theme, GENERAL_GOALS)),
                added_by_participant=own,
                created_by=person.user if own and person.user else keyworker_user,
                status=goal_status,
            )
        )
        rows = []
        for description in rng.sample(
            STEPS.get(theme, STEPS["confidence"]), k=min(len(STEPS.get(theme, ())), rng.randint(1, 3)) or 1
        ):
            offered_on = min(person.joined_on + datetime.timedelta(days=rng.randint(7, 60)), last_day)
            answered_at = builder.at(_weekday(offered_on), rng.randrange(6 * 60))
            roll = rng.random()
            state = Step.State.AGREED
            if person.status == Participant.Status.CLOSED:
                state = Step.State.DONE if roll < 0.65 else Step.State.STOPPED if roll < 0.8 else Step.State.DECLINED
            elif roll < 0.2:
                state = Step.State.OFFERED
            elif roll < 0.35:
                state = Step.State.DECLINED
            elif roll < 0.6:
                state = Step.State.DONE
            answered = state != Step.State.OFFERED
            rows.append(
                Step(
                    description=description,
                    proposed_by=Step.ProposedBy.KEYWORKER,
                    proposed_by_user=keyworker_user,
                    state=state,
                    wants_to_talk=state == Step.State.OFFERED and rng.random() < 0.3,
                    answered_at=answered_at if answered else None,
                    answered_how=rng.choice(["in_person", "in_person", "phone", "message"]) if answered else "",
                    answer_recorded_by=keyworker_user if answered else None,
                    decline_reason=rng.choice(DECLINE_REASONS) if state == Step.State.DECLINED else "",
                    finished_at=answered_at + datetime.timedelta(days=21)
                    if state in (Step.State.DONE, Step.State.STOPPED)
                    else None,
                )
            )
        steps.append(rows)


def _appointments(builder: "_Builder", person: "_Person", rng: random.Random, rows: list[Appointment]) -> None:
    assert person.keyworker is not None
    for _ in range(rng.randint(0, 2)):
        day = _weekday(builder.today + datetime.timedelta(days=rng.randint(1, 28)))
        place = rng.choice(
            [Appointment.Place.CENTRE, Appointment.Place.HOME, Appointment.Place.PHONE, Appointment.Place.VIDEO]
        )
        rows.append(
            Appointment(
                participant=person.row,
                keyworker=person.keyworker,
                starts_at=builder.at(day, rng.choice([0, 30, 60, 90, 150, 210, 270])),
                duration_minutes=rng.choice([30, 45, 60]),
                place=place,
                place_details={
                    "centre": "The Hub, High Street",
                    "home": "At home",
                    "phone": "I'll call you",
                    "video": "Link by text",
                }[place],
                childcare_needed=rng.random() < 0.3,
                created_by=person.keyworker.user,
            )
        )


def _progress(
    builder: "_Builder",
    person: "_Person",
    rng: random.Random,
    checks: list[ProgressCheck],
    scores: list[list[ProgressScore]],
) -> None:
    assert person.keyworker is not None
    last_day = builder.last_day(person)
    improves = rng.random() < 0.7  # many, not all, travel a good distance
    start = {area: rng.randint(2, 6) for area in ProgressArea.values}
    count = rng.randint(2, 4)
    span = max((last_day - person.joined_on).days, 1)
    for index in range(count):
        day = _weekday(person.joined_on + datetime.timedelta(days=round(span * index / max(count - 1, 1))))
        if day > last_day:
            day = last_day
        for reader, user in (
            (ProgressCheck.Reader.PARTICIPANT, person.user or person.keyworker.user),
            (ProgressCheck.Reader.KEYWORKER, person.keyworker.user),
        ):
            if reader == ProgressCheck.Reader.KEYWORKER and rng.random() < 0.5:
                continue
            checks.append(ProgressCheck(participant=person.row, checked_on=day, reader=reader, recorded_by=user))
            row: list[ProgressScore] = []
            for area in ProgressArea.values:
                change = (rng.randint(0, 2) if improves else rng.randint(-1, 1)) * index
                if reader == ProgressCheck.Reader.KEYWORKER:
                    change += rng.choice([-1, 0, 0, 1])
                row.append(
                    ProgressScore(
                        area=area, score=max(1, min(10, start[area] + change)), comment=rng.choice(PROGRESS_COMMENTS)
                    )
                )
            scores.append(row)


def _job_search(builder: "_Builder", person: "_Person", rng: random.Random, rows: list[JobSearchEntry]) -> None:
    assert person.keyworker is not None
    last_day = builder.last_day(person)
    for _ in range(rng.randint(2, 8)):
        day = _weekday(last_day - datetime.timedelta(days=rng.randint(0, 60)))
        if day > last_day or day < person.joined_on:
            continue
        action = rng.choice(JobSearchEntry.Action.values)
        rows.append(
            JobSearchEntry(
                participant=person.row,
                searched_on=day,
                employer=rng.choice(EMPLOYERS) if action != "searched" else "",
                role=rng.choice(ROLES),
                action=action,
                what_i_did=rng.choice(
                    ["Applied online", "Dropped my CV in", "Phoned to ask", "Looked on the job sites"]
                ),
                outcome=rng.choice(OUTCOMES),
                recorded_by=person.user if person.user and rng.random() < 0.5 else person.keyworker.user,
            )
        )


def _group_sessions(builder: "_Builder", requests: list[tuple[Request, str]]) -> tuple[int, int]:
    """In each area, the two most asked-for group topics became sessions; the people who asked were invited."""
    saved = builder.save(Request, [request for request, _ in requests])
    by_area_topic: dict[tuple[str, str], list[Request]] = {}
    for request, (_, area) in zip(saved, requests, strict=True):
        if request.kind == Request.Kind.GROUP_ON:
            by_area_topic.setdefault((area, request.topic), []).append(request)
    rng = builder.rng("group sessions")
    sessions: list[GroupSession] = []
    asked: list[list[Request]] = []
    most_asked = sorted(by_area_topic.items(), key=lambda item: (item[0][0], -len(item[1]), item[0][1]))
    per_area: dict[str, int] = {}
    for (area, topic), wanting in most_asked:
        per_area[area] = per_area.get(area, 0) + 1
        if per_area[area] > SESSIONS_PER_AREA:
            continue
        title, description, facilitator = GROUP_SESSIONS[topic]
        partnership = builder.partnerships[area]
        answered = rng.random() < 0.7
        starts = builder.today + datetime.timedelta(days=rng.randint(-40, 30))
        if builder.spec.closed:
            starts -= datetime.timedelta(days=45)  # all held in the programme's last autumn
        sessions.append(
            GroupSession(
                partnership=partnership,
                title=title,
                description=description,
                topic=topic,
                starts_at=builder.at(_weekday(starts), 0),
                place="Community centre, Main Street",
                childcare_provided=True,
                facilitator=facilitator,
                places=max(8, len(wanting) + 2),
                you_said_we_did=(
                    f"You said you'd like {description[0].lower()}{description[1:]} We set up “{title}”."
                    if answered
                    else ""
                ),
                created_by=_manager_user(builder, area),
            )
        )
        asked.append(wanting)
    saved_sessions = builder.save(GroupSession, sessions)
    invitations = []
    for session, wanting in zip(saved_sessions, asked, strict=True):
        seen = set()
        for request in wanting:
            if request.participant_id in seen:
                continue
            seen.add(request.participant_id)
            past = session.starts_at.date() < builder.today
            invitations.append(
                Invitation(
                    group_session=session,
                    participant_id=request.participant_id,
                    response=rng.choice(
                        [Invitation.Response.COMING, Invitation.Response.COMING, Invitation.Response.NOT_COMING]
                    ),
                    attended=(rng.random() < 0.8) if past else None,
                )
            )
        Request.objects.filter(pk__in=[request.pk for request in wanting]).update(
            group_session=session, status=Request.Status.ANSWERED if session.you_said_we_did else Request.Status.OPEN
        )
    builder.save(Invitation, invitations)
    return len(saved_sessions), len(invitations)


def _manager_user(builder: "_Builder", area: str) -> Any:
    manager = (
        StaffMember.objects.filter(partnership=builder.partnerships[area], roles__role=Role.PARTNERSHIP_MANAGER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert manager is not None
    return manager.user
