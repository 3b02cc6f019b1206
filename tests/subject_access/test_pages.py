"""The pages: Pat asks for and downloads his copy; Mo logs, decides on, releases and hands over a
request made to staff, and sees late ones on her home page. Query counts stay the same however
many requests or restricted notes there are."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coproduce.audit.models import AuditEvent
from coproduce.subject_access.models import NoteDecision, PreparedCopy, SubjectAccessRequest
from coproduce.subject_access.services import log_request
from tests.personas import Personas
from tests.plans.factories import ContactFactory
from tests.subject_access.copies import open_copy
from tests.subject_access.story import HIDDEN_NOTE, OPEN_NOTE, SOFTER_NOTE, PatsRecord, build_pats_record

OnCommit = Callable[..., Any]
Status = SubjectAccessRequest.Status


@pytest.fixture
def pat(client_for: Callable[[str], Client]) -> Client:
    return client_for("participant")


@pytest.fixture
def mo(client_for: Callable[[str], Client]) -> Client:
    return client_for("partnership_manager")


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def log(personas: Personas, received_on: datetime.date | None = None, participant: Any = None) -> SubjectAccessRequest:
    return log_request(
        actor=personas.manager.user,
        participant_id=(participant or personas.participant).pk,
        received_on=received_on or timezone.localdate(),
        how_made="email",
        identity_checked="questions",
    )


# ---- Pat ----------------------------------------------------------------------------------------


def test_my_page_links_to_the_copy(personas: Personas, pat: Client) -> None:
    assert reverse("web:my_data") in pat.get(reverse("web:my_page")).content.decode()


def test_pat_asks_for_his_copy_and_downloads_it(
    personas: Personas, pat: Client, django_capture_on_commit_callbacks: OnCommit
) -> None:
    page = pat.get(reverse("web:my_data"))
    assert "You have not asked for a copy yet." in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = pat.post(reverse("web:my_data"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:my_data")
    page = text(pat.get(reverse("web:my_data")))
    request = SubjectAccessRequest.objects.get()
    assert "Your copy is ready" in page
    assert f"Made on {timezone.localtime(request.prepared_at):%-d %B %Y}" in page

    download = pat.get(reverse("web:my_data_download", args=[request.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == (
        f'attachment; filename="my-data-MIW-FIF-00001-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    assert open_copy(download.content).data["details"]["given_name"] == "Pat"
    export = AuditEvent.objects.get(action="export", participant=personas.participant)
    assert (export.actor_id, export.channel, export.purpose, export.path) == (
        personas.participant.user.pk,
        "export",
        "Subject access request",
        reverse("web:my_data_download", args=[request.pk]),
    )


def test_while_it_is_prepared_the_page_says_so(
    personas: Personas, pat: Client, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        pat.post(reverse("web:my_data"))
    page = text(pat.get(reverse("web:my_data")))
    assert "We are preparing your copy." in page
    assert "Check if it is ready" in page
    assert "Ask for a" not in page
    request = SubjectAccessRequest.objects.get()
    download = pat.get(reverse("web:my_data_download", args=[request.pk]))
    assert download.status_code == 302
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_released_copy_of_a_request_made_to_staff_is_on_his_page_too(
    personas: Personas, pat: Client, mo: Client, django_capture_on_commit_callbacks: OnCommit
) -> None:
    request = log(personas)
    assert "Copies the partnership sent you" not in text(pat.get(reverse("web:my_data")))
    with django_capture_on_commit_callbacks(execute=True):
        mo.post(reverse("web:subject_access_prepare", args=[request.pk]), {"version": request.version})
    request.refresh_from_db()
    mo.post(reverse("web:subject_access_release", args=[request.pk]), {"version": request.version})
    page = text(pat.get(reverse("web:my_data")))
    assert f"Request {request.reference}" in page
    assert pat.get(reverse("web:my_data_download", args=[request.pk])).status_code == 200


def test_nobody_else_downloads_pats_copy(
    personas: Personas, client_for: Callable[[str], Client], django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for("participant").post(reverse("web:my_data"))
    request = SubjectAccessRequest.objects.get()
    url = reverse("web:my_data_download", args=[request.pk])
    for role in ("keyworker", "partnership_manager", "administrator", "board_member"):
        assert client_for(role).get(url).status_code == 403, role


# ---- Mo -----------------------------------------------------------------------------------------


def test_mo_logs_a_request_from_the_participants_record(personas: Personas, mo: Client) -> None:
    record = mo.get(reverse("web:participant_detail", args=[personas.participant.pk]))
    add_url = reverse("web:subject_access_add", args=[personas.participant.pk])
    assert add_url in record.content.decode()
    refused = mo.post(add_url, {"received_on": "", "how_made": "letter", "made_by": "representative"})
    assert refused.status_code == 400
    page = text(refused)
    assert "Enter the date the request was received." in page
    assert "Choose how you checked who they are." in page
    assert not SubjectAccessRequest.objects.exists()
    response = mo.post(
        add_url,
        {
            "received_on": "2026-09-03",
            "how_made": "letter",
            "made_by": "representative",
            "representative_name": "Ms A. Advocate",
            "representative_authority": "Signed letter of authority",
            "identity_checked": "documents",
            "identity_note": "",
        },
    )
    request = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:subject_access_detail", args=[request.pk])
    detail = text(mo.get(response["Location"]))
    assert "5 October 2026" in detail
    assert "Ms A. Advocate, acting for them" in detail


def test_mo_decides_note_by_note_releases_and_hands_over(
    personas: Personas, mo: Client, django_capture_on_commit_callbacks: OnCommit
) -> None:
    record: PatsRecord = build_pats_record(personas)
    request = log(personas)
    detail_url = reverse("web:subject_access_detail", args=[request.pk])
    page = text(mo.get(detail_url))
    assert "2 notes about them are restricted" in page
    assert "2 still need your decision." in page

    for note, answer in ((record.hidden_note, "yes"), (record.softer_note, "no")):
        url = reverse("web:subject_access_note_decision", args=[request.pk, note.pk])
        assert escape(note.notes) in text(mo.get(url))
        request.refresh_from_db()
        response = mo.post(url, {"version": request.version, "exemption_applies": answer, "reason": "Considered."})
        assert response.status_code == 302
    assert sorted(NoteDecision.objects.values_list("contact_id", "exemption_applies")) == sorted(
        [(record.hidden_note.pk, True), (record.softer_note.pk, False)]
    )

    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        mo.post(reverse("web:subject_access_prepare", args=[request.pk]), {"version": request.version})
    page = text(mo.get(detail_url))
    assert "1 restricted note is withheld" in page
    request.refresh_from_db()
    assert (
        mo.post(reverse("web:subject_access_release", args=[request.pk]), {"version": request.version}).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == Status.RELEASED

    download = mo.get(reverse("web:subject_access_download", args=[request.pk]))
    opened = open_copy(download.content)
    assert sorted(contact["notes"] for contact in opened.data["contacts"]) == sorted([OPEN_NOTE, SOFTER_NOTE])
    assert not opened.contains(HIDDEN_NOTE)
    assert AuditEvent.objects.filter(action="export", actor=personas.manager.user, channel="export").count() == 1


def test_a_stale_release_shows_the_conflict_and_changes_nothing(
    personas: Personas, mo: Client, django_capture_on_commit_callbacks: OnCommit
) -> None:
    request = log(personas)
    with django_capture_on_commit_callbacks(execute=True):
        mo.post(reverse("web:subject_access_prepare", args=[request.pk]), {"version": request.version})
    stale = request.version
    response = mo.post(reverse("web:subject_access_release", args=[request.pk]), {"version": stale})
    assert response.status_code == 409
    assert "Someone else changed this record" in text(response)
    request.refresh_from_db()
    assert request.status == Status.PREPARED


def test_mo_extends_the_deadline_with_a_reason(personas: Personas, mo: Client) -> None:
    request = log(personas)
    url = reverse("web:subject_access_extend", args=[request.pk])
    assert mo.post(url, {"version": request.version, "months": "1", "reason": ""}).status_code == 400
    response = mo.post(url, {"version": request.version, "months": "2", "reason": "Records in two areas."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.extended_by_months == 2
    assert "Extended by 2 months" in text(mo.get(reverse("web:subject_access_detail", args=[request.pk])))


def test_late_and_soon_due_requests_are_flagged_on_mos_home_page(personas: Personas, mo: Client) -> None:
    assert "Requests for a copy of someone's data" not in text(mo.get(reverse("web:area_overview")))
    today = timezone.localdate()
    log(personas, today - datetime.timedelta(days=45))
    log(personas, today - datetime.timedelta(days=26))
    page = text(mo.get(reverse("web:area_overview")))
    assert "Requests for a copy of someone's data: 1 overdue, 1 due within a week" in page
    listing = text(mo.get(reverse("web:subject_access_list")))
    assert listing.count("Overdue") == 1
    assert listing.count("Due within a week") == 1
    assert "Requests for a copy of someone's data" not in text(
        Client().get(reverse("web:area_overview"))
    )  # anonymous: sent to sign in, nothing shown


def test_the_list_is_audited_as_a_list_of_names(personas: Personas, mo: Client) -> None:
    log(personas)
    mo.get(reverse("web:subject_access_list"))
    assert AuditEvent.objects.filter(action="list", participant=personas.participant).count() == 1


def test_the_list_takes_the_same_queries_for_1_or_20_requests(
    personas: Personas, mo: Client, django_assert_num_queries: Callable[..., Any]
) -> None:
    log(personas)
    mo.get(reverse("web:subject_access_list"))  # the session's first save is not the page's
    with django_assert_num_queries(LIST_QUERIES):
        assert mo.get(reverse("web:subject_access_list")).status_code == 200
    for _ in range(19):
        log(personas, participant=personas.second_participant)
    with django_assert_num_queries(LIST_QUERIES):
        assert mo.get(reverse("web:subject_access_list")).status_code == 200


def test_the_request_page_takes_the_same_queries_for_1_or_6_restricted_notes(
    personas: Personas, mo: Client, django_assert_num_queries: Callable[..., Any]
) -> None:
    restricted = {
        "restricted_at": timezone.now(),
        "restricted_reason": "Safeguarding",
        "restricted_by": personas.keyworker.user,
    }
    ContactFactory(participant=personas.participant, **restricted)
    request = log(personas)
    url = reverse("web:subject_access_detail", args=[request.pk])
    mo.get(url)  # the session's first save is not the page's
    with django_assert_num_queries(DETAIL_QUERIES):
        assert mo.get(url).status_code == 200
    for _ in range(5):
        note = ContactFactory(participant=personas.participant, **restricted)
        NoteDecision.objects.create(
            request=request,
            contact=note,
            exemption_applies=True,
            reason="Serious harm",
            decided_by=personas.manager.user,
            decided_at=timezone.now(),
        )
    with django_assert_num_queries(DETAIL_QUERIES):
        assert mo.get(url).status_code == 200


# Session and user (2), the manager's actor (3), the partnership and its members (2), the requests
# counted and the page of them (2), the audit of the names shown (1).
LIST_QUERIES = 10
# Session and user (2), the manager's actor (3), the request with its people (1), the restricted
# notes and their decisions (2), the audit (1).
DETAIL_QUERIES = 9


def test_only_the_areas_manager_reaches_a_request(personas: Personas, client_for: Callable[[str], Client]) -> None:
    request = log(personas)
    glen = client_for("partnership_manager")
    glen.force_login(personas.glasgow_manager.user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
    assert glen.get(reverse("web:subject_access_detail", args=[request.pk])).status_code == 404
    assert "MIW-FIF-00001" not in text(glen.get(reverse("web:subject_access_list")))
    assert not PreparedCopy.objects.exists()
