"""The partnership board pages, as stories: Mo manages Fife and keeps its board page; Bea, a
former participant, sits on the Fife board as a lived-experience member; Glen manages Glasgow."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.programmes.models import BoardDecision, BoardDocument, BoardMeeting, BoardMember
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]


@pytest.fixture
def mo(personas: Personas, sign_in: SignIn) -> Client:
    return sign_in(personas.manager.user)


@pytest.fixture
def bea(personas: Personas, sign_in: SignIn) -> Client:
    return sign_in(personas.board_member.user)


@pytest.fixture
def glen(personas: Personas, sign_in: SignIn) -> Client:
    return sign_in(personas.glasgow_manager.user)


def a_meeting(personas: Personas, **fields: object) -> BoardMeeting:
    values: dict[str, object] = {"held_on": datetime.date(2026, 3, 4), "place": "Kirkcaldy", "notes": "Outreach"}
    return BoardMeeting.objects.create(partnership=personas.fife, **(values | fields))


def a_decision(personas: Personas, text: str = "Fund a creche") -> BoardDecision:
    return BoardDecision.objects.create(
        partnership=personas.fife,
        decided_on=datetime.date(2026, 3, 4),
        decision=text,
        action_by="Mo Manager",
        recorded_by=personas.manager.user,
    )


def a_document(personas: Personas, title: str = "Minutes") -> BoardDocument:
    document = BoardDocument(partnership=personas.fife, title=title, uploaded_by=personas.manager.user)
    document.file.save("minutes.txt", SimpleUploadedFile("minutes.txt", b"The board met."), save=True)
    return document


def test_bea_signs_in_to_the_board_page_with_the_partnerships_figures(personas: Personas, bea: Client) -> None:
    a_meeting(personas)
    a_decision(personas)
    a_document(personas)

    home = bea.get(reverse("web:home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("web:board_home")

    page = bea.get(reverse("web:board_home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The Fife partnership board" in text
    for shown in ("Kirkcaldy", "Fund a creche", "Minutes", "Bea Board", "Represents Fife Lone Parents Together"):
        assert shown in text
    # The figures: Pat, Paula and Olive joined in Fife, all active: 3 is small, so not shown.
    assert page.context["figures"]["joined"].label == "fewer than 5"
    assert "Pat" not in text.replace("Partnership", "")  # no participant's name anywhere
    assert "MIW-FIF" not in text
    # She changes nothing: no links to the manager's forms.
    assert reverse("web:board_meeting_add") not in text
    assert [item["label"] for item in page.context["nav_items"]] == ["Partnership board", "Dashboard"]
    assert f'href="{reverse("web:partnership_dashboard")}"' in text


def test_bea_sees_figures_once_there_are_enough_people(personas: Personas, bea: Client) -> None:
    for _ in range(7):
        ParticipantFactory(keyworker=personas.keyworker)
    page = bea.get(reverse("web:board_home"))
    figures = page.context["figures"]
    assert (figures["joined"].value, figures["active"].value, figures["not_active"].value) == (10, 10, 0)


def test_bea_is_refused_every_casework_page(personas: Personas, bea: Client) -> None:
    pat = personas.participant
    assert bea.get(reverse("web:area_overview")).status_code == 403
    assert bea.get(reverse("web:caseload")).status_code == 403
    assert bea.get(reverse("web:board")).status_code == 403
    assert bea.get(reverse("web:board_meeting_add")).status_code == 403
    assert bea.get(f"/api/v1/participants/{pat.pk}").status_code in (403, 404)


def test_a_board_member_who_left_loses_the_page(personas: Personas, bea: Client) -> None:
    BoardMember.objects.filter(pk=personas.board_member.pk).update(left_on=datetime.date(2026, 1, 31))
    assert bea.get(reverse("web:board_home")).status_code == 403
    assert bea.get(reverse("web:home")).status_code == 200  # "your account has no role yet"


def test_a_participant_on_the_board_keeps_her_own_pages(personas: Personas, sign_in: SignIn) -> None:
    pat = personas.participant
    BoardMember.objects.create(
        partnership=personas.fife,
        user=pat.user,
        name="Pat Participant",
        kind=BoardMember.Kind.LIVED_EXPERIENCE,
        joined_on=datetime.date(2026, 1, 1),
    )
    client = sign_in(pat.user)
    assert client.get(reverse("web:home"))["Location"] == reverse("web:my_page")
    assert client.get(reverse("web:my_page")).status_code == 200
    page = client.get(reverse("web:board_home"))
    assert page.status_code == 200
    labels = [item["label"] for item in page.context["nav_items"]]
    assert labels[0] == "My page"
    assert "Partnership board" in labels


def test_mo_keeps_the_board_page(personas: Personas, mo: Client) -> None:
    response = mo.post(
        reverse("web:board_meeting_add"),
        {"held_on": "2026-06-10", "place": "Glenrothes", "notes": "Summer plans"},
    )
    assert response.status_code == 302
    meeting = BoardMeeting.objects.get(partnership=personas.fife)
    assert (meeting.held_on, meeting.place, meeting.notes) == (datetime.date(2026, 6, 10), "Glenrothes", "Summer plans")

    response = mo.post(
        reverse("web:board_decision_add"),
        {"decided_on": "2026-06-10", "decision": "Meet in the evening", "action_by": "Mo", "meeting": meeting.pk},
    )
    assert response.status_code == 302
    decision = BoardDecision.objects.get(partnership=personas.fife)
    assert (decision.meeting_id, decision.done_on, decision.version) == (meeting.pk, None, 1)

    response = mo.post(
        reverse("web:board_decision_edit", args=[decision.pk]),
        {
            "decided_on": "2026-06-10",
            "decision": "Meet in the evening",
            "action_by": "Mo",
            "done_on": "2026-07-01",
            "meeting": meeting.pk,
            "version": 1,
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.done_on, decision.version) == (datetime.date(2026, 7, 1), 2)

    page = mo.get(reverse("web:board"))
    text = page.content.decode()
    for shown in ("Glenrothes", "Meet in the evening", "1 July 2026"):
        assert shown in text
    assert page.context["figures"] is None

    events = list(
        AuditEvent.objects.filter(actor=personas.manager.user, record_type__startswith="programmes.Board")
        .order_by("pk")
        .values_list("action", "record_type", "participant_id")
    )
    assert events == [
        ("create", "programmes.BoardMeeting", None),
        ("create", "programmes.BoardDecision", None),
        ("change", "programmes.BoardDecision", None),
    ]


def test_a_stale_decision_edit_is_a_conflict(personas: Personas, mo: Client) -> None:
    decision = a_decision(personas)
    BoardDecision.objects.filter(pk=decision.pk).update(version=2)
    response = mo.post(
        reverse("web:board_decision_edit", args=[decision.pk]),
        {"decided_on": "2026-03-04", "decision": "Changed", "version": 1},
    )
    assert response.status_code == 409
    decision.refresh_from_db()
    assert decision.decision == "Fund a creche"


def test_mo_adds_a_lived_experience_member_by_her_account(personas: Personas, mo: Client) -> None:
    from tests.accounts.factories import UserFactory

    lou = UserFactory(username="lou@example.net", email="lou@example.net", display_name="Lou Lived")
    response = mo.post(
        reverse("web:board_member_add"),
        {"name": "Lou Lived", "kind": "lived_experience", "joined_on": "2026-01-01", "user_email": "LOU@example.net"},
    )
    assert response.status_code == 302
    seat = BoardMember.objects.get(name="Lou Lived")
    assert (seat.user_id, seat.kind, seat.partnership_id) == (lou.pk, "lived_experience", personas.fife.pk)

    unknown = mo.post(
        reverse("web:board_member_add"),
        {"name": "Nobody", "kind": "lived_experience", "joined_on": "2026-01-01", "user_email": "no@example.net"},
    )
    assert unknown.status_code == 400
    assert "Nobody has an account with that email address." in unknown.content.decode()

    no_organisation = mo.post(
        reverse("web:board_member_add"), {"name": "Rep", "kind": "organisation", "joined_on": "2026-01-01"}
    )
    assert no_organisation.status_code == 400
    assert "Choose an organisation in this partnership." in no_organisation.content.decode()


def test_mo_records_that_bea_left(personas: Personas, mo: Client) -> None:
    response = mo.post(
        reverse("web:board_member_edit", args=[personas.board_member.pk]),
        {"name": "Bea Board", "kind": "lived_experience", "joined_on": "2025-04-01", "left_on": "2026-02-01"},
    )
    assert response.status_code == 302
    personas.board_member.refresh_from_db()
    assert personas.board_member.left_on == datetime.date(2026, 2, 1)
    assert "Former members" in mo.get(reverse("web:board")).content.decode()


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("minutes.exe", b"MZ", "The file must be a PDF, a Word document (.docx), an .odt or a .txt file."),
        ("minutes.pdf", b"not a pdf at all", "The file is not a real .pdf file."),
        ("minutes.docx", b"plain words", "The file is not a real .docx file."),
        ("minutes.txt", b"bin\x00ary", "The file is not a plain text file."),
        ("minutes.txt", b"", "The submitted file is empty."),
    ],
)
def test_a_document_must_be_a_real_document(mo: Client, name: str, content: bytes, error: str) -> None:
    response = mo.post(
        reverse("web:board_document_add"), {"title": "Minutes", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert BoardDocument.objects.count() == 0


def test_a_document_over_10_mb_is_refused(mo: Client) -> None:
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    response = mo.post(reverse("web:board_document_add"), {"title": "Big", "file": big})
    assert response.status_code == 400
    assert "The file must be 10 MB or smaller." in response.content.decode()


def test_a_document_uploaded_by_mo_is_downloaded_by_bea(personas: Personas, mo: Client, bea: Client) -> None:
    response = mo.post(
        reverse("web:board_document_add"),
        {"title": "Terms of reference", "file": SimpleUploadedFile("terms.pdf", b"%PDF-1.7 terms")},
    )
    assert response.status_code == 302
    document = BoardDocument.objects.get()
    download = bea.get(reverse("web:board_document_download", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == b"%PDF-1.7 terms"
    assert download["Content-Disposition"].startswith('attachment; filename="terms')
    read = AuditEvent.objects.filter(actor=personas.board_member.user).values_list(
        "action", "record_type", "record_id", "participant_id", "actor_role"
    )
    assert list(read) == [("view", "programmes.BoardDocument", str(document.pk), None, "board_member")]


def test_glen_sees_only_his_own_board(personas: Personas, glen: Client) -> None:
    meeting = a_meeting(personas)
    decision = a_decision(personas)
    document = a_document(personas)
    page = glen.get(reverse("web:board"))
    assert page.status_code == 200
    assert "The Glasgow partnership board" in page.content.decode()
    assert "Kirkcaldy" not in page.content.decode()
    assert glen.get(reverse("web:board_meeting_edit", args=[meeting.pk])).status_code == 404
    assert glen.get(reverse("web:board_decision_edit", args=[decision.pk])).status_code == 404
    assert glen.get(reverse("web:board_document_download", args=[document.pk])).status_code == 404
    assert glen.get(reverse("web:board_member_edit", args=[personas.board_member.pk])).status_code == 404
    response = glen.post(
        reverse("web:board_meeting_edit", args=[meeting.pk]), {"held_on": "2026-01-01", "place": "Glasgow"}
    )
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.place == "Kirkcaldy"


@pytest.mark.parametrize("rows", [1, 6])
def test_the_board_page_takes_the_same_queries_however_many_rows(
    personas: Personas, bea: Client, rows: int, django_assert_num_queries: Any
) -> None:
    for number in range(rows):
        meeting = a_meeting(personas, place=f"Hall {number}")
        a_decision(personas, f"Decision {number}")
        a_document(personas, f"Paper {number}")
        BoardMember.objects.create(
            partnership=personas.fife,
            name=f"Member {number}",
            kind=BoardMember.Kind.ORGANISATION,
            organisation=personas.lead_organisation,
            joined_on=meeting.held_on,
        )
    bea.get(reverse("web:board_home"))  # warm the session
    with django_assert_num_queries(QUERIES):
        assert bea.get(reverse("web:board_home")).status_code == 200


# Session, user, who is acting, the partnership (once per list), the four lists, and the figures:
# the partnership with its targets and the two grouped queries of the tables they add up with
# (not the whole dashboard: reporting/partnership.py `participant_figures`).
QUERIES = 16


def test_the_next_meeting_comes_first_and_the_past_is_folded_away(personas: Personas, mo: Client) -> None:
    today = datetime.date.today()
    a_meeting(personas, held_on=today - datetime.timedelta(days=60), place="Old Hall", notes="Long ago")
    later = a_meeting(personas, held_on=today + datetime.timedelta(days=40), place="Later Hall")
    soon = a_meeting(personas, held_on=today + datetime.timedelta(days=5), place="Next Hall", notes="Budget")
    papers = a_document(personas, "Agenda for next time")
    BoardDocument.objects.filter(pk=papers.pk).update(meeting=soon)
    done = a_decision(personas, "Open on Saturdays")
    BoardDecision.objects.filter(pk=done.pk).update(done_on=today)
    a_decision(personas, "Ask the college")

    text = mo.get(reverse("web:board")).content.decode()
    next_meeting = text[text.index('id="next-meeting"') : text.index("</dl>", text.index('id="next-meeting"'))]
    assert "Next Hall" in next_meeting
    assert "Budget" in next_meeting
    assert "Agenda for next time" in next_meeting
    assert text.index("Next Hall") < text.index("Later Hall") < text.index("Past meetings (1)") < text.index("Old Hall")
    past = text[text.index("Past meetings (1)") : text.index("</details>", text.index("Past meetings (1)"))]
    assert "Old Hall" in past
    assert "<summary" in text[text.index("Past meetings (1)") - 200 : text.index("Past meetings (1)")]
    folded = text.index("Decisions already acted on (1)")
    assert text.index("Ask the college") < folded < text.index("Open on Saturdays")
    assert later.place in text


@pytest.mark.parametrize("rows", [1, 6])
def test_the_managers_board_page_takes_the_same_queries_with_past_and_coming_meetings(
    personas: Personas, mo: Client, rows: int, django_assert_num_queries: Any
) -> None:
    today = datetime.date.today()
    for number in range(rows):
        a_meeting(personas, held_on=today - datetime.timedelta(days=30 * (number + 1)), place=f"Past {number}")
        meeting = a_meeting(personas, held_on=today + datetime.timedelta(days=30 * number), place=f"Next {number}")
        document = a_document(personas, f"Paper {number}")
        BoardDocument.objects.filter(pk=document.pk).update(meeting=meeting)
        a_decision(personas, f"Decision {number}")
    mo.get(reverse("web:board"))  # warm the session
    with django_assert_num_queries(MANAGER_QUERIES):
        assert mo.get(reverse("web:board")).status_code == 200


# The same as a board member's page without the figures (the manager has the dashboard for those).
MANAGER_QUERIES = 14
