"""Who is acting: the hand-written statement standing_of runs on every request gives what the ORM gives."""

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from coproduce.participants.models import Participant
from coproduce.programmes.models import BoardMember
from coproduce.programmes.standing import _participant_and_board_seat_of
from tests.accounts.factories import UserFactory
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.programmes.factories import PartnershipFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def asked_of_the_orm(user: Any) -> tuple[int | None, int | None, str | None, int | None]:
    """The same question as the ORM asked it before it was written out (coproduce/programmes/standing.py)."""
    today = timezone.localdate()
    seats = BoardMember.objects.filter(user=OuterRef("pk"), kind=BoardMember.Kind.LIVED_EXPERIENCE).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=today)
    )
    own = Participant.objects.filter(user=OuterRef("pk")).order_by(
        "-partnership__programme__starts_on", "-joined_on", "-pk"
    )
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            a=Subquery(own.values("pk")[:1]),
            b=Subquery(own.values("partnership__programme_id")[:1]),
            c=Subquery(own.values("language")[:1]),
            d=Subquery(seats.order_by("joined_on", "pk").values("partnership_id")[:1]),
        )
        .values_list("a", "b", "c", "d")
        .get()
    )


def seat(
    user: Any, partnership: Any, *, joined_on: datetime.date, left_in_days: int | None, kind: str, **more: Any
) -> None:
    left_on = None if left_in_days is None else timezone.localdate() + datetime.timedelta(days=left_in_days)
    BoardMember.objects.create(
        partnership=partnership, user=user, name="Sam", kind=kind, joined_on=joined_on, left_on=left_on, **more
    )


def test_the_written_out_statement_answers_as_the_orm_does(personas: Personas) -> None:
    later = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    later_fife = PartnershipFactory(programme=later, area_name="Fife", gss_code="S12000047", short_code="FIF")
    pat = personas.participant
    # Pat takes part again in the later programme, in Polish, and sits on two boards (the earlier seat counts).
    ParticipantFactory(user=pat.user, partnership=later_fife, joined_on=datetime.date(2025, 6, 2), language="pl")
    seat(pat.user, personas.glasgow, joined_on=datetime.date(2026, 2, 1), left_in_days=None, kind="lived_experience")
    seat(pat.user, personas.fife, joined_on=datetime.date(2025, 2, 1), left_in_days=10, kind="lived_experience")
    # Left yesterday; an organisation's seat; a seat that ends today: none of them counts.
    gone, rep, ending = UserFactory(), UserFactory(), UserFactory()
    seat(gone, personas.fife, joined_on=datetime.date(2025, 1, 1), left_in_days=-1, kind="lived_experience")
    seat(ending, personas.fife, joined_on=datetime.date(2025, 1, 1), left_in_days=0, kind="lived_experience")
    seat(
        rep,
        personas.fife,
        joined_on=datetime.date(2025, 1, 1),
        left_in_days=None,
        kind="organisation",
        organisation=personas.lead_organisation,
    )
    users = [
        pat.user,
        gone,
        rep,
        ending,
        personas.board_member.user,
        personas.keyworker.user,
        personas.funder.user,
        UserFactory(),
    ]
    answers = [_participant_and_board_seat_of(user) for user in users]
    assert answers == [asked_of_the_orm(user) for user in users]
    assert answers[0][1:] == (later.pk, "pl", personas.fife.pk)
    assert answers[-1] == (None, None, None, None)
