"""Requests, feedback and group sessions: the rules the voice services and selectors carry."""

import datetime

import pytest
from django.utils import timezone

from coproduce.core.errors import ConflictError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.voice.models import Feedback, Invitation, Request, Topic
from coproduce.voice.selectors import (
    board_counts,
    board_requests_listed,
    feedback_visible_to,
    requests_visible_to,
    shows_feedback_author,
)
from coproduce.voice.services import (
    answer_with_you_said_we_did,
    create_group_session,
    give_feedback,
    invite_requesters,
    make_request,
    record_attendance,
    record_response,
    update_group_session,
)
from tests.personas import Personas
from tests.voice.factories import RequestFactory

pytestmark = pytest.mark.django_db


def _session(p: Personas, request_ids: list[int]) -> object:
    return create_group_session(
        actor=p.manager.user,
        title="Money when you start work",
        topic=Topic.MONEY,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        place="Kirkcaldy Community Centre",
        facilitator="Kingdom Money Advice",
        places=10,
        childcare_provided=True,
        request_ids=request_ids,
    )


def test_a_participant_makes_a_request_in_their_own_words(personas: Personas) -> None:
    request = make_request(
        actor=personas.participant.user, kind=Request.Kind.HELP_WITH, topic=Topic.CHILDCARE, text="  After school  "
    )
    assert (request.participant, request.text, request.status) == (personas.participant, "After school", "open")


def test_a_request_needs_words_and_a_known_topic(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        make_request(actor=personas.participant.user, kind="nonsense", topic="nope", text=" ")
    assert set(error.value.errors) == {"kind", "topic", "text"}
    assert Request.objects.count() == 0


def test_staff_cannot_make_requests(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        make_request(actor=personas.keyworker.user, kind="help_with", topic="money", text="x")


def test_visibility_of_requests_follows_the_caseload(personas: Personas) -> None:
    pat = RequestFactory(participant=personas.participant)
    olive = RequestFactory(participant=personas.other_participant)
    gemma = RequestFactory(participant=personas.glasgow_participant)
    assert list(requests_visible_to(personas.participant.user)) == [pat]
    assert list(requests_visible_to(personas.keyworker.user)) == [pat]
    assert set(requests_visible_to(personas.manager.user)) == {pat, olive}
    assert set(requests_visible_to(personas.glasgow_manager.user)) == {gemma}
    for nobody in (personas.funder.user, personas.evaluator.user, personas.partner_worker.user, personas.administrator):
        assert list(requests_visible_to(nobody)) == []


def test_the_board_counts_match_the_requests_recorded(personas: Personas) -> None:
    pat, paula, olive = personas.participant, personas.second_participant, personas.other_participant
    for who, kind, topic in [
        (pat, "group_on", "money"),
        (paula, "group_on", "money"),
        (olive, "group_on", "money"),
        (olive, "help_with", "money"),
        (pat, "help_with", "childcare"),
        (personas.glasgow_participant, "group_on", "money"),
    ]:
        RequestFactory(participant=who, kind=kind, topic=topic)
    RequestFactory(participant=paula, kind="help_with", topic="childcare", status=Request.Status.ANSWERED)

    board = {(g.topic, g.kind, g.area): (g.total, g.open, g.answered) for g in board_counts(personas.manager.user)}
    assert board == {
        ("money", "group_on", "Fife"): (3, 3, 0),
        ("money", "help_with", "Fife"): (1, 1, 0),
        ("childcare", "help_with", "Fife"): (2, 1, 1),
    }
    # Kim sees the same counts for the area, but only her caseload's requests are listed.
    kim_board = board_counts(personas.keyworker.user)
    assert {(g.topic, g.kind): g.total for g in kim_board} == {
        ("money", "group_on"): 3,
        ("money", "help_with"): 1,
        ("childcare", "help_with"): 2,
    }
    assert {r.participant for r in board_requests_listed(personas.keyworker.user)} == {pat, paula}
    for nobody in (personas.funder.user, personas.participant.user):
        assert board_counts(nobody) == []
        assert list(board_requests_listed(nobody)) == []


def test_the_board_runs_in_constant_queries(personas: Personas, django_assert_num_queries: object) -> None:
    user = personas.manager.user
    board_counts(user)  # works out the actor once
    RequestFactory(participant=personas.participant)
    with django_assert_num_queries(2):  # type: ignore[operator]
        board_counts(user)
        list(board_requests_listed(user)[:25])
    for _ in range(30):
        RequestFactory(participant=personas.other_participant, topic=Topic.DIGITAL)
    with django_assert_num_queries(2):  # type: ignore[operator]
        board_counts(user)
        list(board_requests_listed(user)[:25])


def test_a_group_session_from_requests_invites_the_askers_once_and_answers_them(personas: Personas) -> None:
    asks = [
        RequestFactory(participant=personas.participant),
        RequestFactory(participant=personas.participant, kind="help_with"),
        RequestFactory(participant=personas.other_participant),
    ]
    session = _session(personas, [r.pk for r in asks])
    assert set(Request.objects.filter(group_session=session).values_list("status", flat=True)) == {"open"}

    made = invite_requesters(actor=personas.manager.user, group_session_id=session.pk)
    assert sorted(i.participant_id for i in made) == sorted([personas.participant.pk, personas.other_participant.pk])
    assert invite_requesters(actor=personas.manager.user, group_session_id=session.pk) == []
    assert Invitation.objects.filter(group_session=session).count() == 2

    mine = Invitation.objects.get(group_session=session, participant=personas.participant)
    record_response(actor=personas.participant.user, invitation_id=mine.pk, response="coming")
    olives = Invitation.objects.get(group_session=session, participant=personas.other_participant)
    with pytest.raises(NotFound):
        record_response(actor=personas.participant.user, invitation_id=olives.pk, response="coming")

    assert record_attendance(actor=personas.manager.user, group_session_id=session.pk, attended={mine.pk: True}) == 1
    mine.refresh_from_db()
    assert (mine.response, mine.attended) == ("coming", True)

    answered = answer_with_you_said_we_did(
        actor=personas.manager.user,
        group_session_id=session.pk,
        expected_version=session.version,
        answer="You asked about money when starting work; we ran a session with Kingdom Money Advice.",
    )
    assert answered.version == session.version + 1
    assert set(Request.objects.filter(group_session=session).values_list("status", flat=True)) == {"answered"}


def test_only_the_areas_manager_runs_sessions_and_only_with_their_areas_requests(personas: Personas) -> None:
    gemma = RequestFactory(participant=personas.glasgow_participant)
    with pytest.raises(InvalidInput):
        _session(personas, [gemma.pk])
    with pytest.raises(NotAllowed):
        create_group_session(
            actor=personas.keyworker.user,
            title="x",
            topic="money",
            starts_at=timezone.now(),
            place="x",
            facilitator="x",
            places=3,
        )
    session = _session(personas, [])
    with pytest.raises(NotFound):
        invite_requesters(actor=personas.glasgow_manager.user, group_session_id=session.pk)


def test_two_concurrent_edits_of_a_session_the_second_is_refused(personas: Personas) -> None:
    session = _session(personas, [])
    read_version = session.version
    update_group_session(
        actor=personas.manager.user,
        group_session_id=session.pk,
        expected_version=read_version,
        changes={"place": "Glenrothes Library"},
    )
    with pytest.raises(ConflictError):
        update_group_session(
            actor=personas.manager.user,
            group_session_id=session.pk,
            expected_version=read_version,
            changes={"place": "Methil Hub"},
        )
    session.refresh_from_db()
    assert (session.place, session.version) == ("Glenrothes Library", read_version + 1)


def test_anonymous_feedback_hides_the_name_from_the_keyworker_only(personas: Personas) -> None:
    feedback = give_feedback(
        actor=personas.participant.user, text="Sometimes hard to reach.", anonymous_to_keyworker=True
    )
    assert feedback.partnership == personas.fife
    assert list(feedback_visible_to(personas.keyworker.user)) == [feedback]
    assert not shows_feedback_author(personas.keyworker.user, feedback)
    assert shows_feedback_author(personas.manager.user, feedback)
    assert shows_feedback_author(personas.participant.user, feedback)
    assert list(feedback_visible_to(personas.other_keyworker.user)) == []
    assert list(feedback_visible_to(personas.funder.user)) == []
    with pytest.raises(InvalidInput):
        give_feedback(actor=personas.participant.user, text="   ")
    assert Feedback.objects.count() == 1


def test_an_answered_request_cannot_be_put_into_a_new_session(personas: Personas) -> None:
    answered = RequestFactory(participant=personas.participant, status=Request.Status.ANSWERED)
    with pytest.raises(InvalidInput):
        _session(personas, [answered.pk])
    assert Request.objects.get(pk=answered.pk).group_session is None
