import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.audit.models import AuditEvent
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.budgets.services import (
    answer_spend,
    approve_spend,
    attach_receipt,
    cancel_spend,
    create_pot,
    decline_spend,
    request_spend,
    update_pot,
)
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory, ProposedSpendFactory, SpendFactory
from tests.personas import Personas
from tests.plans.factories import GoalFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%receipt\n"


def fife_pot(p: Personas, **kwargs: object) -> BudgetPot:
    return BudgetPotFactory(partnership=p.fife, **kwargs)


def pats_spend(p: Personas, amount: str, pot: BudgetPot | None = None) -> Spend:
    return SpendFactory(pot=pot or fife_pot(p), participant=p.participant, amount=Decimal(amount))


# --- Pots -----------------------------------------------------------------------------------


def test_manager_opens_a_pot_for_their_partnership_audited(personas: Personas) -> None:
    pot = create_pot(
        actor=personas.manager.user,
        name="Fife fund 2026",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=364),
        amount=Decimal("5000.00"),
        keyworker_limit=Decimal("150.00"),
    )
    assert (pot.partnership_id, pot.organisation_id, pot.amount) == (personas.fife.pk, None, Decimal("5000.00"))
    event = AuditEvent.objects.get(record_type="budgets.BudgetPot", record_id=str(pot.pk))
    assert event.action == AuditEvent.Action.CREATE


def test_manager_opens_a_pot_for_a_member_organisation_not_an_outsider(personas: Personas) -> None:
    pot = create_pot(
        actor=personas.manager.user,
        name="Kingdom Money Advice fund",
        starts_on=TODAY,
        ends_on=TODAY,
        amount=Decimal("100"),
        organisation_id=personas.partner_agency.pk,
    )
    assert (pot.partnership_id, pot.organisation_id) == (None, personas.partner_agency.pk)
    with pytest.raises(InvalidInput):
        create_pot(
            actor=personas.manager.user,
            name="Not ours",
            starts_on=TODAY,
            ends_on=TODAY,
            amount=Decimal("100"),
            organisation_id=personas.funder_organisation.pk,
        )


@pytest.mark.parametrize("role", ["keyworker", "participant", "funder", "partner_worker"])
def test_only_managers_open_pots(personas: Personas, role: str) -> None:
    with pytest.raises(NotAllowed):
        create_pot(actor=personas.user_for(role), name="x", starts_on=TODAY, ends_on=TODAY, amount=Decimal("1"))
    assert BudgetPot.objects.count() == 0


def test_update_pot_checks_version_and_cannot_hold_less_than_approved(personas: Personas) -> None:
    pot = fife_pot(personas)
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("300.00"))
    updated = update_pot(actor=personas.manager.user, pot_id=pot.pk, expected_version=1, changes={"name": "Renamed"})
    assert (updated.name, updated.version) == ("Renamed", 2)
    with pytest.raises(ConflictError):
        update_pot(actor=personas.manager.user, pot_id=pot.pk, expected_version=1, changes={"name": "Stale"})
    with pytest.raises(DomainError, match=r"£300\.00 is already approved"):
        update_pot(
            actor=personas.manager.user, pot_id=pot.pk, expected_version=2, changes={"amount": Decimal("299.99")}
        )
    pot.refresh_from_db()
    assert (pot.name, pot.amount) == ("Renamed", Decimal("1000.00"))


def test_glasgow_manager_cannot_see_or_change_fife_pot(personas: Personas) -> None:
    pot = fife_pot(personas)
    with pytest.raises(NotFound):
        update_pot(actor=personas.glasgow_manager.user, pot_id=pot.pk, expected_version=1, changes={"name": "Mine"})


# --- Requests -------------------------------------------------------------------------------


def test_keyworker_requests_spend_for_their_participant_towards_a_goal(personas: Personas) -> None:
    pot = fife_pot(personas)
    goal = GoalFactory(participant=personas.participant)
    spend = request_spend(
        actor=personas.keyworker.user,
        participant_id=personas.participant.pk,
        pot_id=pot.pk,
        category="childcare",
        amount=Decimal("60.00"),
        description="Two days at the nursery during the interview week",
        goal_id=goal.pk,
    )
    assert (spend.state, spend.goal_id, spend.requested_by_id) == ("requested", goal.pk, personas.keyworker.user.pk)
    assert AuditEvent.objects.filter(record_type="budgets.Spend", participant=personas.participant).count() == 1


def test_request_refuses_another_participants_goal_and_a_closed_pot(personas: Personas) -> None:
    closed = fife_pot(
        personas, starts_on=TODAY - datetime.timedelta(days=400), ends_on=TODAY - datetime.timedelta(days=1)
    )
    other_goal = GoalFactory(participant=personas.second_participant)
    with pytest.raises(InvalidInput) as caught:
        request_spend(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            pot_id=closed.pk,
            category="travel",
            amount=Decimal("5"),
            description="Bus",
            goal_id=other_goal.pk,
        )
    assert sorted(caught.value.errors) == ["goal", "pot"]
    assert Spend.objects.count() == 0


def test_request_refuses_a_glasgow_pot_and_other_keyworkers(personas: Personas) -> None:
    glasgow = BudgetPotFactory(partnership=personas.glasgow)
    with pytest.raises(InvalidInput):
        request_spend(
            actor=personas.keyworker.user,
            participant_id=personas.participant.pk,
            pot_id=glasgow.pk,
            category="travel",
            amount=Decimal("5"),
            description="Bus",
            no_goal_reason="Travel to appointments",
        )
    with pytest.raises(NotFound):
        request_spend(
            actor=personas.other_keyworker.user,
            participant_id=personas.participant.pk,
            pot_id=fife_pot(personas).pk,
            category="travel",
            amount=Decimal("5"),
            description="Bus",
            no_goal_reason="Travel to appointments",
        )
    with pytest.raises(NotAllowed):
        request_spend(
            actor=personas.manager.user,
            participant_id=personas.participant.pk,
            pot_id=fife_pot(personas).pk,
            category="travel",
            amount=Decimal("5"),
            description="Bus",
            no_goal_reason="Travel to appointments",
        )


def test_a_spend_is_for_a_goal_unless_the_keyworker_says_why_not(personas: Personas) -> None:
    asked = {
        "actor": personas.keyworker.user,
        "participant_id": personas.participant.pk,
        "pot_id": fife_pot(personas).pk,
        "category": "travel",
        "amount": Decimal("12.00"),
        "description": "Bus pass",
    }
    with pytest.raises(InvalidInput) as caught:
        request_spend(**asked)
    assert caught.value.errors == {"goal": ["Choose the goal it is for, or say why it is not for one of their goals."]}
    spend = request_spend(**asked, no_goal_reason="  Travel to our appointments  ")
    assert (spend.goal_id, spend.no_goal_reason) == (None, "Travel to our appointments")
    assert spend.participant_answer == Spend.Answer.WAITING


# --- The participant's answer ----------------------------------------------------------------


def test_nobody_approves_a_spend_before_the_participant_says_yes(personas: Personas) -> None:
    spend = ProposedSpendFactory(pot=fife_pot(personas), participant=personas.participant)
    with pytest.raises(DomainError, match="They have not said yes to this yet, so it cannot be approved"):
        approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=spend.version)
    with pytest.raises(DomainError, match="They have not said yes"):
        approve_spend(actor=personas.manager.user, spend_id=spend.pk, expected_version=spend.version)
    spend.refresh_from_db()
    assert spend.state == Spend.State.REQUESTED


def test_the_participant_answers_on_their_own_and_can_change_their_mind_while_it_waits(personas: Personas) -> None:
    spend = ProposedSpendFactory(pot=fife_pot(personas), participant=personas.participant)
    me = personas.participant.user

    spend = answer_spend(actor=me, spend_id=spend.pk, expected_version=spend.version, answer="no")
    assert (spend.participant_answer, spend.answered_how, spend.answer_recorded_by_id) == ("no", "themselves", me.pk)
    with pytest.raises(DomainError, match="They said no thanks to this, so it cannot be approved"):
        approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=spend.version)

    spend = answer_spend(actor=me, spend_id=spend.pk, expected_version=spend.version, answer="yes")
    approved = approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=spend.version)
    assert approved.state == Spend.State.APPROVED
    with pytest.raises(DomainError, match="already approved"):
        answer_spend(actor=me, spend_id=spend.pk, expected_version=approved.version, answer="no")
    events = AuditEvent.objects.filter(record_type="budgets.Spend", participant=personas.participant)
    assert sum("participant_answer" in event.changed_fields for event in events) == 2


def test_staff_record_the_answer_saying_how_it_was_given(personas: Personas) -> None:
    spend = ProposedSpendFactory(pot=fife_pot(personas), participant=personas.participant)
    with pytest.raises(InvalidInput) as caught:
        answer_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=spend.version, answer="yes")
    assert "answered_how" in caught.value.errors
    spend = answer_spend(
        actor=personas.keyworker.user,
        spend_id=spend.pk,
        expected_version=spend.version,
        answer="yes",
        answered_how="phone",
    )
    assert (spend.answered_how, spend.answer_recorded_by_id) == ("phone", personas.keyworker.user.pk)
    with pytest.raises(NotFound):
        answer_spend(
            actor=personas.other_keyworker.user,
            spend_id=spend.pk,
            expected_version=spend.version,
            answer="no",
            answered_how="phone",
        )
    with pytest.raises(NotFound):
        answer_spend(
            actor=personas.glasgow_keyworker.user, spend_id=spend.pk, expected_version=spend.version, answer="no"
        )
    with pytest.raises(ConflictError):
        answer_spend(
            actor=personas.participant.user, spend_id=spend.pk, expected_version=spend.version - 1, answer="no"
        )


# --- Approval limits ------------------------------------------------------------------------


def test_keyworker_approves_exactly_the_limit(personas: Personas) -> None:
    spend = pats_spend(personas, "100.00")
    approved = approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=1)
    assert (approved.state, approved.decided_by_id, approved.version) == ("approved", personas.keyworker.user.pk, 2)


def test_a_penny_over_the_limit_needs_the_manager(personas: Personas) -> None:
    spend = pats_spend(personas, "100.01")
    with pytest.raises(NotAllowed, match="partnership manager decides"):
        approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=1)
    spend.refresh_from_db()
    assert spend.state == "requested"
    approved = approve_spend(actor=personas.manager.user, spend_id=spend.pk, expected_version=1)
    assert approved.state == "approved"


def test_another_keyworker_and_other_roles_cannot_approve(personas: Personas) -> None:
    spend = pats_spend(personas, "10.00")
    for user in (personas.other_keyworker.user, personas.glasgow_manager.user, personas.funder.user):
        with pytest.raises(NotFound):
            approve_spend(actor=user, spend_id=spend.pk, expected_version=1)
    with pytest.raises(NotAllowed):
        approve_spend(actor=personas.participant.user, spend_id=spend.pk, expected_version=1)
    spend.refresh_from_db()
    assert spend.state == "requested"


def test_approval_that_would_overspend_is_refused_and_nothing_changes(personas: Personas) -> None:
    pot = fife_pot(personas, amount=Decimal("150.00"))
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("100.00"))
    spend = pats_spend(personas, "50.01", pot=pot)
    with pytest.raises(DomainError, match="not enough left"):
        approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=1)
    spend.refresh_from_db()
    assert (spend.state, spend.version) == ("requested", 1)
    exact = pats_spend(personas, "50.00", pot=pot)
    assert approve_spend(actor=personas.keyworker.user, spend_id=exact.pk, expected_version=1).state == "approved"


def test_stale_version_and_already_decided(personas: Personas) -> None:
    spend = pats_spend(personas, "10.00")
    with pytest.raises(ConflictError):
        approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=7)
    approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=1)
    with pytest.raises(DomainError, match="already approved"):
        approve_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=2)


def test_decline_needs_a_reason_and_records_it(personas: Personas) -> None:
    spend = pats_spend(personas, "250.00")
    with pytest.raises(InvalidInput):
        decline_spend(actor=personas.manager.user, spend_id=spend.pk, expected_version=1, reason="  ")
    with pytest.raises(NotAllowed):
        decline_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=1, reason="No")
    declined = decline_spend(
        actor=personas.manager.user, spend_id=spend.pk, expected_version=1, reason="The college pays this"
    )
    assert (declined.state, declined.decline_reason) == ("declined", "The college pays this")


def test_cancel_only_while_waiting(personas: Personas) -> None:
    spend = pats_spend(personas, "250.00")
    cancelled = cancel_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=1)
    assert cancelled.state == "cancelled"
    with pytest.raises(DomainError):
        cancel_spend(actor=personas.keyworker.user, spend_id=spend.pk, expected_version=2)


# --- Receipts -------------------------------------------------------------------------------


def test_receipt_on_an_approved_spend_is_stored(personas: Personas) -> None:
    spend = ApprovedSpendFactory(pot=fife_pot(personas), participant=personas.participant)
    saved = attach_receipt(
        actor=personas.keyworker.user,
        spend_id=spend.pk,
        expected_version=1,
        upload=SimpleUploadedFile("bus.PNG", PNG, content_type="image/png"),
    )
    # The storage outlives one test, so an earlier spend with the same id may have left a
    # file of that name: Django then adds a suffix rather than overwrite it.
    assert re.fullmatch(rf"receipts/\d{{4}}/\d{{2}}/spend-{spend.pk}(_\w+)?\.png", saved.receipt.name)
    assert saved.receipt.read() == PNG
    assert saved.receipt_uploaded_at is not None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("receipt.exe", b"MZ", "must be a PDF, JPG or PNG"),
        ("receipt.pdf", PNG, "not a real PDF"),
        ("receipt.jpg", b"", "empty"),
        ("receipt.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "smaller than 5 MB"),
    ],
)
def test_bad_receipts_are_refused(personas: Personas, name: str, content: bytes, message: str) -> None:
    spend = ApprovedSpendFactory(pot=fife_pot(personas), participant=personas.participant)
    with pytest.raises(InvalidInput, match=message):
        attach_receipt(
            actor=personas.keyworker.user,
            spend_id=spend.pk,
            expected_version=1,
            upload=SimpleUploadedFile(name, content),
        )
    spend.refresh_from_db()
    assert spend.receipt.name == ""


def test_receipt_needs_an_approved_spend(personas: Personas) -> None:
    spend = pats_spend(personas, "10.00")
    with pytest.raises(DomainError, match="Only an approved spend"):
        attach_receipt(
            actor=personas.keyworker.user,
            spend_id=spend.pk,
            expected_version=1,
            upload=SimpleUploadedFile("r.pdf", PDF),
        )
