"""The partnership dashboard: one area's figures, computed from records, for its manager and board.

Who sees it (`dashboard_scope`): the area's partnership manager, with exact counts (they may
see every record behind them anyway), and the area's lived-experience board members, who see
aggregates only, with every count under 5 (and any count that would give one away by
subtraction) suppressed through reporting/suppression.py. Nobody else.

Every section is a `DashTable` (what the page shows beside its chart and what the CSV and XLSX
downloads hold), built from aggregate queries: the number of queries is the same however many
participants, referrals or services there are.

Board members' counts are suppressed all together, as one sheet (`_Sheet`), not table by table:
the same number appears in two tables (requests waiting, by topic, in "Requests by topic" and in
"Requests not yet answered"; participants who joined in "Engagement" and on the board page), and
numbers in different tables add up (the keyworkers' caseloads and those on no keyworker's
caseload make the area's participants; declines for lack of places are some of an
organisation's declines). Suppressed apart, one table could undo another's hiding.

Charts come from reporting/charts.py (the line chart over years) and from `bar_chart_svg` there
(horizontal bars of counts, which charts.py does not draw yet); downloads from reporting/exports.py.
"""

import datetime
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import rules
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models import Value as DbValue
from django.db.models.functions import Coalesce, ExtractYear, TruncQuarter
from django.utils import timezone
from django.utils.safestring import SafeString

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.core.errors import NotAllowed
from coproduce.directory.models import Attribute, Service
from coproduce.directory.selectors import BARRIER_TAXONOMY_ID
from coproduce.outcomes.models import Outcome
from coproduce.participants.models import Enquiry, HeardAbout, Participant
from coproduce.plans.models import Assessment, AssessmentBarrier, Barrier
from coproduce.programmes.models import Partnership, StaffMember
from coproduce.programmes.standing import standing_of
from coproduce.referrals.models import Referral
from coproduce.reporting.charts import Series, bar_chart_svg, line_chart
from coproduce.reporting.exports import (
    Column,
    ExportTable,
    Figure,
    day,
    file_heading,
    percent,
    to_csv,
    to_xlsx,
    year_figure,
)
from coproduce.reporting.exports import Value as ExportValue
from coproduce.reporting.suppression import TOTAL, Cell, Line, grid_with_totals, look_ahead_for, suppress
from coproduce.voice.models import GroupSession, Invitation, Request, Topic

Value = Cell | Decimal | str | int | Figure | None
ACTIVE, PAUSED, CLOSED = Participant.Status.ACTIVE, Participant.Status.PAUSED, Participant.Status.CLOSED
NO_CHART = SafeString("")


@dataclass(frozen=True)
class DashRow:
    label: str
    values: tuple[Value, ...]
    is_total: bool = False
    flag: str = ""  # a short warning shown beside the row, like "No service with places"


@dataclass(frozen=True)
class DashTable:
    slug: str  # names the table in its download address
    title: str
    columns: tuple[Column, ...]  # the first names the row labels
    rows: tuple[DashRow, ...]
    chart: SafeString = NO_CHART  # SVG markup, empty where a chart would not help

    @property
    def any_hidden(self) -> bool:
        return any(isinstance(value, Cell) and value.hidden for row in self.rows for value in row.values)


@dataclass(frozen=True)
class Target:
    """An engagement target as the dashboard needs it (read with the partnership, in the same query)."""

    year: int
    participants: int
    agreed_at: datetime.datetime | None


@dataclass(frozen=True)
class Scope:
    partnership: Partnership
    exact: bool  # True for the manager; False for board members, who see suppressed counts
    targets: tuple[Target, ...] = ()  # the partnership's engagement targets, by year


@dataclass(frozen=True)
class Dashboard:
    partnership: Partnership
    exact: bool
    participants: Cell  # everyone who has joined
    taking_part: Cell
    paused_or_closed: Cell
    engagement: DashTable
    caseloads: DashTable
    referrals: DashTable
    outcomes: DashTable
    spend: DashTable
    pots: DashTable
    requests: DashTable
    sessions: DashTable
    barrier_gaps: DashTable
    capacity_declines: DashTable
    unanswered: DashTable
    outreach: DashTable
    outreach_over_time: DashTable

    @property
    def tables(self) -> tuple[DashTable, ...]:
        return (
            self.engagement,
            self.caseloads,
            self.referrals,
            self.outcomes,
            self.spend,
            self.pots,
            self.requests,
            self.sessions,
            self.barrier_gaps,
            self.capacity_declines,
            self.unanswered,
            self.outreach,
            self.outreach_over_time,
        )

    def table(self, slug: str) -> DashTable | None:
        return next((table for table in self.tables if table.slug == slug), None)


# ----- Who may see it -----------------------------------------------------------------------


def board_seat_partnership_id(actor: ActingUser) -> int | None:
    """The partnership on whose board this person sits as a lived-experience member now, if any."""
    standing = standing_of(actor)
    return standing.board_partnership_id if standing.has(Role.BOARD_MEMBER) else None


@rules.predicate
def can_view_partnership_dashboard(actor: ActingUser) -> bool:
    standing = standing_of(actor)
    if standing.is_anonymous:
        return False
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        return True
    return board_seat_partnership_id(actor) is not None


rules.add_perm("reporting.view_partnership_dashboard", can_view_partnership_dashboard)


def dashboard_scope(actor: ActingUser) -> Scope:
    """Whose figures this person sees, and whether exactly; NotAllowed for everyone else."""
    if not rules.has_perm("reporting.view_partnership_dashboard", actor):
        raise NotAllowed("Only the partnership's manager and board see its dashboard.")
    standing = standing_of(actor)
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        partnership_id, exact = standing.partnership_id, True
    else:
        seat = board_seat_partnership_id(actor)
        assert seat is not None  # the permission asks for one
        partnership_id, exact = seat, False
    # The partnership and its engagement targets in one query: one row per target (one with none if none).
    found = list(
        Partnership.objects.filter(pk=partnership_id)
        .select_related("programme")
        .annotate(
            target_year=F("targets__year"),
            target_participants=F("targets__participants"),
            target_agreed_at=F("targets__agreed_at"),
        )
        .order_by("target_year")
    )
    if not found:
        raise Partnership.DoesNotExist
    targets = tuple(
        Target(row.target_year, row.target_participants, row.target_agreed_at)
        for row in found
        if row.target_year is not None
    )
    return Scope(partnership=found[0], exact=exact, targets=targets)


# ----- Counts, suppressed or not --------------------------------------------------------------


class _Sheet:
    """Every count of the dashboard, keyed (table, key within the table), and how they add up."""

    def __init__(self) -> None:
        self.counts: dict[Hashable, int] = {}
        self.lines: list[Line[Hashable]] = []
        self.builds: dict[str, Build] = {}  # tables made before the sheet's cells are known, by name

    def add(self, table: str, counts: Mapping[Any, int], lines: Sequence[Line[Any]] = ()) -> None:
        self.counts.update({(table, key): value for key, value in counts.items()})
        self.lines.extend(Line((table, line.total), tuple((table, part) for part in line.parts)) for line in lines)

    def same(self, one: tuple[str, Hashable], other: tuple[str, Hashable]) -> None:
        """The same number shown in two places: hide one and the other must be hidden too."""
        if self.counts[one] != self.counts[other]:
            raise ValueError(f"{one!r} and {other!r} should be the same number.")
        self.lines.append(Line(one, (other,)))

    def cells(self, exact: bool) -> dict[Hashable, Cell]:
        if exact:
            return {key: Cell(value) for key, value in self.counts.items()}
        return suppress(self.counts, self.lines)


class _TableCells(Mapping[Hashable, Cell]):
    """One table's cells, looked up by their key within the table."""

    def __init__(self, cells: Mapping[Hashable, Cell], table: str) -> None:
        self._cells, self._table = cells, table

    def __getitem__(self, key: Hashable) -> Cell:
        return self._cells[(self._table, key)]

    def __iter__(self) -> Iterator[Hashable]:
        return (key[1] for key in self._cells if isinstance(key, tuple) and key[0] == self._table)

    def __len__(self) -> int:
        return sum(1 for _ in self)


Cells = Mapping[Hashable, Cell]
Build = Callable[[Cells], DashTable]  # makes a table once the sheet's cells are known


def _grid(
    sheet: _Sheet, table: str, grid: Mapping[Any, int], rows: Sequence[Hashable], columns: Sequence[Hashable]
) -> None:
    """A rows × columns table of counts with row and column totals, keyed (row, column)."""
    counts, lines = grid_with_totals(grid, rows, columns)
    sheet.add(table, counts, lines)


def _money(amount: Decimal | None) -> Decimal:
    return (amount or Decimal("0")).quantize(Decimal("0.01"))


def _hidden_with(cell: Cell, amount: Decimal) -> Value:
    """An amount of money is hidden whenever the count of people it belongs to is."""
    return Cell(None, cell.reason) if cell.hidden else amount


# ----- The sections ---------------------------------------------------------------------------


def participants_by_year_and_status(partnership: Partnership) -> dict[tuple[int, str], int]:
    """The area's participants counted by the year they joined and their status now. One query,
    shared by the engagement table and the counts by status."""
    return {
        (row["year"], row["status"]): row["n"]
        for row in Participant.objects.filter(partnership=partnership)
        .order_by()
        .annotate(year=ExtractYear("joined_on"))
        .values("year", "status")
        .annotate(n=Count("pk"))
    }


def engagement_table(sheet: _Sheet, people: Mapping[tuple[int, str], int], agreed: Sequence[Target] = ()) -> Build:
    """Participants joining per year against the agreed engagement target (from
    `participants_by_year_and_status`, and the targets read with the partnership)."""
    joined: dict[int, int] = {}
    for (year, _status), n in people.items():
        joined[year] = joined.get(year, 0) + n
    targets = {target.year: target for target in agreed}
    years = sorted({*joined, *targets})
    if years:
        years = list(range(years[0], years[-1] + 1))
    counts: dict[Hashable, int] = {year: joined.get(year, 0) for year in years}
    counts[TOTAL] = sum(counts[year] for year in years)
    sheet.add("engagement", counts, [Line(TOTAL, tuple(years))])

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "engagement")
        rows = []
        bars: list[tuple[str, int | None, int | None]] = []
        for year in years:
            target = targets.get(year)
            agreed = target.participants if target is not None and target.agreed_at is not None else None
            if target is None:
                target_value: Value = "No target"
            elif agreed is None:
                target_value = f"{target.participants} (proposed, not agreed)"
            else:
                target_value = agreed
            cell = cells[year]
            share: Value = percent(cell.value / agreed) if agreed and cell.value is not None else ""
            rows.append(DashRow(str(year), (cell, target_value, share)))
            bars.append((str(year), cell.value, agreed))
        agreed_total = sum(t.participants for t in targets.values() if t.agreed_at is not None)
        rows.append(DashRow("All years", (cells[TOTAL], agreed_total, ""), is_total=True))
        chart = line_chart(
            title="Participants joining each year against the agreed target",
            x_labels=[label for label, _, _ in bars],
            series=[
                Series("Agreed target", [target for _, _, target in bars], dashed=True),
                Series("Joined", [value for _, value, _ in bars]),
            ],
        )
        return DashTable(
            "engagement",
            "Engagement against target",
            ("Year", "Joined", "Agreed target", file_heading("Of target", "Of target %")),
            tuple(rows),
            chart,
        )

    return build


def caseload_table(partnership: Partnership, sheet: _Sheet) -> Build:
    """Active, paused and closed participants per keyworker, against the caseload limit. One query."""
    keyworkers = list(
        StaffMember.objects.filter(partnership=partnership, roles__role=Role.KEYWORKER)
        .select_related("user")
        .annotate(
            active_n=Count("caseload", filter=Q(caseload__partnership=partnership, caseload__status=ACTIVE)),
            paused_n=Count("caseload", filter=Q(caseload__partnership=partnership, caseload__status=PAUSED)),
            closed_n=Count("caseload", filter=Q(caseload__partnership=partnership, caseload__status=CLOSED)),
        )
        .order_by("user__display_name", "pk")
    )
    columns = ("active", "paused", "closed")
    grid = {(k.pk, column): getattr(k, f"{column}_n") for k in keyworkers for column in columns}
    _grid(sheet, "caseloads", grid, [k.pk for k in keyworkers], columns)

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "caseloads")
        limit = partnership.caseload_limit
        rows = [
            DashRow(
                str(k.user),
                tuple(cells[(k.pk, column)] for column in (*columns, TOTAL)),
                flag="Over the limit" if k.active_n > limit else "",
            )
            for k in keyworkers
        ]
        rows.append(DashRow("All keyworkers", tuple(cells[(TOTAL, c)] for c in (*columns, TOTAL)), is_total=True))
        bars = [(str(k.user), cells[(k.pk, "active")].value, limit) for k in keyworkers]
        chart = bar_chart_svg(f"Active participants per keyworker (limit {limit})", bars, unit="participants")
        return DashTable(
            "caseloads",
            f"Caseloads (limit {limit} active)",
            ("Keyworker", "Active", "Paused", "Closed", "All"),
            tuple(rows),
            chart,
        )

    return build


def referrals_by_organisation_service_and_state(partnership: Partnership) -> list[dict[str, Any]]:
    """The area's referrals counted by organisation, service, state and (for declines) reason, with
    the first answer in each group. One query, shared by the referrals and the capacity-declines tables."""
    # Grouped by the ids alone (a name goes with its id): a narrower sort than grouping by the names too.
    return [
        {
            **{key: value for key, value in row.items() if key not in ("organisation_named", "service_named")},
            "organisation__name": row["organisation_named"],
            "service__name": row["service_named"],
        }
        for row in Referral.objects.filter(participant__partnership=partnership)
        .order_by()
        .values("organisation_id", "service_id", "state", "decline_reason")
        .annotate(
            n=Count("pk"),
            last=Min("answered_at"),
            organisation_named=Min("organisation__name"),
            service_named=Min("service__name"),
        )
    ]


def _is_capacity_decline(row: Mapping[str, Any]) -> bool:
    return row["state"] == Referral.State.DECLINED and row["decline_reason"] == Referral.DeclineReason.NO_CAPACITY


def referrals_table(sheet: _Sheet, found: Sequence[Mapping[str, Any]]) -> Build:
    """Referrals of the area's participants by receiving organisation and state (from
    `referrals_by_organisation_service_and_state`)."""
    names: dict[Hashable, str] = {}
    grid: dict[tuple[Hashable, Hashable], int] = {}
    for row in found:
        key = row["organisation_id"] or "none"
        names[key] = row["organisation__name"] or "Signposted elsewhere"
        grid[(key, row["state"])] = grid.get((key, row["state"]), 0) + row["n"]
    states = [state for state in Referral.State if any(s == state for _, s in grid)]
    organisations = sorted(names, key=lambda key: (key == "none", names[key]))
    _grid(sheet, "referrals", grid, organisations, states)

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "referrals")
        rows = [DashRow(names[key], tuple(cells[(key, s)] for s in (*states, TOTAL))) for key in organisations]
        rows.append(DashRow("All organisations", tuple(cells[(TOTAL, s)] for s in (*states, TOTAL)), is_total=True))
        bars = [(names[key], cells[(key, TOTAL)].value, None) for key in organisations]
        chart = bar_chart_svg("Referrals by organisation", bars, unit="referrals")
        return DashTable(
            "referrals",
            "Referrals by partner organisation and state",
            ("Organisation", *[str(Referral.State(s).label) for s in states], "All"),
            tuple(rows),
            chart,
        )

    return build


def outcomes_table(partnership: Partnership, sheet: _Sheet) -> Build:
    """Outcomes recorded for the area's participants, by kind. One query."""
    found = dict(
        Outcome.objects.filter(participant__partnership=partnership)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    kinds = list(Outcome.Kind)
    counts: dict[Hashable, int] = {kind.value: found.get(kind.value, 0) for kind in kinds}
    counts[TOTAL] = sum(counts[kind.value] for kind in kinds)
    sheet.add("outcomes", counts, [Line(TOTAL, tuple(kind.value for kind in kinds))])

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "outcomes")
        rows = [DashRow(str(kind.label), (cells[kind.value],)) for kind in kinds]
        rows.append(DashRow("All outcomes", (cells[TOTAL],), is_total=True))
        chart = bar_chart_svg(
            "Outcomes by kind", [(str(k.label), cells[k.value].value, None) for k in kinds], unit="outcomes"
        )
        return DashTable("outcomes", "Outcomes by kind", ("Outcome", "Recorded"), tuple(rows), chart)

    return build


@dataclass
class _Pot:
    pk: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    amount: Decimal
    approved: Decimal | None = None
    approved_n: int = 0
    requested: Decimal | None = None
    requested_n: int = 0


def budget_tables(partnership: Partnership, sheet: _Sheet) -> Callable[[Cells], tuple[DashTable, DashTable]]:
    """Approved spend from the partnership's pots by category, and each pot's balance. One query: the
    pots with their spends counted and summed by category and state.

    For board members, a sum of money spent on fewer than 5 items is hidden with its count, and
    the two tables are suppressed together: the pots' approved items add up to the same total
    as the categories', so neither can be used to work out a hidden amount from the other.
    """
    grouped = (
        BudgetPot.objects.filter(partnership=partnership)
        .values("pk", "name", "starts_on", "ends_on", "amount", "spends__category", "spends__state")
        .annotate(n=Count("spends"), spent=Sum("spends__amount"))
        .order_by("-starts_on", "name", "pk")
    )
    found: dict[str, dict[str, Any]] = {}
    pots_by_pk: dict[int, _Pot] = {}
    for row in grouped:
        pot = pots_by_pk.setdefault(
            row["pk"], _Pot(row["pk"], row["name"], row["starts_on"], row["ends_on"], row["amount"])
        )
        if row["spends__state"] == Spend.State.APPROVED:
            pot.approved = (pot.approved or Decimal("0")) + (row["spent"] or Decimal("0"))
            pot.approved_n += row["n"]
            category = found.setdefault(row["spends__category"], {"n": 0, "amount": Decimal("0")})
            category["n"] += row["n"]
            category["amount"] += row["spent"] or Decimal("0")
        elif row["spends__state"] == Spend.State.REQUESTED:
            pot.requested = (pot.requested or Decimal("0")) + (row["spent"] or Decimal("0"))
            pot.requested_n += row["n"]
    pots = list(pots_by_pk.values())
    categories = list(Spend.Category)
    counts: dict[Hashable, int] = {
        ("category", c.value): found[c.value]["n"] if c.value in found else 0 for c in categories
    }
    counts[TOTAL] = sum(counts[("category", c.value)] for c in categories)
    for pot in pots:
        counts[("approved", pot.pk)] = pot.approved_n
        counts[("requested", pot.pk)] = pot.requested_n
    lines: list[Line[Hashable]] = [
        Line(TOTAL, tuple(("category", c.value) for c in categories)),
        Line(TOTAL, tuple(("approved", pot.pk) for pot in pots)),
    ]
    sheet.add("budget", counts, lines)

    def build(all_cells: Cells) -> tuple[DashTable, DashTable]:
        cells = _TableCells(all_cells, "budget")
        amounts = {c.value: _money(found[c.value]["amount"]) if c.value in found else _money(None) for c in categories}
        total_amount = _money(sum(amounts.values(), Decimal("0")))
        rows = [
            DashRow(
                str(c.label),
                (cells[("category", c.value)], _hidden_with(cells[("category", c.value)], amounts[c.value])),
            )
            for c in categories
        ]
        rows.append(DashRow("All categories", (cells[TOTAL], _hidden_with(cells[TOTAL], total_amount)), is_total=True))
        bars = [
            (str(c.label), None if cells[("category", c.value)].hidden else int(amounts[c.value]), None)
            for c in categories
        ]
        spend = DashTable(
            "spend",
            "Budget spend approved, by category",
            ("Category", "Items", "Amount (£)"),
            tuple(rows),
            bar_chart_svg("Approved spend by category (£)", bars, unit="pounds"),
        )
        pot_rows = []
        for pot in pots:
            approved_cell = cells[("approved", pot.pk)]
            approved = _money(pot.approved)
            pot_rows.append(
                DashRow(
                    pot.name,
                    (
                        day(pot.starts_on, f"{pot.starts_on:%-d %b %Y}"),
                        day(pot.ends_on, f"{pot.ends_on:%-d %b %Y}"),
                        _money(pot.amount),
                        _hidden_with(approved_cell, approved),
                        _hidden_with(cells[("requested", pot.pk)], _money(pot.requested)),
                        _hidden_with(approved_cell, _money(pot.amount - approved)),
                    ),
                )
            )
        balances = DashTable(
            "pots",
            "Budget pots and their balances",
            ("Pot", "Starts", "Ends", "Amount (£)", "Approved (£)", "Waiting for approval (£)", "Left (£)"),
            tuple(pot_rows),
        )
        return spend, balances

    return build


def requests_by_topic_and_status(partnership: Partnership) -> list[dict[str, Any]]:
    """The area's requests counted by topic and status, with the oldest of each. One query, shared by
    the requests and the unanswered tables."""
    return list(
        Request.objects.filter(participant__partnership=partnership)
        .order_by()
        .values("topic", "status")
        .annotate(n=Count("pk"), oldest=Min("created_at"))
    )


def requests_table(sheet: _Sheet, found: Sequence[Mapping[str, Any]]) -> Build:
    """Participants' requests by topic, answered or waiting (from `requests_by_topic_and_status`)."""
    grid = {(row["topic"], row["status"]): row["n"] for row in found}
    statuses = [Request.Status.OPEN.value, Request.Status.ANSWERED.value]
    topics = [topic.value for topic in Topic if any(t == topic for t, _ in grid)]
    _grid(sheet, "requests", grid, topics, statuses)

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "requests")
        rows = [DashRow(str(Topic(t).label), tuple(cells[(t, s)] for s in (*statuses, TOTAL))) for t in topics]
        rows.append(DashRow("All topics", tuple(cells[(TOTAL, s)] for s in (*statuses, TOTAL)), is_total=True))
        bars = [(str(Topic(t).label), cells[(t, TOTAL)].value, None) for t in topics]
        chart = bar_chart_svg("Requests by topic", bars, unit="requests")
        return DashTable(
            "requests", "Requests by topic", ("Topic", "Waiting for an answer", "Answered", "All"), tuple(rows), chart
        )

    return build


def sessions_table(partnership: Partnership, sheet: _Sheet) -> Build:
    """Group sessions per year: how many, places offered, people invited and who came. One query
    (each session's invitations counted in a subquery, so that its places are summed once)."""

    def invitations(*conditions: Q) -> Coalesce:
        counted = (
            Invitation.objects.filter(Q(group_session=OuterRef("pk")), *conditions)
            .order_by()
            .values("group_session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    sessions = {
        row["year"]: row
        for row in GroupSession.objects.filter(partnership=partnership)
        .order_by()
        .annotate(year=ExtractYear("starts_at"), invited_n=invitations(), came_n=invitations(Q(attended=True)))
        .values("year")
        .annotate(n=Count("pk"), places=Sum("places"), invited=Sum("invited_n"), came=Sum("came_n"))
    }
    invited = {year: {"n": row["invited"] or 0, "came": row["came"] or 0} for year, row in sessions.items()}
    years = sorted(sessions)
    # Sessions and places are not people: shown as they are. Invited and attended are suppressed.
    grid: dict[tuple[int, str], int] = {}
    for year in years:
        grid[(year, "invited")] = invited[year]["n"] if year in invited else 0
        grid[(year, "came")] = invited[year]["came"] if year in invited else 0
    counts: dict[Hashable, int] = {}
    lines: list[Line[Hashable]] = []
    for column in ("invited", "came"):
        for year in years:
            counts[(year, column)] = grid[(year, column)]
        counts[(TOTAL, column)] = sum(grid[(year, column)] for year in years)
        lines.append(Line((TOTAL, column), tuple((year, column) for year in years)))
    sheet.add("sessions", counts, lines)

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "sessions")
        rows = []
        for year in years:
            row = sessions.get(year, {"n": 0, "places": 0})
            rows.append(
                DashRow(str(year), (row["n"], row["places"] or 0, cells[(year, "invited")], cells[(year, "came")]))
            )
        rows.append(
            DashRow(
                "All years",
                (
                    sum(row["n"] for row in sessions.values()),
                    sum(row["places"] or 0 for row in sessions.values()),
                    cells[(TOTAL, "invited")],
                    cells[(TOTAL, "came")],
                ),
                is_total=True,
            )
        )
        return DashTable("sessions", "Group sessions", ("Year", "Sessions", "Places", "Invited", "Came"), tuple(rows))

    return build


def _has_places() -> Q:
    return Q(service__places_available__isnull=True) | Q(service__places_available__gt=0)


NAMED, WITH_PLACES = "named", "with_places"


def barrier_gaps_table(partnership: Partnership, sheet: _Sheet) -> Build:
    """Barriers named in active participants' latest assessments, and the services there are for them.

    A gap is a barrier someone in the area has for which no active service linked to the
    partnership, tagged with that need, has places free (no number given counts as free).
    Childcare first, then the gaps, then the rest, most named first. One query: the barriers named,
    counted, and the services with places for each barrier (only named barriers are shown).
    """
    latest = Assessment.objects.filter(participant=OuterRef("assessment__participant")).order_by("-assessed_on", "-pk")
    # Each active participant's latest assessment names a barrier at most once: counting the rows
    # counts the participants, without the sort a distinct count needs.
    named_counts = (
        AssessmentBarrier.objects.filter(
            assessment__participant__partnership=partnership,
            assessment__participant__status=Participant.Status.ACTIVE,
            assessment_id=Subquery(latest.values("pk")[:1]),
        )
        .order_by()
        .values_list("barrier")
        .annotate(n=Count("pk"), counted=DbValue(NAMED))
        .values_list("barrier", "n", "counted")
    )
    # The services with places, by barrier, in the same query (UNION ALL): as a subquery of the
    # count above it would be run again for every barrier named, tens of thousands of times.
    places_counts = (
        Attribute.objects.filter(
            _has_places(),
            taxonomy_term__taxonomy_detail_id=BARRIER_TAXONOMY_ID,
            service__status=Service.Status.ACTIVE,
            service__partnerships=partnership,
        )
        .order_by()
        .values_list("taxonomy_term__code")
        .annotate(n=Count("service", distinct=True), counted=DbValue(WITH_PLACES))
        .values_list("taxonomy_term__code", "n", "counted")
    )
    named: dict[str, int] = {}
    with_places: dict[str, int] = {}
    for barrier, n, counted in named_counts.union(places_counts, all=True):
        (named if counted == NAMED else with_places)[barrier] = n
    barriers = [barrier for barrier in Barrier if named.get(barrier.value, 0)]
    barriers.sort(key=lambda b: (b != Barrier.CHILDCARE, with_places.get(b.value, 0) > 0, -named[b.value], b.label))
    # Participants may name several barriers: the counts do not add up to a total, so none is shown.
    sheet.add("barrier-gaps", {b.value: named[b.value] for b in barriers})

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "barrier-gaps")
        rows = [
            DashRow(
                str(b.label),
                (cells[b.value], with_places.get(b.value, 0)),
                flag="" if with_places.get(b.value, 0) else "Gap: no service with places",
            )
            for b in barriers
        ]
        bars = [(str(b.label), cells[b.value].value, None) for b in barriers]
        chart = bar_chart_svg("Active participants naming each barrier", bars, unit="participants")
        return DashTable(
            "barrier-gaps",
            "Barriers and services with places",
            ("Barrier", "Active participants naming it", "Services with places free"),
            tuple(rows),
            chart,
        )

    return build


def capacity_declines_table(sheet: _Sheet, groups: Sequence[Mapping[str, Any]]) -> Build:
    """Referrals of the area's participants declined because the service had no places, by service
    (from `referrals_by_organisation_service_and_state`)."""
    found = [dict(row) for row in groups if _is_capacity_decline(row)]
    found.sort(key=lambda row: (-row["n"], row["service__name"] or ""))
    keys = [row["service_id"] or f"org-{index}" for index, row in enumerate(found)]
    counts: dict[Hashable, int] = {key: row["n"] for key, row in zip(keys, found, strict=True)}
    counts[TOTAL] = sum(row["n"] for row in found)
    sheet.add("capacity-declines", counts, [Line(TOTAL, tuple(keys))])
    # An organisation's declines in the referrals table are these and its declines for other reasons.
    by_organisation: dict[Hashable, list[Hashable]] = {}
    for key, row in zip(keys, found, strict=True):
        by_organisation.setdefault(row["organisation_id"] or "none", []).append(key)
    for organisation, services in by_organisation.items():
        declined = ("referrals", (organisation, Referral.State.DECLINED))
        for_lack_of_places = sum(counts[key] for key in services)
        otherwise = ("capacity-declines", ("otherwise", organisation))
        sheet.counts[otherwise] = sheet.counts[declined] - for_lack_of_places
        sheet.lines.append(Line(declined, (*(("capacity-declines", key) for key in services), otherwise)))

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "capacity-declines")
        rows = [
            DashRow(
                row["service__name"] or row["organisation__name"] or "Not in the directory",
                (row["organisation__name"] or "", cells[key]),
            )
            for key, row in zip(keys, found, strict=True)
        ]
        rows.append(DashRow("All services", ("", cells[TOTAL]), is_total=True))
        return DashTable(
            "capacity-declines",
            "Referrals declined for lack of places",
            ("Service", "Organisation", "Declined: no places"),
            tuple(rows),
        )

    return build


def unanswered_table(sheet: _Sheet, groups: Sequence[Mapping[str, Any]], today: datetime.date) -> Build:
    """Requests still waiting for an answer, by topic, with how long the oldest has waited (from
    `requests_by_topic_and_status`)."""
    found = {row["topic"]: row for row in groups if row["status"] == Request.Status.OPEN}
    topics = [topic for topic in Topic if topic.value in found]
    topics.sort(key=lambda t: (found[t.value]["oldest"], t.label))
    counts: dict[Hashable, int] = {t.value: found[t.value]["n"] for t in topics}
    counts[TOTAL] = sum(counts.values())
    sheet.add("unanswered", counts, [Line(TOTAL, tuple(t.value for t in topics))])
    for key in (*(t.value for t in topics), TOTAL):
        sheet.same(("unanswered", key), ("requests", (key, Request.Status.OPEN.value)))

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "unanswered")
        rows = []
        for topic in topics:
            oldest = timezone.localtime(found[topic.value]["oldest"]).date()
            rows.append(DashRow(str(topic.label), (cells[topic.value], day(oldest), (today - oldest).days)))
        rows.append(DashRow("All topics", (cells[TOTAL], "", ""), is_total=True))
        return DashTable(
            "unanswered",
            "Requests not yet answered",
            ("Topic", "Waiting", "Oldest made on", "Days waiting"),
            tuple(rows),
        )

    return build


NOT_SAID = "not_said"
CONVERTED, NOT_CONVERTED = "became_participant", "not_yet"


def _source_label(source: str) -> str:
    return "Not said" if source == NOT_SAID else str(HeardAbout(source).label)


def _percent(part: Cell, whole: Cell) -> Figure | str:
    """Part of the whole as a percentage (a whole one on the page); hidden when either count is."""
    if part.hidden or whole.hidden:
        return "hidden"
    return percent((part.value or 0) / whole.value) if whole.value else "–"


def enquiries_by_quarter_source_and_outcome(partnership: Partnership) -> list[dict[str, Any]]:
    """The area's enquiries counted by quarter, how they heard about the service and whether they
    became participants. One query, shared by the two outreach tables."""
    return list(
        Enquiry.objects.filter(partnership=partnership)
        .order_by()
        .annotate(
            quarter=TruncQuarter("created_at"),
            converted=ExpressionWrapper(Q(participant__isnull=False), output_field=BooleanField()),
        )
        .values("quarter", "converted", source=F("heard_about"))
        .annotate(n=Count("pk"))
    )


def outreach_table(sheet: _Sheet, found: Sequence[Mapping[str, Any]]) -> Build:
    """How people heard about the service (as they said when they asked for help), and how many
    of those enquiries became participants, per source (from `enquiries_by_quarter_source_and_outcome`).
    Enquiries split into those that became participants and those not (yet), so that suppression
    also covers the difference."""
    grid: dict[tuple[str, str], int] = {}
    for row in found:
        key = (row["source"] or NOT_SAID, CONVERTED if row["converted"] else NOT_CONVERTED)
        grid[key] = grid.get(key, 0) + row["n"]
    sources = [source for source in [*HeardAbout.values, NOT_SAID] if any(s == source for s, _ in grid)]
    _grid(sheet, "outreach", grid, sources, [CONVERTED, NOT_CONVERTED])

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "outreach")

        def row(label: str, key: Hashable, is_total: bool = False) -> DashRow:
            asked, joined = cells[(key, TOTAL)], cells[(key, CONVERTED)]
            return DashRow(label, (asked, joined, _percent(joined, asked)), is_total=is_total)

        rows = [row(_source_label(source), source) for source in sources]
        rows.append(row("All sources", TOTAL, is_total=True))
        bars = [(_source_label(source), cells[(source, TOTAL)].value, None) for source in sources]
        return DashTable(
            "outreach",
            "How people heard about us",
            ("How they heard", "Enquiries", "Became participants", file_heading("Conversion", "Conversion %")),
            tuple(rows),
            bar_chart_svg("Enquiries by how people heard about us", bars, unit="enquiries"),
        )

    return build


def outreach_over_time_table(sheet: _Sheet, groups: Sequence[Mapping[str, Any]]) -> Build:
    """Enquiries per quarter by how people heard about the service (from
    `enquiries_by_quarter_source_and_outcome`)."""
    grid: dict[tuple[str, str], int] = {}
    for found in groups:
        moment = found["quarter"]
        key = (f"{moment.year} Q{(moment.month - 1) // 3 + 1}", found["source"] or NOT_SAID)
        grid[key] = grid.get(key, 0) + found["n"]
    quarters = sorted({quarter for quarter, _ in grid})
    sources = [source for source in [*HeardAbout.values, NOT_SAID] if any(s == source for _, s in grid)]
    _grid(sheet, "outreach-over-time", grid, quarters, sources)
    sheet.same(("outreach-over-time", (TOTAL, TOTAL)), ("outreach", (TOTAL, TOTAL)))

    def build(all_cells: Cells) -> DashTable:
        cells = _TableCells(all_cells, "outreach-over-time")
        rows = [DashRow(quarter, tuple(cells[(quarter, s)] for s in (*sources, TOTAL))) for quarter in quarters]
        rows.append(DashRow("All quarters", tuple(cells[(TOTAL, s)] for s in (*sources, TOTAL)), is_total=True))
        return DashTable(
            "outreach-over-time",
            "Enquiries each quarter, by how people heard about us",
            ("Quarter", *(_source_label(source) for source in sources), "All"),
            tuple(rows),
        )

    return build


def participants_counts(sheet: _Sheet, people: Mapping[tuple[int, str], int]) -> None:
    """The area's participants by status, for the board page, tied to the tables that show them
    again: all who joined (engagement) and those on each keyworker's caseload. From
    `participants_by_year_and_status`: no query of its own."""
    by_status = {status: sum(n for (_, s), n in people.items() if s == status) for status in (ACTIVE, PAUSED, CLOSED)}
    counts: dict[Hashable, int] = {ACTIVE: by_status[ACTIVE], PAUSED: by_status[PAUSED], CLOSED: by_status[CLOSED]}
    counts["not_active"] = counts[PAUSED] + counts[CLOSED]
    counts[TOTAL] = counts[ACTIVE] + counts["not_active"]
    lines: list[Line[Hashable]] = [
        Line(TOTAL, (ACTIVE, "not_active")),
        Line("not_active", (PAUSED, CLOSED)),
        Line(TOTAL, (ACTIVE, PAUSED, CLOSED)),
    ]
    for status in (ACTIVE, PAUSED, CLOSED):
        on_caseloads = sheet.counts[("caseloads", (TOTAL, status))]
        counts[("on no keyworker's caseload", status)] = counts[status] - on_caseloads
    sheet.add("participants", counts, lines)
    for status in (ACTIVE, PAUSED, CLOSED):
        sheet.lines.append(
            Line(
                ("participants", status),
                (("caseloads", (TOTAL, status)), ("participants", ("on no keyworker's caseload", status))),
            )
        )
    sheet.same(("participants", TOTAL), ("engagement", TOTAL))


@dataclass(frozen=True)
class ParticipantFigures:
    """The area's participants as the dashboard shows them at its top (and the board page too)."""

    participants: Cell  # everyone who has joined
    taking_part: Cell
    paused_or_closed: Cell


# The tables whose counts the participants' figures share lines with; no line joins them to the others.
PARTICIPANT_TABLES = frozenset({"engagement", "caseloads", "participants"})


def _participants_part(sheet: _Sheet, scope: Scope) -> None:
    """The engagement and caseload tables and the participants' counts, which add up with them:
    three grouped queries. First in the sheet, in this order."""
    by_year_and_status = participants_by_year_and_status(scope.partnership)
    sheet.builds["engagement"] = engagement_table(sheet, by_year_and_status, scope.targets)
    sheet.builds["caseloads"] = caseload_table(scope.partnership, sheet)
    participants_counts(sheet, by_year_and_status)


def _participant_figures(cells: Cells) -> ParticipantFigures:
    people = _TableCells(cells, "participants")
    return ParticipantFigures(people[TOTAL], people[ACTIVE], people["not_active"])


def participant_figures(actor: ActingUser) -> ParticipantFigures:
    """The figures at the top of this person's dashboard (suppressed for board members) without
    building the rest of it: three grouped queries, however big the area.

    The participants' counts share lines only with the engagement and caseload tables
    (PARTICIPANT_TABLES), and suppression spreads only along lines: suppressed alone, those three
    hide exactly what they hide within the whole dashboard when both look ahead as far
    (`look_ahead_for`). The whole dashboard looks ahead no further than they would alone, but may
    look less far (it is bigger), and how far depends on tables not read here. So they are
    suppressed at every depth the dashboard could use, and a figure hidden at any of them is
    hidden: whatever is hidden on the dashboard is hidden here too, and what is shown here is shown
    there, with the same number. In a big area (any with a few hundred keyworkers) there is only
    one depth, and the figures are the dashboard's exactly.
    """
    scope = dashboard_scope(actor)
    sheet = _Sheet()
    _participants_part(sheet, scope)
    if scope.exact:
        return _participant_figures(sheet.cells(exact=True))
    depths = [
        suppress(sheet.counts, sheet.lines, look_ahead=depth) for depth in range(look_ahead_for(len(sheet.counts)) + 1)
    ]
    cells = {key: next((found[key] for found in depths if found[key].hidden), depths[0][key]) for key in sheet.counts}
    return _participant_figures(cells)


def partnership_dashboard(actor: ActingUser, today: datetime.date | None = None) -> Dashboard:
    """Every section of the dashboard for this person's partnership, suppressed unless they manage it.

    For board members every count is suppressed in one sheet (see the module's docstring).
    """
    scope = dashboard_scope(actor)
    partnership, exact = scope.partnership, scope.exact
    today = today or timezone.localdate()
    sheet = _Sheet()
    # Order matters where a table ties its counts to an earlier one's.
    # One grouped query per table (fewer where tables share one), however much data.
    _participants_part(sheet, scope)
    engagement, caseloads = sheet.builds["engagement"], sheet.builds["caseloads"]
    referral_groups = referrals_by_organisation_service_and_state(partnership)
    referrals = referrals_table(sheet, referral_groups)
    capacity_declines = capacity_declines_table(sheet, referral_groups)
    request_groups = requests_by_topic_and_status(partnership)
    requests = requests_table(sheet, request_groups)
    unanswered = unanswered_table(sheet, request_groups, today)
    outcomes = outcomes_table(partnership, sheet)
    budget = budget_tables(partnership, sheet)
    sessions = sessions_table(partnership, sheet)
    barrier_gaps = barrier_gaps_table(partnership, sheet)
    enquiry_groups = enquiries_by_quarter_source_and_outcome(partnership)
    outreach = outreach_table(sheet, enquiry_groups)
    outreach_over_time = outreach_over_time_table(sheet, enquiry_groups)
    cells = sheet.cells(exact)
    figures = _participant_figures(cells)
    spend, pots = budget(cells)
    return Dashboard(
        partnership=partnership,
        exact=exact,
        participants=figures.participants,
        taking_part=figures.taking_part,
        paused_or_closed=figures.paused_or_closed,
        engagement=engagement(cells),
        caseloads=caseloads(cells),
        referrals=referrals(cells),
        outcomes=outcomes(cells),
        spend=spend,
        pots=pots,
        requests=requests(cells),
        sessions=sessions(cells),
        barrier_gaps=barrier_gaps(cells),
        capacity_declines=capacity_declines(cells),
        unanswered=unanswered(cells),
        outreach=outreach(cells),
        outreach_over_time=outreach_over_time(cells),
    )


# ----- Private helpers: CSV and XLSX -----------------------------------------------


def _plain(value: Value) -> ExportValue:
    """What a download holds for one value: the number, or the label of a hidden cell."""
    if isinstance(value, Cell):
        return value.value if value.value is not None else value.label
    return value


def _label(table: DashTable, label: str) -> ExportValue:
    """A row's label: a year as a whole number in the files, any other label as text."""
    return year_figure(int(label)) if table.columns[0] == "Year" and label.isdigit() else label


def export_table(table: DashTable) -> ExportTable:
    """The table as the downloads hold it, with each row's note as a last column where any has one."""
    flagged = any(row.flag for row in table.rows)
    return ExportTable(
        slug=table.slug,
        title=table.title,
        columns=(*table.columns, *(["Note"] if flagged else [])),
        rows=tuple(
            (_label(table, row.label), *(_plain(value) for value in row.values), *([row.flag] if flagged else []))
            for row in table.rows
        ),
    )


def table_csv(table: DashTable) -> bytes:
    return to_csv(export_table(table))


def table_xlsx(table: DashTable) -> bytes:
    return to_xlsx(export_table(table))
