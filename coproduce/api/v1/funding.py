"""Engagement targets, grants and labour-market context: aggregates only, no personal data.

Rows come from coproduce/programmes/funding.py (`targets_visible_to`, `grants_visible_to`,
`labour_market_visible_to`), changes from the services there; every change is audited (channel "api").
The funder sees every area of one programme at a time (the `programme` query parameter; absent: the
programme that started last; one they do not oversee: 404); a partnership manager their own area;
everyone else an empty list.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.programme_param import programme_id_for, programme_query
from coproduce.api.v1.schemas import Input, VersionIn, error_responses
from coproduce.core.errors import NotFound
from coproduce.programmes.funding import agree_target, propose_target, record_grant, set_labour_market, update_grant
from coproduce.programmes.models import EngagementTarget, Grant, LabourMarketContext
from coproduce.programmes.selectors.funding import grants_visible_to, labour_market_visible_to, targets_visible_to

router = Router(tags=["targets and grants"])

VERSION_HELP = "The `version` you read; a stale one gets 409 and nothing is saved."


class TargetIn(Input):
    partnership_id: int
    year: int
    participants: int = Field(description="Participants to engage (joining) in the year.")
    version: int | None = Field(None, description="To change an existing target: " + VERSION_HELP)


class TargetOut(Schema):
    id: int
    version: int
    partnership_id: int
    area: str
    year: int
    participants: int
    status: str = Field(description="proposed or agreed.")
    proposed_by: str
    proposed_at: datetime.datetime
    agreed_by: str | None
    agreed_at: datetime.datetime | None

    @staticmethod
    def resolve_area(target: EngagementTarget) -> str:
        return target.partnership.area_name

    @staticmethod
    def resolve_status(target: EngagementTarget) -> str:
        return "agreed" if target.agreed_at else "proposed"

    @staticmethod
    def resolve_proposed_by(target: EngagementTarget) -> str:
        return str(target.proposed_by)

    @staticmethod
    def resolve_agreed_by(target: EngagementTarget) -> str | None:
        return str(target.agreed_by) if target.agreed_by else None


class GrantIn(Input):
    partnership_id: int
    reference: str = Field(description="Unique; the suffix of the grant's 360Giving identifier.")
    title: str
    description: str
    amount: Decimal = Field(description="In pounds, more than 0.")
    awarded_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
    recipient_id: int | None = Field(
        None, description="A co-lead organisation of the partnership (default: the first)."
    )


class GrantUpdateIn(Input):
    version: int = Field(description=VERSION_HELP)
    title: Annotated[str, Field(None)]
    description: Annotated[str, Field(None)]
    amount: Annotated[Decimal, Field(None)]
    awarded_on: Annotated[datetime.date, Field(None)]
    starts_on: Annotated[datetime.date, Field(None)]
    ends_on: Annotated[datetime.date, Field(None)]
    recipient_id: Annotated[int, Field(None)]


class GrantOut(Schema):
    id: int
    version: int
    reference: str
    partnership_id: int
    area: str
    funder: str
    recipient_id: int
    recipient: str
    title: str
    description: str
    amount: Decimal
    awarded_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date

    @staticmethod
    def resolve_area(grant: Grant) -> str:
        return grant.partnership.area_name

    @staticmethod
    def resolve_funder(grant: Grant) -> str:
        return grant.funder.name

    @staticmethod
    def resolve_recipient(grant: Grant) -> str:
        return grant.recipient.name


class LabourMarketIn(Input):
    partnership_id: int
    year: int
    claimant_rate: Decimal | None = Field(None, description="Claimant count as % of residents aged 16–64.")
    job_density: Decimal | None = Field(None, description="Jobs per resident aged 16–64.")
    source: str = Field(description="Where the figures come from, like ONS Nomis.")
    version: int | None = Field(None, description="To correct existing figures: " + VERSION_HELP)


class LabourMarketFiguresOut(Schema):
    id: int
    version: int
    partnership_id: int
    area: str
    gss_code: str
    year: int
    claimant_rate: Decimal | None
    job_density: Decimal | None
    source: str

    @staticmethod
    def resolve_area(row: LabourMarketContext) -> str:
        return row.partnership.area_name

    @staticmethod
    def resolve_gss_code(row: LabourMarketContext) -> str:
        return row.partnership.gss_code


# ---- targets ---------------------------------------------------------------------------------


@router.get(
    "/targets",
    response={200: list[TargetOut], **error_responses(400, 401, 404)},
    summary="List engagement targets",
    url_name="list_targets",
)
@paginate(PageNumber)
def list_targets(request: HttpRequest, programme: int | None = programme_query()) -> QuerySet[EngagementTarget]:
    """The funder: every area's of the programme; a partnership manager: their area's; anyone else: none."""
    user = caller(request)
    rows = targets_visible_to(user, programme_id_for(user, programme))
    return rows.order_by("partnership__area_name", "year", "pk")


@router.post(
    "/targets",
    response={201: TargetOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Propose a target, or change a proposal (funder or the area's manager)",
    url_name="propose_target",
)
def propose_target_route(request: HttpRequest, payload: TargetIn) -> Status[EngagementTarget]:
    """A new area-year needs no `version`; changing one does, and puts an agreed target back to proposed."""
    target = propose_target(
        actor=caller(request),
        partnership_id=payload.partnership_id,
        year=payload.year,
        participants=payload.participants,
        expected_version=payload.version,
    )
    return Status(201, targets_visible_to(caller(request)).get(pk=target.pk))


@router.post(
    "/targets/{target_id}/agree",
    response={200: TargetOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Agree a target the other side proposed",
    url_name="agree_target",
)
def agree_target_route(request: HttpRequest, target_id: int, payload: VersionIn) -> EngagementTarget:
    agree_target(actor=caller(request), target_id=target_id, expected_version=payload.version)
    return targets_visible_to(caller(request)).get(pk=target_id)


# ---- grants ----------------------------------------------------------------------------------


@router.get(
    "/grants",
    response={200: list[GrantOut], **error_responses(400, 401, 404)},
    summary="List grants",
    url_name="list_grants",
)
@paginate(PageNumber)
def list_grants(request: HttpRequest, programme: int | None = programme_query()) -> QuerySet[Grant]:
    """The funder: the grants their organisation made to the programme; a partnership manager: their area's."""
    user = caller(request)
    return grants_visible_to(user, programme_id_for(user, programme)).order_by("awarded_on", "reference")


@router.post(
    "/grants",
    response={201: GrantOut, **error_responses(400, 401, 403)},
    summary="Record a grant (funder)",
    url_name="record_grant",
)
def record_grant_route(request: HttpRequest, payload: GrantIn) -> Status[Grant]:
    grant = record_grant(actor=caller(request), **payload.model_dump())
    return Status(201, grants_visible_to(caller(request)).get(pk=grant.pk))


@router.get(
    "/grants/{grant_id}",
    response={200: GrantOut, **error_responses(401, 404)},
    summary="Read one grant",
    url_name="grant_detail",
)
def grant_detail(request: HttpRequest, grant_id: int) -> Grant:
    grant = grants_visible_to(caller(request)).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound("No such grant.")
    return grant


@router.patch(
    "/grants/{grant_id}",
    response={200: GrantOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a grant's details (funder)",
    url_name="update_grant",
)
def update_grant_route(request: HttpRequest, grant_id: int, payload: GrantUpdateIn) -> Grant:
    """Send `version` and only the fields to change. The reference and partnership do not change."""
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    update_grant(
        actor=caller(request),
        grant_id=grant_id,
        expected_version=version,
        changes=changes,
    )
    return grants_visible_to(caller(request)).get(pk=grant_id)


# ---- labour-market context -------------------------------------------------------------------


@router.get(
    "/labour-market",
    response={200: list[LabourMarketFiguresOut], **error_responses(400, 401, 404)},
    summary="List labour-market context by area and year",
    url_name="list_labour_market",
)
@paginate(PageNumber)
def list_labour_market(
    request: HttpRequest, programme: int | None = programme_query()
) -> QuerySet[LabourMarketContext]:
    """The figures of the programme's areas (the funder), or of the manager's own area."""
    user = caller(request)
    rows = labour_market_visible_to(user, programme_id_for(user, programme))
    return rows.order_by("partnership__area_name", "year", "pk")


@router.post(
    "/labour-market",
    response={201: LabourMarketFiguresOut, **error_responses(400, 401, 403, 409)},
    summary="Enter or correct an area's labour-market figures for a year (funder)",
    url_name="set_labour_market",
)
def set_labour_market_route(request: HttpRequest, payload: LabourMarketIn) -> Status[LabourMarketContext]:
    values = payload.model_dump()
    version = values.pop("version")
    row = set_labour_market(actor=caller(request), expected_version=version, **values)
    return Status(201, labour_market_visible_to(caller(request)).get(pk=row.pk))
