"""Reads of budget pots and spend, and running balances.

Pots: staff of a partnership (keyworkers and managers) see their partnership's pots and those of
the organisations that are members of it. Spend: through `participants_visible_to` (a participant
their own, a keyworker their caseload's, a manager their area's).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.models import PartnershipMembership
from coproduce.programmes.standing import standing_of

ZERO = Decimal("0.00")
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class PotBalance:
    amount: Decimal
    approved: Decimal
    requested: Decimal
    left: Decimal


def pots_visible_to(actor: ActingUser) -> QuerySet[BudgetPot]:
    """Keyworkers and partnership managers: their partnership's pots and its member organisations'."""
    standing = standing_of(actor)
    if not (standing.has(Role.KEYWORKER) or standing.has(Role.PARTNERSHIP_MANAGER)) or standing.partnership_id is None:
        return BudgetPot.objects.none()
    members = PartnershipMembership.objects.filter(partnership_id=standing.partnership_id).values("organisation_id")
    return BudgetPot.objects.filter(Q(partnership_id=standing.partnership_id) | Q(organisation_id__in=members))


def spends_visible_to(actor: ActingUser) -> QuerySet[Spend]:
    """A participant: spend on them. A keyworker: on their caseload. A manager: on their area."""
    return Spend.objects.filter(participant__in=participants_visible_to(actor))


def _sum(state: str) -> Coalesce:
    return Coalesce(Sum("spends__amount", filter=Q(spends__state=state)), Value(ZERO), output_field=MONEY)


def with_balances(pots: QuerySet[BudgetPot]) -> QuerySet[BudgetPot]:
    """Pots with `approved_total` and `requested_total` annotated: one query however many pots."""
    return pots.annotate(approved_total=_sum(Spend.State.APPROVED), requested_total=_sum(Spend.State.REQUESTED))


def pot_balance(pot: BudgetPot) -> PotBalance:
    """What a pot holds, what is approved, what is waiting, and what is left (amount − approved).

    Uses the sums `with_balances` annotated when present; otherwise asks the database (one query).
    """
    approved = getattr(pot, "approved_total", None)
    requested = getattr(pot, "requested_total", None)
    if approved is None or requested is None:
        totals = Spend.objects.filter(pot_id=pot.pk).aggregate(
            approved=Coalesce(Sum("amount", filter=Q(state=Spend.State.APPROVED)), Value(ZERO), output_field=MONEY),
            requested=Coalesce(Sum("amount", filter=Q(state=Spend.State.REQUESTED)), Value(ZERO), output_field=MONEY),
        )
        approved, requested = totals["approved"], totals["requested"]
    approved, requested = _money(approved), _money(requested)
    return PotBalance(amount=pot.amount, approved=approved, requested=requested, left=_money(pot.amount) - approved)


def _money(value: Any) -> Decimal:
    # SQLite sums decimals as floats-turned-Decimals ("120.5"): always two places.
    return Decimal(value).quantize(Decimal("0.01"))


def pots_with_balances(actor: ActingUser) -> list[tuple[BudgetPot, PotBalance]]:
    pots = with_balances(pots_visible_to(actor).select_related("partnership", "organisation"))
    return [(pot, pot_balance(pot)) for pot in pots.order_by("-starts_on", "name", "pk")]


def spend_by_category(actor: ActingUser) -> list[dict[str, Any]]:
    """Approved spend from the pots this person sees, by category, for the area's figures (one query)."""
    rows = (
        Spend.objects.filter(pot__in=pots_visible_to(actor), state=Spend.State.APPROVED)
        .values("category")
        .annotate(total=Sum("amount"))
        .order_by("category")
    )
    return [{"category": Spend.Category(row["category"]).label, "total": _money(row["total"])} for row in rows]


def spends_waiting_for_manager(actor: ActingUser) -> QuerySet[Spend]:
    """Requests of the manager's area above their pot's keyworker limit, oldest first."""
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER):
        return Spend.objects.none()
    return (
        spends_visible_to(actor)
        .filter(state=Spend.State.REQUESTED, amount__gt=F("pot__keyworker_limit"))
        .select_related("participant", "pot", "goal", "requested_by")
        .order_by("requested_at", "pk")
    )


def spends_of(actor: ActingUser, participant_id: int) -> QuerySet[Spend]:
    """One participant's spend, newest first, with pot and goal."""
    return (
        spends_visible_to(actor)
        .filter(participant_id=participant_id)
        .select_related("pot", "goal", "participant", "requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )


def pots_for_request(actor: ActingUser, today: Any) -> QuerySet[BudgetPot]:
    """The pots a keyworker may ask from today: their partnership's or their organisation's, in period."""
    standing = standing_of(actor)
    if standing.staff_member is None or not standing.has(Role.KEYWORKER):
        return BudgetPot.objects.none()
    mine = Q(organisation_id=standing.organisation_id)
    if standing.partnership_id is not None:
        mine |= Q(partnership_id=standing.partnership_id)
    return BudgetPot.objects.filter(
        mine,
        starts_on__lte=today,
        ends_on__gte=today,
    ).order_by("name", "pk")
