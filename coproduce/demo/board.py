"""The demo's partnership boards: members, quarterly meetings and a decisions log.

Each board has a representative of the co-lead charity (who chairs it), of the council, of some
partner agencies, and one or two lived-experience members: lone parents who were supported by the
programme. Every name is invented. Fife's first lived-experience member can sign in (the demo's
board-member login), and sees the board page and aggregate figures, never casework.
"""

import datetime
from typing import TYPE_CHECKING

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.demo import data
from coproduce.programmes.models import BoardDecision, BoardMeeting, BoardMember

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder

FIRST_MEETING = datetime.date(2013, 6, 12)
DECISIONS = (
    ("Agreed to run the confidence course again in the school holidays.", "lead"),
    ("Asked the council to look at nursery places in the areas with the longest waits.", "council"),
    ("Agreed to raise the keyworker approval limit for childcare spend.", "lead"),
    ("Agreed to invite lone parents to help write the next year's plan.", "lead"),
    ("Asked the money advice partner to hold a drop-in at the job centre.", "agency"),
    ("Agreed a shared referral form with the skills partner.", "agency"),
    ("Noted the drop in referrals over the summer and agreed to visit schools in August.", "lead"),
    ("Agreed to publish the year's figures for participants in plain language.", "lead"),
    ("Asked for a report on why referrals to childcare were declined.", "council"),
    ("Agreed the engagement target to propose to the funder.", "lead"),
)
PLACES = ("{lead} office", "Council chambers", "Community centre", "Online")


def write_board(builder: "_Builder") -> None:
    rng = builder.rng("board")
    members: list[BoardMember] = []
    meetings: list[BoardMeeting] = []
    decisions_by_meeting: list[list[BoardDecision]] = []
    board_login = data.DEMO_LOGIN_BY_ROLE.get(Role.BOARD_MEMBER)
    board_user = None
    for area in data.AREAS:
        partnership = builder.partnerships[area.short_code]
        lead = builder.organisations[area.lead.name]
        council = builder.organisations[area.council.name]
        agencies = [builder.organisations[spec.name] for spec in area.agencies]
        starts_on = builder.spec.starts_on
        seats = [(lead, starts_on), (council, starts_on)]
        seats += [(agency, starts_on) for agency in rng.sample(agencies, 3)]
        for organisation, joined_on in seats:
            members.append(
                BoardMember(
                    partnership=partnership,
                    name=f"{rng.choice(data.WOMEN_GIVEN_NAMES + data.MEN_GIVEN_NAMES)} {rng.choice(data.FAMILY_NAMES)}",
                    kind=BoardMember.Kind.ORGANISATION,
                    organisation=organisation,
                    joined_on=joined_on,
                )
            )
        lived = rng.choice((1, 2))
        for index in range(lived):
            joined_on = _months_on(starts_on, 9) + datetime.timedelta(days=15 + rng.randrange(400))
            joined_on = min(joined_on, builder.today - datetime.timedelta(days=30))
            name = f"{rng.choice(data.WOMEN_GIVEN_NAMES)} {rng.choice(data.FAMILY_NAMES)}"
            user = None
            # The demo board member sits on the live programme's board.
            is_demo = not builder.spec.closed and board_login is not None and board_login.area == area.short_code
            if index == 0 and board_login is not None and is_demo:
                name = board_login.display_name
                board_user = user = User(
                    username=board_login.email,
                    email=board_login.email,
                    first_name=board_login.given_name,
                    last_name=board_login.family_name,
                    display_name=board_login.display_name,
                    password=builder.password,
                )
            members.append(
                BoardMember(
                    partnership=partnership,
                    user=user,
                    name=name,
                    kind=BoardMember.Kind.LIVED_EXPERIENCE,
                    joined_on=joined_on,
                )
            )

        recorder = builder.manager_users[area.short_code]
        for quarter in range(100):
            first_meeting = FIRST_MEETING if builder.spec.closed else _months_on(starts_on, 1)
            held_on = _weekday(_months_on(first_meeting, 3 * quarter) + datetime.timedelta(days=area.participants % 7))
            if held_on > builder.spec.ends_on or held_on > builder.today:
                break
            meeting = BoardMeeting(
                partnership=partnership,
                held_on=held_on,
                place=rng.choice(PLACES).format(lead=area.lead.name),
                notes="Minutes agreed at the next meeting.",
            )
            meetings.append(meeting)
            rows = []
            for text, who in rng.sample(DECISIONS, rng.randint(1, 3)):
                action_by = {"lead": area.lead.name, "council": area.council.name}.get(who, rng.choice(agencies).name)
                done_after = rng.randint(20, 120)
                done_on = held_on + datetime.timedelta(days=done_after)
                rows.append(
                    BoardDecision(
                        partnership=partnership,
                        decided_on=held_on,
                        decision=text,
                        action_by=action_by,
                        done_on=done_on if done_on <= min(builder.today, builder.spec.ends_on) else None,
                        recorded_by=recorder,
                    )
                )
            decisions_by_meeting.append(rows)

    if board_user is not None:
        builder.save(User, [board_user])
    builder.save(BoardMember, members)
    saved = builder.save(BoardMeeting, meetings)
    decisions = []
    for meeting, rows in zip(saved, decisions_by_meeting, strict=True):
        for row in rows:
            row.meeting = meeting
            decisions.append(row)
    builder.save(BoardDecision, decisions)
    builder.counts.update(
        {"board:members": len(members), "board:meetings": len(meetings), "board:decisions": len(decisions)}
    )


def _months_on(day: datetime.date, months: int) -> datetime.date:
    month = day.month + months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day
