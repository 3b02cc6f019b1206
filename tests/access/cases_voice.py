"""Access cases for participant voice: requests, feedback, the requests board and group sessions.

Pat (participant) has a request and named feedback in Fife; Mo manages Fife and runs a group
session built from Pat's request. Refused roles see none of Pat's words or name.
"""

from django.urls import reverse

from coproduce.voice.models import Feedback, GroupSession, Invitation, Request
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas
from tests.voice.factories import FeedbackFactory, GroupSessionFactory, InvitationFactory, RequestFactory

PAT_ASKS = "A group for parents learning to drive, please"
PAT_SAYS = "My keyworker helped me sort my council tax"
MANAGER = roles("partnership_manager")
CASEWORKERS = roles("keyworker", "partnership_manager")


def pats_request(p: Personas) -> Request:
    request = Request.objects.filter(participant=p.participant, text=PAT_ASKS).first()
    return request or RequestFactory(participant=p.participant, text=PAT_ASKS, topic="skills")


def pats_feedback(p: Personas) -> Feedback:
    feedback = Feedback.objects.filter(participant=p.participant).first()
    return feedback or FeedbackFactory(participant=p.participant, text=PAT_SAYS)


def fife_session(p: Personas) -> GroupSession:
    """Mo's session, answering Pat's and Paula's requests, with Pat (only) invited so far."""
    session = GroupSession.objects.filter(partnership=p.fife).order_by("pk").first()
    if session is None:
        session = GroupSessionFactory(partnership=p.fife, created_by=p.manager.user, title="Learning to drive")
        request = pats_request(p)
        request.group_session = session
        request.save()
        RequestFactory(participant=p.second_participant, group_session=session, topic="skills")
        InvitationFactory(group_session=session, participant=p.participant)
    return session


def pats_invitation(p: Personas) -> Invitation:
    return Invitation.objects.get(group_session=fife_session(p), participant=p.participant)


def pat_secrets(p: Personas) -> list[str]:
    return [PAT_ASKS, p.participant.reference]


def with_request(p: Personas) -> str:
    pats_request(p)
    return ""


def session_snapshot(p: Personas) -> tuple[object, ...]:
    session = fife_session(p)
    fields = GroupSession.objects.filter(pk=session.pk).values_list("title", "place", "you_said_we_did", "version")
    return (*fields.get(), tuple(Request.objects.order_by("pk").values_list("status", flat=True)))


def invitations_snapshot(p: Personas) -> tuple[object, ...]:
    fife_session(p)
    return tuple(Invitation.objects.order_by("pk").values_list("participant_id", "response", "attended"))


def sessions_snapshot(p: Personas) -> tuple[object, ...]:
    fife_session(p)
    return (GroupSession.objects.count(), tuple(Request.objects.order_by("pk").values_list("group_session_id")))


CASES = [
    # The participant's own pages.
    AccessCase(
        route="web:my_requests",
        url=lambda p: with_request(p) + reverse("web:my_requests"),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(route="web:request_add", url=lambda p: reverse("web:request_add"), allowed=roles("participant")),
    AccessCase(
        route="web:request_add",
        method="POST",
        url=lambda p: reverse("web:request_add"),
        data=lambda p: {"kind": "help_with", "topic": "money", "text": "Help with a budget"},
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=lambda p: Request.objects.count(),
    ),
    AccessCase(route="web:feedback_add", url=lambda p: reverse("web:feedback_add"), allowed=roles("participant")),
    AccessCase(
        route="web:feedback_add",
        method="POST",
        url=lambda p: reverse("web:feedback_add"),
        data=lambda p: {"text": "Very helpful", "anonymous_to_keyworker": "on"},
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=lambda p: Feedback.objects.count(),
    ),
    AccessCase(
        route="web:invitation_respond",
        method="POST",
        url=lambda p: reverse("web:invitation_respond", args=[pats_invitation(p).pk]),
        data=lambda p: {"response": "coming"},
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=invitations_snapshot,
    ),
    # Keyworkers and managers.
    AccessCase(
        route="web:requests_board",
        url=lambda p: with_request(p) + reverse("web:requests_board"),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:my_feedback",
        url=lambda p: pats_feedback(p) and reverse("web:my_feedback"),
        allowed=roles("keyworker"),
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [PAT_SAYS, p.participant.reference],
    ),
    AccessCase(
        route="web:feedback_list",
        url=lambda p: pats_feedback(p) and reverse("web:feedback_list"),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [PAT_SAYS, p.participant.reference],
    ),
    # Group sessions: the partnership manager's.
    AccessCase(
        route="web:group_session_list",
        url=lambda p: fife_session(p) and reverse("web:group_session_list"),
        allowed=MANAGER,
        secrets=lambda p: ["Learning to drive"],
    ),
    AccessCase(
        route="web:group_session_add",
        url=lambda p: with_request(p) + reverse("web:group_session_add") + "?topic=skills",
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:group_session_add",
        method="POST",
        url=lambda p: reverse("web:group_session_add"),
        data=lambda p: {
            "title": "Driving theory",
            "topic": "skills",
            "starts_on": "2027-01-12",
            "starts_time": "10:00",
            "place": "Kirkcaldy",
            "facilitator": "Fife College",
            "places": "6",
        },
        allowed=MANAGER,
        allowed_status=302,
        snapshot=sessions_snapshot,
    ),
    AccessCase(
        route="web:group_session_detail",
        url=lambda p: reverse("web:group_session_detail", args=[fife_session(p).pk]),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:group_session_invite",
        method="POST",
        url=lambda p: reverse("web:group_session_invite", args=[fife_session(p).pk]),
        allowed=MANAGER,
        allowed_status=302,
        snapshot=invitations_snapshot,
    ),
    AccessCase(
        route="web:group_session_attendance",
        method="POST",
        url=lambda p: reverse("web:group_session_attendance", args=[fife_session(p).pk]),
        data=lambda p: {f"attended_{pats_invitation(p).pk}": "yes"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=invitations_snapshot,
    ),
    AccessCase(
        route="web:group_session_answer",
        method="POST",
        url=lambda p: reverse("web:group_session_answer", args=[fife_session(p).pk]),
        data=lambda p: {"version": fife_session(p).version, "you_said_we_did": "You said driving; we did a course."},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=session_snapshot,
    ),
    # The API.
    AccessCase(
        route="api-v1:list_requests",
        url=lambda p: with_request(p) + reverse("api-v1:list_requests"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:make_request",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:make_request"),
        data=lambda p: {"kind": "group_on", "topic": "digital", "text": "Using a laptop"},
        allowed=roles("participant"),
        allowed_status=201,
        api=True,
        snapshot=lambda p: Request.objects.count(),
    ),
    AccessCase(
        route="api-v1:requests_board",
        url=lambda p: with_request(p) + reverse("api-v1:requests_board"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:list_group_sessions",
        url=lambda p: fife_session(p) and reverse("api-v1:list_group_sessions"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
        secrets=lambda p: ["Learning to drive"],
    ),
    AccessCase(
        route="api-v1:create_group_session",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:create_group_session"),
        data=lambda p: {
            "title": "Driving theory",
            "topic": "skills",
            "starts_at": "2027-01-12T10:00:00Z",
            "place": "Kirkcaldy",
            "facilitator": "Fife College",
            "places": 6,
            "request_ids": [pats_request(p).pk],
        },
        allowed=MANAGER,
        allowed_status=201,
        api=True,
        snapshot=sessions_snapshot,
    ),
    AccessCase(
        route="api-v1:group_session_detail",
        url=lambda p: reverse("api-v1:group_session_detail", args=[fife_session(p).pk]),
        allowed=MANAGER,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: ["Learning to drive", p.participant.reference],
    ),
    AccessCase(
        route="api-v1:update_group_session",
        method="PATCH",
        json=True,
        url=lambda p: reverse("api-v1:update_group_session", args=[fife_session(p).pk]),
        data=lambda p: {"version": fife_session(p).version, "place": "Glenrothes"},
        allowed=MANAGER,
        api=True,
        snapshot=session_snapshot,
    ),
    AccessCase(
        route="api-v1:invite_requesters",
        method="POST",
        url=lambda p: reverse("api-v1:invite_requesters", args=[fife_session(p).pk]),
        allowed=MANAGER,
        api=True,
        snapshot=invitations_snapshot,
    ),
    AccessCase(
        route="api-v1:give_feedback",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:give_feedback"),
        data=lambda p: {"text": "Really helpful", "anonymous_to_keyworker": True},
        allowed=roles("participant"),
        allowed_status=201,
        api=True,
        snapshot=lambda p: Feedback.objects.count(),
    ),
]
