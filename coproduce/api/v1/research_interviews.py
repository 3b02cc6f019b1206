"""The evaluation's waves, stakeholders and interviews, the sampling assistant and Table 1.

Evaluators only: everyone else gets empty lists and 404s (the visibility functions decide), and
403 on writes. Participants appear only by pseudonym; responses naming a participant's interview
or research consent are audited (channel "api").
"""

import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.research_programme import programme_query, research_programme_id
from coproduce.api.v1.schemas import Input, error_responses, one_of
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotFound
from coproduce.research.models import Interview, Stakeholder, StakeholderRole, Wave
from coproduce.research.sampling import Spread, propose_sample
from coproduce.research.selectors import interviews_visible_to, stakeholders_visible_to, waves_visible_to
from coproduce.research.services.interviews import (
    create_interview,
    create_stakeholder,
    create_wave,
    invite_for_interview,
    record_interview_reads,
    update_interview,
    update_stakeholder,
    update_wave,
    withdraw_stakeholder,
)
from coproduce.research.table1 import table_one

router = Router(tags=["research"])

if TYPE_CHECKING:
    RoleChoice = str
    KindOrAny = str
    StatusChoice = str
    StatusOrAny = str
    SpreadChoice = str
else:
    RoleChoice = one_of(StakeholderRole)
    KindOrAny = one_of(Interview.Kind, blank=True)
    StatusChoice = one_of(Interview.Status)
    StatusOrAny = one_of(Interview.Status, blank=True)
    SpreadChoice = Literal[tuple(spread.value for spread in Spread)]

VERSION = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")


# ---- waves --------------------------------------------------------------------------------------


PROGRAMME_IN_BODY = (
    "The programme (its id), one you oversee; needed only when you oversee more than one. A programme you do "
    "not oversee is refused like one that does not exist."
)


class WaveOut(Schema):
    id: int
    version: int
    programme_id: int
    year: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


class WaveIn(Input):
    year: int = Field(ge=2000, le=2100)
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    programme_id: int | None = Field(None, description=PROGRAMME_IN_BODY)


class WaveUpdateIn(Input):
    version: int = VERSION
    year: int = Field(None, ge=2000, le=2100)  # type: ignore[assignment]
    name: str = None  # type: ignore[assignment]
    starts_on: datetime.date = None  # type: ignore[assignment]
    ends_on: datetime.date = None  # type: ignore[assignment]


def _wave(request: HttpRequest, wave_id: int) -> Wave:
    wave = waves_visible_to(caller(request)).filter(pk=wave_id).first()
    if wave is None:
        raise NotFound("No such wave.")
    return wave


@router.get(
    "/research/waves",
    response={200: list[WaveOut], **error_responses(400, 401, 404)},
    summary="List the waves of interviews (evaluators)",
    url_name="list_research_waves",
)
@paginate(PageNumber)
def list_research_waves(request: HttpRequest, programme: int | None = programme_query()) -> QuerySet[Wave]:
    user = caller(request)
    return waves_visible_to(user, programme_id=research_programme_id(user, programme)).order_by("year")


@router.post(
    "/research/waves",
    response={201: WaveOut, **error_responses(400, 401, 403)},
    summary="Add a wave",
    url_name="create_research_wave",
)
def create_research_wave(request: HttpRequest, payload: WaveIn) -> Status[Wave]:
    wave = create_wave(actor=caller(request), **payload.model_dump())
    return Status(201, wave)


@router.get(
    "/research/waves/{wave_id}",
    response={200: WaveOut, **error_responses(401, 404)},
    summary="Read one wave",
    url_name="research_wave_detail",
)
def research_wave_detail(request: HttpRequest, wave_id: int) -> Wave:
    return _wave(request, wave_id)


@router.patch(
    "/research/waves/{wave_id}",
    response={200: WaveOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a wave",
    url_name="update_research_wave",
)
def update_research_wave(request: HttpRequest, wave_id: int, payload: WaveUpdateIn) -> Wave:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return update_wave(actor=caller(request), wave_id=wave_id, expected_version=version, changes=changes)


# ---- stakeholders -------------------------------------------------------------------------------


class StakeholderOut(Schema):
    id: int
    version: int
    name: str
    role: str
    partnership_id: int | None
    organisation_id: int | None
    email: str
    phone: str
    agreed_to_interview: bool
    agreed_to_recording: bool
    agreed_to_quotation: bool
    consent_recorded_on: datetime.date | None


class StakeholderIn(Input):
    name: str
    role: RoleChoice
    partnership_id: int | None = None
    organisation_id: int | None = None
    email: str = ""
    phone: str = ""
    agreed_to_interview: bool = False
    agreed_to_recording: bool = False
    agreed_to_quotation: bool = False
    consent_recorded_on: datetime.date | None = None
    programme_id: int | None = Field(None, description=PROGRAMME_IN_BODY)


class StakeholderUpdateIn(Input):
    version: int = VERSION
    name: str = None  # type: ignore[assignment]
    role: RoleChoice = None  # type: ignore[assignment]
    partnership_id: int | None = None
    organisation_id: int | None = None
    email: str = None  # type: ignore[assignment]
    phone: str = None  # type: ignore[assignment]
    agreed_to_interview: bool = None  # type: ignore[assignment]
    agreed_to_recording: bool = None  # type: ignore[assignment]
    agreed_to_quotation: bool = None  # type: ignore[assignment]
    consent_recorded_on: datetime.date | None = None


class StakeholderWithdrawIn(Input):
    version: int = VERSION
    on: datetime.date | None = Field(None, description="The day they stopped; today if left out.")


def _stakeholder(request: HttpRequest, stakeholder_id: int) -> Stakeholder:
    stakeholder = stakeholders_visible_to(caller(request)).filter(pk=stakeholder_id).first()
    if stakeholder is None:
        raise NotFound("No such stakeholder.")
    return stakeholder


@router.get(
    "/research/stakeholders",
    response={200: list[StakeholderOut], **error_responses(400, 401, 404)},
    summary="List the stakeholders taking part (evaluators)",
    url_name="list_research_stakeholders",
)
@paginate(PageNumber)
def list_research_stakeholders(
    request: HttpRequest, programme: int | None = programme_query()
) -> QuerySet[Stakeholder]:
    user = caller(request)
    return stakeholders_visible_to(user, programme_id=research_programme_id(user, programme)).order_by("name", "pk")


@router.post(
    "/research/stakeholders",
    response={201: StakeholderOut, **error_responses(400, 401, 403)},
    summary="Add a stakeholder",
    url_name="create_research_stakeholder",
)
def create_research_stakeholder(request: HttpRequest, payload: StakeholderIn) -> Status[Stakeholder]:
    stakeholder = create_stakeholder(actor=caller(request), **payload.model_dump())
    return Status(201, stakeholder)


@router.get(
    "/research/stakeholders/{stakeholder_id}",
    response={200: StakeholderOut, **error_responses(401, 404)},
    summary="Read one stakeholder",
    url_name="research_stakeholder_detail",
)
def research_stakeholder_detail(request: HttpRequest, stakeholder_id: int) -> Stakeholder:
    return _stakeholder(request, stakeholder_id)


@router.patch(
    "/research/stakeholders/{stakeholder_id}",
    response={200: StakeholderOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a stakeholder",
    url_name="update_research_stakeholder",
)
def update_research_stakeholder(request: HttpRequest, stakeholder_id: int, payload: StakeholderUpdateIn) -> Stakeholder:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return update_stakeholder(
        actor=caller(request),
        stakeholder_id=stakeholder_id,
        expected_version=version,
        changes=changes,
    )


@router.post(
    "/research/stakeholders/{stakeholder_id}/withdraw",
    response={200: StakeholderOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Record that a stakeholder stopped taking part (they and their interviews leave the view)",
    url_name="withdraw_research_stakeholder",
)
def withdraw_research_stakeholder(
    request: HttpRequest, stakeholder_id: int, payload: StakeholderWithdrawIn
) -> Stakeholder:
    return withdraw_stakeholder(
        actor=caller(request),
        stakeholder_id=stakeholder_id,
        expected_version=payload.version,
        on=payload.on,
    )


# ---- interviews ---------------------------------------------------------------------------------


class InterviewOut(Schema):
    id: int
    version: int
    wave_id: int
    wave_year: int
    partnership_id: int
    area: str
    kind: str
    pseudonym: str | None = Field(description="The participant interviewee's pseudonym; null for a stakeholder.")
    stakeholder_id: int | None
    stakeholder_name: str | None
    stakeholder_role: str | None
    status: str
    scheduled_for: datetime.datetime | None
    held_on: datetime.date | None
    interviewer_id: int | None
    consent_confirmed: bool
    recorded: bool
    notes: str

    @staticmethod
    def resolve_wave_year(interview: Interview) -> int:
        return interview.wave.year

    @staticmethod
    def resolve_area(interview: Interview) -> str:
        return interview.partnership.area_name

    @staticmethod
    def resolve_pseudonym(interview: Interview) -> str | None:
        return interview.research_consent.pseudonym if interview.research_consent else None

    @staticmethod
    def resolve_stakeholder_name(interview: Interview) -> str | None:
        return interview.stakeholder.name if interview.stakeholder else None

    @staticmethod
    def resolve_stakeholder_role(interview: Interview) -> str | None:
        return interview.stakeholder.role if interview.stakeholder else None


class InterviewIn(Input):
    wave_id: int
    pseudonym: str = Field("", description="A participant interviewee, by pseudonym; or give `stakeholder_id`.")
    stakeholder_id: int | None = None
    partnership_id: int | None = Field(None, description="The area; the interviewee's own if left out.")
    status: StatusChoice = Interview.Status.INVITED
    scheduled_for: datetime.datetime | None = None
    held_on: datetime.date | None = None
    interviewer_id: int | None = Field(None, description="An evaluator's user id.")
    consent_confirmed: bool = False
    recorded: bool = False
    notes: str = ""


class InterviewUpdateIn(Input):
    version: int = VERSION
    status: StatusChoice = None  # type: ignore[assignment]
    scheduled_for: datetime.datetime | None = None
    held_on: datetime.date | None = None
    interviewer_id: int | None = None
    consent_confirmed: bool = None  # type: ignore[assignment]
    recorded: bool = None  # type: ignore[assignment]
    notes: str = None  # type: ignore[assignment]


def _interviews(request: HttpRequest) -> QuerySet[Interview]:
    return interviews_visible_to(caller(request)).select_related(
        "wave", "partnership", "research_consent", "stakeholder"
    )


def _audit_interviews(request: HttpRequest, items: list[Any]) -> None:
    record_interview_reads(actor=caller(request), interviews=items)


def _interview(request: HttpRequest, interview_id: int) -> Interview:
    interview = _interviews(request).filter(pk=interview_id).first()
    if interview is None:
        raise NotFound("No such interview.")
    record_interview_reads(actor=caller(request), interviews=[interview], action=AuditEvent.Action.VIEW)
    return interview


@router.get(
    "/research/interviews",
    response={200: list[InterviewOut], **error_responses(400, 401, 404)},
    summary="List interviews (evaluators), by wave, area, kind and status",
    url_name="list_research_interviews",
)
@paginate(PageNumber, audit=_audit_interviews)
def list_research_interviews(
    request: HttpRequest,
    wave_id: int | None = None,
    partnership_id: int | None = None,
    kind: KindOrAny = "",
    status: StatusOrAny = "",
    programme: int | None = programme_query(),
) -> QuerySet[Interview]:
    interviews = _interviews(request).filter(wave__programme_id=research_programme_id(caller(request), programme))
    if wave_id is not None:
        interviews = interviews.filter(wave_id=wave_id)
    if partnership_id is not None:
        interviews = interviews.filter(partnership_id=partnership_id)
    if kind:
        interviews = interviews.filter(kind=kind)
    if status:
        interviews = interviews.filter(status=status)
    return interviews.order_by("-wave__year", "partnership__area_name", "pk")


@router.post(
    "/research/interviews",
    response={201: InterviewOut, **error_responses(400, 401, 403)},
    summary="Add an interview with a participant (by pseudonym) or a stakeholder",
    url_name="create_research_interview",
)
def create_research_interview(request: HttpRequest, payload: InterviewIn) -> Status[Interview]:
    interview = create_interview(actor=caller(request), **payload.model_dump())
    return Status(201, _interview(request, interview.pk))


@router.get(
    "/research/interviews/{interview_id}",
    response={200: InterviewOut, **error_responses(401, 404)},
    summary="Read one interview",
    url_name="research_interview_detail",
)
def research_interview_detail(request: HttpRequest, interview_id: int) -> Interview:
    return _interview(request, interview_id)


@router.patch(
    "/research/interviews/{interview_id}",
    response={200: InterviewOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change an interview: status (invited → scheduled → done or declined), dates, checks",
    url_name="update_research_interview",
)
def update_research_interview(request: HttpRequest, interview_id: int, payload: InterviewUpdateIn) -> Interview:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    update_interview(
        actor=caller(request),
        interview_id=interview_id,
        expected_version=version,
        changes=changes,
    )
    return _interview(request, interview_id)


# ---- Table 1 ------------------------------------------------------------------------------------


class CountOut(Schema):
    participants: int
    stakeholders: int


class Table1RowOut(CountOut):
    area: str
    wave: int


class Table1WaveOut(CountOut):
    wave: int


class Table1AreaOut(CountOut):
    area: str


class Table1TotalsOut(Schema):
    by_wave: list[Table1WaveOut]
    by_area: list[Table1AreaOut]
    overall: CountOut


class Table1Out(Schema):
    programme_id: int
    programme: str
    rows: list[Table1RowOut] = Field(description="One per area × wave year, zeros included.")
    totals: Table1TotalsOut


@router.get(
    "/research/table1",
    response={200: Table1Out, **error_responses(401, 403, 404)},
    summary="Interviews done by area × wave × participant or stakeholder, with totals (Table 1)",
    url_name="research_table1",
)
def research_table1(request: HttpRequest, programme: int | None = programme_query()) -> dict[str, Any]:
    """Of one programme. Counts include interviews whose interviewee later withdrew: a count names nobody."""
    return table_one(caller(request), programme_id=programme).as_json()


# ---- sampling -----------------------------------------------------------------------------------


class QuotaIn(Input):
    partnership_id: int
    number: int = Field(ge=0, le=100)


class ProposalIn(Input):
    wave_id: int
    quotas: list[QuotaIn]
    spreads: list[SpreadChoice] = Field(default_factory=list)


class ProposedOut(Schema):
    research_consent_id: int
    pseudonym: str
    shares_service_data: bool
    interviewed_before: bool
    barrier_profile: str | None
    family: str | None
    progress: str | None
    explanation: str


class AreaProposalOut(Schema):
    partnership_id: int
    area: str
    quota: int
    eligible: int
    short_by: int
    proposed: list[ProposedOut]


class ProposalOut(Schema):
    wave_id: int
    areas: list[AreaProposalOut]


class AcceptIn(Input):
    wave_id: int
    research_consent_ids: list[int]


class AcceptOut(Schema):
    invited: list[InterviewOut]
    skipped: list[int] = Field(description="Research consents that already had an interview in the wave.")


@router.post(
    "/research/sampling/proposal",
    response={200: ProposalOut, **error_responses(400, 401, 403)},
    summary="Propose a purposive sample for a wave: a number per area, spread across the chosen spreads",
    url_name="research_sampling_proposal",
)
def research_sampling_proposal(request: HttpRequest, payload: ProposalIn) -> dict[str, Any]:
    """Nothing is saved: accept the proposal (or part of it) with /research/sampling/accept."""
    sample = propose_sample(
        caller(request),
        wave_id=payload.wave_id,
        quotas={quota.partnership_id: quota.number for quota in payload.quotas},
        spreads={Spread(value) for value in payload.spreads},
    )
    wave, proposals = sample.wave, sample.areas
    return {
        "wave_id": wave.pk,
        "areas": [
            {
                "partnership_id": proposal.partnership_id,
                "area": proposal.area,
                "quota": proposal.quota,
                "eligible": proposal.eligible,
                "short_by": proposal.short_by,
                "proposed": [
                    {
                        "research_consent_id": choice.candidate.research_consent_id,
                        "pseudonym": choice.candidate.pseudonym,
                        "shares_service_data": choice.candidate.shares_service_data,
                        "interviewed_before": choice.candidate.interviewed_before,
                        "barrier_profile": choice.candidate.barrier_profile,
                        "family": choice.candidate.family,
                        "progress": choice.candidate.progress,
                        "explanation": choice.explanation,
                    }
                    for choice in proposal.chosen
                ],
            }
            for proposal in proposals
        ],
    }


@router.post(
    "/research/sampling/accept",
    response={200: AcceptOut, **error_responses(400, 401, 403)},
    summary="Invite the chosen participants to the wave (anyone already in it is skipped)",
    url_name="research_sampling_accept",
)
def research_sampling_accept(request: HttpRequest, payload: AcceptIn) -> dict[str, Any]:
    made, skipped = invite_for_interview(
        actor=caller(request),
        wave_id=payload.wave_id,
        research_consent_ids=payload.research_consent_ids,
    )
    invited = list(_interviews(request).filter(pk__in=[interview.pk for interview in made]).order_by("pk"))
    record_interview_reads(actor=caller(request), interviews=invited)
    return {"invited": invited, "skipped": skipped}
