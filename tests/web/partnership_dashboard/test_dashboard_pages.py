"""The partnership dashboard page and its downloads."""

import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from coproduce.plans.models import Barrier
from coproduce.referrals.models import Referral
from coproduce.voice.models import Topic
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory
from tests.directory.factories import service_for_need
from tests.outcomes.factories import JobStartFactory
from tests.participants.factories import EnquiryFactory, ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.referrals.factories import ReferralFactory
from tests.voice.factories import GroupSessionFactory, InvitationFactory, RequestFactory

ClientFor = Callable[[str], Client]
URL = "/partnership/dashboard/"


def export_url(table: str, fmt: str) -> str:
    return f"/partnership/dashboard/{table}.{fmt}"


def busy_area(personas: Personas, how_many: int) -> None:
    """`how_many` more of everything the dashboard counts, in Fife."""
    personas.with_referrals()
    pot = BudgetPotFactory(partnership=personas.fife, name="Fund", amount=Decimal("10000.00"))
    session = GroupSessionFactory(partnership=personas.fife)
    nursery = service_for_need(Barrier.CHILDCARE, places_available=0)
    nursery.partnerships.add(personas.fife)
    for number in range(how_many):
        participant = ParticipantFactory(keyworker=personas.keyworker, joined_on=datetime.date(2015 + number % 3, 1, 5))
        assessment = AssessmentFactory(participant=participant)
        AssessmentBarrierFactory(assessment=assessment, barrier=Barrier.CHILDCARE)
        AssessmentBarrierFactory(assessment=assessment, barrier=Barrier.HOUSING)
        ReferralFactory(
            participant=participant,
            service=personas.other_partner_service,
            sent=True,
            state=Referral.State.DECLINED,
            answered_at=timezone.now(),
            decline_reason=Referral.DeclineReason.NO_CAPACITY,
        )
        ReferralFactory(participant=participant, service=personas.partner_service, sent=True)
        JobStartFactory(participant=participant)
        ApprovedSpendFactory(pot=pot, participant=participant, category="travel", amount=Decimal("10.00"))
        RequestFactory(participant=participant, topic=list(Topic)[number % 4])
        InvitationFactory(group_session=session, participant=participant)
        service_for_need(Barrier.HOUSING, places_available=number).partnerships.add(personas.fife)


@pytest.mark.parametrize("how_many", [1, 15])
def test_the_dashboard_takes_the_same_queries_however_many(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    busy_area(personas, how_many)
    for number in range(how_many):
        EnquiryFactory(partnership=personas.fife, heard_about=["jobcentre", "social_media", ""][number % 3])
    client = client_for("partnership_manager")
    client.get(URL)  # the first visit may set up the session
    # Session, user, actor (3), the partnership with its targets; then one grouped query per table (one shared where two
    # tables show the same records): 9. Within the budget of 15.
    with django_assert_num_queries(15):
        response = client.get(URL)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.outcomes.rows[0].values[0].value == how_many


def test_the_manager_sees_every_section_with_charts_and_downloads(personas: Personas, client_for: ClientFor) -> None:
    busy_area(personas, 2)
    html = client_for("partnership_manager").get(URL).content.decode()
    for heading in (
        "Gaps in provision",
        "Barriers and services with places",
        "Referrals declined for lack of places",
        "Requests not yet answered",
        "Engagement against target",
        "Caseloads (limit 25 active)",
        "Referrals by partner organisation and state",
        "Outcomes by kind",
        "Budget spend approved, by category",
        "Budget pots and their balances",
        "Requests by topic",
        "Group sessions",
        "How people heard about us",
        "Enquiries each quarter, by how people heard about us",
    ):
        assert heading in html
    assert "Gap: no service with places" in html
    # No chart for pots, sessions, declines, waiting requests, or enquiries over time.
    assert html.count("<svg") == 8
    for table in ("engagement", "caseloads", "barrier-gaps", "unanswered", "pots"):
        assert f'href="{export_url(table, "csv")}"' in html
        assert f'href="{export_url(table, "xlsx")}"' in html
    # No one's name or reference appears: only counts, keyworkers' and services' names.
    assert personas.participant.reference not in html
    assert f"{personas.participant.given_name} {personas.participant.family_name}" not in html


def test_the_overview_and_the_menu_link_to_the_dashboard(client_for: ClientFor) -> None:
    html = client_for("partnership_manager").get("/partnership/").content.decode()
    assert html.count(f'href="{URL}"') == 2


def test_the_csv_download_is_the_table(personas: Personas, client_for: ClientFor) -> None:
    personas.with_referrals()
    response = client_for("partnership_manager").get(export_url("referrals", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{personas.fife.short_code}-referrals.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
        ["Organisation", "Proposed", "Sent", "Withdrawn", "All"],
        ["Fife Childcare Links", "0", "1", "0", "1"],
        ["Kingdom Money Advice", "1", "1", "1", "3"],
        ["All organisations", "1", "2", "1", "4"],
    ]


def test_the_xlsx_download_keeps_numbers_as_numbers(personas: Personas, client_for: ClientFor) -> None:
    pot = BudgetPotFactory(
        partnership=personas.fife,
        name="Fife fund",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
        amount=Decimal("500.00"),
    )
    ApprovedSpendFactory(pot=pot, participant=personas.participant, category="childcare", amount=Decimal("120.25"))
    response = client_for("partnership_manager").get(export_url("pots", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Pot", "Starts", "Ends", "Amount (£)", "Approved (£)", "Waiting for approval (£)", "Left (£)"],
        ["Fife fund", datetime.datetime(2026, 4, 1), datetime.datetime(2027, 3, 31), 500, 120.25, 0, 379.75],
    ]
    # Dates are dates, money is money: each with its number format.
    assert (sheet["B2"].is_date, sheet["B2"].number_format) == (True, "yyyy-mm-dd")
    assert (sheet["C2"].is_date, sheet["C2"].number_format) == (True, "yyyy-mm-dd")
    assert (sheet["D2"].data_type, sheet["D2"].number_format) == ("n", "£#,##0.00")


def test_the_board_member_sees_suppressed_figures_in_the_page_and_downloads(
    personas: Personas, client_for: ClientFor
) -> None:
    personas.with_referrals()
    client = client_for("board_member")
    html = client.get(URL).content.decode()
    assert "fewer than 5" in html
    assert "Kim Keyworker" in html
    response = client.get(export_url("referrals", "csv"))
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
        ["Organisation", "Proposed", "Sent", "Withdrawn", "All"],
        ["Fife Childcare Links", "0", "fewer than 5", "0", "fewer than 5"],
        ["Kingdom Money Advice", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"],
        ["All organisations", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"],
    ]


@pytest.mark.parametrize("role", ["keyworker", "partner_worker", "funder", "evaluator", "participant"])
@pytest.mark.parametrize("url", [URL, export_url("caseloads", "csv"), export_url("caseloads", "xlsx")])
def test_other_roles_are_refused(personas: Personas, client_for: ClientFor, role: str, url: str) -> None:
    response = client_for(role).get(url)
    assert response.status_code == 403
    assert "Owen Other" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client_for: ClientFor) -> None:
    response = client_for("anonymous").get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in") or "next=" in response["Location"]


def test_another_areas_manager_sees_only_their_own_area(personas: Personas, sign_in: Callable[..., Client]) -> None:
    html = sign_in(personas.glasgow_manager.user).get(URL).content.decode()
    assert "Glasgow partnership dashboard" in html
    assert "Kim Keyworker" not in html
    response = sign_in(personas.glasgow_manager.user).get(export_url("caseloads", "csv"))
    assert "Kim Keyworker" not in response.content.decode()
    assert "Gail Glasgow" in response.content.decode()


@pytest.mark.parametrize("url", [export_url("no-such-table", "csv"), export_url("caseloads", "pdf")])
def test_an_unknown_table_or_format_is_not_found(client_for: ClientFor, url: str) -> None:
    assert client_for("partnership_manager").get(url).status_code == 404


def test_the_board_members_menu_links_to_the_dashboard(client_for: ClientFor) -> None:
    html = client_for("board_member").get(URL).content.decode()
    assert "Fife partnership dashboard" in html
    assert html.count(f'href="{URL}"') == 1


def test_outreach_tables_stack_on_phones_with_their_column_headers(personas: Personas, client_for: ClientFor) -> None:
    EnquiryFactory(partnership=personas.fife, heard_about="jobcentre")
    text = client_for("partnership_manager").get(URL).content.decode()
    assert 'id="outreach"' in text
    assert "How people heard about us" in text
    assert 'class="govuk-table cp-table--stack"' in text
    assert 'data-label="Became participants"' in text
    assert 'data-label="Conversion"' in text


def test_a_tables_rows_are_written_as_the_template_loop_wrote_them() -> None:
    """`dashboard_rows` (web/templatetags/tables.py) builds the rows in Python for speed: values shown as
    {{ value }} shows them (escaped, numbers localised), hidden cells muted, totals in bold, flags tagged."""
    from django.template import Context, Template

    from coproduce.reporting.partnership import DashRow
    from coproduce.reporting.suppression import Cell, Reason

    columns = ("Active", "All")
    rows = [
        DashRow("Kim <b>", (Cell(12), Cell(None, Reason.SMALL)), flag="Over the limit"),
        DashRow("All keyworkers", (Cell(1234), "a & b"), is_total=True),
    ]
    section = {"rows": [(row, list(zip(columns, row.values, strict=True))) for row in rows]}
    html = Template("{% load tables %}{% dashboard_rows section.rows %}").render(Context({"section": section}))
    assert html == (
        '\n            <tr class="govuk-table__row">\n'
        '              <th scope="row" class="govuk-table__header">Kim &lt;b&gt;<br>'
        '<strong class="govuk-tag govuk-tag--red">Over the limit</strong></th>\n'
        '              <td class="govuk-table__cell govuk-table__cell--numeric" data-label="Active">12</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric cp-muted" data-label="All">fewer than 5</td>\n'
        "            </tr>\n            "
        '\n            <tr class="govuk-table__row">\n'
        '              <th scope="row" class="govuk-table__header"><strong>All keyworkers</strong></th>\n'
        '              <td class="govuk-table__cell govuk-table__cell--numeric" data-label="Active">'
        "<strong>1,234</strong></td>"
        '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="All"><strong>a &amp; b</strong></td>\n'
        "            </tr>\n            "
    )
