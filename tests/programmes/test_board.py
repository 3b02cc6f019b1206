"""The board's rules: who holds the lived-experience board member role, and who changes the board."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.accounts.roles import STAFF_ROLES, Role
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.programmes.board import add_meeting, open_document, upload_document
from coproduce.programmes.models import BoardMember
from coproduce.programmes.selectors.board import board_for
from coproduce.programmes.standing import standing_of
from tests.accounts.factories import UserFactory
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_the_board_member_role_is_not_a_staff_role() -> None:
    assert Role.BOARD_MEMBER not in STAFF_ROLES
    assert Role.BOARD_MEMBER.label == "Lived-experience board member"


def test_bea_holds_the_board_member_role_for_fife(personas: Personas) -> None:
    actor = standing_of(personas.board_member.user)
    assert actor.roles == frozenset({Role.BOARD_MEMBER})
    assert (actor.board_partnership_id, actor.participant_id, actor.staff_member) == (personas.fife.pk, None, None)
    assert actor.purpose_for() == "Partnership board"


@pytest.mark.parametrize(
    ("left_in_days", "kind", "holds"),
    [
        (None, BoardMember.Kind.LIVED_EXPERIENCE, True),
        (1, BoardMember.Kind.LIVED_EXPERIENCE, True),
        (0, BoardMember.Kind.LIVED_EXPERIENCE, False),
        (-30, BoardMember.Kind.LIVED_EXPERIENCE, False),
    ],
)
def test_a_seat_gives_the_role_until_the_member_leaves(
    personas: Personas, left_in_days: int | None, kind: str, holds: bool
) -> None:
    user = UserFactory()
    left_on = None if left_in_days is None else timezone.localdate() + datetime.timedelta(days=left_in_days)
    BoardMember.objects.create(
        partnership=personas.glasgow,
        user=user,
        name="Sam",
        kind=kind,
        joined_on=datetime.date(2025, 1, 1),
        left_on=left_on,
    )
    assert standing_of(user).has(Role.BOARD_MEMBER) is holds


def test_an_organisation_seat_gives_no_role(personas: Personas) -> None:
    # Mo sits on the Fife board for her organisation: she is a manager, not a board member.
    assert standing_of(personas.manager.user).roles == frozenset({Role.PARTNERSHIP_MANAGER})


def test_a_participant_on_the_board_holds_both_roles(personas: Personas) -> None:
    pat = personas.participant
    BoardMember.objects.create(
        partnership=personas.fife,
        user=pat.user,
        name="Pat",
        kind="lived_experience",
        joined_on=datetime.date(2026, 1, 1),
    )
    actor = standing_of(pat.user)
    assert actor.roles == frozenset({Role.PARTICIPANT, Role.BOARD_MEMBER})
    assert (actor.participant_id, actor.primary_role) == (pat.pk, Role.PARTICIPANT)


def test_who_is_acting_takes_as_many_queries_as_before(personas: Personas, django_assert_num_queries: Any) -> None:
    # One for the staff record and one for the own-participant record and board seat together.
    with django_assert_num_queries(2):
        standing_of(personas.board_member.user)
    with django_assert_num_queries(3):
        standing_of(personas.keyworker.user)


def test_only_the_manager_changes_the_board(personas: Personas) -> None:
    for user in (personas.board_member.user, personas.keyworker.user, personas.funder.user):
        with pytest.raises(NotAllowed):
            add_meeting(actor=user, held_on=datetime.date(2026, 5, 1))
    meeting = add_meeting(actor=personas.glasgow_manager.user, held_on=datetime.date(2026, 5, 1), place=" Govan ")
    assert (meeting.partnership_id, meeting.place) == (personas.glasgow.pk, "Govan")


def test_nobody_else_sees_the_board(personas: Personas) -> None:
    for user in (personas.keyworker.user, personas.participant.user, personas.funder.user, personas.administrator):
        with pytest.raises(NotFound):
            board_for(user)
    assert board_for(personas.board_member.user).partnership == personas.fife
    assert board_for(personas.board_member.user).can_change is False
    assert board_for(personas.manager.user).can_change is True


def test_another_areas_document_is_not_found(personas: Personas) -> None:
    document = upload_document(
        actor=personas.manager.user, title="Minutes", upload=SimpleUploadedFile("m.odt", b"PK\x03\x04odt")
    )
    with pytest.raises(NotFound):
        open_document(actor=personas.glasgow_manager.user, document_id=document.pk)
    assert open_document(actor=personas.board_member.user, document_id=document.pk) == document


def test_a_meeting_of_another_board_cannot_be_named(personas: Personas) -> None:
    glasgow_meeting = add_meeting(actor=personas.glasgow_manager.user, held_on=datetime.date(2026, 5, 1))
    with pytest.raises(InvalidInput) as raised:
        upload_document(
            actor=personas.manager.user,
            title="Minutes",
            upload=SimpleUploadedFile("m.txt", b"words"),
            meeting_id=glasgow_meeting.pk,
        )
    assert raised.value.errors == {"meeting": ["Choose one of this board's meetings."]}
