import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Consent
from coproduce.referrals import services
from coproduce.referrals.models import Referral, SharedField
from coproduce.referrals.selectors import referrals_visible_to, visible_referral
from tests.personas import Personas
from tests.plans.factories import GoalFactory
from tests.referrals.conftest import A_FRIDAY
from tests.referrals.factories import PartnerEntryFactory, PartnerServiceFactory, ReferralFactory

State = Referral.State
Clock = Callable[[datetime.datetime], None]


def snapshot(referral: Referral) -> tuple[Any, ...]:
    row = Referral.objects.get(pk=referral.pk)
    return (
        row.state,
        row.version,
        row.consent_id,
        list(row.shared_fields),
        row.sent_at,
        row.answered_at,
        row.started_on,
        row.ended_on,
        row.withdrawn_at,
        Consent.objects.count(),
        AuditEvent.objects.count(),
    )


def events_for(referral: Referral) -> list[tuple[str, str, list[str]]]:
    return list(
        AuditEvent.objects.filter(record_type="referrals.Referral", record_id=str(referral.pk))
        .order_by("pk")
        .values_list("action", "actor__username", "changed_fields")
    )


# --- Proposing -------------------------------------------------------------------------------


def test_kim_proposes_a_referral_for_paula_with_nothing_shared_yet(personas: Personas) -> None:
    goal = GoalFactory(participant=personas.second_participant)

    with audit_context(path="/test/"):
        referral = services.propose_referral(
            actor=personas.keyworker.user,
            participant=personas.second_participant,
            service=personas.partner_service,
            reason="  Help with rent arrears.  ",
            goal=goal,
        )

    assert (referral.state, referral.kind, referral.proposed_by, referral.proposed_by_user) == (
        State.PROPOSED,
        Referral.Kind.REFERRAL,
        Referral.ProposedBy.KEYWORKER,
        personas.keyworker.user,
    )
    assert (referral.organisation, referral.reason, referral.goal, referral.consent, referral.shared_fields) == (
        personas.partner_agency,
        "Help with rent arrears.",
        goal,
        None,
        [],
    )
    assert events_for(referral) == [
        ("create", "kim@fifelpt.example.org", ["goal", "organisation", "reason", "service", "state"])
    ]
    event = AuditEvent.objects.get(record_type="referrals.Referral", record_id=str(referral.pk))
    assert (event.participant_id, event.path, event.actor_role) == (
        personas.second_participant.pk,
        "/test/",
        "keyworker",
    )


def test_pat_proposes_a_referral_for_herself(personas: Personas) -> None:
    referral = services.propose_referral(
        actor=personas.participant.user,
        participant=personas.participant,
        service=personas.other_partner_service,
        reason="I need childcare to take a job.",
    )
    assert (referral.proposed_by, referral.proposed_by_user) == (
        Referral.ProposedBy.PARTICIPANT,
        personas.participant.user,
    )
    assert referral.organisation == personas.other_partner_agency


@pytest.mark.parametrize("who", ["partner_worker", "other_keyworker", "manager", "funder", "glasgow_keyworker"])
def test_only_the_participant_or_their_keyworker_can_propose(personas: Personas, who: str) -> None:
    user = {
        "partner_worker": personas.partner_worker.user,
        "other_keyworker": personas.other_keyworker.user,
        "manager": personas.manager.user,
        "funder": personas.funder.user,
        "glasgow_keyworker": personas.glasgow_keyworker.user,
    }[who]
    before = Referral.objects.count()
    expected = NotAllowed if who == "manager" else NotFound
    with pytest.raises(expected):
        services.propose_referral(
            actor=user, participant=personas.participant, service=personas.partner_service, reason="Debts."
        )
    assert Referral.objects.count() == before


def test_a_referral_goes_only_to_a_member_service_that_takes_referrals(personas: Personas) -> None:
    not_taking = PartnerServiceFactory(takes_referrals=False)
    not_a_member = PartnerServiceFactory(organization=PartnerEntryFactory(member=None, name="A charity"))
    closed = PartnerServiceFactory(status="inactive")
    before = Referral.objects.count()
    for service in (not_taking, not_a_member):
        with pytest.raises(DomainError) as refused:
            services.propose_referral(
                actor=personas.keyworker.user, participant=personas.participant, service=service, reason="Debts."
            )
        assert refused.value.message == (
            "This service does not take referrals through Coproduce. You can record it as signposting instead."
        )
    with pytest.raises(DomainError) as refused:
        services.propose_referral(
            actor=personas.keyworker.user, participant=personas.participant, service=closed, reason="Debts."
        )
    assert refused.value.message == "This service is not running at the moment."
    with pytest.raises(InvalidInput) as invalid:
        services.propose_referral(
            actor=personas.keyworker.user,
            participant=personas.participant,
            service=personas.partner_service,
            reason=" ",
        )
    assert invalid.value.errors == {"reason": ["Say, in plain words, why this referral would help."]}
    with pytest.raises(InvalidInput) as invalid:
        services.propose_referral(
            actor=personas.keyworker.user,
            participant=personas.participant,
            service=personas.partner_service,
            reason="Debts.",
            goal=GoalFactory(participant=personas.second_participant),
        )
    assert invalid.value.errors == {"goal": ["Choose one of the participant's own goals."]}
    assert Referral.objects.count() == before


# --- Signposting -----------------------------------------------------------------------------


def test_signposting_shares_nothing_and_the_partner_never_sees_it(personas: Personas) -> None:
    consents_before = Consent.objects.count()

    outside = services.record_signposting(
        actor=personas.keyworker.user,
        participant=personas.participant,
        reason="Help with a benefits appeal.",
        outside_service_name="Citizens Advice Fife",
        outside_service_details="Kirkcaldy office, Mondays.",
    )
    in_directory = services.record_signposting(
        actor=personas.keyworker.user,
        participant=personas.participant,
        reason="A drop-in she can go to herself.",
        service=personas.partner_service,
    )

    for referral in (outside, in_directory):
        referral.refresh_from_db()
        assert (referral.kind, referral.state, referral.consent, referral.organisation, referral.shared_fields) == (
            Referral.Kind.SIGNPOSTING,
            State.SIGNPOSTED,
            None,
            None,
            [],
        )
    assert Consent.objects.count() == consents_before
    assert set(referrals_visible_to(personas.partner_worker.user)) == {personas.referral}
    assert events_for(outside) == [
        (
            "create",
            "kim@fifelpt.example.org",
            ["outside_service_details", "outside_service_name", "reason", "state"],
        )
    ]
    with pytest.raises(DomainError) as refused:
        services.send_referral(actor=personas.keyworker.user, referral_id=outside.pk, expected_version=outside.version)
    assert refused.value.message == "Only a referral the participant has agreed to can be sent."


def test_signposting_names_one_service(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as none:
        services.record_signposting(actor=personas.keyworker.user, participant=personas.participant, reason="Help.")
    assert none.value.errors == {"outside_service_name": ["Name the service you told them about."]}
    with pytest.raises(InvalidInput) as both:
        services.record_signposting(
            actor=personas.keyworker.user,
            participant=personas.participant,
            reason="Help.",
            service=personas.partner_service,
            outside_service_name="Citizens Advice",
        )
    assert both.value.errors == {
        "outside_service_name": ["Choose a service from the directory or name another, not both."]
    }
    with pytest.raises(NotAllowed):
        services.record_signposting(
            actor=personas.participant.user, participant=personas.participant, reason="Help.", outside_service_name="X"
        )


# --- Agreeing: consent for exactly that organisation, purpose and fields ----------------------


def test_pat_agrees_online_and_consents_to_share_exactly_what_she_chose(personas: Personas) -> None:
    referral = ReferralFactory(participant=personas.participant, service=personas.other_partner_service)

    agreed = services.agree_to_referral(
        actor=personas.participant.user,
        referral_id=referral.pk,
        expected_version=referral.version,
        shared_fields=[SharedField.CHILDREN, SharedField.NAME, SharedField.KEYWORKER],
        how=Consent.How.ONLINE,
    )

    assert (agreed.state, agreed.version, agreed.shared_fields) == (
        State.AGREED,
        2,
        ["name", "children", "keyworker"],
    )
    consent = agreed.consent
    assert consent is not None
    assert (
        consent.participant,
        consent.purpose,
        consent.organisation,
        consent.given_by,
        consent.given_how,
        consent.withdrawn_at,
    ) == (
        personas.participant,
        Consent.Purpose.SHARE_WITH_ORGANISATION,
        personas.other_partner_agency,
        personas.participant.user,
        Consent.How.ONLINE,
        None,
    )
    assert consent.detail == (
        f"Referral {referral.pk} to Help finding childcare, sharing: "
        "name, ages of their children, their keyworker's name and contact"
    )
    assert agreed.agreed_at == consent.given_at
    assert list(
        AuditEvent.objects.filter(record_type="participants.Consent", record_id=str(consent.pk)).values_list(
            "action", "participant_id"
        )
    ) == [("consent_given", personas.participant.pk)]
    assert events_for(referral) == [("change", "pat@example.net", ["agreed_at", "consent", "shared_fields", "state"])]


def test_kim_records_that_paula_agreed_on_the_phone(personas: Personas) -> None:
    referral = personas.proposed_referral
    agreed = services.agree_to_referral(
        actor=personas.keyworker.user,
        referral_id=referral.pk,
        expected_version=referral.version,
        shared_fields=["name", "email"],
        how=Consent.How.PHONE,
    )
    assert agreed.consent is not None
    assert (agreed.consent.given_by, agreed.consent.given_how, agreed.consent.organisation) == (
        personas.keyworker.user,
        Consent.How.PHONE,
        personas.partner_agency,
    )


@pytest.mark.parametrize(
    ("who", "fields", "how", "errors"),
    [
        ("participant", ["name"], "phone", {"how": ["When you answer yourself, you answer online."]}),
        (
            "keyworker",
            ["name"],
            "online",
            {"how": ["Record whether the participant told you in person or on the phone."]},
        ),
        ("keyworker", ["name"], "by pigeon", {"how": ["Say how the participant gave their answer."]}),
        (
            "keyworker",
            ["mobile"],
            "phone",
            {"shared_fields": ["The organisation needs at least the participant's name to act on a referral."]},
        ),
        (
            "keyworker",
            [],
            "phone",
            {"shared_fields": ["The organisation needs at least the participant's name to act on a referral."]},
        ),
        (
            "keyworker",
            ["name", "national_insurance"],
            "phone",
            {"shared_fields": ["Choose only from the information listed."]},
        ),
    ],
)
def test_agreeing_needs_a_valid_consent_and_changes_nothing_otherwise(
    personas: Personas, who: str, fields: list[str], how: str, errors: dict[str, list[str]]
) -> None:
    referral = ReferralFactory(participant=personas.participant, service=personas.other_partner_service)
    user = personas.participant.user if who == "participant" else personas.keyworker.user
    before = snapshot(referral)
    with pytest.raises(InvalidInput) as invalid:
        services.agree_to_referral(
            actor=user, referral_id=referral.pk, expected_version=referral.version, shared_fields=fields, how=how
        )
    assert invalid.value.errors == errors
    assert snapshot(referral) == before


def test_nobody_else_can_agree_for_the_participant(personas: Personas) -> None:
    referral = personas.proposed_referral
    before = snapshot(referral)
    for user in (personas.other_keyworker.user, personas.partner_worker.user, personas.participant.user):
        with pytest.raises(NotFound):
            services.agree_to_referral(
                actor=user,
                referral_id=referral.pk,
                expected_version=referral.version,
                shared_fields=["name"],
                how="phone",
            )
    with pytest.raises(NotAllowed):
        services.agree_to_referral(
            actor=personas.manager.user,
            referral_id=referral.pk,
            expected_version=referral.version,
            shared_fields=["name"],
            how="phone",
        )
    assert snapshot(referral) == before


# --- The whole journey, audited ---------------------------------------------------------------


def test_a_referral_from_proposal_to_completion(personas: Personas, at: Clock) -> None:
    at(A_FRIDAY)
    kim, pat, priya = personas.keyworker.user, personas.participant.user, personas.partner_worker.user
    referral = services.propose_referral(
        actor=kim, participant=personas.participant, service=personas.partner_service, reason="Debts."
    )
    referral = services.agree_to_referral(
        actor=pat, referral_id=referral.pk, expected_version=1, shared_fields=["name", "mobile"], how="online"
    )
    assert referral not in referrals_visible_to(priya)

    referral = services.send_referral(actor=kim, referral_id=referral.pk, expected_version=2)
    # Five working days from Friday 27 November 2026, skipping the weekend and St Andrew's Day.
    assert (referral.state, referral.sent_at, referral.sent_by, referral.answer_due_on) == (
        State.SENT,
        A_FRIDAY,
        kim,
        datetime.date(2026, 12, 7),
    )
    assert referral in referrals_visible_to(priya)

    referral = services.accept_referral(actor=priya, referral_id=referral.pk, expected_version=3)
    assert (referral.state, referral.answered_by, referral.answered_at) == (State.ACCEPTED, priya, A_FRIDAY)
    referral = services.start_referral(
        actor=priya, referral_id=referral.pk, expected_version=4, started_on=datetime.date(2026, 11, 27)
    )
    referral = services.complete_referral(
        actor=priya,
        referral_id=referral.pk,
        expected_version=5,
        ended_on=datetime.date(2026, 11, 27),
        delivered="Two appointments and a budget plan.",
        outcome_note="Debts consolidated; she is ready to start work.",
    )

    referral.refresh_from_db()
    assert (referral.state, referral.version, referral.started_on, referral.ended_on, referral.delivered) == (
        State.COMPLETED,
        6,
        datetime.date(2026, 11, 27),
        datetime.date(2026, 11, 27),
        "Two appointments and a budget plan.",
    )
    assert events_for(referral) == [
        ("create", "kim@fifelpt.example.org", ["organisation", "reason", "service", "state"]),
        ("change", "pat@example.net", ["agreed_at", "consent", "shared_fields", "state"]),
        ("change", "kim@fifelpt.example.org", ["answer_due_on", "sent_at", "sent_by", "state"]),
        ("change", "priya@kma.example.org", ["answered_at", "answered_by", "state"]),
        ("change", "priya@kma.example.org", ["started_on", "state"]),
        ("change", "priya@kma.example.org", ["delivered", "ended_on", "outcome_note", "state"]),
    ]
    roles = list(
        AuditEvent.objects.filter(record_type="referrals.Referral", record_id=str(referral.pk))
        .order_by("pk")
        .values_list("actor_role", "purpose")
    )
    assert roles[3] == ("partner_worker", "Referral")
    # Both sides see the answer.
    assert visible_referral(kim, referral.pk).state == State.COMPLETED
    assert visible_referral(priya, referral.pk).state == State.COMPLETED
    assert visible_referral(pat, referral.pk).outcome_note == "Debts consolidated; she is ready to start work."


def test_priya_declines_with_a_reason_and_kim_sees_it(personas: Personas) -> None:
    referral = personas.referral
    priya = personas.partner_worker.user
    with pytest.raises(InvalidInput) as no_reason:
        services.decline_referral(actor=priya, referral_id=referral.pk, expected_version=referral.version, reason="")
    assert no_reason.value.errors == {"reason": ["Choose why you cannot take this referral."]}
    with pytest.raises(InvalidInput) as no_detail:
        services.decline_referral(
            actor=priya, referral_id=referral.pk, expected_version=referral.version, reason="other"
        )
    assert no_detail.value.errors == {"detail": ["Say what the reason is."]}

    declined = services.decline_referral(
        actor=priya,
        referral_id=referral.pk,
        expected_version=referral.version,
        reason="no_capacity",
        detail="Full until March.",
    )

    seen_by_kim = visible_referral(personas.keyworker.user, referral.pk)
    assert (seen_by_kim.state, seen_by_kim.decline_reason, seen_by_kim.decline_detail, seen_by_kim.answered_by) == (
        State.DECLINED,
        "no_capacity",
        "Full until March.",
        priya,
    )
    assert visible_referral(priya, referral.pk).state == State.DECLINED
    assert events_for(declined)[-1] == (
        "change",
        "priya@kma.example.org",
        ["answered_at", "answered_by", "decline_detail", "decline_reason", "state"],
    )


def test_partner_dates_and_notes_are_checked(personas: Personas, at: Clock) -> None:
    at(A_FRIDAY)
    priya = personas.partner_worker.user
    referral = ReferralFactory(
        participant=personas.participant,
        service=personas.partner_service,
        accepted=True,
        sent_at=A_FRIDAY - datetime.timedelta(days=3),
    )
    with pytest.raises(InvalidInput) as future:
        services.start_referral(
            actor=priya,
            referral_id=referral.pk,
            expected_version=referral.version,
            started_on=datetime.date(2026, 11, 28),
        )
    assert future.value.errors == {"started_on": ["The start date must be today or in the past."]}
    with pytest.raises(InvalidInput) as before_sent:
        services.start_referral(
            actor=priya,
            referral_id=referral.pk,
            expected_version=referral.version,
            started_on=datetime.date(2026, 11, 23),
        )
    assert before_sent.value.errors == {
        "started_on": ["The start date must be on or after the day the referral was sent."]
    }
    with pytest.raises(InvalidInput) as no_note:
        services.record_did_not_start(
            actor=priya, referral_id=referral.pk, expected_version=referral.version, outcome_note=""
        )
    assert no_note.value.errors == {"outcome_note": ["Say why it did not start."]}
    started = services.start_referral(
        actor=priya, referral_id=referral.pk, expected_version=referral.version, started_on=datetime.date(2026, 11, 26)
    )
    with pytest.raises(InvalidInput) as ends_before:
        services.complete_referral(
            actor=priya,
            referral_id=referral.pk,
            expected_version=started.version,
            ended_on=datetime.date(2026, 11, 25),
            delivered="Advice.",
            outcome_note="Done.",
        )
    assert ends_before.value.errors == {"ended_on": ["The end date must be on or after the start date."]}
    with pytest.raises(InvalidInput) as nothing_delivered:
        services.complete_referral(
            actor=priya,
            referral_id=referral.pk,
            expected_version=started.version,
            ended_on=datetime.date(2026, 11, 27),
            delivered=" ",
            outcome_note="Done.",
        )
    assert nothing_delivered.value.errors == {"delivered": ["Say what you delivered."]}
    assert Referral.objects.get(pk=referral.pk).state == State.STARTED


def test_priya_records_that_an_accepted_referral_did_not_start(personas: Personas) -> None:
    referral = ReferralFactory(participant=personas.participant, service=personas.partner_service, accepted=True)
    ended = services.record_did_not_start(
        actor=personas.partner_worker.user,
        referral_id=referral.pk,
        expected_version=referral.version,
        outcome_note="We could not reach her after three tries.",
    )
    assert (ended.state, ended.outcome_note) == (State.DID_NOT_START, "We could not reach her after three tries.")


# --- Who may answer ---------------------------------------------------------------------------


def test_only_the_receiving_organisation_answers(personas: Personas) -> None:
    referral = personas.referral
    to_other = personas.other_organisation_referral
    before = (snapshot(referral), snapshot(to_other))
    with pytest.raises(NotFound):
        services.accept_referral(
            actor=personas.partner_worker.user, referral_id=to_other.pk, expected_version=to_other.version
        )
    for user in (personas.keyworker.user, personas.participant.user, personas.manager.user):
        with pytest.raises(NotAllowed) as refused:
            services.accept_referral(actor=user, referral_id=referral.pk, expected_version=referral.version)
        assert refused.value.message == "Only staff of the organisation the referral was sent to can do this."
    for user in (personas.funder.user, personas.evaluator.user, personas.glasgow_keyworker.user):
        with pytest.raises(NotFound):
            services.accept_referral(actor=user, referral_id=referral.pk, expected_version=referral.version)
    assert (snapshot(referral), snapshot(to_other)) == before


def test_only_the_keyworker_sends(personas: Personas) -> None:
    referral = ReferralFactory(participant=personas.participant, service=personas.partner_service, agreed=True)
    before = snapshot(referral)
    with pytest.raises(NotAllowed):
        services.send_referral(
            actor=personas.participant.user, referral_id=referral.pk, expected_version=referral.version
        )
    with pytest.raises(NotAllowed):
        services.send_referral(actor=personas.manager.user, referral_id=referral.pk, expected_version=referral.version)
    with pytest.raises(NotFound):
        services.send_referral(
            actor=personas.partner_worker.user, referral_id=referral.pk, expected_version=referral.version
        )
    assert snapshot(referral) == before


# --- Optimistic locking -------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_changes(personas: Personas) -> None:
    referral = personas.referral
    services.accept_referral(
        actor=personas.partner_worker.user, referral_id=referral.pk, expected_version=referral.version
    )
    after_first = snapshot(referral)

    with pytest.raises(ConflictError):
        services.withdraw_referral(
            actor=personas.keyworker.user, referral_id=referral.pk, expected_version=referral.version
        )
    with pytest.raises(ConflictError):
        services.decline_referral(
            actor=personas.partner_worker.user,
            referral_id=referral.pk,
            expected_version=referral.version,
            reason="no_capacity",
        )

    assert snapshot(referral) == after_first


# --- Withdrawing ----------------------------------------------------------------------------------


def test_pat_withdraws_a_referral_and_priya_no_longer_sees_it(personas: Personas) -> None:
    referral = personas.referral
    withdrawn = services.withdraw_referral(
        actor=personas.participant.user,
        referral_id=referral.pk,
        expected_version=referral.version,
        reason="Sorted it myself.",
    )
    assert (withdrawn.state, withdrawn.withdrawn_reason, withdrawn.version) == (
        State.WITHDRAWN,
        "Sorted it myself.",
        referral.version + 1,
    )
    assert withdrawn.withdrawn_at is not None
    assert list(referrals_visible_to(personas.partner_worker.user)) == []
    assert events_for(referral)[-1] == ("change", "pat@example.net", ["state", "withdrawn_at", "withdrawn_reason"])
    with pytest.raises(NotFound):
        services.withdraw_referral(
            actor=personas.partner_worker.user, referral_id=referral.pk, expected_version=withdrawn.version
        )


def test_pat_withdraws_her_consent_to_share_and_priya_loses_access_at_once(personas: Personas) -> None:
    referral = personas.referral
    priya = personas.partner_worker.user
    assert visible_referral(priya, referral.pk) == referral
    consent = referral.consent
    assert consent is not None
    other_consent = personas.other_organisation_referral.consent
    assert other_consent is not None

    with audit_context(path="/me/data/"):
        withdrawn = services.withdraw_sharing_consent(
            actor=personas.participant.user, consent_id=consent.pk, how=Consent.How.ONLINE
        )

    assert (withdrawn.withdrawn_by, withdrawn.withdrawn_how) == (personas.participant.user, Consent.How.ONLINE)
    assert list(referrals_visible_to(priya)) == []
    with pytest.raises(NotFound):
        visible_referral(priya, referral.pk)
    with pytest.raises(NotFound):
        services.accept_referral(actor=priya, referral_id=referral.pk, expected_version=referral.version + 1)
    referral.refresh_from_db()
    assert (referral.state, referral.withdrawn_reason, referral.version) == (
        State.WITHDRAWN,
        "The participant withdrew their consent to share.",
        2,
    )
    assert events_for(referral) == [
        ("change", "pat@example.net", ["state", "withdrawn_at", "withdrawn_reason"]),
    ]
    assert list(
        AuditEvent.objects.filter(record_type="participants.Consent", record_id=str(consent.pk)).values_list(
            "action", "changed_fields", "path"
        )
    ) == [("consent_withdrawn", ["withdrawn_at", "withdrawn_by", "withdrawn_how"], "/me/data/")]
    # Her consent to share with the other organisation is untouched.
    other = Referral.objects.get(pk=personas.other_organisation_referral.pk)
    assert (other.state, Consent.objects.get(pk=other_consent.pk).withdrawn_at) == (State.SENT, None)
    with pytest.raises(DomainError) as again:
        services.withdraw_sharing_consent(actor=personas.participant.user, consent_id=consent.pk, how="online")
    assert again.value.message == "This consent was already withdrawn."


def test_a_finished_referral_stays_as_it_was_when_consent_is_withdrawn(personas: Personas) -> None:
    referral = ReferralFactory(participant=personas.participant, service=personas.partner_service, sent=True)
    Referral.objects.filter(pk=referral.pk).update(state=State.COMPLETED)
    assert referral.consent is not None
    services.withdraw_sharing_consent(actor=personas.keyworker.user, consent_id=referral.consent.pk, how="phone")
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    assert referral not in referrals_visible_to(personas.partner_worker.user)


def test_only_the_participant_her_keyworker_or_the_manager_withdraws_the_consent(personas: Personas) -> None:
    consent = personas.referral.consent
    assert consent is not None
    with pytest.raises(NotFound):
        services.withdraw_sharing_consent(actor=personas.partner_worker.user, consent_id=consent.pk, how="phone")
    with pytest.raises(NotFound):
        services.withdraw_sharing_consent(actor=personas.glasgow_manager.user, consent_id=consent.pk, how="phone")
    with pytest.raises(NotFound):
        services.withdraw_sharing_consent(actor=personas.funder.user, consent_id=consent.pk, how="phone")
    with pytest.raises(InvalidInput):
        services.withdraw_sharing_consent(actor=personas.keyworker.user, consent_id=consent.pk, how="online")
    service_consent = personas.participant.consents.get(purpose=Consent.Purpose.SERVICE)
    with pytest.raises(NotFound):
        services.withdraw_sharing_consent(actor=personas.participant.user, consent_id=service_consent.pk, how="online")
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None


# --- The state machine --------------------------------------------------------------------------

PARTNER_ACTIONS = {"accept", "decline", "start", "complete", "did_not_start"}
ACTIONS = ["agree", "send", "accept", "decline", "start", "complete", "did_not_start", "withdraw"]
# The allowed graph: state → {action: new state}.
GRAPH: dict[str, dict[str, str]] = {
    State.PROPOSED: {"agree": State.AGREED, "withdraw": State.WITHDRAWN},
    State.AGREED: {"send": State.SENT, "withdraw": State.WITHDRAWN},
    State.SENT: {"accept": State.ACCEPTED, "decline": State.DECLINED, "withdraw": State.WITHDRAWN},
    State.ACCEPTED: {"start": State.STARTED, "did_not_start": State.DID_NOT_START, "withdraw": State.WITHDRAWN},
    State.STARTED: {"complete": State.COMPLETED, "withdraw": State.WITHDRAWN},
    State.DECLINED: {},
    State.COMPLETED: {},
    State.DID_NOT_START: {},
    State.WITHDRAWN: {},
}


def act(personas: Personas, action: str, referral_id: int) -> Referral:
    """Do `action` as the person whose job it is, with the current version."""
    version = Referral.objects.get(pk=referral_id).version
    kim, priya = personas.keyworker.user, personas.partner_worker.user
    today = timezone.localdate()
    calls: dict[str, Callable[[], Referral]] = {
        "agree": lambda: services.agree_to_referral(
            actor=kim, referral_id=referral_id, expected_version=version, shared_fields=["name"], how="in_person_verbal"
        ),
        "send": lambda: services.send_referral(actor=kim, referral_id=referral_id, expected_version=version),
        "accept": lambda: services.accept_referral(actor=priya, referral_id=referral_id, expected_version=version),
        "decline": lambda: services.decline_referral(
            actor=priya, referral_id=referral_id, expected_version=version, reason="not_eligible"
        ),
        "start": lambda: services.start_referral(
            actor=priya, referral_id=referral_id, expected_version=version, started_on=today
        ),
        "complete": lambda: services.complete_referral(
            actor=priya,
            referral_id=referral_id,
            expected_version=version,
            ended_on=today,
            delivered="Advice.",
            outcome_note="Done.",
        ),
        "did_not_start": lambda: services.record_did_not_start(
            actor=priya, referral_id=referral_id, expected_version=version, outcome_note="Moved away."
        ),
        "withdraw": lambda: services.withdraw_referral(actor=kim, referral_id=referral_id, expected_version=version),
    }
    return calls[action]()


def referral_in(personas: Personas, state: str) -> Referral:
    """A referral of Pat's to Priya's service, in `state`, with a consent once past proposed."""
    traits = {
        State.PROPOSED: {},
        State.AGREED: {"agreed": True},
        State.SENT: {"sent": True},
        State.ACCEPTED: {"accepted": True},
        State.STARTED: {"started": True},
    }
    if state in traits:
        return ReferralFactory(participant=personas.participant, service=personas.partner_service, **traits[state])
    referral = ReferralFactory(participant=personas.participant, service=personas.partner_service, started=True)
    Referral.objects.filter(pk=referral.pk).update(
        state=state, decline_reason="no_capacity" if state == State.DECLINED else ""
    )
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize("state", list(GRAPH))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_is_allowed_or_refused_as_the_graph_says(personas: Personas, state: str, action: str) -> None:
    referral = referral_in(personas, state)
    before = snapshot(referral)
    if action in GRAPH[state]:
        moved = act(personas, action, referral.pk)
        assert (Referral.objects.get(pk=referral.pk).state, moved.version) == (
            GRAPH[state][action],
            referral.version + 1,
        )
        assert events_for(referral)[-1][0] == "change"
    else:
        partner_cannot_see_it = action in PARTNER_ACTIONS and state not in Referral.PARTNER_STATES
        with pytest.raises(DomainError) as refused:
            act(personas, action, referral.pk)
        if partner_cannot_see_it:
            assert type(refused.value) is NotFound
        else:
            assert (type(refused.value), refused.value.message) == (DomainError, services.WRONG_STATE[action])
        assert snapshot(referral) == before


def test_the_partner_cannot_act_on_a_referral_before_it_is_sent(personas: Personas) -> None:
    for state in (State.PROPOSED, State.AGREED):
        referral = referral_in(personas, state)
        with pytest.raises(NotFound):
            act(personas, "accept", referral.pk)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(st.sampled_from(ACTIONS), max_size=8))
def test_any_sequence_of_actions_stays_in_the_allowed_graph(personas: Personas, actions: list[str]) -> None:
    referral = ReferralFactory(participant=personas.participant, service=personas.partner_service)
    state = State.PROPOSED
    for action in actions:
        try:
            act(personas, action, referral.pk)
        except DomainError:
            assert Referral.objects.get(pk=referral.pk).state == state
            continue
        new_state = Referral.objects.get(pk=referral.pk).state
        assert GRAPH[state].get(action) == new_state
        state = new_state
    assert state in GRAPH


def test_record_referral_view_writes_a_read_of_the_participant(personas: Personas) -> None:
    with audit_context(channel=AuditEvent.Channel.API, path="/api/v1/referrals/1/"):
        services.record_referral_view(actor=personas.partner_worker.user, referral=personas.referral)
    event = AuditEvent.objects.get(action="view")
    assert (
        event.actor,
        event.actor_role,
        event.participant_id,
        event.record_type,
        event.record_id,
        event.channel,
        event.purpose,
    ) == (
        personas.partner_worker.user,
        "partner_worker",
        personas.participant.pk,
        "referrals.Referral",
        str(personas.referral.pk),
        "api",
        "Referral",
    )


def test_record_referral_list_view_writes_one_read_per_participant(personas: Personas) -> None:
    services.record_referral_list_view(
        actor=personas.keyworker.user,
        referrals=[personas.referral, personas.other_organisation_referral, personas.proposed_referral],
    )
    assert sorted(AuditEvent.objects.filter(action="list").values_list("participant_id", flat=True)) == sorted(
        [personas.participant.pk, personas.second_participant.pk]
    )
