"""Discretionary budgets: pots with running balances, and spend on participants.

Rows come from coproduce/budgets/selectors.py (spend through `participants_visible_to`), changes
from coproduce/budgets/services.py. Responses naming participants are audited (channel "api").
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import Input, VersionIn, error_responses, one_of
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.budgets.selectors import pot_balance, pots_visible_to, spends_visible_to, with_balances
from coproduce.budgets.services import (
    answer_spend,
    approve_spend,
    attach_receipt,
    cancel_spend,
    create_pot,
    decline_spend,
    request_spend,
    update_pot,
)
from coproduce.core.errors import NotFound
from coproduce.participants.services import record_participant_list_view, record_participant_view
from coproduce.programmes.standing import standing_of

router = Router(tags=["budgets"])


if TYPE_CHECKING:
    SpendCategory = str
    SpendState = str
    SpendAnswer = str
    SpendAnsweredHow = str
else:
    SpendCategory = one_of(Spend.Category)
    SpendState = one_of(Spend.State, blank=True)
    SpendAnswer = one_of(Spend.Answer)
    SpendAnsweredHow = one_of(Spend.AnsweredHow, blank=True)


class PotOut(Schema):
    id: int
    version: int
    name: str
    partnership_id: int | None
    organisation_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    amount: Decimal
    keyworker_limit: Decimal = Field(description="A keyworker approves up to this amount; the manager above it.")
    approved: Decimal
    requested: Decimal
    left: Decimal = Field(description="amount − approved. Never below zero.")

    @staticmethod
    def resolve_approved(pot: BudgetPot) -> Decimal:
        return pot_balance(pot).approved

    @staticmethod
    def resolve_requested(pot: BudgetPot) -> Decimal:
        return pot_balance(pot).requested

    @staticmethod
    def resolve_left(pot: BudgetPot) -> Decimal:
        return pot_balance(pot).left


class PotIn(Input):
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    amount: Decimal = Field(ge=0, decimal_places=2)
    keyworker_limit: Decimal = Field(Decimal("100.00"), ge=0, decimal_places=2)
    organisation_id: int | None = Field(
        None, description="A member organisation's pot; leave out for the partnership's."
    )


class PotUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    name: str | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    amount: Decimal | None = Field(None, ge=0, decimal_places=2)
    keyworker_limit: Decimal | None = Field(None, ge=0, decimal_places=2)


class SpendOut(Schema):
    id: int
    version: int
    pot_id: int
    pot_name: str
    participant_id: int
    participant_name: str
    goal_id: int | None
    goal_title: str
    category: str
    amount: Decimal
    description: str
    no_goal_reason: str = Field(description="Why it is not for one of their goals, when `goal_id` is null.")
    state: str
    participant_answer: str = Field(
        description="waiting, yes or no: the participant's say. Nobody approves a spend before their yes."
    )
    answered_how: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decline_reason: str
    has_receipt: bool

    @staticmethod
    def resolve_pot_name(spend: Spend) -> str:
        return spend.pot.name

    @staticmethod
    def resolve_participant_name(spend: Spend) -> str:
        return spend.participant.full_name

    @staticmethod
    def resolve_goal_title(spend: Spend) -> str:
        return spend.goal.title if spend.goal else ""

    @staticmethod
    def resolve_has_receipt(spend: Spend) -> bool:
        return bool(spend.receipt)


class SpendIn(Input):
    participant_id: int
    pot_id: int
    category: SpendCategory
    amount: Decimal = Field(gt=0, decimal_places=2)
    description: str
    goal_id: int | None = Field(None, description="One of the participant's goals it helps towards.")
    no_goal_reason: str = Field("", description="Required when there is no `goal_id`: why it is not for a goal.")


class SpendDeclineIn(VersionIn):
    reason: str


class SpendAnswerIn(VersionIn):
    answer: SpendAnswer = Field(description="yes or no (no thanks).")
    answered_how: SpendAnsweredHow = Field(
        "", description="Staff recording the participant's answer: in_person, phone or message (required)."
    )


def _audit_spends(request: HttpRequest, items: list[Any]) -> None:
    record_participant_list_view(
        actor=caller(request),
        participant_ids=sorted({item.participant_id for item in items}),
    )


def _spends(request: HttpRequest) -> QuerySet[Spend]:
    return spends_visible_to(caller(request)).select_related("pot", "participant", "goal")


def _spend(request: HttpRequest, spend_id: int) -> Spend:
    spend = _spends(request).filter(pk=spend_id).first()
    if spend is None:
        raise NotFound("No such spend.")
    record_participant_view(actor=caller(request), participant=spend.participant)
    return spend


def _pot(request: HttpRequest, pot_id: int) -> BudgetPot:
    pot = with_balances(pots_visible_to(caller(request))).filter(pk=pot_id).first()
    if pot is None:
        raise NotFound("No such budget pot.")
    return pot


@router.get(
    "/budget-pots",
    response={200: list[PotOut], **error_responses(400, 401)},
    summary="List the budget pots you can see, with running balances",
    url_name="list_budget_pots",
)
@paginate(PageNumber)
def list_budget_pots(request: HttpRequest) -> QuerySet[BudgetPot]:
    """Keyworkers and partnership managers: their partnership's pots and its member organisations'."""
    return with_balances(pots_visible_to(caller(request))).order_by("-starts_on", "name", "pk")


@router.post(
    "/budget-pots",
    response={201: PotOut, **error_responses(400, 401, 403)},
    summary="Open a budget pot (partnership managers)",
    url_name="create_budget_pot",
)
def create_budget_pot(request: HttpRequest, payload: PotIn) -> Status[BudgetPot]:
    pot = create_pot(actor=caller(request), **payload.model_dump())
    return Status(201, _pot(request, pot.pk))


@router.get(
    "/budget-pots/{pot_id}",
    response={200: PotOut, **error_responses(401, 404)},
    summary="Read one budget pot with its balance",
    url_name="budget_pot_detail",
)
def budget_pot_detail(request: HttpRequest, pot_id: int) -> BudgetPot:
    return _pot(request, pot_id)


@router.patch(
    "/budget-pots/{pot_id}",
    response={200: PotOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a budget pot",
    url_name="update_budget_pot",
)
def update_budget_pot(request: HttpRequest, pot_id: int, payload: PotUpdateIn) -> BudgetPot:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    update_pot(actor=caller(request), pot_id=pot_id, expected_version=version, changes=changes)
    return _pot(request, pot_id)


@router.get(
    "/spends",
    response={200: list[SpendOut], **error_responses(400, 401)},
    summary="List the spend you can see",
    url_name="list_spends",
)
@paginate(PageNumber, audit=_audit_spends)
def list_spends(request: HttpRequest, state: SpendState = "", participant_id: int | None = None) -> QuerySet[Spend]:
    """A participant: spend on them. A keyworker: on their caseload. A manager: on their area."""
    spends = _spends(request)
    if state:
        spends = spends.filter(state=state)
    if participant_id is not None:
        spends = spends.filter(participant_id=participant_id)
    return spends.order_by("-requested_at", "-pk")


@router.get(
    "/me/spends",
    response={200: list[SpendOut], **error_responses(400, 401)},
    summary="Money spent on me (participants)",
    url_name="my_spends",
)
@paginate(PageNumber, audit=_audit_spends)
def my_spends(request: HttpRequest) -> QuerySet[Spend]:
    participant_id = standing_of(caller(request)).participant_id
    if participant_id is None:
        return Spend.objects.none()
    return _spends(request).filter(participant_id=participant_id).order_by("-requested_at", "-pk")


@router.post(
    "/spends",
    response={201: SpendOut, **error_responses(400, 401, 403, 404)},
    summary="Ask for money for a participant (their keyworker)",
    url_name="request_spend",
)
def request_spend_route(request: HttpRequest, payload: SpendIn) -> Status[Spend]:
    spend = request_spend(actor=caller(request), **payload.model_dump())
    return Status(201, _spend(request, spend.pk))


@router.get(
    "/spends/{spend_id}",
    response={200: SpendOut, **error_responses(401, 404)},
    summary="Read one spend",
    url_name="spend_detail",
)
def spend_detail(request: HttpRequest, spend_id: int) -> Spend:
    return _spend(request, spend_id)


@router.post(
    "/spends/{spend_id}/answer",
    response={200: SpendOut, **error_responses(400, 401, 403, 404, 409)},
    summary="The participant's yes or no to a spend proposed for them",
    url_name="answer_spend",
)
def answer_spend_route(request: HttpRequest, spend_id: int, payload: SpendAnswerIn) -> Spend:
    """Given by the participant, or recorded by their keyworker with `answered_how`.

    They may change their answer while the spend is waiting for a decision; 400 once it is decided.
    """
    answer_spend(
        actor=caller(request),
        spend_id=spend_id,
        expected_version=payload.version,
        answer=payload.answer,
        answered_how=payload.answered_how,
    )
    return _spend(request, spend_id)


@router.post(
    "/spends/{spend_id}/approve",
    response={200: SpendOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Approve a request (keyworker up to the pot's limit, the manager above it)",
    url_name="approve_spend",
)
def approve_spend_route(request: HttpRequest, spend_id: int, payload: VersionIn) -> Spend:
    """400 if it would take the pot below zero; nothing is changed."""
    approve_spend(actor=caller(request), spend_id=spend_id, expected_version=payload.version)
    return _spend(request, spend_id)


@router.post(
    "/spends/{spend_id}/decline",
    response={200: SpendOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Decline a request, saying why",
    url_name="decline_spend",
)
def decline_spend_route(request: HttpRequest, spend_id: int, payload: SpendDeclineIn) -> Spend:
    decline_spend(
        actor=caller(request),
        spend_id=spend_id,
        expected_version=payload.version,
        reason=payload.reason,
    )
    return _spend(request, spend_id)


@router.post(
    "/spends/{spend_id}/cancel",
    response={200: SpendOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Cancel a request not yet decided",
    url_name="cancel_spend",
)
def cancel_spend_route(request: HttpRequest, spend_id: int, payload: VersionIn) -> Spend:
    cancel_spend(actor=caller(request), spend_id=spend_id, expected_version=payload.version)
    return _spend(request, spend_id)


@router.post(
    "/spends/{spend_id}/receipt",
    response={200: SpendOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Upload the receipt of an approved spend (multipart: version, receipt)",
    url_name="attach_receipt",
)
def attach_receipt_route(request: HttpRequest, spend_id: int, version: Form[int], receipt: File[UploadedFile]) -> Spend:
    """A PDF, JPG or PNG of at most 5 MB."""
    attach_receipt(actor=caller(request), spend_id=spend_id, expected_version=version, upload=receipt)
    return _spend(request, spend_id)
