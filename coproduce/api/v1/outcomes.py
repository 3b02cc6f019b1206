"""Outcomes (with job quality) and sustainment checks, through the same services and visibility as the pages.

Outcomes are corrected with PATCH and never deleted. Job quality is computed, never stored: pay
against the real Living Wage in force on the start date, hours and contract against the
participant's work wish (`fits` is null when no wish is recorded).
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from coproduce.api.v1.auth import caller
from coproduce.api.v1.schemas import Input, error_responses, one_of
from coproduce.core.errors import NotFound
from coproduce.outcomes.models import ContractType, Outcome, Sector, SustainmentCheck
from coproduce.outcomes.selectors import OutcomeRow, due_sustainment_checks_for, outcome_rows, outcomes_visible_to
from coproduce.outcomes.services import answer_sustainment_check, record_outcome, update_outcome
from coproduce.participants.selectors import visible_participant
from coproduce.participants.services import record_participant_list_view, record_participant_view

router = Router(tags=["outcomes"])


if TYPE_CHECKING:
    OutcomeKind = str
    EvidenceChoice = str
    SectorChoice = str
    ContractChoice = str
    CheckAnswer = str
else:
    OutcomeKind = one_of(Outcome.Kind)
    EvidenceChoice = one_of(Outcome.Evidence)
    SectorChoice = one_of(Sector, blank=True)
    ContractChoice = one_of(ContractType, blank=True)
    CheckAnswer = one_of(SustainmentCheck.Status)


# ---- schemas ----------------------------------------------------------------------------------


class JobQualityOut(Schema):
    living_wage: Decimal = Field(description="The real Living Wage in force on the start date, £ an hour.")
    pay_ok: bool
    hours_ok: bool | None = Field(description="Null when no work wish is recorded.")
    contract_ok: bool | None
    fits: bool | None = Field(description="Pay, hours and contract all fit; null (not confirmed) without a wish.")
    reasons: list[str]


class CheckOut(Schema):
    id: int
    version: int
    weeks: int
    due_on: datetime.date
    status: str
    checked_on: datetime.date | None
    note: str


class OutcomeOut(Schema):
    id: int
    version: int = Field(description="Send this back with a correction, so that nobody's change is overwritten.")
    participant_id: int
    kind: str
    achieved_on: datetime.date
    description: str
    goal_id: int | None
    employer_sector: str
    hours_per_week: Decimal | None
    contract_type: str
    hourly_pay: Decimal | None
    evidence: str
    evidence_note: str
    recorded_by: str
    job_quality: JobQualityOut | None
    sustainment_checks: list[CheckOut]


class DueCheckOut(CheckOut):
    outcome_id: int
    participant_id: int
    participant_name: str
    job_started_on: datetime.date


class OutcomeIn(Input):
    kind: OutcomeKind
    achieved_on: datetime.date = Field(description="The start date, or the date it was gained; not in the future.")
    evidence: EvidenceChoice
    description: str = ""
    goal_id: int | None = None
    employer_sector: SectorChoice = Field("", description="Required for a job start.")
    hours_per_week: Decimal | None = Field(None, description="Required for a job start.")
    contract_type: ContractChoice = Field("", description="Required for a job start.")
    hourly_pay: Decimal | None = Field(None, description="Required for a job start, £ an hour.")
    evidence_note: str = ""


class OutcomeUpdateIn(Input):
    version: int
    achieved_on: datetime.date | None = None
    description: str | None = None
    goal_id: int | None = None
    employer_sector: SectorChoice | None = None
    hours_per_week: Decimal | None = None
    contract_type: ContractChoice | None = None
    hourly_pay: Decimal | None = None
    evidence: EvidenceChoice | None = None
    evidence_note: str | None = None


class CheckAnswerIn(Input):
    version: int
    status: CheckAnswer = Field(description="in_work, not_in_work or no_contact.")
    checked_on: datetime.date
    note: str = ""


# ---- helpers ----------------------------------------------------------------------------------


def _out(row: OutcomeRow) -> dict[str, Any]:
    outcome = row.outcome
    fit = row.fit
    return {
        **{name: getattr(outcome, name) for name in OutcomeOut.model_fields if hasattr(outcome, name)},
        "recorded_by": str(outcome.recorded_by),
        "job_quality": None
        if fit is None
        else {
            "living_wage": fit.living_wage,
            "pay_ok": fit.pay_ok,
            "hours_ok": fit.hours_ok,
            "contract_ok": fit.contract_ok,
            "fits": fit.fits,
            "reasons": fit.reasons,
        },
        "sustainment_checks": row.checks,
    }


def _one(request: HttpRequest, outcome_id: int) -> dict[str, Any]:
    user = caller(request)
    outcome = outcomes_visible_to(user).select_related("participant").filter(pk=outcome_id).first()
    if outcome is None:
        raise NotFound("No such outcome.")
    row = next(row for row in outcome_rows(user, outcome.participant) if row.outcome.pk == outcome_id)
    return _out(row)


# ---- routes -----------------------------------------------------------------------------------


@router.get(
    "/participants/{participant_id}/outcomes",
    response={200: list[OutcomeOut], **error_responses(401, 404)},
    summary="A participant's outcomes, newest first, with job quality",
    url_name="list_outcomes",
)
def list_outcomes(request: HttpRequest, participant_id: int) -> list[dict[str, Any]]:
    """Every outcome with its sustainment checks. The read is audited."""
    user = caller(request)
    participant = visible_participant(user, participant_id)
    record_participant_view(actor=user, participant=participant)
    return [_out(row) for row in outcome_rows(user, participant)]


@router.post(
    "/participants/{participant_id}/outcomes",
    response={201: OutcomeOut, **error_responses(400, 401, 403, 404)},
    summary="Record an outcome",
    url_name="record_outcome",
)
def record_outcome_route(request: HttpRequest, participant_id: int, payload: OutcomeIn) -> Status[dict[str, Any]]:
    """Their keyworker (or one covering) or the area's manager. A job start needs sector, hours,
    contract and pay, and schedules its 4, 13, 26 and 52-week sustainment checks."""
    outcome = record_outcome(actor=caller(request), participant_id=participant_id, **payload.model_dump())
    return Status(201, _one(request, outcome.pk))


@router.get(
    "/outcomes/{outcome_id}",
    response={200: OutcomeOut, **error_responses(401, 404)},
    summary="One outcome",
    url_name="get_outcome",
)
def get_outcome(request: HttpRequest, outcome_id: int) -> dict[str, Any]:
    """The read is audited."""
    out = _one(request, outcome_id)
    participant = visible_participant(caller(request), out["participant_id"])
    record_participant_view(actor=caller(request), participant=participant)
    return out


@router.patch(
    "/outcomes/{outcome_id}",
    response={200: OutcomeOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Correct an outcome",
    url_name="update_outcome",
)
def update_outcome_route(request: HttpRequest, outcome_id: int, payload: OutcomeUpdateIn) -> dict[str, Any]:
    """Send `version` from your last read; 409 if someone changed it since (nothing is saved).
    Fields left out stay as they are; the kind cannot be changed."""
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    update_outcome(
        actor=caller(request),
        outcome_id=outcome_id,
        expected_version=version,
        changes=changes,
    )
    return _one(request, outcome_id)


@router.post(
    "/sustainment-checks/{check_id}/answer",
    response={200: CheckOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Answer a sustainment check",
    url_name="answer_sustainment_check",
)
def answer_check_route(request: HttpRequest, check_id: int, payload: CheckAnswerIn) -> SustainmentCheck:
    """Still in work, no longer in work, or could not get in touch; with the date and a note."""
    return answer_sustainment_check(
        actor=caller(request),
        check_id=check_id,
        expected_version=payload.version,
        status=payload.status,
        checked_on=payload.checked_on,
        note=payload.note,
    )


@router.get(
    "/sustainment-checks/due",
    response={200: list[DueCheckOut], **error_responses(401)},
    summary="Sustainment checks due today or earlier, not yet answered",
    url_name="due_sustainment_checks",
)
def due_checks(request: HttpRequest) -> list[dict[str, Any]]:
    """For the participants the caller works with. Showing their names is audited."""
    user = caller(request)
    checks = list(due_sustainment_checks_for(user, timezone.localdate()))
    record_participant_list_view(
        actor=user,
        participant_ids=sorted({check.outcome.participant_id for check in checks}),
    )
    return [
        {
            **{name: getattr(check, name) for name in CheckOut.model_fields},
            "outcome_id": check.outcome_id,
            "participant_id": check.outcome.participant_id,
            "participant_name": check.outcome.participant.full_name,
            "job_started_on": check.outcome.achieved_on,
        }
        for check in checks
    ]
