"""Reads of contacts and appointments, always through participants_visible_to.

A participant never sees a note about them that was restricted for a safeguarding reason
(DESIGN.md §2.1): the filter is here, so every page and API route gets it.
"""

import datetime
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.participants.models import CoverShare, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Appointment, Contact, Step
from coproduce.programmes.standing import standing_of


def contacts_visible_to(actor: ActingUser) -> QuerySet[Contact]:
    """Contacts with the participants this person may see; restricted ones never about themselves."""
    standing = standing_of(actor)
    contacts = Contact.objects.filter(participant__in=participants_visible_to(actor))
    if standing.participant_id is not None:
        contacts = contacts.exclude(participant_id=standing.participant_id, restricted_at__isnull=False)
    return contacts


def appointments_visible_to(actor: ActingUser) -> QuerySet[Appointment]:
    """Appointments of the participants this person may see."""
    return Appointment.objects.filter(participant__in=participants_visible_to(actor))


def upcoming_appointments(
    actor: ActingUser, participant_id: int, now: datetime.datetime | None = None
) -> QuerySet[Appointment]:
    now = now or timezone.now()
    return (
        appointments_visible_to(actor)
        .filter(participant_id=participant_id, starts_at__gte=now)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("keyworker__user")
        .order_by("starts_at", "pk")
    )


def active_covers(today: datetime.date | None = None) -> Q:
    """The condition for a cover share that is in force today."""
    today = today or timezone.localdate()
    return Q(starts_on__lte=today, ends_on__gte=today, ended_early_at__isnull=True)


def covers_of_participant(actor: ActingUser, participant_id: int) -> QuerySet[CoverShare]:
    """Cover shares of one participant this person may see that are in force or still to come."""
    today = timezone.localdate()
    return (
        CoverShare.objects.filter(participant__in=participants_visible_to(actor), participant_id=participant_id)
        .filter(ends_on__gte=today, ended_early_at__isnull=True)
        .select_related("covering_keyworker__user", "granted_by")
        .order_by("starts_on", "pk")
    )


def covering_for(actor: ActingUser) -> QuerySet[CoverShare]:
    """The cases shared with this keyworker for cover today, with the participant and their keyworker."""
    standing = standing_of(actor)
    if standing.staff_member is None:
        return CoverShare.objects.none()
    return (
        CoverShare.objects.filter(active_covers(), covering_keyworker_id=standing.staff_member.pk)
        .filter(participant__in=participants_visible_to(actor))
        .select_related("participant", "participant__keyworker__user")
        .order_by("ends_on", "pk")
    )


def with_casework_summary(participants: QuerySet[Participant], now: datetime.datetime | None = None) -> QuerySet[Any]:
    """Annotate `next_appointment_at` and `open_steps` (offered or agreed) as subqueries: no extra queries."""
    now = now or timezone.now()
    next_appointment = (
        Appointment.objects.filter(participant=OuterRef("pk"), starts_at__gte=now)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    open_steps = (
        Step.objects.filter(goal__participant=OuterRef("pk"), state__in=[Step.State.OFFERED, Step.State.AGREED])
        .order_by()
        .values("goal__participant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return participants.annotate(
        next_appointment_at=Subquery(next_appointment), open_steps=Coalesce(Subquery(open_steps), 0)
    )


def records_hidden_from_participant(participant_id: int) -> dict[str, list[int]]:
    """The participant's notes restricted for safeguarding, by record type (for their audit view)."""
    restricted = Contact.objects.filter(participant_id=participant_id, restricted_at__isnull=False)
    return {Contact._meta.label: list(restricted.values_list("pk", flat=True))}


def appointments_this_week_for(actor: ActingUser, today: datetime.date) -> QuerySet[Appointment]:
    """The keyworker's own appointments from the start of today to the end of Sunday, not cancelled.

    Driven from the keyworker's own rows (appointments with them, of participants they may see),
    never the whole programme: one query, whatever the size of the caseload.
    """
    standing = standing_of(actor)
    if standing.staff_member is None:
        return Appointment.objects.none()
    zone = timezone.get_current_timezone()
    starts = datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)
    ends = datetime.datetime.combine(
        today + datetime.timedelta(days=7 - today.weekday()), datetime.time.min, tzinfo=zone
    )
    return (
        appointments_visible_to(actor)
        .filter(keyworker_id=standing.staff_member.pk, starts_at__gte=starts, starts_at__lt=ends)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("participant")
        .order_by("starts_at", "pk")
    )
