"""Reads: contact choices, messages sent (each through its one visibility function), timings."""

from django.db.models import BooleanField, Case, OuterRef, QuerySet, Subquery, Value, When

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.notifications.models import (
    Channel,
    ContactPreference,
    Message,
    MessageSettings,
    StaffContactPreference,
)
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.models import Programme
from coproduce.programmes.standing import standing_of


def messages_visible_to(actor: ActingUser) -> QuerySet[Message]:
    """The messages this person may see: to the participants they may see (DESIGN.md §3), and, for a
    partnership manager, everything sent in their partnership; their own as staff. "Not yours" is
    "not there"."""
    standing = standing_of(actor)
    if standing.is_anonymous:
        return Message.objects.none()
    visible = Message.objects.filter(participant__in=participants_visible_to(actor))
    own = Message.objects.filter(user=standing.user)
    if standing.has(Role.PARTNERSHIP_MANAGER) and standing.partnership_id is not None:
        return Message.objects.filter(partnership_id=standing.partnership_id) | own | visible
    return visible | own


def contact_preference_of(participant: Participant) -> ContactPreference:
    """Their saved choice, or the default (nothing sent, version 1) when they have not chosen yet."""
    found = ContactPreference.objects.filter(participant=participant).first()
    return found or ContactPreference(participant=participant)


def staff_contact_preference_of(actor: ActingUser) -> StaffContactPreference:
    """Their own saved choice, or the default until they choose (nothing saved for the public)."""
    user = standing_of(actor).user
    found = StaffContactPreference.objects.filter(user=user).first() if user is not None else None
    return found or StaffContactPreference(user=user)


def message_settings_of(programme_id: int) -> MessageSettings:
    """The programme's timings, or the defaults (version 1) until a manager sets them."""
    found = MessageSettings.objects.filter(programme_id=programme_id).first()
    return found or MessageSettings(programme=Programme.objects.get(pk=programme_id))


def with_text_not_getting_through(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Annotate `text_not_getting_through`: their latest text permanently failed. In the same query,
    so that a caseload's query count does not grow with it."""
    latest_text = Message.objects.filter(
        participant=OuterRef("pk"), channel=Channel.TEXT, status__in=FINISHED_SENDING
    ).order_by("-created_at", "-pk")
    return participants.annotate(last_text_status=Subquery(latest_text.values("status")[:1])).annotate(
        text_not_getting_through=Case(
            When(last_text_status=Message.Status.PERMANENT_FAILURE, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


FINISHED_SENDING = (
    Message.Status.SENT,
    Message.Status.DELIVERED,
    Message.Status.FAILED,
    Message.Status.PERMANENT_FAILURE,
)
