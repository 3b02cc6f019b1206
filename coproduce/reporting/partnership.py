"""The partnership dashboard: one area's figures, computed from records, for its manager and board.

Who sees it (`dashboard_scope`): the area's partnership manager, with exact counts (they may
see every record behind them anyway), and the area's lived-experience board members, who see
aggregates only, with every count under 5 (and any count that would give one away by
subtraction) suppressed through reporting/suppression.py. Nobody else.

Every section is a `DashTable` (what the page shows beside its chart and what the CSV and XLSX
downloads hold), built from aggregate queries: the number of queries is the same however many
participants, referrals or services there are.

Charts come from reporting/charts.py (the line chart over years) and from `bar_chart_svg` there
(horizontal bars of counts, which charts.py does not draw yet); downloads from reporting/exports.py.
"""

import datetime
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import rules
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.safestring import SafeString

from coproduce.accounts.roles import Role
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.core.errors import NotAllowed
from coproduce.directory.models import Attribute, Service
from coproduce.directory.services import BARRIER_TAXONOMY_ID
from coproduce.outcomes.models import Outcome
from coproduce.participants.models import Participant
from coproduce.plans.models import Assessment, AssessmentBarrier, Barrier
from coproduce.programmes.actors import actor_for
from coproduce.programmes.models import EngagementTarget, Partnership, StaffMember
from coproduce.referrals.models import Referral
from coproduce.reporting.charts import Series, bar_chart_svg, line_chart
from coproduce.reporting.exports import ExportTable, to_csv, to_xlsx
from coproduce.reporting.suppression import TOTAL, Cell, Line, suppress
from coproduce.voice.models import GroupSession, Invitation, Request, Topic

Value = Cell | Decimal | str | int | None
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
    columns: tuple[str, ...]  # the first names the row labels
    rows: tuple[DashRow, ...]
    chart: SafeString = NO_CHART  # SVG markup, empty where a chart would not help

    @property
    def any_hidden(self) -> bool:
        return any(isinstance(value, Cell) and value.hidden for row in self.rows for value in row.values)


@dataclass(frozen=True)
class Scope:
    partnership: Partnership
    exact: bool  # True for the manager; False for board members, who see suppressed counts


@dataclass(frozen=True)
class Dashboard:
    partnership: Partnership
    exact: bool
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
        )

    def table(self, slug: str) -> DashTable | None:
        return next((table for table in self.tables if table.slug == slug), None)


# ----- Who may see it -----------------------------------------------------------------------


def board_seat_partnership_id(user: Any) -> int | None:
    """The partnership on whose board this person sits as a lived-experience member now, if any."""
    actor = actor_for(user)
    return actor.board_partnership_id if actor.has(Role.BOARD_MEMBER) else None


@rules.predicate
def can_view_partnership_dashboard(user: Any) -> bool:
    actor = actor_for(user)
    if actor.is_anonymous:
        return False
    if actor.has(Role.PARTNERSHIP_MANAGER) and actor.partnership_id is not None:
        return True
    return board_seat_partnership_id(user) is not None


rules.add_perm("reporting.view_partnership_dashboard", can_view_partnership_dashboard)


def dashboard_scope(user: Any) -> Scope:
    """Whose figures this person sees, and whether exactly; NotAllowed for everyone else."""
    if not rules.has_perm("reporting.view_partnership_dashboard", user):
        raise NotAllowed("Only the partnership's manager and board see its dashboard.")
    actor = actor_for(user)
    if actor.has(Role.PARTNERSHIP_MANAGER) and actor.partnership_id is not None:
        partnership_id, exact = actor.partnership_id, True
    else:
        seat = board_seat_partnership_id(user)
        assert seat is not None  # the permission asks for one
        partnership_id, exact = seat, False
    partnership = Partnership.objects.select_related("programme").get(pk=partnership_id)
    return Scope(partnership=partnership, exact=exact)


# ----- Counts, suppressed or not --------------------------------------------------------------


def _cells(counts: dict[Hashable, int], lines: Sequence[Line[Hashable]], exact: bool) -> dict[Hashable, Cell]:
    if exact:
        return {key: Cell(value) for key, value in counts.items()}
    return suppress(counts, lines)


def _grid(
    grid: Mapping[Any, int], rows: Sequence[Hashable], columns: Sequence[Hashable], exact: bool
) -> dict[Hashable, Cell]:
    """A rows × columns table of counts with row and column totals, as cells keyed (row, column)."""
    counts: dict[Hashable, int] = {}
    lines: list[Line[Hashable]] = []
    for row in rows:
        for column in columns:
            counts[(row, column)] = grid.get((row, column), 0)
        counts[(row, TOTAL)] = sum(counts[(row, column)] for column in columns)
        lines.append(Line((row, TOTAL), tuple((row, column) for column in columns)))
    for column in [*columns, TOTAL]:
        counts[(TOTAL, column)] = sum(counts[(row, column)] for row in rows)
        lines.append(Line((TOTAL, column), tuple((row, column) for row in rows)))
    return _cells(counts, lines, exact)


def _money(amount: Decimal | None) -> Decimal:
    return (amount or Decimal("0")).quantize(Decimal("0.01"))


def _hidden_with(cell: Cell, amount: Decimal) -> Value:
    """An amount of money is hidden whenever the count of people it belongs to is."""
    return Cell(None, cell.reason) if cell.hidden else amount


# ----- The sections ---------------------------------------------------------------------------


def engagement_table(partnership: Partnership, exact: bool) -> DashTable:
    """Participants joining per year against the agreed engagement target. Two queries."""
    joined = dict(
        Participant.objects.filter(partnership=partnership)
        .order_by()
        .annotate(year=ExtractYear("joined_on"))
        .values_list("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    targets = {target.year: target for target in EngagementTarget.objects.filter(partnership=partnership)}
    years = sorted({*joined, *targets})
    if years:
        years = list(range(years[0], years[-1] + 1))
    counts: dict[Hashable, int] = {year: joined.get(year, 0) for year in years}
    counts[TOTAL] = sum(counts[year] for year in years)
    cells = _cells(counts, [Line(TOTAL, tuple(years))], exact)
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
        share: Value = f"{round(100 * cell.value / agreed)}%" if agreed and cell.value is not None else ""
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
        "engagement", "Engagement against target", ("Year", "Joined", "Agreed target", "Of target"), tuple(rows), chart
    )


def caseload_table(partnership: Partnership, exact: bool) -> DashTable:
    """Active, paused and closed participants per keyworker, against the caseload limit. One query."""
    keyworkers = list(
        StaffMember.objects.filter(partnership=partnership, roles__role=Role.KEYWORKER)
        .select_related("user")
        .annotate(
            active_n=Count("caseload", filter=Q(caseload__status=Participant.Status.ACTIVE)),
            paused_n=Count("caseload", filter=Q(caseload__status=Participant.Status.PAUSED)),
            closed_n=Count("caseload", filter=Q(caseload__status=Participant.Status.CLOSED)),
        )
        .order_by("user__display_name", "pk")
    )
    columns = ("active", "paused", "closed")
    grid = {(k.pk, column): getattr(k, f"{column}_n") for k in keyworkers for column in columns}
    cells = _grid(grid, [k.pk for k in keyworkers], columns, exact)
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


def referrals_table(partnership: Partnership, exact: bool) -> DashTable:
    """Referrals of the area's participants by receiving organisation and state. One query."""
    found = (
        Referral.objects.filter(participant__partnership=partnership)
        .order_by()
        .values("organisation_id", "organisation__name", "state")
        .annotate(n=Count("pk"))
    )
    names: dict[Hashable, str] = {}
    grid: dict[tuple[Hashable, Hashable], int] = {}
    for row in found:
        key = row["organisation_id"] or "none"
        names[key] = row["organisation__name"] or "Signposted elsewhere"
        grid[(key, row["state"])] = row["n"]
    states = [state for state in Referral.State if any(s == state for _, s in grid)]
    organisations = sorted(names, key=lambda key: (key == "none", names[key]))
    cells = _grid(grid, organisations, states, exact)
    rows = [DashRow(names[key], tuple(cells[(key, s)] for s in (*states, TOTAL))) for key in organisations]
    rows.append(DashRow("All organisations", tuple(cells[(TOTAL, s)] for s in (*states, TOTAL)), is_total=True))
    bars = [(names[key], cells[(key, TOTAL)].value, None) for key in organisations]
    chart = bar_chart_svg("Referrals by organisation", bars, unit="referrals")
    return DashTable(
        "referrals",
        "Referrals by partner organisation and state",
        ("Organisation", *[Referral.State(s).label for s in states], "All"),
        tuple(rows),
        chart,
    )


def outcomes_table(partnership: Partnership, exact: bool) -> DashTable:
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
    cells = _cells(counts, [Line(TOTAL, tuple(kind.value for kind in kinds))], exact)
    rows = [DashRow(kind.label, (cells[kind.value],)) for kind in kinds]
    rows.append(DashRow("All outcomes", (cells[TOTAL],), is_total=True))
    chart = bar_chart_svg("Outcomes by kind", [(k.label, cells[k.value].value, None) for k in kinds], unit="outcomes")
    return DashTable("outcomes", "Outcomes by kind", ("Outcome", "Recorded"), tuple(rows), chart)


def budget_tables(partnership: Partnership, exact: bool) -> tuple[DashTable, DashTable]:
    """Approved spend from the partnership's pots by category, and each pot's balance. Two queries.

    For board members, a sum of money spent on fewer than 5 items is hidden with its count, and
    the two tables are suppressed together: the pots' approved items add up to the same total
    as the categories', so neither can be used to work out a hidden amount from the other.
    """
    spends = Spend.objects.filter(pot__partnership=partnership)
    found = {
        row["category"]: row
        for row in spends.filter(state=Spend.State.APPROVED)
        .order_by()
        .values("category")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    }
    pots = list(
        BudgetPot.objects.filter(partnership=partnership)
        .annotate(
            approved=Sum("spends__amount", filter=Q(spends__state=Spend.State.APPROVED)),
            approved_n=Count("spends", filter=Q(spends__state=Spend.State.APPROVED)),
            requested=Sum("spends__amount", filter=Q(spends__state=Spend.State.REQUESTED)),
            requested_n=Count("spends", filter=Q(spends__state=Spend.State.REQUESTED)),
        )
        .order_by("-starts_on", "name", "pk")
    )
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
    cells = _cells(counts, lines, exact)
    amounts = {c.value: _money(found[c.value]["amount"]) if c.value in found else _money(None) for c in categories}
    total_amount = _money(sum(amounts.values(), Decimal("0")))
    rows = [
        DashRow(c.label, (cells[("category", c.value)], _hidden_with(cells[("category", c.value)], amounts[c.value])))
        for c in categories
    ]
    rows.append(DashRow("All categories", (cells[TOTAL], _hidden_with(cells[TOTAL], total_amount)), is_total=True))
    bars = [(c.label, None if cells[("category", c.value)].hidden else int(amounts[c.value]), None) for c in categories]
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
                    f"{pot.starts_on:%-d %b %Y} to {pot.ends_on:%-d %b %Y}",
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
        ("Pot", "Period", "Amount (£)", "Approved (£)", "Waiting for approval (£)", "Left (£)"),
        tuple(pot_rows),
    )
    return spend, balances


def requests_table(partnership: Partnership, exact: bool) -> DashTable:
    """Participants' requests by topic, answered or waiting. One query."""
    grid = {
        (row["topic"], row["status"]): row["n"]
        for row in Request.objects.filter(participant__partnership=partnership)
        .order_by()
        .values("topic", "status")
        .annotate(n=Count("pk"))
    }
    statuses = [Request.Status.OPEN.value, Request.Status.ANSWERED.value]
    topics = [topic.value for topic in Topic if any(t == topic for t, _ in grid)]
    cells = _grid(grid, topics, statuses, exact)
    rows = [DashRow(Topic(t).label, tuple(cells[(t, s)] for s in (*statuses, TOTAL))) for t in topics]
    rows.append(DashRow("All topics", tuple(cells[(TOTAL, s)] for s in (*statuses, TOTAL)), is_total=True))
    bars = [(Topic(t).label, cells[(t, TOTAL)].value, None) for t in topics]
    chart = bar_chart_svg("Requests by topic", bars, unit="requests")
    return DashTable(
        "requests", "Requests by topic", ("Topic", "Waiting for an answer", "Answered", "All"), tuple(rows), chart
    )


def sessions_table(partnership: Partnership, exact: bool) -> DashTable:
    """Group sessions per year: how many, places offered, people invited and who came. Two queries."""
    sessions = {
        row["year"]: row
        for row in GroupSession.objects.filter(partnership=partnership)
        .order_by()
        .annotate(year=ExtractYear("starts_at"))
        .values("year")
        .annotate(n=Count("pk"), places=Sum("places"))
    }
    invited = {
        row["year"]: row
        for row in Invitation.objects.filter(group_session__partnership=partnership)
        .order_by()
        .annotate(year=ExtractYear("group_session__starts_at"))
        .values("year")
        .annotate(n=Count("pk"), came=Count("pk", filter=Q(attended=True)))
    }
    years = sorted(set(sessions) | set(invited))
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
    cells = _cells(counts, lines, exact)
    rows = []
    for year in years:
        row = sessions.get(year, {"n": 0, "places": 0})
        rows.append(DashRow(str(year), (row["n"], row["places"] or 0, cells[(year, "invited")], cells[(year, "came")])))
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


def _has_places() -> Q:
    return Q(service__places_available__isnull=True) | Q(service__places_available__gt=0)


def barrier_gaps_table(partnership: Partnership, exact: bool) -> DashTable:
    """Barriers named in active participants' latest assessments, and the services there are for them.

    A gap is a barrier someone in the area has for which no active service linked to the
    partnership, tagged with that need, has places free (no number given counts as free).
    Childcare first, then the gaps, then the rest, most named first. Two queries.
    """
    latest = Assessment.objects.filter(participant=OuterRef("assessment__participant")).order_by("-assessed_on", "-pk")
    named = dict(
        AssessmentBarrier.objects.filter(
            assessment__participant__partnership=partnership,
            assessment__participant__status=Participant.Status.ACTIVE,
            assessment_id=Subquery(latest.values("pk")[:1]),
        )
        .order_by()
        .values_list("barrier")
        .annotate(n=Count("assessment__participant", distinct=True))
        .values_list("barrier", "n")
    )
    with_places = dict(
        Attribute.objects.filter(
            _has_places(),
            taxonomy_term__taxonomy_detail_id=BARRIER_TAXONOMY_ID,
            service__status=Service.Status.ACTIVE,
            service__partnerships=partnership,
        )
        .order_by()
        .values_list("taxonomy_term__code")
        .annotate(n=Count("service", distinct=True))
        .values_list("taxonomy_term__code", "n")
    )
    barriers = [barrier for barrier in Barrier if named.get(barrier.value, 0)]
    barriers.sort(key=lambda b: (b != Barrier.CHILDCARE, with_places.get(b.value, 0) > 0, -named[b.value], b.label))
    # Participants may name several barriers: the counts do not add up to a total, so none is shown.
    cells = _cells({b.value: named[b.value] for b in barriers}, [], exact)
    rows = [
        DashRow(
            b.label,
            (cells[b.value], with_places.get(b.value, 0)),
            flag="" if with_places.get(b.value, 0) else "Gap: no service with places",
        )
        for b in barriers
    ]
    bars = [(b.label, cells[b.value].value, None) for b in barriers]
    chart = bar_chart_svg("Active participants naming each barrier", bars, unit="participants")
    return DashTable(
        "barrier-gaps",
        "Barriers and services with places",
        ("Barrier", "Active participants naming it", "Services with places free"),
        tuple(rows),
        chart,
    )


def capacity_declines_table(partnership: Partnership, exact: bool) -> DashTable:
    """Referrals of the area's participants declined because the service had no places, by service. One query."""
    found = list(
        Referral.objects.filter(
            participant__partnership=partnership,
            state=Referral.State.DECLINED,
            decline_reason=Referral.DeclineReason.NO_CAPACITY,
        )
        .order_by()
        .values("service_id", "service__name", "organisation__name")
        .annotate(n=Count("pk"), last=Min("answered_at"))
    )
    found.sort(key=lambda row: (-row["n"], row["service__name"] or ""))
    keys = [row["service_id"] or f"org-{index}" for index, row in enumerate(found)]
    counts: dict[Hashable, int] = {key: row["n"] for key, row in zip(keys, found, strict=True)}
    counts[TOTAL] = sum(row["n"] for row in found)
    cells = _cells(counts, [Line(TOTAL, tuple(keys))], exact)
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


def unanswered_table(partnership: Partnership, exact: bool, today: datetime.date) -> DashTable:
    """Requests still waiting for an answer, by topic, with how long the oldest has waited. One query."""
    found = {
        row["topic"]: row
        for row in Request.objects.filter(participant__partnership=partnership, status=Request.Status.OPEN)
        .order_by()
        .values("topic")
        .annotate(n=Count("pk"), oldest=Min("created_at"))
    }
    topics = [topic for topic in Topic if topic.value in found]
    topics.sort(key=lambda t: (found[t.value]["oldest"], t.label))
    counts: dict[Hashable, int] = {t.value: found[t.value]["n"] for t in topics}
    counts[TOTAL] = sum(counts.values())
    cells = _cells(counts, [Line(TOTAL, tuple(t.value for t in topics))], exact)
    rows = []
    for topic in topics:
        oldest = timezone.localtime(found[topic.value]["oldest"]).date()
        rows.append(DashRow(topic.label, (cells[topic.value], oldest.isoformat(), (today - oldest).days)))
    rows.append(DashRow("All topics", (cells[TOTAL], "", ""), is_total=True))
    return DashTable(
        "unanswered",
        "Requests not yet answered",
        ("Topic", "Waiting", "Oldest since", "Days waiting"),
        tuple(rows),
    )


def partnership_dashboard(user: Any, today: datetime.date | None = None) -> Dashboard:
    """Every section of the dashboard for this person's partnership, suppressed unless they manage it."""
    scope = dashboard_scope(user)
    partnership, exact = scope.partnership, scope.exact
    today = today or timezone.localdate()
    spend, pots = budget_tables(partnership, exact)
    return Dashboard(
        partnership=partnership,
        exact=exact,
        engagement=engagement_table(partnership, exact),
        caseloads=caseload_table(partnership, exact),
        referrals=referrals_table(partnership, exact),
        outcomes=outcomes_table(partnership, exact),
        spend=spend,
        pots=pots,
        requests=requests_table(partnership, exact),
        sessions=sessions_table(partnership, exact),
        barrier_gaps=barrier_gaps_table(partnership, exact),
        capacity_declines=capacity_declines_table(partnership, exact),
        unanswered=unanswered_table(partnership, exact, today),
    )


# ----- Private helpers: CSV and XLSX -----------------------------------------------


def _plain(value: Value) -> int | Decimal | str | None:
    """What a download holds for one value: the number, or the label of a hidden cell."""
    if isinstance(value, Cell):
        return value.value if value.value is not None else value.label
    return value


def export_table(table: DashTable) -> ExportTable:
    """The table as the downloads hold it, with each row's note as a last column where any has one."""
    flagged = any(row.flag for row in table.rows)
    return ExportTable(
        slug=table.slug,
        title=table.title,
        columns=(*table.columns, *(["Note"] if flagged else [])),
        rows=tuple(
            (row.label, *(_plain(value) for value in row.values), *([row.flag] if flagged else []))
            for row in table.rows
        ),
    )


def table_csv(table: DashTable) -> bytes:
    return to_csv(export_table(table))


def table_xlsx(table: DashTable) -> bytes:
    return to_xlsx(export_table(table))
