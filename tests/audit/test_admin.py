"""Ada (administrator) reads the audit log in the admin without learning who any participant is,
and sees where sealing and the checks stand; nobody can add, change or delete a row there."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coproduce.audit.models import AuditEvent, AuditSeal, AuditVerification
from coproduce.audit.sealing import seal_audit_log
from coproduce.audit.verification import check_audit_log
from tests.audit.logbook import execute, triggers_off
from tests.personas import Personas


@pytest.fixture
def ada(personas: Personas, client_for: Callable[[str], Client]) -> Client:
    return client_for("administrator")


@pytest.fixture
def events_about_pat(personas: Personas) -> tuple[AuditEvent, AuditEvent]:
    """Kim looked at Pat's record; Pat looked at her own."""
    pat = personas.participant
    by_kim = AuditEvent.objects.create(
        actor=personas.keyworker.user,
        actor_role="keyworker",
        action=AuditEvent.Action.VIEW,
        channel=AuditEvent.Channel.PAGE,
        participant=pat,
        record_type="participants.Participant",
        record_id=str(pat.pk),
        purpose="Casework",
        path=f"/participants/{pat.pk}/",
    )
    by_pat = AuditEvent.objects.create(
        actor=pat.user,
        actor_role="participant",
        action=AuditEvent.Action.VIEW,
        channel=AuditEvent.Channel.PAGE,
        participant=pat,
        record_type="participants.Participant",
        record_id=str(pat.pk),
        purpose="Own record",
        path="/me/",
    )
    return by_kim, by_pat


def pats_identity(personas: Personas) -> list[str]:
    pat = personas.participant
    # Not her family name alone: "Participant" is also the record type.
    return [f"{pat.given_name} {pat.family_name}", pat.reference, pat.email, pat.mobile]


def assert_nothing_identifies_pat(body: str, personas: Personas) -> None:
    for secret in pats_identity(personas):
        assert secret not in body, f"the admin shows {secret!r}"


def test_the_event_list_shows_participants_only_as_numbers(
    ada: Client, personas: Personas, events_about_pat: tuple[AuditEvent, AuditEvent]
) -> None:
    response = ada.get("/admin/audit/auditevent/")

    assert response.status_code == 200
    body = response.content.decode()
    assert_nothing_identifies_pat(body, personas)
    assert f'<td class="field-participant_number">{personas.participant.pk}</td>' in body
    assert f'<td class="field-actor_shown">User {personas.participant.user.pk}</td>' in body
    assert '<td class="field-actor_shown">Kim Keyworker</td>' in body
    assert "participant" not in response.context["cl"].list_filter


def test_an_event_page_shows_the_participant_as_a_number(
    ada: Client, personas: Personas, events_about_pat: tuple[AuditEvent, AuditEvent]
) -> None:
    _, by_pat = events_about_pat

    response = ada.get(f"/admin/audit/auditevent/{by_pat.pk}/change/")

    assert response.status_code == 200
    body = response.content.decode()
    assert_nothing_identifies_pat(body, personas)
    assert f'<div class="readonly">{personas.participant.pk}</div>' in body
    assert f'<div class="readonly">User {personas.participant.user.pk}</div>' in body
    assert "/admin/participants/" not in body  # no link to the participant's own admin page


def test_searching_for_a_participant_finds_nothing_that_names_them(
    ada: Client, personas: Personas, events_about_pat: tuple[AuditEvent, AuditEvent]
) -> None:
    pat = personas.participant
    for term in (pat.reference, pat.family_name):
        response = ada.get("/admin/audit/auditevent/", {"q": term})
        assert response.context["cl"].result_count == 0, term
    by_number = ada.get("/admin/audit/auditevent/", {"q": str(pat.pk)})
    assert by_number.context["cl"].result_count == 2


def test_the_event_list_costs_the_same_queries_however_many_events(
    ada: Client, events_about_pat: tuple[AuditEvent, AuditEvent], personas: Personas
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ada.get("/admin/audit/auditevent/").status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for _ in range(10):
        AuditEvent.objects.create(
            actor=personas.other_keyworker.user,
            actor_role="keyworker",
            action="view",
            channel="page",
            record_type="x.Y",
            record_id="1",
        )
    assert queries() == few


def test_nobody_adds_changes_or_deletes_audit_rows_in_the_admin(
    ada: Client, events_about_pat: tuple[AuditEvent, AuditEvent]
) -> None:
    event, _ = events_about_pat
    seal_audit_log()
    seal = AuditSeal.objects.get()
    for model, row in (("auditevent", event.pk), ("auditseal", seal.pk)):
        assert ada.get(f"/admin/audit/{model}/add/").status_code == 403
        assert ada.post(f"/admin/audit/{model}/{row}/change/", {"purpose": "x"}).status_code == 403
        assert ada.post(f"/admin/audit/{model}/{row}/delete/", {"post": "yes"}).status_code == 403
        ada.post(f"/admin/audit/{model}/", {"action": "delete_selected", "_selected_action": [row], "post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk, purpose="Casework").exists()
    assert AuditSeal.objects.filter(pk=seal.pk).exists()


def test_the_seal_list_says_where_sealing_and_checking_stand(
    ada: Client, events_about_pat: tuple[AuditEvent, AuditEvent]
) -> None:
    seal_audit_log()
    check_audit_log(notify=False)
    AuditEvent.objects.create(action="view", channel="system", record_type="x.Y", record_id="1")
    seal = AuditSeal.objects.get()

    response = ada.get("/admin/audit/auditseal/")

    assert response.status_code == 200
    status = response.context["checkpoint_status"]
    assert (status.last_seal, status.last_checkpoint_sequence, status.in_step, status.unsealed_events) == (
        seal,
        1,
        True,
        1,
    )
    body = response.content.decode()
    assert f"Seal 1, events up to {seal.last_event_id}" in body
    assert "in step with the database" in body
    assert "Passed" in body
    assert ada.get(f"/admin/audit/auditseal/{seal.pk}/change/").status_code == 200


def test_a_failed_check_shows_in_the_admin(
    ada: Client, personas: Personas, events_about_pat: tuple[AuditEvent, AuditEvent]
) -> None:
    by_kim, _ = events_about_pat
    seal_audit_log()
    with triggers_off():
        execute("UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s", [by_kim.pk])
    _, check = check_audit_log(notify=False)

    seals = ada.get("/admin/audit/auditseal/").content.decode()
    checks = ada.get("/admin/audit/auditverification/", {"outcome__exact": "failed"})

    assert "<strong>Failed</strong>" in seals
    assert checks.context["cl"].result_count == 1
    page = ada.get(f"/admin/audit/auditverification/{check.pk}/change/").content.decode()
    assert f"Event {by_kim.pk} (" in page
    assert_nothing_identifies_pat(page, personas)
    assert AuditVerification.objects.get().outcome == "failed"


def test_staff_who_are_not_administrators_cannot_read_the_audit_in_the_admin(
    client_for: Callable[[str], Client], events_about_pat: tuple[AuditEvent, AuditEvent]
) -> None:
    for role in ("keyworker", "partnership_manager", "participant"):
        response = client_for(role).get("/admin/audit/auditevent/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
