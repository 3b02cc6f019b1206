"""Every change to requests, feedback, group sessions and invitations. One function per change, audited.

Anonymous feedback: `anonymous_to_keyworker` hides the writer's name from their keyworker only.
The partnership manager still sees who wrote it, for safeguarding (something said in feedback
may need following up); the form tells the participant exactly this. The audit log records
the writer as always, because the participant's own "who has looked" page relies on it.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

import rules
from django.db import transaction

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.notifications import events as notify
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.standing import standing_of
from coproduce.voice.models import Feedback, GroupSession, Invitation, Request, Topic
from coproduce.voice.selectors import group_sessions_visible_to, invitations_visible_to, requests_visible_to

SESSION_FIELDS = (
    "title",
    "description",
    "topic",
    "starts_at",
    "place",
    "childcare_provided",
    "facilitator",
    "places",
)


def _own_participant(actor: ActingUser) -> Any:
    participant_id = standing_of(actor).participant_id
    participant = (
        participants_visible_to(actor).filter(pk=participant_id).first() if participant_id is not None else None
    )
    if participant is None:
        raise NotAllowed("Only participants can do this, for themselves.")
    return participant


def _required_text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput({field: [message]})
    return value


def make_request(*, actor: ActingUser, kind: str, topic: str, text: str) -> Request:
    """A participant asks, in their own words, for help with something or for a group on it."""
    participant = _own_participant(actor)
    if not rules.has_perm("voice.make_request", actor, participant):
        raise NotAllowed("Only participants can make requests, for themselves.")
    errors: dict[str, list[str]] = {}
    if kind not in Request.Kind.values:
        errors["kind"] = ["Choose whether you would like help or a group."]
    if topic not in Topic.values:
        errors["topic"] = ["Choose what it is about."]
    if not text.strip():
        errors["text"] = ["Tell us, in your own words, what you would like."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        request = Request(participant=participant, kind=kind, topic=topic, text=text.strip())
        validate_model(request)
        request.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=request,
            participant_id=participant.pk,
            changed_fields=["kind", "topic", "text"],
        )
    return request


def give_feedback(*, actor: ActingUser, text: str, anonymous_to_keyworker: bool = False) -> Feedback:
    """A participant says what they think of their support; optionally without their keyworker knowing it was them.

    See the module docstring for who sees the name of an anonymous writer.
    """
    participant = _own_participant(actor)
    if not rules.has_perm("voice.give_feedback", actor, participant):
        raise NotAllowed("Only participants can give feedback, for themselves.")
    text = _required_text(text, "text", "Write your feedback.")
    with transaction.atomic():
        feedback = Feedback(
            participant=participant,
            text=text,
            anonymous_to_keyworker=anonymous_to_keyworker,
            partnership_id=participant.partnership_id,
        )
        validate_model(feedback)
        feedback.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=feedback,
            participant_id=participant.pk,
            changed_fields=["text", "anonymous_to_keyworker"],
        )
    return feedback


def _manage_session(actor: ActingUser, group_session_id: int, *, lock: bool = True) -> GroupSession:
    sessions = group_sessions_visible_to(actor)
    if lock:
        sessions = sessions.select_for_update()
    group_session = sessions.filter(pk=group_session_id).first()
    if group_session is None:
        raise NotFound("No such group session.")
    if not rules.has_perm("voice.manage_group_session", actor, group_session):
        raise NotAllowed("Only the partnership's manager can change its group sessions.")
    return group_session


def create_group_session(
    *,
    actor: ActingUser,
    title: str,
    topic: str,
    starts_at: datetime.datetime,
    place: str,
    facilitator: str,
    places: int,
    childcare_provided: bool = False,
    description: str = "",
    request_ids: Iterable[int] = (),
) -> GroupSession:
    """A partnership manager sets up a group session, usually from the requests that asked for it.

    The requests are linked to it but stay open until the "you said, we did" answer is written.
    Only open requests from the manager's own area can be linked.
    """
    standing = standing_of(actor)
    if not rules.has_perm("voice.run_group_sessions", actor):
        raise NotAllowed("Only partnership managers can set up group sessions.")
    partnership_id = standing.partnership_id
    if partnership_id is None:
        raise NotAllowed("Only partnership managers can set up group sessions.")
    wanted = sorted(set(request_ids))
    with transaction.atomic():
        requests = list(
            requests_visible_to(actor)
            .select_for_update()
            .filter(pk__in=wanted, participant__partnership_id=partnership_id, status=Request.Status.OPEN)
            .order_by("pk")
        )
        if len(requests) != len(wanted):
            raise InvalidInput(
                {"requests": ["Choose requests from your own area that are still waiting for an answer."]}
            )
        group_session = GroupSession(
            partnership_id=partnership_id,
            title=title.strip(),
            description=description.strip(),
            topic=topic,
            starts_at=starts_at,
            place=place.strip(),
            childcare_provided=childcare_provided,
            facilitator=facilitator.strip(),
            places=places,
            created_by=signed_in(actor),
        )
        validate_model(group_session, exclude=["you_said_we_did"])
        group_session.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=group_session,
            participant_id=None,
            changed_fields=[name for name in SESSION_FIELDS if getattr(group_session, name) not in ("", None)],
        )
        for request in requests:
            request.group_session = group_session
            request.save(update_fields=["group_session", "updated_at"])
            record_event(
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                record=request,
                participant_id=request.participant_id,
                changed_fields=["group_session"],
            )
    return group_session


def update_group_session(
    *,
    actor: ActingUser,
    group_session_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> GroupSession:
    """Change a session's details. The second of two concurrent edits gets ConflictError, and nothing is saved."""
    unknown = sorted(set(changes) - set(SESSION_FIELDS))
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in unknown})
    with transaction.atomic():
        group_session = _manage_session(actor, group_session_id)
        group_session.check_version(expected_version)
        changed = []
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(group_session, name) != value:
                setattr(group_session, name, value)
                changed.append(name)
        if not changed:
            return group_session
        validate_model(group_session, exclude=["you_said_we_did"])
        group_session.bump_version()
        group_session.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=group_session,
            participant_id=None,
            changed_fields=changed,
        )
    return group_session


class OverPlaces(DomainError):
    """Inviting everyone who asked would invite more people than the session has places."""

    def __init__(self, invited: int, places: int) -> None:
        self.invited = invited
        self.places = places
        super().__init__(
            f"That would invite {invited} people to a session with {places} places. "
            "Invite them anyway only if there is room for everyone who comes.",
            field="over_places_confirmed",
        )


def invite_requesters(
    *, actor: ActingUser, group_session_id: int, over_places_confirmed: bool = False
) -> list[Invitation]:
    """Invite everyone whose request the session answers; someone already invited is not invited twice.

    Inviting more people in all than the session has places raises OverPlaces unless
    `over_places_confirmed`. Returns the invitations made now.
    """
    with transaction.atomic():
        group_session = _manage_session(actor, group_session_id)
        asked = set(group_session.requests.values_list("participant_id", flat=True))
        already = set(group_session.invitations.values_list("participant_id", flat=True))
        new = asked - already
        if new and len(already | asked) > group_session.places and not over_places_confirmed:
            raise OverPlaces(len(already | asked), group_session.places)
        invitations = [
            Invitation(group_session=group_session, participant_id=participant_id) for participant_id in sorted(new)
        ]
        for invitation in invitations:
            invitation.save()
            record_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                record=invitation,
                participant_id=invitation.participant_id,
                changed_fields=["group_session", "participant"],
            )
            notify.group_session_invited(actor=actor, invitation=invitation)
    return invitations


def record_response(*, actor: ActingUser, invitation_id: int, response: str) -> Invitation:
    """The invited participant says whether they are coming."""
    if response not in (Invitation.Response.COMING, Invitation.Response.NOT_COMING):
        raise InvalidInput({"response": ["Say whether you are coming."]})
    with transaction.atomic():
        invitation = invitations_visible_to(actor).select_for_update().filter(pk=invitation_id).first()
        if invitation is None:
            raise NotFound("No such invitation.")
        if not rules.has_perm("voice.respond_to_invitation", actor, invitation):
            raise NotAllowed("Only the person invited can answer.")
        if invitation.response != response:
            invitation.response = response
            invitation.save(update_fields=["response", "updated_at"])
            record_event(
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                record=invitation,
                participant_id=invitation.participant_id,
                changed_fields=["response"],
            )
    return invitation


def record_attendance(
    *,
    actor: ActingUser,
    group_session_id: int,
    attended: Mapping[int, bool | None],
) -> int:
    """After the session, the manager records who came (invitation id → True, False or None for not known).

    Returns how many invitations changed.
    """
    with transaction.atomic():
        group_session = _manage_session(actor, group_session_id)
        invitations = {
            invitation.pk: invitation for invitation in group_session.invitations.select_for_update().order_by("pk")
        }
        unknown = set(attended) - set(invitations)
        if unknown:
            raise InvalidInput({"attended": ["Record attendance only for people invited to this session."]})
        changed = 0
        for invitation_id, came in sorted(attended.items()):
            invitation = invitations[invitation_id]
            if invitation.attended == came:
                continue
            invitation.attended = came
            invitation.save(update_fields=["attended", "updated_at"])
            changed += 1
            record_event(
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                record=invitation,
                participant_id=invitation.participant_id,
                changed_fields=["attended"],
            )
    return changed


def answer_with_you_said_we_did(
    *, actor: ActingUser, group_session_id: int, expected_version: int, answer: str
) -> GroupSession:
    """The manager writes the "you said, we did" answer; every request linked to the session becomes answered.

    The people who asked see the answer on their requests page.
    """
    answer = _required_text(answer, "you_said_we_did", "Write what people asked for and what was done.")
    with transaction.atomic():
        group_session = _manage_session(actor, group_session_id)
        group_session.check_version(expected_version)
        group_session.you_said_we_did = answer
        group_session.bump_version()
        group_session.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=group_session,
            participant_id=None,
            changed_fields=["you_said_we_did"],
        )
        unanswered = group_session.requests.select_for_update().exclude(status=Request.Status.ANSWERED)
        for request in unanswered.order_by("pk"):
            request.status = Request.Status.ANSWERED
            request.save(update_fields=["status", "updated_at"])
            record_event(
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                record=request,
                participant_id=request.participant_id,
                changed_fields=["status"],
            )
            notify.you_said_we_did(actor=actor, group_session=group_session, participant=request.participant)
    return group_session
