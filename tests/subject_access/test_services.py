"""Requests made to staff: Mo (Fife's manager) logs Pat's request, decides on each restricted note,
prepares and releases the copy. And the rules around it: deadlines, extensions, concurrent
edits, preparations overtaken by decisions, failures, and how long copies are kept."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.plans.services.contacts import restrict_contact
from coproduce.subject_access import services
from coproduce.subject_access.models import NoteDecision, PreparedCopy, SubjectAccessRequest
from coproduce.subject_access.selectors import requests_needing_attention, requests_visible_to
from coproduce.subject_access.services import (
    CopyNotReady,
    ask_for_own_copy,
    copy_for_download,
    delete_expired_copies,
    extend_deadline,
    log_request,
    prepare_copy,
    record_note_decision,
    release_copy,
)
from tests.personas import Personas
from tests.plans.factories import ContactFactory
from tests.subject_access.copies import open_copy
from tests.subject_access.story import HIDDEN_NOTE, OPEN_NOTE, SOFTER_NOTE, PatsRecord, build_pats_record

Status = SubjectAccessRequest.Status
OnCommit = Callable[..., Any]


@pytest.fixture
def record(personas: Personas) -> PatsRecord:
    return build_pats_record(personas)


def logged(personas: Personas, **changes: Any) -> SubjectAccessRequest:
    details: dict[str, Any] = {
        "received_on": timezone.localdate(),
        "how_made": "letter",
        "identity_checked": "photo_id",
        "identity_note": "Passport seen at the centre",
    } | changes
    return log_request(actor=personas.manager.user, participant_id=personas.participant.pk, **details)


def fresh(request: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.get(pk=request.pk)


def prepared(personas: Personas, request: SubjectAccessRequest, on_commit: OnCommit) -> SubjectAccessRequest:
    with on_commit(execute=True):
        prepare_copy(actor=personas.manager.user, request_id=request.pk, expected_version=fresh(request).version)
    return fresh(request)


def decide(personas: Personas, request: SubjectAccessRequest, note: Any, *, withhold: bool) -> NoteDecision:
    return record_note_decision(
        actor=personas.manager.user,
        request_id=request.pk,
        expected_version=fresh(request).version,
        contact_id=note.pk,
        exemption_applies=withhold,
        reason="Her GP advised against it." if withhold else "Nothing in it would harm him.",
    )


def test_mo_logs_a_request_made_by_letter_with_its_legal_due_date(personas: Personas) -> None:
    request = logged(personas, received_on=datetime.date(2026, 9, 3))
    assert request.reference == f"SAR-{request.pk:05d}"
    assert request.kind == SubjectAccessRequest.Kind.MADE_TO_STAFF
    assert request.status == Status.RECEIVED
    assert request.due_on == datetime.date(2026, 10, 5)  # 4 October 2026 is a Sunday
    assert AuditEvent.objects.filter(
        record_type="subject_access.SubjectAccessRequest", record_id=str(request.pk), action="create"
    ).values_list("actor_id", "participant_id", "purpose").get() == (
        personas.manager.user.pk,
        personas.participant.pk,
        "Subject access request",
    )


def test_someone_acting_for_them_must_be_named_with_their_authority(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as refused:
        logged(personas, made_by="representative")
    assert refused.value.errors == {
        "representative_name": ["Give the name of the person acting for them."],
        "representative_authority": ["Say how you checked they may act for the participant."],
    }
    assert not SubjectAccessRequest.objects.exists()
    request = logged(
        personas,
        made_by="representative",
        representative_name="Ms A. Advocate",
        representative_authority="Signed letter of authority",
    )
    assert (request.representative_name, request.representative_authority) == (
        "Ms A. Advocate",
        "Signed letter of authority",
    )


def test_bad_details_are_refused_with_every_problem_and_nothing_logged(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as refused:
        logged(
            personas,
            received_on=timezone.localdate() + datetime.timedelta(days=1),
            how_made="online",
            identity_checked="signed_in",
        )
    assert set(refused.value.errors) == {"received_on", "how_made", "identity_checked"}
    assert not SubjectAccessRequest.objects.exists()


def test_only_the_manager_of_their_area_logs_a_request(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        log_request(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            received_on=timezone.localdate(),
            how_made="in_person",
            identity_checked="known_in_person",
        )
    with pytest.raises(NotFound):
        log_request(
            actor=personas.glasgow_manager.user,
            participant_id=personas.participant.pk,
            received_on=timezone.localdate(),
            how_made="in_person",
            identity_checked="known_in_person",
        )
    assert not SubjectAccessRequest.objects.exists()


def test_note_by_note_decisions_decide_what_the_released_copy_holds(
    personas: Personas, record: PatsRecord, django_capture_on_commit_callbacks: OnCommit
) -> None:
    request = prepared(personas, logged(personas), django_capture_on_commit_callbacks)
    assert request.status == Status.PREPARED
    # Undecided notes are left out, and the copy cannot be released until each is decided.
    copy = PreparedCopy.objects.get(request=request)
    assert sorted(copy.withheld_note_ids) == sorted([record.hidden_note.pk, record.softer_note.pk])
    with pytest.raises(DomainError, match="Decide on every restricted note"):
        release_copy(actor=personas.manager.user, request_id=request.pk, expected_version=request.version)

    decide(personas, request, record.hidden_note, withhold=True)
    decide(personas, request, record.softer_note, withhold=False)
    # A decision puts the prepared copy out of date: it is deleted and must be prepared again.
    assert fresh(request).status == Status.RECEIVED
    assert not PreparedCopy.objects.filter(request=request).exists()
    with pytest.raises(DomainError, match="Prepare the copy first"):
        release_copy(actor=personas.manager.user, request_id=request.pk, expected_version=fresh(request).version)

    request = prepared(personas, request, django_capture_on_commit_callbacks)
    release_copy(actor=personas.manager.user, request_id=request.pk, expected_version=request.version)
    request = fresh(request)
    assert request.status == Status.RELEASED
    assert request.released_by == personas.manager.user

    with audit_context(channel=AuditEvent.Channel.EXPORT):
        _, copy = copy_for_download(actor=personas.manager.user, request_id=request.pk)
    opened = open_copy(bytes(copy.content))
    assert sorted(contact["notes"] for contact in opened.data["contacts"]) == sorted([OPEN_NOTE, SOFTER_NOTE])
    assert not opened.contains(HIDDEN_NOTE)
    assert opened.data["about"]["request"]["reference"] == request.reference
    # Read as Mo, it holds everything Pat's own copy holds (bar the note withheld).
    assert opened.data["research"]["pseudonym"] == "R-TESTPAT"
    assert [referral["organisation"] for referral in opened.data["referrals"]] == [
        "Kingdom Money Advice",
        "Fife Childcare Links",
    ]
    assert [goal["title"] for goal in opened.data["goals"]] == ["Work in care, in school hours", "Learn to drive"]
    assert opened.data["account"]["sign_in_name"] == "pat@example.net"
    # Events about the released note are in "who looked"; none about the withheld one.
    decisions = [event for event in opened.data["who_looked"] if "serious_harm_decision" in event["changed_fields"]]
    assert len(decisions) == 1
    assert AuditEvent.objects.filter(
        record_type="subject_access.SubjectAccessRequest", record_id=str(request.pk), action="export"
    ).values_list("actor_id", "channel", "purpose").get() == (
        personas.manager.user.pk,
        "export",
        "Subject access request",
    )


def test_after_release_pat_finds_the_copy_in_his_own_space(
    personas: Personas, record: PatsRecord, django_capture_on_commit_callbacks: OnCommit
) -> None:
    pat = personas.participant.user
    request = prepared(personas, logged(personas), django_capture_on_commit_callbacks)
    # Before release, the request is the manager's to work on: Pat does not see it.
    assert not requests_visible_to(pat).filter(pk=request.pk).exists()
    with pytest.raises(NotFound):
        copy_for_download(actor=pat, request_id=request.pk)
    decide(personas, request, record.hidden_note, withhold=True)
    decide(personas, request, record.softer_note, withhold=True)
    request = prepared(personas, request, django_capture_on_commit_callbacks)
    release_copy(actor=personas.manager.user, request_id=request.pk, expected_version=request.version)
    assert requests_visible_to(pat).filter(pk=request.pk).exists()
    _, copy = copy_for_download(actor=pat, request_id=request.pk)
    assert [contact["notes"] for contact in open_copy(bytes(copy.content)).data["contacts"]] == [OPEN_NOTE]


def test_two_managers_deciding_at_once_never_overwrite_each_other(personas: Personas, record: PatsRecord) -> None:
    request = logged(personas)
    version = request.version
    record_note_decision(
        actor=personas.manager.user,
        request_id=request.pk,
        expected_version=version,
        contact_id=record.hidden_note.pk,
        exemption_applies=True,
        reason="First",
    )
    with pytest.raises(ConflictError):
        record_note_decision(
            actor=personas.manager.user,
            request_id=request.pk,
            expected_version=version,
            contact_id=record.hidden_note.pk,
            exemption_applies=False,
            reason="Second",
        )
    assert NoteDecision.objects.get().reason == "First"


def test_a_decision_needs_a_reason_and_a_restricted_note_of_theirs(personas: Personas, record: PatsRecord) -> None:
    request = logged(personas)
    with pytest.raises(InvalidInput):
        record_note_decision(
            actor=personas.manager.user,
            request_id=request.pk,
            expected_version=request.version,
            contact_id=record.hidden_note.pk,
            exemption_applies=True,
            reason="  ",
        )
    pauls_note = ContactFactory(participant=personas.second_participant)
    open_note = personas.participant.contacts.get(restricted_at__isnull=True)
    for note in (pauls_note, open_note):
        with pytest.raises(NotFound):
            record_note_decision(
                actor=personas.manager.user,
                request_id=request.pk,
                expected_version=request.version,
                contact_id=note.pk,
                exemption_applies=True,
                reason="No",
            )
    assert not NoteDecision.objects.exists()
    assert fresh(request).version == request.version


def test_a_preparation_overtaken_by_a_decision_stores_nothing(
    personas: Personas, record: PatsRecord, django_capture_on_commit_callbacks: OnCommit
) -> None:
    request = logged(personas)
    with django_capture_on_commit_callbacks() as queued:
        prepare_copy(actor=personas.manager.user, request_id=request.pk, expected_version=request.version)
    decide(personas, request, record.hidden_note, withhold=True)
    for run_the_task in queued:
        run_the_task()  # the worker gets to it only now
    assert fresh(request).status == Status.RECEIVED
    assert not PreparedCopy.objects.exists()


def test_a_note_restricted_after_preparing_stops_the_release(
    personas: Personas, record: PatsRecord, django_capture_on_commit_callbacks: OnCommit
) -> None:
    request = logged(personas)
    decide(personas, request, record.hidden_note, withhold=True)
    decide(personas, request, record.softer_note, withhold=False)
    request = prepared(personas, request, django_capture_on_commit_callbacks)
    late = personas.participant.contacts.get(restricted_at__isnull=True)
    restrict_contact(actor=personas.keyworker.user, contact_id=late.pk, expected_version=late.version, reason="Late")
    with pytest.raises(DomainError, match="Decide on every restricted note"):
        release_copy(actor=personas.manager.user, request_id=request.pk, expected_version=request.version)
    assert fresh(request).status == Status.PREPARED


def test_the_deadline_extends_by_up_to_two_months_with_a_reason_within_the_first_month(personas: Personas) -> None:
    request = logged(personas, received_on=timezone.localdate() - datetime.timedelta(days=3))
    with pytest.raises(InvalidInput) as refused:
        extend_deadline(
            actor=personas.manager.user, request_id=request.pk, expected_version=request.version, months=3, reason=""
        )
    assert set(refused.value.errors) == {"months", "reason"}
    request = extend_deadline(
        actor=personas.manager.user,
        request_id=request.pk,
        expected_version=request.version,
        months=1,
        reason="Records held in two areas",
    )
    assert request.due_on == services.due_date(request.received_on, extended_by_months=1)
    request = extend_deadline(
        actor=personas.manager.user, request_id=request.pk, expected_version=request.version, months=2, reason="More"
    )
    assert (request.extended_by_months, request.extension_reason) == (2, "More")
    with pytest.raises(InvalidInput):
        extend_deadline(
            actor=personas.manager.user, request_id=request.pk, expected_version=request.version, months=2, reason="x"
        )

    late = logged(personas, received_on=timezone.localdate() - datetime.timedelta(days=40))
    with pytest.raises(DomainError, match="within the first month"):
        extend_deadline(
            actor=personas.manager.user, request_id=late.pk, expected_version=late.version, months=1, reason="Late"
        )
    assert fresh(late).extended_by_months == 0


def test_overdue_and_soon_due_requests_are_counted_for_the_manager(personas: Personas) -> None:
    today = timezone.localdate()
    logged(personas, received_on=today - datetime.timedelta(days=40))  # overdue
    logged(personas, received_on=today - datetime.timedelta(days=27))  # due within a week
    logged(personas, received_on=today)  # due in a month
    attention = requests_needing_attention(personas.manager.user, today=today)
    assert (attention.overdue, attention.due_soon) == (1, 1)
    assert attention.oldest_due_on == services.due_date(today - datetime.timedelta(days=40))
    assert not requests_needing_attention(personas.glasgow_manager.user, today=today).any
    assert not requests_needing_attention(personas.keyworker.user, today=today).any


def test_asking_twice_while_a_copy_is_prepared_gives_the_same_request(
    personas: Personas, django_capture_on_commit_callbacks: OnCommit
) -> None:
    pat = personas.participant.user
    with django_capture_on_commit_callbacks():
        first = ask_for_own_copy(actor=pat)
        second = ask_for_own_copy(actor=pat)
    assert first.pk == second.pk
    assert SubjectAccessRequest.objects.count() == 1


def test_a_new_own_copy_replaces_the_old_one(personas: Personas, django_capture_on_commit_callbacks: OnCommit) -> None:
    pat = personas.participant.user
    with django_capture_on_commit_callbacks(execute=True):
        first = ask_for_own_copy(actor=pat)
    with django_capture_on_commit_callbacks(execute=True):
        second = ask_for_own_copy(actor=pat)
    assert list(PreparedCopy.objects.values_list("request_id", flat=True)) == [second.pk]
    with pytest.raises(CopyNotReady, match="deleted"):
        copy_for_download(actor=pat, request_id=first.pk)


def test_only_participants_ask_for_their_own_copy(personas: Personas) -> None:
    for someone in (personas.keyworker.user, personas.manager.user, personas.administrator):
        with pytest.raises(NotAllowed):
            ask_for_own_copy(actor=someone)
    assert not SubjectAccessRequest.objects.exists()


def test_a_failed_preparation_says_so_and_can_be_asked_for_again(
    personas: Personas, django_capture_on_commit_callbacks: OnCommit, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the PDF could not be drawn")

    monkeypatch.setattr(services, "make_package", broken)
    pat = personas.participant.user
    with django_capture_on_commit_callbacks(execute=True):
        first = ask_for_own_copy(actor=pat)
    assert fresh(first).status == Status.FAILED
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        second = ask_for_own_copy(actor=pat)
    assert second.pk != first.pk
    assert fresh(second).status == Status.RELEASED


def test_copies_are_deleted_after_30_days_and_the_request_is_kept(
    personas: Personas, django_capture_on_commit_callbacks: OnCommit
) -> None:
    pat = personas.participant.user
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_for_own_copy(actor=pat)
    made_at = PreparedCopy.objects.get().made_at
    assert delete_expired_copies(now=made_at + datetime.timedelta(days=29)) == 0
    assert delete_expired_copies(now=made_at + datetime.timedelta(days=30)) == 1
    assert not PreparedCopy.objects.exists()
    assert fresh(request).status == Status.RELEASED
    assert AuditEvent.objects.filter(
        record_id=str(request.pk), record_type="subject_access.SubjectAccessRequest", changed_fields=["copy_deleted"]
    ).values_list("actor", "purpose").get() == (None, "Subject access request")
    with pytest.raises(CopyNotReady):
        copy_for_download(actor=pat, request_id=request.pk)
