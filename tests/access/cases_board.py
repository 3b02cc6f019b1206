"""Access cases for the partnership board pages.

Mo manages Fife and changes its board; Bea sits on it as a lived-experience member and sees it
(her home page and its documents) but changes nothing. Nobody else sees it. Glen, who manages
Glasgow, is not a matrix role: his 404s are in tests/web/board/.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.programmes.models import BoardDecision, BoardDocument, BoardMeeting, BoardMember
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas

MANAGER = roles("partnership_manager")
BOARD = roles("partnership_manager", "board_member")
MEETING_NOTES = "Agreed the spring outreach plan"
DECISION = "Fund a creche at every board meeting"
DOCUMENT_TITLE = "Minutes of the March board"


def meeting(p: Personas) -> BoardMeeting:
    found = BoardMeeting.objects.filter(partnership=p.fife).order_by("pk").first()
    return found or BoardMeeting.objects.create(
        partnership=p.fife, held_on=datetime.date(2026, 3, 4), place="Kirkcaldy", notes=MEETING_NOTES
    )


def decision(p: Personas) -> BoardDecision:
    found = BoardDecision.objects.filter(partnership=p.fife).order_by("pk").first()
    return found or BoardDecision.objects.create(
        partnership=p.fife,
        meeting=meeting(p),
        decided_on=datetime.date(2026, 3, 4),
        decision=DECISION,
        action_by="Mo Manager",
        recorded_by=p.manager.user,
    )


def document(p: Personas) -> BoardDocument:
    found = BoardDocument.objects.filter(partnership=p.fife).order_by("pk").first()
    if found:
        return found
    row = BoardDocument(partnership=p.fife, title=DOCUMENT_TITLE, uploaded_by=p.manager.user)
    row.file.save("minutes.txt", SimpleUploadedFile("minutes.txt", b"The board met."), save=True)
    return row


def board_snapshot(p: Personas) -> tuple[object, ...]:
    with_board(p, "web:board")  # the rows the request acts on exist before the snapshot is taken
    return (
        tuple(BoardMeeting.objects.values_list("pk", "held_on", "place", "notes").order_by("pk")),
        tuple(BoardDecision.objects.values_list("pk", "decision", "done_on", "version").order_by("pk")),
        tuple(BoardDocument.objects.values_list("pk", "title").order_by("pk")),
        tuple(BoardMember.objects.values_list("pk", "name", "kind", "left_on").order_by("pk")),
    )


def board_secrets(p: Personas) -> list[str]:
    return [MEETING_NOTES, DECISION, DOCUMENT_TITLE]


def with_board(p: Personas, route: str) -> str:
    """The URL of `route`, once the Fife board has a meeting, a decision and a document."""
    meeting(p)
    decision(p)
    document(p)
    return reverse(route)


def upload(p: Personas) -> dict[str, object]:
    return {"title": "Terms of reference", "file": SimpleUploadedFile("terms.txt", b"What the board does.")}


CASES = [
    AccessCase(
        route="web:board_home",
        url=lambda p: with_board(p, "web:board_home"),
        allowed=BOARD,
        secrets=board_secrets,
    ),
    AccessCase(
        route="web:board",
        url=lambda p: with_board(p, "web:board"),
        allowed=MANAGER,
        secrets=board_secrets,
    ),
    AccessCase(
        route="web:board_document_download",
        url=lambda p: reverse("web:board_document_download", args=[document(p).pk]),
        allowed=BOARD,
        secrets=lambda p: ["The board met."],
    ),
    AccessCase(route="web:board_meeting_add", url=lambda p: reverse("web:board_meeting_add"), allowed=MANAGER),
    AccessCase(
        route="web:board_meeting_add",
        method="POST",
        url=lambda p: reverse("web:board_meeting_add"),
        data=lambda p: {"held_on": "2026-06-10", "place": "Glenrothes", "notes": "Summer"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=board_snapshot,
    ),
    AccessCase(
        route="web:board_meeting_edit",
        url=lambda p: reverse("web:board_meeting_edit", args=[meeting(p).pk]),
        allowed=MANAGER,
        secrets=lambda p: [MEETING_NOTES],
    ),
    AccessCase(
        route="web:board_meeting_edit",
        method="POST",
        url=lambda p: reverse("web:board_meeting_edit", args=[meeting(p).pk]),
        data=lambda p: {"held_on": "2026-03-05", "place": "Kirkcaldy", "notes": "Moved a day"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=board_snapshot,
    ),
    AccessCase(route="web:board_decision_add", url=lambda p: reverse("web:board_decision_add"), allowed=MANAGER),
    AccessCase(
        route="web:board_decision_add",
        method="POST",
        url=lambda p: reverse("web:board_decision_add"),
        data=lambda p: {"decided_on": "2026-03-04", "decision": "Meet in the evening", "action_by": "Mo"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=board_snapshot,
    ),
    AccessCase(
        route="web:board_decision_edit",
        url=lambda p: reverse("web:board_decision_edit", args=[decision(p).pk]),
        allowed=MANAGER,
        secrets=lambda p: [DECISION],
    ),
    AccessCase(
        route="web:board_decision_edit",
        method="POST",
        url=lambda p: reverse("web:board_decision_edit", args=[decision(p).pk]),
        data=lambda p: {
            "decided_on": "2026-03-04",
            "decision": DECISION,
            "action_by": "Mo Manager",
            "done_on": "2026-04-01",
            "version": decision(p).version,
        },
        allowed=MANAGER,
        allowed_status=302,
        snapshot=board_snapshot,
    ),
    AccessCase(route="web:board_document_add", url=lambda p: reverse("web:board_document_add"), allowed=MANAGER),
    AccessCase(
        route="web:board_document_add",
        method="POST",
        url=lambda p: reverse("web:board_document_add"),
        data=upload,
        allowed=MANAGER,
        allowed_status=302,
        snapshot=board_snapshot,
    ),
    AccessCase(route="web:board_member_add", url=lambda p: reverse("web:board_member_add"), allowed=MANAGER),
    AccessCase(
        route="web:board_member_add",
        method="POST",
        url=lambda p: reverse("web:board_member_add"),
        data=lambda p: {"name": "Lou Lived", "kind": "lived_experience", "joined_on": "2026-01-01"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=board_snapshot,
    ),
    AccessCase(
        route="web:board_member_edit",
        url=lambda p: reverse("web:board_member_edit", args=[p.board_member.pk]),
        allowed=MANAGER,
    ),
    AccessCase(
        route="web:board_member_edit",
        method="POST",
        url=lambda p: reverse("web:board_member_edit", args=[p.board_member.pk]),
        data=lambda p: {"name": "Bea Board", "kind": "lived_experience", "joined_on": "2025-04-01", "left_on": ""},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=board_snapshot,
    ),
]
