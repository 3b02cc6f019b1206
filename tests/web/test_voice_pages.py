"""Participant voice on the pages: Pat asks and gives feedback, Kim and Mo read the board, Mo runs a session."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.voice.models import Feedback, GroupSession, Invitation, Request
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.voice.factories import FeedbackFactory, GroupSessionFactory, InvitationFactory, RequestFactory


def text(response: object) -> str:
    body = response.content.decode()  # type: ignore[attr-defined]
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def session_for(personas: Personas, **fields: object) -> GroupSession:
    return GroupSessionFactory(partnership=personas.fife, created_by=personas.manager.user, **fields)


def test_pat_asks_for_a_group_and_sees_it_waiting(personas: Personas, client_for: Callable[[str], Client]) -> None:
    client = client_for("participant")
    form = client.get("/me/requests/new/?kind=group_on")
    assert form.status_code == 200
    assert "Tell us in your own words" in text(form)
    response = client.post(
        "/me/requests/new/", {"kind": "group_on", "topic": "digital", "text": "Getting online with my phone"}
    )
    assert response.status_code == 302
    page = client.get("/me/requests/")
    assert "Getting online with my phone" in text(page)
    assert "Waiting for an answer" in text(page)
    assert Request.objects.get().participant == personas.participant


def test_a_request_without_words_is_refused_and_nothing_is_saved(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("participant").post("/me/requests/new/", {"kind": "help_with", "topic": "", "text": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Request.objects.count() == 0


def test_requesters_see_the_answer_and_the_session_on_their_page(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    session = session_for(personas, title="Money when you start work", you_said_we_did="You said money; we did this.")
    RequestFactory(participant=personas.participant, group_session=session, status=Request.Status.ANSWERED)
    page = client_for("participant").get("/me/requests/")
    assert "You said money; we did this." in text(page)
    assert "Money when you start work" in text(page)
    assert "Kirkcaldy Community Centre" in text(page)


def test_pat_says_he_is_coming_but_cannot_answer_for_olive(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    session = session_for(personas)
    mine = InvitationFactory(group_session=session, participant=personas.participant)
    olives = InvitationFactory(group_session=session, participant=personas.other_participant)
    client = client_for("participant")
    assert client.post(f"/invitations/{mine.pk}/respond/", {"response": "coming"}).status_code == 302
    assert client.post(f"/invitations/{olives.pk}/respond/", {"response": "coming"}).status_code == 404
    mine.refresh_from_db()
    olives.refresh_from_db()
    assert (mine.response, olives.response) == ("coming", "no_answer")


def test_anonymous_feedback_reaches_kim_without_a_name_and_mo_with_one(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    form = client_for("participant").get("/me/feedback/")
    assert "will read what you wrote but not your name" in text(form)
    client_for("participant").post("/me/feedback/", {"text": "Hard to get hold of", "anonymous_to_keyworker": "on"})
    feedback = Feedback.objects.get()
    assert feedback.anonymous_to_keyworker

    kims = client_for("keyworker").get("/feedback/")
    assert "Hard to get hold of" in text(kims)
    assert "Anonymous" in text(kims)
    assert "Pat Participant" not in text(kims)
    assert not AuditEvent.objects.filter(participant=personas.participant, actor=personas.keyworker.user).exists()

    mos = client_for("partnership_manager").get("/partnership/feedback/")
    assert "Pat Participant" in text(mos)
    assert "Anonymous to the keyworker" in text(mos)


def test_the_board_counts_what_was_asked_and_names_only_kims_people(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    RequestFactory(participant=personas.participant, topic="money", text="Pat wants money help")
    RequestFactory(participant=personas.other_participant, topic="money", text="Olive wants money help")
    RequestFactory(participant=personas.glasgow_participant, topic="money", text="Gemma wants money help")
    kims = client_for("keyworker").get("/requests/")
    page = text(kims)
    assert "2 requests in all" in page
    assert "2 asked: 2 waiting for an answer, 0 answered" in page
    assert "Pat Participant" in page
    assert "Pat wants money help" in page
    assert "Olive" not in page
    assert "Gemma" not in page
    assert AuditEvent.objects.filter(
        participant=personas.participant, actor=personas.keyworker.user, action="list"
    ).exists()
    mos = text(client_for("partnership_manager").get("/requests/"))
    assert "Olive Other" in mos
    assert "Gemma" not in mos
    assert client_for("funder").get("/requests/").status_code == 403


def test_mo_builds_a_session_from_requests_invites_records_and_answers(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    pats = RequestFactory(participant=personas.participant, topic="childcare", text="Childcare in the holidays")
    olives = RequestFactory(participant=personas.other_participant, topic="childcare", text="After-school clubs")
    RequestFactory(participant=personas.second_participant, topic="money")
    client = client_for("partnership_manager")
    form = client.get("/partnership/group-sessions/new/?topic=childcare")
    assert form.status_code == 200
    assert set(form.context["form"].initial["requests"]) == {str(pats.pk), str(olives.pk)}
    starts = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        "/partnership/group-sessions/new/",
        {
            "requests": [pats.pk, olives.pk],
            "title": "Childcare that works",
            "topic": "childcare",
            "starts_on": starts.isoformat(),
            "starts_time": "10:00",
            "place": "Methil Hub",
            "childcare_provided": "on",
            "facilitator": "Fife Council Childcare Team",
            "places": "8",
        },
    )
    assert response.status_code == 302
    session = GroupSession.objects.get()
    assert set(session.requests.values_list("status", flat=True)) == {"open"}

    assert client.post(f"/group-sessions/{session.pk}/invite/").status_code == 302
    assert client.post(f"/group-sessions/{session.pk}/invite/").status_code == 302
    assert Invitation.objects.filter(group_session=session).count() == 2
    pat_invitation = Invitation.objects.get(participant=personas.participant)
    assert (
        client.post(f"/group-sessions/{session.pk}/attendance/", {f"attended_{pat_invitation.pk}": "yes"}).status_code
        == 302
    )
    pat_invitation.refresh_from_db()
    assert pat_invitation.attended is True

    answer = "You said childcare in the holidays was hard; we ran a session with the council's childcare team."
    response = client.post(
        f"/group-sessions/{session.pk}/answer/", {"version": session.version, "you_said_we_did": answer}
    )
    assert response.status_code == 302
    assert set(session.requests.values_list("status", flat=True)) == {"answered"}
    assert answer.replace("'", "&#x27;") in client_for("participant").get("/me/requests/").content.decode()

    detail = client.get(f"/group-sessions/{session.pk}/")
    assert "Pat Participant" in text(detail)
    assert "Came" in text(detail)


def test_a_stale_answer_is_refused_with_409_and_nothing_overwritten(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    session = session_for(personas, you_said_we_did="First answer", version=2)
    response = client_for("partnership_manager").post(
        f"/group-sessions/{session.pk}/answer/", {"version": 1, "you_said_we_did": "Second answer"}
    )
    assert response.status_code == 409
    session.refresh_from_db()
    assert session.you_said_we_did == "First answer"


def test_glasgows_manager_cannot_open_fifes_session(personas: Personas, sign_in: Callable) -> None:
    session = session_for(personas)
    assert sign_in(personas.glasgow_manager.user).get(f"/group-sessions/{session.pk}/").status_code == 404


@pytest.mark.parametrize("how_many", [1, 120])
def test_the_board_takes_the_same_queries_however_many_requests(
    personas: Personas, sign_in: Callable, django_assert_num_queries: Callable, how_many: int
) -> None:
    for number in range(how_many):
        RequestFactory(participant=personas.participant, topic=["money", "digital", "health"][number % 3])
    client = sign_in(personas.keyworker.user)
    # Session, user, actor (3), board counts, count and page of the listed requests, audit insert.
    with django_assert_num_queries(9):
        response = client.get("/requests/")
    assert sum(group.total for group in response.context["groups"]) == how_many
    assert len(response.context["listed"]) == min(how_many, 50)


def test_the_board_lists_a_page_of_requests_and_audits_only_the_people_on_it(
    personas: Personas, sign_in: Callable
) -> None:
    people = ParticipantFactory.create_batch(60, keyworker=personas.other_keyworker)
    for number, person in enumerate(people):
        request = RequestFactory(participant=person, topic="money", text=f"Request {number:02d}")
        Request.objects.filter(pk=request.pk).update(created_at=timezone.now() - datetime.timedelta(hours=number))
    client = sign_in(personas.manager.user)
    first = client.get("/requests/")
    page = text(first)
    assert "60 asked: 60 waiting for an answer, 0 answered" in page
    assert "60 requests, page 1 of 2" in page
    assert "Request 00" in page
    assert "Request 49" in page
    assert "Request 50" not in page
    audited = AuditEvent.objects.filter(actor=personas.manager.user, action="list")
    assert set(audited.values_list("participant_id", flat=True)) == {person.pk for person in people[:50]}
    assert audited.count() == 50
    second = text(client.get("/requests/?page=2"))
    assert "Request 50" in second
    assert "Request 59" in second
    assert "Request 49" not in second
    assert audited.count() == 60
    assert set(audited.values_list("participant_id", flat=True)) == {person.pk for person in people}
    # The topic filter keeps to its topic, in counts and the list.
    assert "No requests yet" in text(client.get("/requests/?topic=health"))


@pytest.mark.parametrize("how_many", [1, 50])
def test_the_session_list_takes_the_same_queries_however_many_sessions(
    personas: Personas, sign_in: Callable, django_assert_num_queries: Callable, how_many: int
) -> None:
    for _ in range(how_many):
        session = session_for(personas)
        InvitationFactory(group_session=session, participant=personas.participant, response="coming")
    client = sign_in(personas.manager.user)
    with django_assert_num_queries(7):
        response = client.get("/partnership/group-sessions/")
    assert response.status_code == 200


@pytest.mark.parametrize("how_many", [1, 50])
def test_the_feedback_lists_take_the_same_queries_however_much_feedback(
    personas: Personas, sign_in: Callable, django_assert_num_queries: Callable, how_many: int
) -> None:
    for number in range(how_many):
        FeedbackFactory(participant=personas.participant, anonymous_to_keyworker=number % 2 == 1)
    manager, keyworker = sign_in(personas.manager.user), sign_in(personas.keyworker.user)
    # Session, user, actor (3), count, page, audit insert.
    with django_assert_num_queries(8):
        manager.get("/partnership/feedback/")
    with django_assert_num_queries(8):
        keyworker.get("/feedback/")


@pytest.mark.parametrize("how_many", [1, 50])
def test_my_requests_takes_the_same_queries_however_many(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: Callable, how_many: int
) -> None:
    session = session_for(personas)
    InvitationFactory(group_session=session, participant=personas.participant)
    for _ in range(how_many):
        RequestFactory(participant=personas.participant, group_session=session)
    client = client_for("participant")
    with django_assert_num_queries(8):
        client.get("/me/requests/")


def test_inviting_more_people_than_places_warns_mo_and_asks_to_confirm(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    session = session_for(personas, places=1)
    for participant in (personas.participant, personas.other_participant):
        RequestFactory(participant=participant, group_session=session)
    client = client_for("partnership_manager")
    page = text(client.get(reverse("web:group_session_detail", args=[session.pk])))
    assert "2 people would be invited and the session has 1 places." in page

    warned = client.post(f"/group-sessions/{session.pk}/invite/")

    assert warned.status_code == 400
    assert "That would invite 2 people to a session with 1 places." in text(warned)
    assert not Invitation.objects.filter(group_session=session).exists()
    confirmed = client.post(f"/group-sessions/{session.pk}/invite/", {"over_places_confirmed": "on"})
    assert confirmed.status_code == 302
    assert Invitation.objects.filter(group_session=session).count() == 2


# Measured (8): the same however many requests wait in the area.
GROUP_SESSION_ADD_QUERIES = 8


@pytest.mark.parametrize("extra", [1, 60])
def test_setting_up_a_session_offers_a_few_requests_counts_the_rest_and_audits_only_those_offered(
    personas: Personas, client_for: Callable[[str], Client], extra: int
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coproduce.web.partnership.voice import REQUESTS_SHOWN

    for participant in ParticipantFactory.create_batch(extra, keyworker=personas.keyworker):
        RequestFactory(participant=participant, topic="money")
    RequestFactory(participant=personas.participant, topic="childcare")
    client = client_for("partnership_manager")
    client.get("/partnership/group-sessions/new/")  # warm the session
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/partnership/group-sessions/new/")
    assert len(captured) == GROUP_SESSION_ADD_QUERIES
    offered = response.context["form"].fields["requests"].choices
    assert len(offered) == min(extra + 1, REQUESTS_SHOWN)
    assert AuditEvent.objects.count() - before == len(offered)
    assert response.context["more"] == (extra + 1 > REQUESTS_SHOWN)
    money = next(row for row in response.context["topics"] if row["value"] == "money")
    assert (money["requests"], money["people"]) == (extra, extra)
    assert response.context["total"] == extra + 1

    childcare = client.get("/partnership/group-sessions/new/", {"topic": "childcare"})
    labels = [label for _, label in childcare.context["form"].fields["requests"].choices]
    assert len(labels) == 1
    assert labels[0].startswith("Pat Participant:")
    assert len(childcare.context["form"].initial["requests"]) == 1


def test_a_request_ticked_but_no_longer_listed_is_still_linked(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    from coproduce.web.partnership.voice import REQUESTS_SHOWN

    oldest = RequestFactory(participant=personas.participant, topic="money")
    for participant in ParticipantFactory.create_batch(REQUESTS_SHOWN, keyworker=personas.keyworker):
        RequestFactory(participant=participant, topic="money")
    starts = timezone.localdate() + datetime.timedelta(days=7)
    response = client_for("partnership_manager").post(
        "/partnership/group-sessions/new/",
        {
            "requests": [oldest.pk],
            "title": "Money talk",
            "topic": "money",
            "starts_on": starts.isoformat(),
            "starts_time": "10:00",
            "place": "Methil Hub",
            "facilitator": "Kingdom Money Advice",
            "places": "8",
        },
    )
    assert response.status_code == 302
    assert list(GroupSession.objects.get().requests.values_list("pk", flat=True)) == [oldest.pk]
