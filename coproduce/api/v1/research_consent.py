"""A participant's research consent: read it, give or change it (PUT), stop taking part (DELETE).

For the participant themself, their keyworker and their area's manager only
(`research.record_research_consent`); anyone else gets 404, as if the participant did not exist.
Reads are audited as reads of the participant (channel "api").
"""

import datetime
from typing import TYPE_CHECKING, Any

import rules
from django.http import HttpRequest
from ninja import Field, Router, Schema

from coproduce.api.v1.auth import caller
from coproduce.api.v1.schemas import Input, error_responses, one_of
from coproduce.core.errors import NotFound
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.research.models import ResearchConsent
from coproduce.research.selectors import research_consents_visible_to
from coproduce.research.services.consent import ELEMENTS, give_research_consent, withdraw_research_consent

router = Router(tags=["research"])

if TYPE_CHECKING:
    HowOrBlank = str
else:
    HowOrBlank = one_of(Consent.How, blank=True)


class ResearchConsentOut(Schema):
    participant_id: int
    in_force: bool = Field(description="Agreed and not withdrawn.")
    given_at: datetime.datetime | None
    given_how: str
    withdrawn_at: datetime.datetime | None
    interview: bool
    recording: bool
    quotation: bool
    service_data: bool
    contact_for_interview: bool
    version: int | None = Field(description="Send this back with a change, so that nobody's edit is overwritten.")


class ResearchConsentIn(Input):
    interview: bool
    recording: bool
    quotation: bool
    service_data: bool
    contact_for_interview: bool
    how: HowOrBlank = Field("", description="How they agreed (staff). A participant's own is always online.")
    version: int | None = Field(None, description="The `version` you read, when changing one in force.")


def _participant(request: HttpRequest, participant_id: int) -> Participant:
    participant = participants_visible_to(caller(request)).filter(pk=participant_id).first()
    if participant is None or not rules.has_perm("research.record_research_consent", caller(request), participant):
        raise NotFound("No such participant.")
    return participant


def _out(participant: Participant, scope: ResearchConsent | None) -> dict[str, Any]:
    if scope is None:
        return {
            "participant_id": participant.pk,
            "in_force": False,
            "given_at": None,
            "given_how": "",
            "withdrawn_at": None,
            **dict.fromkeys(ELEMENTS, False),
            "version": None,
        }
    in_force = scope.is_in_force
    return {
        "participant_id": participant.pk,
        "in_force": in_force,
        "given_at": scope.consent.given_at,
        "given_how": scope.consent.given_how,
        "withdrawn_at": scope.consent.withdrawn_at,
        **{name: in_force and getattr(scope, name) for name in ELEMENTS},
        "version": scope.version,
    }


def _read(request: HttpRequest, participant: Participant) -> dict[str, Any]:
    scope = (
        research_consents_visible_to(caller(request)).select_related("consent").filter(participant=participant).first()
    )
    record_participant_view(actor=caller(request), participant=participant)
    return _out(participant, scope)


@router.get(
    "/research/consents/participants/{participant_id}",
    response={200: ResearchConsentOut, **error_responses(401, 404)},
    summary="Read a participant's research consent (the participant, their keyworker, their manager)",
    url_name="get_research_consent",
)
def get_research_consent(request: HttpRequest, participant_id: int) -> dict[str, Any]:
    return _read(request, _participant(request, participant_id))


@router.put(
    "/research/consents/participants/{participant_id}",
    response={200: ResearchConsentOut, **error_responses(400, 401, 404, 409)},
    summary="Give research consent, or change what it covers",
    url_name="give_research_consent",
)
def put_research_consent(request: HttpRequest, participant_id: int, payload: ResearchConsentIn) -> dict[str, Any]:
    """Recording and being contacted need agreement to interviews; agreeing to nothing is refused (400)."""
    participant = _participant(request, participant_id)
    give_research_consent(
        actor=caller(request),
        participant_id=participant.pk,
        **payload.model_dump(exclude={"version"}),
        expected_version=payload.version,
    )
    return _read(request, participant)


@router.delete(
    "/research/consents/participants/{participant_id}",
    response={200: ResearchConsentOut, **error_responses(400, 401, 404, 409)},
    summary="Stop taking part in the research, in one step (?how=phone for staff)",
    url_name="withdraw_research_consent",
)
def delete_research_consent(
    request: HttpRequest, participant_id: int, how: HowOrBlank = "", version: int | None = None
) -> dict[str, Any]:
    """From this moment evaluators see nothing of the participant."""
    participant = _participant(request, participant_id)
    withdraw_research_consent(actor=caller(request), participant_id=participant.pk, how=how, expected_version=version)
    return _read(request, participant)
