"""Reads of requests, group sessions, invitations and feedback, through participants_visible_to."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.standing import Standing, standing_of
from coproduce.voice.models import Feedback, GroupSession, Invitation, Request, Topic


def requests_visible_to(actor: ActingUser) -> QuerySet[Request]:
    """Requests of the participants this person may see, and no others.

    A participant: their own. A keyworker: their caseload's (and the cases covered today). A
    partnership manager: everyone's in their area. Anyone else: none.
    """
    return Request.objects.filter(participant__in=participants_visible_to(actor))


def group_sessions_visible_to(actor: ActingUser) -> QuerySet[GroupSession]:
    """A partnership manager: their area's sessions. Everyone else: none (participants see theirs
    through their invitations and answered requests)."""
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return GroupSession.objects.none()
    return GroupSession.objects.filter(partnership_id=standing.partnership_id)


def invitations_visible_to(actor: ActingUser) -> QuerySet[Invitation]:
    """Invitations of visible participants: a participant's own, a manager's area's."""
    return Invitation.objects.filter(participant__in=participants_visible_to(actor))


def feedback_visible_to(actor: ActingUser) -> QuerySet[Feedback]:
    """Feedback from visible participants: their own, a keyworker's caseload's, a manager's area's.

    Whether the viewer is told *who* wrote it is decided by `shows_feedback_author`.
    """
    return Feedback.objects.filter(participant__in=participants_visible_to(actor))


def shows_feedback_author(actor: ActingUser, feedback: Feedback) -> bool:
    """Anonymous-to-the-keyworker feedback: the keyworker reads the words but not the name.

    The partnership manager still sees who wrote it, so that a safeguarding worry in it can be
    followed up; the participant is told this plainly on the feedback form.
    """
    standing = standing_of(actor)
    if standing.participant_id == feedback.participant_id:
        return True
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id == feedback.partnership_id:
        return True
    return not feedback.anonymous_to_keyworker


def my_requests(actor: ActingUser) -> QuerySet[Request]:
    """The participant's own requests, with the session that answered them."""
    standing = standing_of(actor)
    if standing.participant_id is None:
        return Request.objects.none()
    return (
        requests_visible_to(actor)
        .filter(participant_id=standing.participant_id)
        .select_related("group_session")
        .order_by("-created_at", "-pk")
    )


def my_invitations(actor: ActingUser) -> QuerySet[Invitation]:
    standing = standing_of(actor)
    if standing.participant_id is None:
        return Invitation.objects.none()
    return (
        invitations_visible_to(actor)
        .filter(participant_id=standing.participant_id)
        .select_related("group_session")
        .order_by("-group_session__starts_at", "-pk")
    )


@dataclass
class BoardGroup:
    """One line of the requests board: a topic and kind (and area), and how many asked."""

    topic: str
    kind: str
    area: str
    total: int
    open: int
    answered: int

    @property
    def topic_label(self) -> str:
        return str(Topic(self.topic).label)

    @property
    def kind_label(self) -> str:
        return str(Request.Kind(self.kind).label)


def board_scope(actor: ActingUser) -> QuerySet[Request]:
    """The requests a board counts: those of the viewer's partnership (area), for keyworkers and managers.

    Counts are aggregates; the requests listed under them (with names) come from
    `requests_visible_to` only.
    """
    standing = standing_of(actor)
    if not rules_allows_board(standing) or standing.partnership_id is None:
        return Request.objects.none()
    return Request.objects.filter(participant__partnership_id=standing.partnership_id)


def rules_allows_board(standing: Standing) -> bool:
    return standing.has(Role.KEYWORKER) or standing.has(Role.PARTNERSHIP_MANAGER)


def board_counts(actor: ActingUser, *, topic: str = "") -> list[BoardGroup]:
    """The board's groups (topic, kind and area) with their counts, in one grouped query; no one listed."""
    scope = board_scope(actor)
    if topic:
        scope = scope.filter(topic=topic)
    counted = (
        scope.values("topic", "kind", "participant__partnership__area_name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status=Request.Status.OPEN)),
            answered=Count("pk", filter=Q(status=Request.Status.ANSWERED)),
        )
        .order_by("-total", "topic", "kind", "participant__partnership__area_name")
    )
    return [
        BoardGroup(
            topic=row["topic"],
            kind=row["kind"],
            area=row["participant__partnership__area_name"],
            total=row["total"],
            open=row["open"],
            answered=row["answered"],
        )
        for row in counted
    ]


def board_requests_listed(actor: ActingUser, *, topic: str = "") -> QuerySet[Request]:
    """The board's requests the viewer may see with names (their own people's), newest first, for paging.

    Visible to the viewer and in the board's area: the people behind `board_counts`' groups whom the
    viewer may see by name.
    """
    standing = standing_of(actor)
    if not rules_allows_board(standing) or standing.partnership_id is None:
        return Request.objects.none()
    if standing.has(Role.PARTNERSHIP_MANAGER):
        # A manager may see everyone in their area: the board's area is their area (one join fewer).
        listed = Request.objects.filter(participant__partnership_id=standing.partnership_id)
    else:
        listed = requests_visible_to(actor).filter(participant__partnership_id=standing.partnership_id)
    if topic:
        listed = listed.filter(topic=topic)
    return listed.select_related("participant__partnership").order_by("-created_at", "-pk")


def open_requests_in_area(actor: ActingUser) -> QuerySet[Request]:
    """The manager's area's open requests no session answers yet: what a new group session can answer."""
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return Request.objects.none()
    return requests_visible_to(actor).filter(
        participant__partnership_id=standing.partnership_id, group_session__isnull=True, status=Request.Status.OPEN
    )


def open_request_counts_by_topic(actor: ActingUser) -> dict[str, tuple[int, int]]:
    """Per topic, how many open requests wait for a session and from how many people: one grouped query."""
    rows = (
        open_requests_in_area(actor)
        .order_by()
        .values("topic")
        .annotate(requests=Count("pk"), people=Count("participant", distinct=True))
    )
    return {row["topic"]: (row["requests"], row["people"]) for row in rows}


def group_session_detail(actor: ActingUser, group_session_id: int) -> GroupSession | None:
    """One of the manager's sessions with its requests and invitations (and the people), or None."""
    return (
        group_sessions_visible_to(actor)
        .filter(pk=group_session_id)
        .select_related("created_by", "partnership")
        .prefetch_related(
            Prefetch("requests", queryset=Request.objects.select_related("participant").order_by("created_at", "pk")),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("participant").order_by(
                    "participant__family_name", "participant__given_name", "pk"
                ),
            ),
        )
        .first()
    )


def group_sessions_with_counts(actor: ActingUser) -> QuerySet[GroupSession]:
    """The manager's sessions with how many requests, invitations, yeses and attendances."""
    return group_sessions_visible_to(actor).annotate(
        request_count=Count("requests", distinct=True),
        invited_count=Count("invitations", distinct=True),
        coming_count=Count("invitations", filter=Q(invitations__response=Invitation.Response.COMING), distinct=True),
        attended_count=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
    )
