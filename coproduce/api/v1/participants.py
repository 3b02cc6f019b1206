"""Participants: the caller's visible participants, registration and changes.

Every row comes from `participants_visible_to`, so a keyworker gets their caseload, a manager
their area and a participant themselves, whether they call with a session or a token. A record
that exists but is not visible answers exactly like one that does not exist. Every response
with personal data in it is audited (channel "api").
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import (
    ParticipantCreateIn,
    ParticipantFilters,
    ParticipantOut,
    ParticipantSummaryOut,
    ParticipantUpdateIn,
    error_responses,
)
from coproduce.core.errors import NotFound
from coproduce.participants.models import Participant
from coproduce.participants.selectors import filter_participants, participants_visible_to
from coproduce.participants.services import (
    record_participant_list_view,
    record_participant_view,
    register_participant,
    update_participant,
)

router = Router(tags=["participants"])


def _visible(request: HttpRequest) -> QuerySet[Participant]:
    return participants_visible_to(caller(request)).select_related("partnership", "keyworker__user")


def _visible_one(request: HttpRequest, participant_id: int) -> Participant:
    participant = _visible(request).prefetch_related("children").filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("No such participant.")
    return participant


def _audit_list(request: HttpRequest, participants: list[Any]) -> None:
    record_participant_list_view(actor=caller(request), participant_ids=[p.pk for p in participants])


@router.get(
    "/participants",
    response={200: list[ParticipantSummaryOut], **error_responses(400, 401)},
    summary="List the participants you can see",
    url_name="list_participants",
)
@paginate(PageNumber, audit=_audit_list)
def list_participants(request: HttpRequest, filters: Query[ParticipantFilters]) -> QuerySet[Participant]:
    """A keyworker's caseload, a manager's area, or a participant's own record; other roles see none.

    `count` counts only participants you can see. Each one returned is recorded in the audit log.
    """
    participants = filter_participants(_visible(request), search=filters.search, status=filters.status)
    return participants.order_by("family_name", "given_name", "pk")


@router.post(
    "/participants",
    response={201: ParticipantOut, **error_responses(400, 401, 403)},
    summary="Register a participant",
    url_name="register_participant",
)
def register_participant_route(request: HttpRequest, payload: ParticipantCreateIn) -> Status[Participant]:
    """Keyworkers register onto their own caseload; partnership managers onto a keyworker's in their area.

    `consent_how` records how the participant consented to the service: nobody is registered without it.
    """
    participant = register_participant(actor=caller(request), **payload.model_dump())
    return Status(201, _visible_one(request, participant.pk))


@router.get(
    "/participants/{participant_id}",
    response={200: ParticipantOut, **error_responses(401, 404)},
    summary="Read one participant's record",
    url_name="participant_detail",
)
def participant_detail(request: HttpRequest, participant_id: int) -> Participant:
    """404 for a participant who does not exist and for one you may not see alike. The read is audited."""
    participant = _visible_one(request, participant_id)
    record_participant_view(actor=caller(request), participant=participant)
    return participant


@router.patch(
    "/participants/{participant_id}",
    response={200: ParticipantOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a participant's details",
    url_name="update_participant",
)
def update_participant_route(request: HttpRequest, participant_id: int, payload: ParticipantUpdateIn) -> Participant:
    """Send `version` from your last read and only the fields to change.

    409 if someone changed the record since (nothing is saved); 400 with a message per field for
    bad input. The change is audited with the names of the fields changed, never their values.
    """
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    children = changes.pop("children_birth_years", None)
    update_participant(
        actor=caller(request),
        participant_id=participant_id,
        expected_version=version,
        changes=changes,
        children_birth_years=children,
    )
    return _visible_one(request, participant_id)
