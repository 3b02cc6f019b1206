"""The partnership dashboard's figures: exact for the manager, suppressed for board members.

The personas' Fife: Kim supports Pat and Paula, Owen supports Olive (all active, joined 2015);
Glasgow's Gemma must never be counted in Fife.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.budgets.models import BudgetPot
from coproduce.core.errors import NotAllowed
from coproduce.directory.models import Service
from coproduce.participants.models import Enquiry, Participant
from coproduce.plans.models import Barrier
from coproduce.programmes.models import EngagementTarget
from coproduce.referrals.models import Referral
from coproduce.reporting import partnership
from coproduce.reporting.partnership import (
    PARTICIPANT_TABLES,
    Dashboard,
    DashTable,
    export_table,
    participant_figures,
    partnership_dashboard,
)
from coproduce.reporting.suppression import suppress
from coproduce.voice.models import Request, Topic
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory, SpendFactory
from tests.directory.factories import service_for_need
from tests.outcomes.factories import JobStartFactory, TrainingFactory
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.programmes.factories import StaffMemberFactory
from tests.referrals.factories import ReferralFactory
from tests.voice.factories import GroupSessionFactory, InvitationFactory, RequestFactory

TODAY = datetime.date(2026, 11, 28)


def rows(table: DashTable) -> list[list[object]]:
    """The table as the downloads hold it: hidden cells as their labels, percentages as numbers
    of percent, years as whole numbers, dates as dates."""
    export = export_table(table)
    return [list(export.file_columns), *[[value for value, _format in row] for row in export.file_rows]]


def manager_sees(personas: Personas) -> Dashboard:
    return partnership_dashboard(personas.manager.user, today=TODAY)


# ----- Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["keyworker", "partner_worker", "funder", "evaluator", "participant", "administrator"])
def test_only_managers_and_board_members_have_a_dashboard(personas: Personas, role: str) -> None:
    with pytest.raises(NotAllowed):
        partnership_dashboard(personas.user_for(role))


def test_another_areas_manager_sees_their_own_area_only(personas: Personas) -> None:
    dashboard = partnership_dashboard(personas.glasgow_manager.user, today=TODAY)
    assert dashboard.partnership == personas.glasgow
    assert rows(dashboard.caseloads)[1:] == [
        ["Gail Glasgow", 1, 0, 0, 1],
        ["All keyworkers", 1, 0, 0, 1],
    ]


def test_the_manager_sees_exact_counts_and_the_board_member_does_not(personas: Personas) -> None:
    assert manager_sees(personas).exact is True
    board = partnership_dashboard(personas.board_member.user, today=TODAY)
    assert board.exact is False
    assert board.partnership == personas.fife


def test_a_board_member_who_has_left_has_no_dashboard(personas: Personas) -> None:
    seat = personas.board_member
    seat.left_on = timezone.localdate() - datetime.timedelta(days=1)
    seat.save()
    with pytest.raises(NotAllowed):
        partnership_dashboard(type(seat.user).objects.get(pk=seat.user_id))


# ----- Engagement against target ----------------------------------------------------------------


def test_engagement_per_year_against_the_agreed_target(personas: Personas) -> None:
    funder, manager = personas.funder.user, personas.manager.user
    now = timezone.now()
    EngagementTarget.objects.create(
        partnership=personas.fife,
        year=2015,
        participants=4,
        proposed_by=manager,
        proposed_at=now,
        agreed_by=funder,
        agreed_at=now,
    )
    EngagementTarget.objects.create(
        partnership=personas.fife, year=2017, participants=10, proposed_by=manager, proposed_at=now
    )
    ParticipantFactory(keyworker=personas.keyworker, joined_on=datetime.date(2017, 5, 2))
    ParticipantFactory(keyworker=personas.glasgow_keyworker, joined_on=datetime.date(2017, 5, 2))

    table = manager_sees(personas).engagement

    assert rows(table) == [
        ["Year", "Joined", "Agreed target", "Of target %"],
        [2015, 3, 4, 75.0],
        [2016, 0, "No target", ""],
        [2017, 1, "10 (proposed, not agreed)", ""],
        ["All years", 4, 4, ""],
    ]
    assert "<svg" in table.chart
    assert "Agreed target" in table.chart


# ----- Caseloads ----------------------------------------------------------------------------------


def test_caseloads_per_keyworker_against_the_limit(personas: Personas) -> None:
    ParticipantFactory(keyworker=personas.other_keyworker, status=Participant.Status.PAUSED)
    ParticipantFactory(keyworker=personas.other_keyworker, status=Participant.Status.CLOSED)
    personas.fife.caseload_limit = 1
    personas.fife.save()

    table = manager_sees(personas).caseloads

    assert table.title == "Caseloads (limit 1 active)"
    assert rows(table) == [
        ["Keyworker", "Active", "Paused", "Closed", "All", "Note"],
        ["Kim Keyworker", 2, 0, 0, 2, "Over the limit"],
        ["Owen Other", 1, 1, 1, 3, ""],
        ["All keyworkers", 3, 1, 1, 5, ""],
    ]


# ----- Referrals ---------------------------------------------------------------------------------


def test_referrals_by_partner_organisation_and_state(personas: Personas) -> None:
    personas.with_referrals()
    ReferralFactory(
        participant=personas.second_participant,
        service=personas.other_partner_service,
        sent=True,
        state=Referral.State.DECLINED,
        answered_at=timezone.now(),
        decline_reason=Referral.DeclineReason.NO_CAPACITY,
    )
    ReferralFactory(participant=personas.glasgow_participant, service=personas.partner_service, sent=True)

    table = manager_sees(personas).referrals

    assert rows(table) == [
        ["Organisation", "Proposed", "Sent", "Declined", "Withdrawn", "All"],
        ["Fife Childcare Links", 0, 1, 1, 0, 2],
        ["Kingdom Money Advice", 1, 1, 0, 1, 3],
        ["All organisations", 1, 2, 1, 1, 5],
    ]


# ----- Outcomes ----------------------------------------------------------------------------------


def test_outcomes_by_kind(personas: Personas) -> None:
    JobStartFactory(participant=personas.participant)
    JobStartFactory(participant=personas.second_participant)
    TrainingFactory(participant=personas.participant)
    JobStartFactory(participant=personas.glasgow_participant)

    assert rows(manager_sees(personas).outcomes) == [
        ["Outcome", "Recorded"],
        ["Started a job", 2],
        ["Started training or education", 1],
        ["Gained a qualification", 0],
        ["Started volunteering", 0],
        ["Progressed in work", 0],
        ["All outcomes", 3],
    ]


# ----- Budgets ------------------------------------------------------------------------------------


def fife_pot(personas: Personas) -> BudgetPot:
    return BudgetPotFactory(
        partnership=personas.fife,
        name="Fife fund 2026",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
        amount=Decimal("1000.00"),
    )


def test_spend_approved_by_category_and_pot_balances(personas: Personas) -> None:
    pot = fife_pot(personas)
    ApprovedSpendFactory(pot=pot, participant=personas.participant, category="childcare", amount=Decimal("120.00"))
    ApprovedSpendFactory(pot=pot, participant=personas.participant, category="childcare", amount=Decimal("80.50"))
    ApprovedSpendFactory(pot=pot, participant=personas.other_participant, category="travel", amount=Decimal("40.00"))
    SpendFactory(pot=pot, participant=personas.other_participant, category="travel", amount=Decimal("25.00"))
    # Spend from Glasgow's pot is not Fife's.
    glasgow_pot = BudgetPotFactory(partnership=personas.glasgow, name="Glasgow fund")
    ApprovedSpendFactory(pot=glasgow_pot, participant=personas.glasgow_participant, category="childcare")
    SpendFactory(
        pot=pot,
        participant=personas.second_participant,
        category="other",
        state="declined",
        decided_at=timezone.now(),
        amount=Decimal("99.00"),
    )

    dashboard = manager_sees(personas)

    assert rows(dashboard.spend) == [
        ["Category", "Items", "Amount (£)"],
        ["Childcare", 2, Decimal("200.50")],
        ["Travel", 1, Decimal("40.00")],
        ["Interview or work clothes", 0, Decimal("0.00")],
        ["Course fees", 0, Decimal("0.00")],
        ["Equipment", 0, Decimal("0.00")],
        ["Other", 0, Decimal("0.00")],
        ["All categories", 3, Decimal("240.50")],
    ]
    assert rows(dashboard.pots) == [
        ["Pot", "Starts", "Ends", "Amount (£)", "Approved (£)", "Waiting for approval (£)", "Left (£)"],
        [
            "Fife fund 2026",
            datetime.date(2026, 4, 1),
            datetime.date(2027, 3, 31),
            Decimal("1000.00"),
            Decimal("240.50"),
            Decimal("25.00"),
            Decimal("759.50"),
        ],
    ]


# ----- Requests and group sessions ----------------------------------------------------------------


def test_requests_by_topic_and_group_sessions_by_year(personas: Personas) -> None:
    RequestFactory(participant=personas.participant, topic=Topic.MONEY)
    RequestFactory(participant=personas.second_participant, topic=Topic.MONEY, status=Request.Status.ANSWERED)
    RequestFactory(participant=personas.other_participant, topic=Topic.CHILDCARE)
    RequestFactory(participant=personas.glasgow_participant, topic=Topic.CHILDCARE)
    session = GroupSessionFactory(
        partnership=personas.fife, places=12, starts_at=timezone.make_aware(datetime.datetime(2026, 3, 4, 10))
    )
    InvitationFactory(group_session=session, participant=personas.participant, attended=True)
    InvitationFactory(group_session=session, participant=personas.second_participant, attended=False)
    GroupSessionFactory(partnership=personas.glasgow, starts_at=timezone.make_aware(datetime.datetime(2026, 3, 4)))

    dashboard = manager_sees(personas)

    assert rows(dashboard.requests) == [
        ["Topic", "Waiting for an answer", "Answered", "All"],
        ["Money, debt and benefits", 1, 1, 2],
        ["Childcare", 1, 0, 1],
        ["All topics", 2, 1, 3],
    ]
    assert rows(dashboard.sessions) == [
        ["Year", "Sessions", "Places", "Invited", "Came"],
        [2026, 1, 12, 2, 1],
        ["All years", 1, 12, 2, 1],
    ]


# ----- Gaps in provision ----------------------------------------------------------------------------


def assess(participant: Participant, *barriers: str, on: datetime.date = datetime.date(2026, 1, 5)) -> None:
    assessment = AssessmentFactory(participant=participant, assessed_on=on)
    for barrier in barriers:
        AssessmentBarrierFactory(assessment=assessment, barrier=barrier)


def test_a_childcare_gap_appears_when_the_only_service_is_full_and_goes_when_a_place_frees(
    personas: Personas,
) -> None:
    assess(personas.participant, Barrier.CHILDCARE, Barrier.MONEY_AND_DEBT)
    assess(personas.second_participant, Barrier.CHILDCARE)
    # Olive's earlier assessment named transport; her latest does not.
    assess(personas.other_participant, Barrier.TRANSPORT, on=datetime.date(2025, 1, 5))
    assess(personas.other_participant, Barrier.CHILDCARE, on=datetime.date(2026, 2, 5))
    # A closed participant's barriers are not counted, nor Glasgow's.
    closed = ParticipantFactory(keyworker=personas.keyworker, status=Participant.Status.CLOSED)
    assess(closed, Barrier.HOUSING)
    assess(personas.glasgow_participant, Barrier.HOUSING)
    nursery = service_for_need(Barrier.CHILDCARE, name="Kirkcaldy nursery", places_available=0)
    nursery.partnerships.add(personas.fife)
    money = service_for_need(Barrier.MONEY_AND_DEBT, name="Debt advice", places_available=None)
    money.partnerships.add(personas.fife)
    # Not counted: a childcare service with places in Glasgow only, and an inactive one in Fife.
    service_for_need(Barrier.CHILDCARE, places_available=5).partnerships.add(personas.glasgow)
    inactive = service_for_need(Barrier.CHILDCARE, places_available=5, status=Service.Status.INACTIVE)
    inactive.partnerships.add(personas.fife)

    gap = "Gap: no service with places"
    assert rows(manager_sees(personas).barrier_gaps) == [
        ["Barrier", "Active participants naming it", "Services with places free", "Note"],
        ["Childcare", 3, 0, gap],
        ["Money and debt", 1, 1, ""],
    ]

    nursery.places_available = 1
    nursery.save()

    assert rows(manager_sees(personas).barrier_gaps) == [
        ["Barrier", "Active participants naming it", "Services with places free"],
        ["Childcare", 3, 1],
        ["Money and debt", 1, 1],
    ]


def test_referrals_declined_for_lack_of_places_by_service(personas: Personas) -> None:
    personas.with_referrals()
    for participant in (personas.participant, personas.second_participant):
        ReferralFactory(
            participant=participant,
            service=personas.other_partner_service,
            sent=True,
            state=Referral.State.DECLINED,
            answered_at=timezone.now(),
            decline_reason=Referral.DeclineReason.NO_CAPACITY,
        )
    ReferralFactory(
        participant=personas.participant,
        service=personas.partner_service,
        sent=True,
        state=Referral.State.DECLINED,
        answered_at=timezone.now(),
        decline_reason=Referral.DeclineReason.NOT_ELIGIBLE,
    )

    assert rows(manager_sees(personas).capacity_declines) == [
        ["Service", "Organisation", "Declined: no places"],
        ["Help finding childcare", "Fife Childcare Links", 2],
        ["All services", "", 2],
    ]


def test_requests_not_yet_answered_by_topic_oldest_first(personas: Personas) -> None:
    old = RequestFactory(participant=personas.participant, topic=Topic.CHILDCARE)
    Request.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 10, 29, 12)))
    RequestFactory(participant=personas.second_participant, topic=Topic.MONEY)
    RequestFactory(participant=personas.second_participant, topic=Topic.MONEY, status=Request.Status.ANSWERED)
    RequestFactory(participant=personas.other_participant, topic=Topic.MONEY)
    Request.objects.exclude(pk=old.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 12)))

    assert rows(manager_sees(personas).unanswered) == [
        ["Topic", "Waiting", "Oldest made on", "Days waiting"],
        ["Childcare", 1, datetime.date(2026, 10, 29), 30],
        ["Money, debt and benefits", 2, datetime.date(2026, 11, 20), 8],
        ["All topics", 3, "", ""],
    ]


# ----- Suppression for board members --------------------------------------------------------------


def test_board_members_see_small_counts_suppressed(personas: Personas) -> None:
    for _ in range(5):
        ParticipantFactory(keyworker=personas.keyworker, joined_on=datetime.date(2016, 6, 1))
    pot = fife_pot(personas)
    ApprovedSpendFactory(pot=pot, participant=personas.participant, category="childcare", amount=Decimal("120.00"))

    board = partnership_dashboard(personas.board_member.user, today=TODAY)

    # 3 joined in 2015 is small; the total would give it away, so 2016's 5 is hidden too.
    assert rows(board.engagement) == [
        ["Year", "Joined", "Agreed target", "Of target %"],
        [2015, "fewer than 5", "No target", ""],
        [2016, "hidden", "No target", ""],
        ["All years", 8, 0, ""],
    ]
    # Kim 7 active, Owen 1: Owen's count is small, so Kim's is hidden too.
    assert rows(board.caseloads)[1:] == [
        ["Kim Keyworker", "hidden", 0, 0, "hidden"],
        ["Owen Other", "fewer than 5", 0, 0, "fewer than 5"],
        ["All keyworkers", 8, 0, 0, 8],
    ]
    # The amount spent on one person is hidden with the count.
    assert rows(board.spend)[1] == ["Childcare", "fewer than 5", "fewer than 5"]
    assert rows(board.spend)[-1] == ["All categories", "fewer than 5", "fewer than 5"]
    # The pot's balance would give the hidden amount away: hidden with it.
    assert rows(board.pots) == [
        ["Pot", "Starts", "Ends", "Amount (£)", "Approved (£)", "Waiting for approval (£)", "Left (£)"],
        [
            "Fife fund 2026",
            datetime.date(2026, 4, 1),
            datetime.date(2027, 3, 31),
            Decimal("1000.00"),
            "fewer than 5",
            Decimal("0.00"),
            "fewer than 5",
        ],
    ]


def test_a_board_members_tables_are_suppressed_together_so_none_undoes_another(personas: Personas) -> None:
    # Waiting for an answer: childcare 2, money 7 (and 6 childcare requests answered). Both the
    # requests table and the "not yet answered" table show the waiting ones; suppressed apart,
    # one hid money's 7 and showed the total of 9 while the other showed the 7: 9 - 7 = 2.
    people = ParticipantFactory.create_batch(9, keyworker=personas.keyworker, joined_on=datetime.date(2016, 6, 1))
    for person in people[:2]:
        RequestFactory(participant=person, topic=Topic.CHILDCARE)
    for person in people[2:]:
        RequestFactory(participant=person, topic=Topic.MONEY)
    for person in people[:6]:
        RequestFactory(participant=person, topic=Topic.CHILDCARE, status=Request.Status.ANSWERED)

    board = partnership_dashboard(personas.board_member.user, today=TODAY)

    waiting = {row.label: row.values[0] for row in board.unanswered.rows}
    in_requests_table = {row.label: row.values[0] for row in board.requests.rows}
    assert waiting == {label: in_requests_table[label] for label in waiting}
    assert waiting["Childcare"].label == "fewer than 5"
    assert sum(cell.hidden for cell in waiting.values()) >= 2
    # The board page's figures are the same cells as the dashboard's.
    assert board.participants == board.engagement.rows[-1].values[0]
    taking_part = board.caseloads.rows[-1].values[0]
    assert board.taking_part == taking_part  # everyone here is on a keyworker's caseload


# ----- Outreach ---------------------------------------------------------------------------------


def test_how_people_heard_by_source_and_quarter_with_conversion_counted_from_the_records(
    personas: Personas,
) -> None:
    from collections import Counter

    from tests.participants.factories import EnquiryFactory

    def enquiry(source: str, on: datetime.date, participant: Participant | None = None, area: object = None) -> None:
        made = EnquiryFactory(partnership=area or personas.fife, heard_about=source, participant=participant)
        moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
        Enquiry.objects.filter(pk=made.pk).update(created_at=moment)

    enquiry("jobcentre", datetime.date(2026, 1, 10), ParticipantFactory(keyworker=personas.keyworker))
    enquiry("jobcentre", datetime.date(2026, 2, 10))
    enquiry("jobcentre", datetime.date(2026, 5, 10), ParticipantFactory(keyworker=personas.keyworker))
    enquiry("school_or_nursery", datetime.date(2026, 5, 11), ParticipantFactory(keyworker=personas.keyworker))
    enquiry("", datetime.date(2026, 8, 1))
    enquiry("jobcentre", datetime.date(2026, 8, 1), area=personas.glasgow)  # another area: not counted

    dashboard = manager_sees(personas)

    fife = list(Enquiry.objects.filter(partnership=personas.fife))
    asked = Counter(e.heard_about or "not_said" for e in fife)
    joined = Counter(e.heard_about or "not_said" for e in fife if e.participant_id)
    by_source = {row[0]: row[1:] for row in rows(dashboard.outreach)[1:]}
    assert by_source["Jobcentre Plus"] == [asked["jobcentre"], joined["jobcentre"], 66.7]
    assert by_source["All sources"] == [
        len(fife),
        sum(joined.values()),
        round(100 * sum(joined.values()) / len(fife), 1),
    ]
    assert rows(dashboard.outreach)[0] == ["How they heard", "Enquiries", "Became participants", "Conversion %"]
    assert by_source["Jobcentre Plus"][:2] == [3, 2]
    assert by_source["School or nursery"] == [1, 1, 100.0]

    quarters = Counter(
        (f"{e.created_at.year} Q{(timezone.localtime(e.created_at).month - 1) // 3 + 1}", e.heard_about or "not_said")
        for e in fife
    )
    table = rows(dashboard.outreach_over_time)
    header = table[0]
    assert header[0] == "Quarter"
    assert header[-1] == "All"
    assert "Jobcentre Plus" in header
    by_quarter = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in table[1:]}
    assert by_quarter["2026 Q1"]["Jobcentre Plus"] == quarters[("2026 Q1", "jobcentre")] == 2
    assert by_quarter["2026 Q2"]["Jobcentre Plus"] == 1
    assert by_quarter["2026 Q2"]["School or nursery"] == 1
    assert by_quarter["2026 Q3"]["Not said"] == 1
    assert by_quarter["All quarters"]["All"] == len(fife)


@pytest.mark.parametrize("enquiries", [1, 8])
def test_the_outreach_tables_take_the_same_queries_however_many_enquiries(
    personas: Personas, enquiries: int, django_assert_num_queries: Any
) -> None:
    from tests.participants.factories import EnquiryFactory

    sources = ["jobcentre", "social_media", "friend_or_family", ""]
    for number in range(enquiries):
        EnquiryFactory(partnership=personas.fife, heard_about=sources[number % 4])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        dashboard = manager_sees(personas)
    assert rows(dashboard.outreach)[-1][1] == Enquiry.objects.filter(partnership=personas.fife).count()


# Who is acting, their partnership and rights (3), the partnership with its targets, then one grouped
# query per table (or one shared by two tables): 9.
DASHBOARD_QUERIES = 13


# ----- The board page's figures, without the rest of the dashboard ---------------------------------

SHAPES = [
    # (year joined, status, whose caseload: "kim", "owen" or None) for each extra participant
    [],
    [(2016, "active", "kim")] * 5,
    [(2016, "active", "kim")] * 2 + [(2017, "paused", "owen")] * 6 + [(2017, "closed", None)],
    [(2015, "closed", "owen")] * 4 + [(2016, "paused", None)] * 7 + [(2018, "active", "kim")] * 12,
    [(2016, "active", None)] * 30 + [(2019, "paused", "kim")],
]


@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_the_board_pages_figures_hide_whatever_the_dashboard_hides(personas: Personas, shape: int) -> None:
    keyworkers = {"kim": personas.keyworker, "owen": personas.other_keyworker, None: None}
    for year, status, whose in SHAPES[shape]:
        ParticipantFactory(
            partnership=personas.fife, keyworker=keyworkers[whose], joined_on=datetime.date(year, 3, 1), status=status
        )
    for user in (personas.board_member.user, personas.manager.user):
        dashboard = partnership_dashboard(user, today=TODAY)
        figures = participant_figures(user)
        for shown, on_dashboard in [
            (figures.participants, dashboard.participants),
            (figures.taking_part, dashboard.taking_part),
            (figures.paused_or_closed, dashboard.paused_or_closed),
        ]:
            # In an area this small the dashboard may look ahead less far than the three tables
            # would alone: the board page then hides a figure if any depth hides it.
            if on_dashboard.hidden:
                assert shown.hidden
            if not shown.hidden:
                assert shown == on_dashboard


def test_the_participants_counts_share_no_line_with_the_tables_the_board_page_does_not_read(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What lets the board page suppress three tables alone (`participant_figures`)."""
    ParticipantFactory.create_batch(3, keyworker=personas.other_keyworker, status=Participant.Status.PAUSED)
    RequestFactory(participant=personas.participant, topic=Topic.MONEY)
    seen: list[tuple[dict[Any, int], list[Any]]] = []

    def noting(counts: dict[Any, int], lines: list[Any], **options: Any) -> Any:
        seen.append((dict(counts), list(lines)))
        return suppress(counts, lines, **options)

    monkeypatch.setattr(partnership, "suppress", noting)
    partnership_dashboard(personas.board_member.user, today=TODAY)
    ((counts, lines),) = seen
    assert {key[0] for key in counts} > PARTICIPANT_TABLES  # the other tables are there too
    for line in lines:
        tables = {key[0] for key in (line.total, *line.parts)}
        assert tables <= PARTICIPANT_TABLES or not tables & PARTICIPANT_TABLES, line
    # And the three tables come first, in the order the board page builds them.
    first = list(counts)[: len([key for key in counts if key[0] in PARTICIPANT_TABLES])]
    assert {key[0] for key in first} == PARTICIPANT_TABLES


@pytest.mark.parametrize("keyworkers", [1, 3])
def test_the_board_pages_figures_take_the_same_queries_however_many_keyworkers(
    personas: Personas, keyworkers: int, django_assert_num_queries: Any
) -> None:
    for _ in range(keyworkers):
        ParticipantFactory(keyworker=StaffMemberFactory(partnership=personas.fife, roles=[Role.KEYWORKER]))
    participant_figures(personas.board_member.user)  # who is acting, cached for the request
    # The partnership with its targets, participants by year and status, caseloads.
    with django_assert_num_queries(3):
        participant_figures(personas.board_member.user)
