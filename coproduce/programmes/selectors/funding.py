"""Reads of engagement targets, grants and labour-market context: who sees which, and the targets grid.

The funder sees those of the programmes they oversee (`standing.programme_ids`), of one programme when
`programme_id` is given; a partnership manager their own area's; nobody else any. The changes are in
coproduce/programmes/funding.py.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.programmes.models import (
    EngagementTarget,
    Grant,
    LabourMarketContext,
    Partnership,
    PartnershipMembership,
    StaffRole,
)
from coproduce.programmes.standing import standing_of


def _funder_or_area(actor: ActingUser) -> tuple[bool, int | None]:
    """(is the funder, the partnership they manage or None)."""
    standing = standing_of(actor)
    funder = standing.has(Role.FUNDER) and standing.organisation_id is not None
    area = standing.partnership_id if standing.has(Role.PARTNERSHIP_MANAGER) else None
    return funder, area


def _in_programmes(rows: QuerySet[Any], actor: ActingUser, programme_id: int | None, *, path: str) -> QuerySet[Any]:
    """The funder's rows: those of the programmes they oversee (the first use of `actor.programmes` costs a
    query), and of `programme_id` alone when it is given. `path` leads from a row to its programme."""
    allowed = standing_of(actor).programme_ids
    if programme_id is not None:
        allowed = allowed & {programme_id}
    return rows.filter(**{f"{path}__in": sorted(allowed)})


def _in_programme(rows: QuerySet[Any], programme_id: int | None, *, path: str) -> QuerySet[Any]:
    return rows if programme_id is None else rows.filter(**{path: programme_id})


def targets_visible_to(actor: ActingUser, programme_id: int | None = None) -> QuerySet[EngagementTarget]:
    """The funder sees the targets of every area of the programmes they oversee (of `programme_id` alone
    when given); a partnership manager their own area's; nobody else any."""
    funder, area = _funder_or_area(actor)
    rows = EngagementTarget.objects.select_related("partnership__programme", "proposed_by", "agreed_by")
    path = "partnership__programme_id"
    if funder:
        return _in_programmes(rows, actor, programme_id, path=path)
    if area is not None:
        return _in_programme(rows.filter(partnership_id=area), programme_id, path=path)
    return EngagementTarget.objects.none()


def grants_visible_to(actor: ActingUser, programme_id: int | None = None) -> QuerySet[Grant]:
    """The funder sees the grants their organisation made to the programmes they oversee (to `programme_id`
    alone when given); a partnership manager their area's grants."""
    standing = standing_of(actor)
    funder, area = _funder_or_area(actor)
    rows = Grant.objects.select_related("partnership__programme", "funder", "recipient")
    path = "partnership__programme_id"
    if funder:
        return _in_programmes(rows.filter(funder_id=standing.organisation_id), actor, programme_id, path=path)
    if area is not None:
        return _in_programme(rows.filter(partnership_id=area), programme_id, path=path)
    return Grant.objects.none()


def labour_market_visible_to(actor: ActingUser, programme_id: int | None = None) -> QuerySet[LabourMarketContext]:
    """Published statistics, but shown only where they are used: the funder those of the areas of the
    programmes they oversee (of `programme_id` alone when given), a manager their area's."""
    funder, area = _funder_or_area(actor)
    rows = LabourMarketContext.objects.select_related("partnership__programme")
    path = "partnership__programme_id"
    if funder:
        return _in_programmes(rows, actor, programme_id, path=path)
    if area is not None:
        return _in_programme(rows.filter(partnership_id=area), programme_id, path=path)
    return LabourMarketContext.objects.none()


def partnerships_for_funding(actor: ActingUser, programme_id: int | None = None) -> QuerySet[Partnership]:
    """The areas this person can set targets or record figures for: the funder, those of the programmes
    they oversee (of `programme_id` alone when given); a manager, theirs."""
    funder, area = _funder_or_area(actor)
    if funder:
        return _in_programmes(Partnership.objects.order_by("area_name", "pk"), actor, programme_id, path="programme_id")
    if area is not None:
        return _in_programme(Partnership.objects.filter(pk=area), programme_id, path="programme_id")
    return Partnership.objects.none()


def lead_partners(partnership_ids: list[int] | None = None) -> QuerySet[PartnershipMembership]:
    """Co-lead memberships (who a grant may be paid to), by area then organisation name."""
    rows = PartnershipMembership.objects.filter(role=PartnershipMembership.Role.CO_LEAD).select_related(
        "organisation", "partnership"
    )
    if partnership_ids is not None:
        rows = rows.filter(partnership_id__in=partnership_ids)
    return rows.order_by("partnership__area_name", "organisation__name")


def funder_users(user_ids: Iterable[int]) -> set[int]:
    """Which of these users act for the funder (one query): a target they proposed is the funder's proposal."""
    return set(
        StaffRole.objects.filter(
            staff_member__user_id__in=list(user_ids), staff_member__is_active=True, role=Role.FUNDER
        ).values_list("staff_member__user_id", flat=True)
    )


def target_side(actor: ActingUser) -> str:
    """Which side someone is on when agreeing targets: "funder", "partnership" or ""."""
    funder, area = _funder_or_area(actor)
    return "funder" if funder else "partnership" if area is not None else ""


@dataclass(frozen=True)
class TargetCell:
    target: EngagementTarget | None
    year: int
    proposed_by_funder: bool = False
    can_agree: bool = False


@dataclass(frozen=True)
class TargetGrid:
    """All areas × years: `rows` is [(partnership, [cell per year])]."""

    years: list[int]
    rows: list[tuple[Partnership, list[TargetCell]]]
    side: str


def target_grid(
    actor: ActingUser, *, today: datetime.date | None = None, programme_id: int | None = None
) -> TargetGrid:
    """The targets as a grid (three queries): every year from the first target to this year or the last target.

    Of one programme when `programme_id` is given (the funder's page), else of every area this person sees.
    """
    today = today or timezone.localdate()
    targets = list(targets_visible_to(actor, programme_id))
    partnerships = list(partnerships_for_funding(actor, programme_id))
    funders = funder_users({target.proposed_by_id for target in targets})
    side = target_side(actor)
    known = {target.year for target in targets} | {today.year}
    years = list(range(min(known), max(known) + 1))
    by_cell = {(target.partnership_id, target.year): target for target in targets}

    def cell(partnership: Partnership, year: int) -> TargetCell:
        target = by_cell.get((partnership.pk, year))
        if target is None:
            return TargetCell(target=None, year=year)
        by_funder = target.proposed_by_id in funders
        proposer_side = "funder" if by_funder else "partnership"
        can_agree = target.agreed_at is None and side != "" and side != proposer_side
        return TargetCell(target=target, year=year, proposed_by_funder=by_funder, can_agree=can_agree)

    rows = [(partnership, [cell(partnership, year) for year in years]) for partnership in partnerships]
    return TargetGrid(years=years, rows=rows, side=side)
