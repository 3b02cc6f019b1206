"""Reads of the programme structure. Staff of every role may see it; participants may not."""

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.core.errors import NotFound
from coproduce.programmes.models import (
    Organisation,
    Partnership,
    PartnershipMembership,
    Programme,
    StaffMember,
    StaffRole,
)
from coproduce.programmes.standing import standing_of


def _is_staff(actor: ActingUser) -> bool:
    return bool(standing_of(actor).roles - {Role.PARTICIPANT, Role.BOARD_MEMBER})


def partnerships_visible_to(actor: ActingUser) -> QuerySet[Partnership]:
    if not _is_staff(actor):
        return Partnership.objects.none()
    return Partnership.objects.select_related("programme").prefetch_related(
        Prefetch(
            "memberships",
            queryset=PartnershipMembership.objects.select_related("organisation").order_by(
                "role", "organisation__name"
            ),
        )
    )


def organisations_visible_to(actor: ActingUser) -> QuerySet[Organisation]:
    if not _is_staff(actor):
        return Organisation.objects.none()
    return Organisation.objects.all()


def staff_visible_to(actor: ActingUser) -> QuerySet[StaffMember]:
    """Staff see the staff of the programme (names, organisations, roles) to know who to work with."""
    if not _is_staff(actor):
        return StaffMember.objects.none()
    return StaffMember.objects.select_related("user", "organisation", "partnership").prefetch_related(
        Prefetch("roles", queryset=StaffRole.objects.order_by("role"))
    )


def keyworkers_in(partnership_id: int) -> QuerySet[StaffMember]:
    """Active keyworkers working in one partnership, for allocation choices."""
    return (
        StaffMember.objects.filter(partnership_id=partnership_id, is_active=True, roles__role=Role.KEYWORKER)
        .select_related("user", "organisation")
        .order_by("user__display_name", "pk")
    )


def chosen_programme(actor: ActingUser, wanted_id: int | None = None) -> Programme | None:
    """The programme a person's programme-wide pages show: the one they chose if they may see it,
    else the one that started last. None for someone with no programme."""
    visible = standing_of(actor).programmes
    return next((programme for programme in visible if programme.pk == wanted_id), visible[0] if visible else None)


def programme_for(actor: ActingUser, programme_id: int | None = None) -> Programme:
    """The programme a programme-wide read is about: `programme_id` if this person may see it, else
    (`programme_id` None) the one that started last. NotFound for a programme they may not see or that
    does not exist, exactly as for a record they may not see, and when they see no programme at all."""
    visible = standing_of(actor).programmes
    if programme_id is None:
        if not visible:
            raise NotFound("No such programme.")
        return visible[0]
    found = next((programme for programme in visible if programme.pk == programme_id), None)
    if found is None:
        raise NotFound("No such programme.")
    return found


def running_programmes(day: datetime.date | None = None) -> QuerySet[Programme]:
    """Programmes that are running on `day` (today by default): started, and not yet ended."""
    day = day or timezone.localdate()
    return Programme.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


def public_partnerships() -> QuerySet[Partnership]:
    """Areas someone can ask for help in, for the public enquiry page: those of the programmes running
    today (an area runs one programme at a time). No personal data."""
    return Partnership.objects.filter(programme__in=running_programmes()).order_by("area_name")
