"""Referrals with consent, signposting, and the participant's control over who holds their data.

Rows come from `referrals_visible_to` (coproduce/referrals/selectors.py); every change is one of
coproduce/referrals/services.py. A caller who may see the participant (the participant, their
keyworker, the area's manager) gets the whole referral; a partner worker, who sees a referral
only because it was sent to their organisation with consent in force, gets the referral's own
facts and, of the participant, only `shared` (the fields the participant agreed to share, from
`shared_record`): `participant` and `goal_id` are null for them. When the participant withdraws
that consent the referral disappears for the partner at once (404, and gone from the list).

Every response that shows a participant's data is audited (channel "api").
"""

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller, caller_standing
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import Input, OrganisationRef, VersionIn, error_responses, one_of
from coproduce.core.errors import NotFound
from coproduce.core.validation import InvalidInput
from coproduce.directory.models import Service
from coproduce.directory.selectors import visible_service
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import consents_visible_to, participants_visible_to, visible_participant
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Goal
from coproduce.referrals import services as referral_services
from coproduce.referrals.models import Referral, SharedField
from coproduce.referrals.selectors import (
    organisations_holding_data,
    referrals_visible_to,
    shared_record,
    shared_record_prefetches,
    with_overdue,
)

router = Router(tags=["referrals"])


if TYPE_CHECKING:
    ReferralStateOrAny = str
    SharedFieldChoice = str
    HowConsentWasGiven = str
    DeclineReasonChoice = str
else:
    ReferralStateOrAny = one_of(Referral.State, blank=True)
    SharedFieldChoice = one_of(SharedField)
    HowConsentWasGiven = one_of(Consent.How)
    DeclineReasonChoice = one_of(Referral.DeclineReason)

HOW_FOR_STAFF = "Say how the participant told you: in_person_signed, in_person_verbal or phone."


# ---- schemas ----------------------------------------------------------------------------------


class ParticipantRef(Schema):
    id: int
    name: str


class ServiceRef(Schema):
    id: uuid.UUID
    name: str
    organisation: str | None = Field(description="The organisation that runs it, as the directory names it.")


class SharedOut(Schema):
    """What the partner organisation sees of the participant: only the fields shared, the rest null."""

    shared_fields: list[str]
    name: str | None
    mobile: str | None
    email: str | None
    address: str | None
    postcode: str | None
    children_ages: list[int] | None
    barriers: list[str] | None = Field(description="What gets in the way, in the participant's own words.")
    aspirations: str | None
    keyworker_name: str | None
    keyworker_contact: str | None


class ReferralOut(Schema):
    id: int
    version: int = Field(description="Send this back with a change, so that nobody's answer is overwritten.")
    kind: str
    state: str
    participant: ParticipantRef | None = Field(
        description="Null for a partner worker, who sees only `shared`, what the participant agreed to share."
    )
    service: ServiceRef | None
    organisation: OrganisationRef | None = Field(
        description="The partner agency that receives it; null for signposting."
    )
    outside_service_name: str
    outside_service_details: str
    reason: str
    goal_id: int | None
    proposed_by: str
    proposed_at: datetime.datetime
    consent_id: int | None
    shared_fields: list[str]
    agreed_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    answer_due_on: datetime.date | None
    is_overdue: bool = Field(description="Sent, not answered, and the answer is past due (in working days).")
    answered_at: datetime.datetime | None
    decline_reason: str
    decline_detail: str
    started_on: datetime.date | None
    ended_on: datetime.date | None
    delivered: str
    outcome_note: str
    withdrawn_at: datetime.datetime | None
    withdrawn_reason: str
    shared: SharedOut | None = Field(
        description="The participant's data the partner agency sees; null for signposting."
    )

    @staticmethod
    def resolve_participant(referral: Referral) -> dict[str, Any] | None:
        if not getattr(referral, "full_view", False):
            return None
        return {"id": referral.participant_id, "name": referral.participant.full_name}

    @staticmethod
    def resolve_service(referral: Referral) -> dict[str, Any] | None:
        service = referral.service
        if service is None:
            return None
        organisation = service.organization
        return {"id": service.pk, "name": service.name, "organisation": organisation.name if organisation else None}

    @staticmethod
    def resolve_goal_id(referral: Referral) -> int | None:
        return referral.goal_id if getattr(referral, "full_view", False) else None

    @staticmethod
    def resolve_shared_fields(referral: Referral) -> list[str]:
        return list(referral.shared_fields or [])

    @staticmethod
    def resolve_is_overdue(referral: Referral) -> bool:
        return bool(getattr(referral, "is_overdue", False))

    @staticmethod
    def resolve_shared(referral: Referral) -> dict[str, Any] | None:
        if referral.kind != Referral.Kind.REFERRAL:
            return None
        record = shared_record(referral)
        return {
            "shared_fields": list(record.shared_fields),
            "name": record.name,
            "mobile": record.mobile,
            "email": record.email,
            "address": record.address,
            "postcode": record.postcode,
            "children_ages": list(record.children_ages) if record.children_ages is not None else None,
            "barriers": list(record.barriers) if record.barriers is not None else None,
            "aspirations": record.aspirations,
            "keyworker_name": record.keyworker_name,
            "keyworker_contact": record.keyworker_contact,
        }


class ReferralFilters(Schema):
    state: ReferralStateOrAny = Field("", description="Only referrals in this state; blank for all.")
    participant: int | None = Field(None, description="Only this participant's referrals (their id).")


class ProposeIn(Input):
    participant_id: int
    service_id: uuid.UUID = Field(description="A service in the directory that takes referrals.")
    reason: str = Field(description="Why, in plain words the participant agrees with.")
    goal_id: int | None = Field(None, description="The participant's goal this helps with, if any.")


class SignpostIn(Input):
    participant_id: int
    reason: str
    service_id: uuid.UUID | None = Field(None, description="A service in the directory; or name one outside it.")
    outside_service_name: str = ""
    outside_service_details: str = ""
    goal_id: int | None = None


class AgreeIn(VersionIn):
    shared_fields: list[SharedFieldChoice] = Field(description="Exactly what the partner agency may see.")
    how: HowConsentWasGiven | None = Field(
        None,
        description="How the participant agreed. Left out, it is `online` (the participant themselves); "
        "staff recording the participant's answer must send it.",
    )


class ReferralDeclineIn(VersionIn):
    reason: DeclineReasonChoice
    detail: str = ""


class StartIn(VersionIn):
    started_on: datetime.date


class CompleteIn(VersionIn):
    ended_on: datetime.date
    delivered: str = Field(description="What the partner agency delivered.")
    outcome_note: str = ""


class DidNotStartIn(VersionIn):
    outcome_note: str = ""


class ReferralWithdrawIn(VersionIn):
    reason: str = Field("", description="Optional.")


class WithdrawSharingIn(Input):
    how: HowConsentWasGiven | None = Field(
        None, description="Left out, it is `online` (the participant themselves); staff must send it."
    )


class HeldReferralOut(Schema):
    id: int
    service_name: str
    state: str


class ConsentOut(Schema):
    id: int
    purpose: str
    organisation: OrganisationRef | None
    detail: str
    given_at: datetime.datetime
    given_how: str
    withdrawn_at: datetime.datetime | None
    withdrawn_how: str


class DataHolderOut(Schema):
    organisation: OrganisationRef
    consent: ConsentOut
    referrals: list[HeldReferralOut]
    fields: list[str] = Field(description="What they hold: SharedField values.")
    field_labels: list[str]
    since: datetime.datetime


# ---- helpers ----------------------------------------------------------------------------------


def _referrals(request: HttpRequest) -> QuerySet[Referral]:
    """The caller's visible referrals, with `full_view` (the caller may see the participant) and `is_overdue`."""
    user = caller(request)
    may_see_participant = participants_visible_to(user).filter(pk=OuterRef("participant_id"))
    return (
        with_overdue(referrals_visible_to(user))
        .annotate(full_view=Exists(may_see_participant))
        .select_related("participant__keyworker__user", "service__organization", "organisation", "consent")
        .prefetch_related(*shared_record_prefetches())
    )


def _referral_out(request: HttpRequest, referral_id: int) -> Referral:
    referral = _referrals(request).filter(pk=referral_id).first()
    if referral is None:
        raise NotFound("No such referral.")
    referral_services.record_referral_view(actor=caller(request), referral=referral)
    return referral


def _audit_list(request: HttpRequest, referrals: list[Any]) -> None:
    referral_services.record_referral_list_view(actor=caller(request), referrals=referrals)


def _participant(request: HttpRequest, participant_id: int) -> Participant:
    return visible_participant(caller(request), participant_id)


def _service(service_id: uuid.UUID) -> Service:
    try:
        return visible_service(service_id)
    except NotFound:
        raise InvalidInput({"service_id": ["There is no such service in the directory."]}) from None


def _goal(participant: Participant, goal_id: int | None) -> Goal | None:
    if goal_id is None:
        return None
    goal = Goal.objects.filter(pk=goal_id, participant=participant).first()
    if goal is None:
        raise InvalidInput({"goal_id": ["This is not one of the participant's goals."]})
    return goal


def _how(request: HttpRequest, how: str | None, *, visible: QuerySet[Any]) -> str:
    """The participant acting for themselves agrees online; staff must say how the participant told them.

    `visible` is the row the change is about, through its visibility function: someone who may not
    see it is told it does not exist (404), not that their input is incomplete.
    """
    if how is not None:
        return how
    if caller_standing(request).staff_member is None:
        return Consent.How.ONLINE
    if not visible.exists():
        raise NotFound()
    raise InvalidInput({"how": [HOW_FOR_STAFF]})


def _consent_out(consent: Consent) -> dict[str, Any]:
    organisation = consent.organisation
    return {
        "id": consent.pk,
        "purpose": consent.purpose,
        "organisation": (
            {"id": organisation.pk, "name": organisation.name, "kind": organisation.kind} if organisation else None
        ),
        "detail": consent.detail,
        "given_at": consent.given_at,
        "given_how": consent.given_how,
        "withdrawn_at": consent.withdrawn_at,
        "withdrawn_how": consent.withdrawn_how,
    }


CHANGE_ERRORS = error_responses(400, 401, 403, 404, 409)


# ---- reading ----------------------------------------------------------------------------------


@router.get(
    "/referrals",
    response={200: list[ReferralOut], **error_responses(400, 401)},
    summary="List the referrals and signposting you can see",
    url_name="list_referrals",
)
@paginate(PageNumber, audit=_audit_list)
def list_referrals(request: HttpRequest, filters: Query[ReferralFilters]) -> QuerySet[Referral]:
    """A participant's own; a keyworker's caseload's; a manager's area's; a partner worker's organisation's
    (sent to it, consent in force, shared fields only). Newest first. Each participant shown is audited."""
    referrals = _referrals(request)
    if filters.state:
        referrals = referrals.filter(state=filters.state)
    if filters.participant is not None:
        referrals = referrals.filter(participant_id=filters.participant)
    return referrals.order_by("-proposed_at", "-pk")


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, **error_responses(401, 404)},
    summary="Read one referral",
    url_name="referral_detail",
)
def referral_detail(request: HttpRequest, referral_id: int) -> Referral:
    """404 for a referral that does not exist and one you may not see alike. The read is audited."""
    return _referral_out(request, referral_id)


# ---- proposing and signposting ----------------------------------------------------------------


@router.post(
    "/referrals",
    response={201: ReferralOut, **error_responses(400, 401, 403, 404)},
    summary="Propose a referral to a partner agency's service",
    url_name="propose_referral",
)
def propose_referral_route(request: HttpRequest, payload: ProposeIn) -> Status[Referral]:
    """The participant themselves or their keyworker. Nothing is shared until the participant agrees."""
    participant = _participant(request, payload.participant_id)
    referral = referral_services.propose_referral(
        actor=caller(request),
        participant=participant,
        service=_service(payload.service_id),
        reason=payload.reason,
        goal=_goal(participant, payload.goal_id),
    )
    return Status(201, _referral_out(request, referral.pk))


@router.post(
    "/signposting",
    response={201: ReferralOut, **error_responses(400, 401, 403, 404)},
    summary="Record signposting to a service (nothing is shared)",
    url_name="record_signposting",
)
def record_signposting_route(request: HttpRequest, payload: SignpostIn) -> Status[Referral]:
    """Name a directory service (`service_id`) or one outside it (`outside_service_name`). No consent, no data."""
    participant = _participant(request, payload.participant_id)
    referral = referral_services.record_signposting(
        actor=caller(request),
        participant=participant,
        reason=payload.reason,
        service=_service(payload.service_id) if payload.service_id is not None else None,
        outside_service_name=payload.outside_service_name,
        outside_service_details=payload.outside_service_details,
        goal=_goal(participant, payload.goal_id),
    )
    return Status(201, _referral_out(request, referral.pk))


# ---- the workflow -----------------------------------------------------------------------------


def _change(request: HttpRequest, name: str, referral_id: int, **kwargs: Any) -> Referral:
    service = getattr(referral_services, name)
    service(actor=caller(request), referral_id=referral_id, **kwargs)
    return _referral_out(request, referral_id)


@router.post(
    "/referrals/{referral_id}/agree",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Agree to a referral and consent to share exactly these fields",
    url_name="agree_to_referral",
)
def agree_to_referral_route(request: HttpRequest, referral_id: int, payload: AgreeIn) -> Referral:
    """The participant's consent to share with that organisation, for that referral, only `shared_fields`."""
    return _change(
        request,
        "agree_to_referral",
        referral_id,
        expected_version=payload.version,
        shared_fields=list(payload.shared_fields),
        how=_how(request, payload.how, visible=referrals_visible_to(caller(request)).filter(pk=referral_id)),
    )


@router.post(
    "/referrals/{referral_id}/send",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Send an agreed referral to the partner agency",
    url_name="send_referral",
)
def send_referral_route(request: HttpRequest, referral_id: int, payload: VersionIn) -> Referral:
    """The answer is due within the service's number of working days."""
    return _change(request, "send_referral", referral_id, expected_version=payload.version)


@router.post(
    "/referrals/{referral_id}/accept",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Accept a referral (the partner agency)",
    url_name="accept_referral",
)
def accept_referral_route(request: HttpRequest, referral_id: int, payload: VersionIn) -> Referral:
    return _change(request, "accept_referral", referral_id, expected_version=payload.version)


@router.post(
    "/referrals/{referral_id}/decline",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Decline a referral, with a reason (the partner agency)",
    url_name="decline_referral",
)
def decline_referral_route(request: HttpRequest, referral_id: int, payload: ReferralDeclineIn) -> Referral:
    return _change(
        request,
        "decline_referral",
        referral_id,
        expected_version=payload.version,
        reason=payload.reason,
        detail=payload.detail,
    )


@router.post(
    "/referrals/{referral_id}/start",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Record that the participant started (the partner agency)",
    url_name="start_referral",
)
def start_referral_route(request: HttpRequest, referral_id: int, payload: StartIn) -> Referral:
    return _change(
        request, "start_referral", referral_id, expected_version=payload.version, started_on=payload.started_on
    )


@router.post(
    "/referrals/{referral_id}/complete",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Record what was delivered and the outcome (the partner agency)",
    url_name="complete_referral",
)
def complete_referral_route(request: HttpRequest, referral_id: int, payload: CompleteIn) -> Referral:
    return _change(
        request,
        "complete_referral",
        referral_id,
        expected_version=payload.version,
        ended_on=payload.ended_on,
        delivered=payload.delivered,
        outcome_note=payload.outcome_note,
    )


@router.post(
    "/referrals/{referral_id}/did-not-start",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Record that the participant did not start (the partner agency)",
    url_name="referral_did_not_start",
)
def referral_did_not_start(request: HttpRequest, referral_id: int, payload: DidNotStartIn) -> Referral:
    return _change(
        request,
        "record_did_not_start",
        referral_id,
        expected_version=payload.version,
        outcome_note=payload.outcome_note,
    )


@router.post(
    "/referrals/{referral_id}/withdraw",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Withdraw a referral before it ends",
    url_name="withdraw_referral",
)
def withdraw_referral_route(request: HttpRequest, referral_id: int, payload: ReferralWithdrawIn) -> Referral:
    """The participant or their keyworker; the reason is optional."""
    return _change(request, "withdraw_referral", referral_id, expected_version=payload.version, reason=payload.reason)


# ---- who holds my data ------------------------------------------------------------------------


@router.get(
    "/me/data-holders",
    response={200: list[DataHolderOut], **error_responses(401, 404)},
    summary="Every organisation that holds my information, why and since when (participants)",
    url_name="my_data_holders",
)
def my_data_holders(request: HttpRequest) -> list[dict[str, Any]]:
    """For the participant signed in; 404 for anyone without a participant record. The read is audited."""
    participant_id = caller_standing(request).participant_id
    if participant_id is None:
        raise NotFound("You have no participant record.")
    participant = visible_participant(caller(request), participant_id)
    record_participant_view(actor=caller(request), participant=participant)
    return [
        {
            "organisation": {
                "id": holder.organisation.pk,
                "name": holder.organisation.name,
                "kind": holder.organisation.kind,
            },
            "consent": _consent_out(holder.consent),
            "referrals": [
                {"id": referral.pk, "service_name": referral.service_name, "state": referral.state}
                for referral in holder.referrals
            ],
            "fields": list(holder.fields),
            "field_labels": holder.field_labels,
            "since": holder.since,
        }
        for holder in organisations_holding_data(participant)
    ]


@router.post(
    "/consents/{consent_id}/withdraw-sharing",
    response={200: ConsentOut, **error_responses(400, 401, 403, 404)},
    summary="Withdraw consent to share with an organisation, in one step",
    url_name="withdraw_sharing_consent",
)
def withdraw_sharing_consent_route(request: HttpRequest, consent_id: int, payload: WithdrawSharingIn) -> dict[str, Any]:
    """The participant (or their keyworker for them). Every open referral relying on it is withdrawn, and
    the organisation loses access at once."""
    how = _how(request, payload.how, visible=consents_visible_to(caller(request)).filter(pk=consent_id))
    consent = referral_services.withdraw_sharing_consent(actor=caller(request), consent_id=consent_id, how=how)
    return _consent_out(consent)
