"""The rules the participant services carry, told as stories about the personas."""

import threading

import pytest
from django.db import connection

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Consent, Enquiry, Participant
from coproduce.participants.services import (
    allocate_enquiry,
    record_consent,
    register_participant,
    submit_enquiry,
    update_participant,
    withdraw_consent,
)
from tests.personas import Personas


def test_kim_registers_someone_onto_her_own_caseload_with_their_consent(personas: Personas) -> None:
    kim = personas.keyworker.user
    participant = register_participant(
        actor=kim,
        given_name=" Rhona ",
        family_name="MacLeod",
        email="Rhona@Example.net",
        mobile="07700 900123",
        consent_how=Consent.How.IN_PERSON_SIGNED,
        children_birth_years=[2014, 2019],
    )
    assert participant.reference == "MIW-FIF-00004"
    assert (participant.given_name, participant.email, participant.mobile) == (
        "Rhona",
        "rhona@example.net",
        "+447700900123",
    )
    assert participant.keyworker == personas.keyworker
    assert participant.partnership == personas.fife
    assert sorted(participant.children.values_list("birth_year", flat=True)) == [2014, 2019]
    assert participant.consents.get().purpose == Consent.Purpose.SERVICE
    assert participant.user is not None
    assert not participant.user.has_usable_password()
    event = AuditEvent.objects.get(participant=participant)
    assert (event.actor, event.action, event.actor_role) == (kim, "create", "keyworker")


def test_registration_without_a_way_of_consenting_changes_nothing(personas: Personas) -> None:
    before = Participant.objects.count()
    with pytest.raises(InvalidInput) as error:
        register_participant(actor=personas.keyworker.user, given_name="A", family_name="B", consent_how="")
    assert "consent_how" in error.value.errors
    assert Participant.objects.count() == before


def test_registration_refuses_an_email_another_account_uses(personas: Personas) -> None:
    before = Participant.objects.count()
    with pytest.raises(InvalidInput) as error:
        register_participant(
            actor=personas.keyworker.user,
            given_name="A",
            family_name="B",
            email="PAT@example.net",
            consent_how=Consent.How.PHONE,
        )
    assert error.value.errors == {"email": ["Another account already uses this email address."]}
    assert Participant.objects.count() == before


def test_a_funder_cannot_register_anyone(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        register_participant(actor=personas.funder.user, given_name="A", family_name="B", consent_how="phone")


def test_the_second_of_two_edits_from_the_same_version_is_refused(personas: Personas) -> None:
    pat = personas.participant
    update_participant(
        actor=personas.keyworker.user, participant_id=pat.pk, expected_version=1, changes={"postcode": "ky2 5aa"}
    )
    with pytest.raises(ConflictError):
        update_participant(
            actor=personas.manager.user, participant_id=pat.pk, expected_version=1, changes={"postcode": "KY9 9ZZ"}
        )
    pat.refresh_from_db()
    assert (pat.postcode, pat.version) == ("KY2 5AA", 2)
    assert AuditEvent.objects.filter(participant=pat, action="change").count() == 1
    assert AuditEvent.objects.get(participant=pat, action="change").changed_fields == ["postcode"]


def test_changes_keep_a_history(personas: Personas) -> None:
    pat = personas.participant
    update_participant(
        actor=personas.keyworker.user, participant_id=pat.pk, expected_version=1, changes={"status": "paused"}
    )
    history = list(pat.history.order_by("history_date").values_list("status", flat=True))
    assert history[-2:] == ["active", "paused"]


def test_another_keyworker_cannot_edit_or_even_find_pat(personas: Personas) -> None:
    with pytest.raises(NotFound):
        update_participant(
            actor=personas.other_keyworker.user,
            participant_id=personas.participant.pk,
            expected_version=1,
            changes={"postcode": "X"},
        )


def test_a_participant_cannot_change_their_record_through_the_casework_service(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        update_participant(
            actor=personas.participant.user,
            participant_id=personas.participant.pk,
            expected_version=1,
            changes={"postcode": "X"},
        )


def test_unknown_fields_are_refused(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        update_participant(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            expected_version=1,
            changes={"keyworker": 1},
        )


def test_pat_can_withdraw_her_research_consent_herself(personas: Personas) -> None:
    consent = record_consent(
        actor=personas.keyworker.user,
        participant_id=personas.participant.pk,
        purpose="research",
        how="in_person_verbal",
    )
    withdrawn = withdraw_consent(actor=personas.participant.user, consent_id=consent.pk, how="online")
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawn_by == personas.participant.user
    with pytest.raises(DomainError):
        withdraw_consent(actor=personas.participant.user, consent_id=consent.pk, how="online")
    actions = list(AuditEvent.objects.filter(record_type="participants.Consent").values_list("action", flat=True))
    assert sorted(actions) == ["consent_given", "consent_withdrawn"]


def test_sharing_consent_names_an_organisation(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        record_consent(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            purpose="share_with_organisation",
            how="phone",
        )
    consent = record_consent(
        actor=personas.keyworker.user,
        participant_id=personas.participant.pk,
        purpose="share_with_organisation",
        how="phone",
        organisation_id=personas.partner_agency.pk,
    )
    assert consent.organisation == personas.partner_agency


def test_an_enquiry_needs_a_way_to_reply(personas: Personas) -> None:
    before = Enquiry.objects.count()
    with pytest.raises(InvalidInput) as error:
        submit_enquiry(name="Jo", partnership_id=personas.fife.pk, contact_by="email")
    assert "__all__" in error.value.errors
    assert Enquiry.objects.count() == before


def test_mo_allocates_an_enquiry_and_it_becomes_a_registration(personas: Personas) -> None:
    enquiry = allocate_enquiry(
        actor=personas.manager.user,
        enquiry_id=personas.enquiry.pk,
        expected_version=1,
        keyworker_id=personas.keyworker.pk,
    )
    assert (enquiry.status, enquiry.allocated_to) == ("allocated", personas.keyworker)
    participant = register_participant(
        actor=personas.keyworker.user,
        given_name="Erin",
        family_name="Enquirer",
        consent_how="phone",
        enquiry_id=enquiry.pk,
        create_account=False,
    )
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.participant) == ("registered", participant)


def test_glasgows_manager_cannot_allocate_a_fife_enquiry(personas: Personas) -> None:
    with pytest.raises(NotFound):
        allocate_enquiry(
            actor=personas.glasgow_manager.user,
            enquiry_id=personas.enquiry.pk,
            expected_version=1,
            keyworker_id=personas.glasgow_keyworker.pk,
        )
    personas.enquiry.refresh_from_db()
    assert personas.enquiry.status == "waiting"


def test_an_enquiry_cannot_go_to_a_keyworker_in_another_area(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        allocate_enquiry(
            actor=personas.manager.user,
            enquiry_id=personas.enquiry.pk,
            expected_version=1,
            keyworker_id=personas.glasgow_keyworker.pk,
        )


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_never_both_win(transactional_db: None) -> None:
    """On PostgreSQL the row lock makes the slower edit wait, then fail on the version check."""
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent transactions need PostgreSQL; SQLite serialises writers itself.")
    from tests.personas import build_personas

    personas = build_personas()
    pat_id = personas.participant.pk
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(actor: object, postcode: str) -> None:
        from django.db import connections

        try:
            barrier.wait()
            update_participant(actor=actor, participant_id=pat_id, expected_version=1, changes={"postcode": postcode})
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(personas.keyworker.user, "KY1 1AA")),
        threading.Thread(target=edit, args=(personas.manager.user, "KY2 2BB")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Participant.objects.get(pk=pat_id).version == 2
