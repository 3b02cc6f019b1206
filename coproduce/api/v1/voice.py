"""Participant voice: requests, the requests board, group sessions and feedback.

Rows come from coproduce/voice/selectors.py (through `participants_visible_to`), changes from
coproduce/voice/services.py. Responses naming participants are audited (channel "api").
"""

import datetime
from typing import TYPE_CHECKING, Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import Input, error_responses, one_of
from coproduce.core.errors import NotFound
from coproduce.participants.services import record_participant_list_view
from coproduce.voice.models import GroupSession, Request, Topic
from coproduce.voice.selectors import (
    board_counts,
    board_requests_listed,
    group_session_detail,
    group_sessions_with_counts,
    requests_visible_to,
)
from coproduce.voice.services import (
    create_group_session,
    give_feedback,
    invite_requesters,
    make_request,
    update_group_session,
)

router = Router(tags=["voice"])


if TYPE_CHECKING:
    TopicChoice = str
    RequestKind = str
else:
    TopicChoice = one_of(Topic)
    RequestKind = one_of(Request.Kind)


class RequestIn(Input):
    kind: RequestKind = Field(description="help_with: “I'd like help with…”; group_on: “I'd like a group on…”.")
    topic: TopicChoice
    text: str = Field(description="In the participant's own words.")


class RequestOut(Schema):
    id: int
    participant_id: int
    participant_name: str
    kind: str
    topic: str
    text: str
    status: str
    created_at: datetime.datetime
    group_session_id: int | None
    you_said_we_did: str

    @staticmethod
    def resolve_participant_name(request: Request) -> str:
        return request.participant.full_name

    @staticmethod
    def resolve_you_said_we_did(request: Request) -> str:
        answered = request.status == Request.Status.ANSWERED and request.group_session is not None
        return request.group_session.you_said_we_did if answered and request.group_session else ""


class BoardRequestOut(Schema):
    id: int
    participant_id: int
    participant_name: str
    topic: str
    kind: str
    area: str
    text: str
    status: str
    created_at: datetime.datetime


class BoardGroupOut(Schema):
    topic: str
    kind: str
    area: str
    total: int = Field(description="Every request in this group in the area.")
    open: int
    answered: int


class RequestsBoardOut(Schema):
    groups: list[BoardGroupOut] = Field(description="Every group in the area with its counts (no names).")
    items: list[BoardRequestOut] = Field(
        description="One page of the requests of participants you may see, newest first (`?page=N`)."
    )
    count: int = Field(description="How many requests you may see in all (on every page).")


class GroupSessionIn(Input):
    title: str
    description: str = ""
    topic: TopicChoice
    starts_at: datetime.datetime
    place: str
    childcare_provided: bool = False
    facilitator: str
    places: int = Field(ge=1)
    request_ids: list[int] = Field(default_factory=list, description="Requests from your area it answers.")


class GroupSessionUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    title: Annotated[str, Field(None)]
    description: Annotated[str, Field(None)]
    topic: Annotated[TopicChoice, Field(None)]
    starts_at: Annotated[datetime.datetime, Field(None)]
    place: Annotated[str, Field(None)]
    childcare_provided: Annotated[bool, Field(None)]
    facilitator: Annotated[str, Field(None)]
    places: Annotated[int, Field(None, ge=1)]


class GroupSessionInvitationOut(Schema):
    id: int
    participant_id: int
    participant_name: str
    response: str
    attended: bool | None

    @staticmethod
    def resolve_participant_name(invitation: Any) -> str:
        return invitation.participant.full_name


class GroupSessionOut(Schema):
    id: int
    version: int
    title: str
    description: str
    topic: str
    starts_at: datetime.datetime
    place: str
    childcare_provided: bool
    facilitator: str
    places: int
    you_said_we_did: str


class GroupSessionDetailOut(GroupSessionOut):
    request_ids: list[int]
    invitations: list[GroupSessionInvitationOut]

    @staticmethod
    def resolve_request_ids(session: GroupSession) -> list[int]:
        return [request.pk for request in session.requests.all()]

    @staticmethod
    def resolve_invitations(session: GroupSession) -> list[Any]:
        return list(session.invitations.all())


class InvitedOut(Schema):
    invited: int = Field(description="How many people were invited now (people already invited are not counted).")


class FeedbackIn(Input):
    text: str
    anonymous_to_keyworker: bool = Field(
        False, description="The keyworker sees the words but not who wrote them; the partnership manager still does."
    )


class FeedbackOut(Schema):
    id: int
    text: str
    anonymous_to_keyworker: bool
    created_at: datetime.datetime


def _audit_requests(request: HttpRequest, items: list[Any]) -> None:
    record_participant_list_view(
        actor=caller(request),
        participant_ids=sorted({item.participant_id for item in items}),
    )


@router.get(
    "/requests",
    response={200: list[RequestOut], **error_responses(400, 401)},
    summary="List the requests you can see",
    url_name="list_requests",
)
@paginate(PageNumber, audit=_audit_requests)
def list_requests(request: HttpRequest) -> QuerySet[Request]:
    """A participant's own, a keyworker's caseload's, a manager's area's; other roles see none."""
    return (
        requests_visible_to(caller(request))
        .select_related("participant", "group_session")
        .order_by("-created_at", "-pk")
    )


@router.post(
    "/requests",
    response={201: RequestOut, **error_responses(400, 401, 403)},
    summary="Make a request (participants)",
    url_name="make_request",
)
def make_request_route(request: HttpRequest, payload: RequestIn) -> Status[Request]:
    made = make_request(actor=caller(request), **payload.model_dump())
    return Status(
        201, requests_visible_to(caller(request)).select_related("participant", "group_session").get(pk=made.pk)
    )


@router.get(
    "/requests/board",
    response={200: RequestsBoardOut, **error_responses(400, 401)},
    summary="Requests grouped and counted by topic, kind and area, and a page of the ones you may see",
    url_name="requests_board",
)
def requests_board_route(
    request: HttpRequest, topic: str = "", page: int = Query(1, ge=1, description="Which page, counting from 1.")
) -> dict[str, Any]:
    """Keyworkers and partnership managers: counts for their whole area in one grouped query; the requests
    of participants they may see a page at a time (like every list), and only the people returned audited."""
    user = caller(request)
    groups = board_counts(user, topic=topic)
    listed = board_requests_listed(user, topic=topic)
    size = settings.COPRODUCE_API_PAGE_SIZE
    offset = (page - 1) * size
    count = listed.count()
    items = list(listed[offset : offset + size]) if offset < count else []
    if items:
        record_participant_list_view(actor=user, participant_ids=sorted({item.participant_id for item in items}))
    return {
        "groups": [
            {
                "topic": group.topic,
                "kind": group.kind,
                "area": group.area,
                "total": group.total,
                "open": group.open,
                "answered": group.answered,
            }
            for group in groups
        ],
        "items": [
            {
                "id": item.pk,
                "participant_id": item.participant_id,
                "participant_name": item.participant.full_name,
                "topic": item.topic,
                "kind": item.kind,
                "area": item.participant.partnership.area_name,
                "text": item.text,
                "status": item.status,
                "created_at": item.created_at,
            }
            for item in items
        ],
        "count": count,
    }


@router.get(
    "/group-sessions",
    response={200: list[GroupSessionOut], **error_responses(400, 401)},
    summary="List your partnership's group sessions",
    url_name="list_group_sessions",
)
@paginate(PageNumber)
def list_group_sessions(request: HttpRequest) -> QuerySet[GroupSession]:
    """Partnership managers see their area's; everyone else none."""
    return group_sessions_with_counts(caller(request)).order_by("-starts_at", "-pk")


def _detail(request: HttpRequest, group_session_id: int) -> GroupSession:
    session = group_session_detail(caller(request), group_session_id)
    if session is None:
        raise NotFound("No such group session.")
    participant_ids = {r.participant_id for r in session.requests.all()} | {
        i.participant_id for i in session.invitations.all()
    }
    record_participant_list_view(actor=caller(request), participant_ids=sorted(participant_ids))
    return session


@router.post(
    "/group-sessions",
    response={201: GroupSessionDetailOut, **error_responses(400, 401, 403)},
    summary="Set up a group session from requests (partnership managers)",
    url_name="create_group_session",
)
def create_group_session_route(request: HttpRequest, payload: GroupSessionIn) -> Status[GroupSession]:
    session = create_group_session(actor=caller(request), **payload.model_dump())
    return Status(201, _detail(request, session.pk))


@router.get(
    "/group-sessions/{group_session_id}",
    response={200: GroupSessionDetailOut, **error_responses(401, 404)},
    summary="Read one group session, with its requests and invitations",
    url_name="group_session_detail",
)
def group_session_detail_route(request: HttpRequest, group_session_id: int) -> GroupSession:
    return _detail(request, group_session_id)


@router.patch(
    "/group-sessions/{group_session_id}",
    response={200: GroupSessionDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a group session's details",
    url_name="update_group_session",
)
def update_group_session_route(
    request: HttpRequest, group_session_id: int, payload: GroupSessionUpdateIn
) -> GroupSession:
    """Send `version` from your last read and only the fields to change; 409 if someone changed it since."""
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    update_group_session(
        actor=caller(request),
        group_session_id=group_session_id,
        expected_version=version,
        changes=changes,
    )
    return _detail(request, group_session_id)


@router.post(
    "/group-sessions/{group_session_id}/invite",
    response={200: InvitedOut, **error_responses(400, 401, 403, 404)},
    summary="Invite the people whose requests the session answers",
    url_name="invite_requesters",
)
def invite_requesters_route(
    request: HttpRequest, group_session_id: int, over_places_confirmed: bool = False
) -> dict[str, int]:
    """More people in all than the session has places gets 400 with the warning, unless
    `over_places_confirmed=true`."""
    made = invite_requesters(
        actor=caller(request), group_session_id=group_session_id, over_places_confirmed=over_places_confirmed
    )
    return {"invited": len(made)}


@router.post(
    "/feedback",
    response={201: FeedbackOut, **error_responses(400, 401, 403)},
    summary="Give feedback on your support (participants)",
    url_name="give_feedback",
)
def give_feedback_route(request: HttpRequest, payload: FeedbackIn) -> Status[Any]:
    return Status(201, give_feedback(actor=caller(request), **payload.model_dump()))
