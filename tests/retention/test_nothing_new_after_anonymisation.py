"""Once someone's record is anonymised, nothing new is written about them, and nobody proposes
them for an interview: their words, contacts and plans must not creep back in."""

import datetime

import pytest
import rules
from django.test import Client
from django.urls import reverse

from coproduce.participants.models import Participant
from coproduce.plans.models import Contact
from coproduce.retention.anonymise import anonymise_participants
from tests.budgets.factories import SpendFactory
from tests.personas import Personas

PERSON_PERMISSIONS = [
    "plans.work_on_plan",
    "plans.answer_step",
    "plans.add_own_goal",
    "plans.record_contact",
    "plans.restrict_note",
    "plans.manage_appointments",
    "plans.record_progress_check",
    "plans.log_job_search",
    "plans.share_for_cover",
    "outcomes.record_outcome",
    "outcomes.answer_sustainment_check",
    "outcomes.set_work_wish",
    "participants.change_participant",
    "participants.record_consent",
]
# Proposing a referral, signposting and asking for spend are the keyworker's alone.
KEYWORKER_PERMISSIONS = ["referrals.propose", "referrals.signpost", "budgets.request_spend"]


def anonymise_paula(personas: Personas) -> Participant:
    paula = personas.second_participant
    anonymise_participants(participant_ids=[paula.pk], actor=None, purpose="Retention", today=datetime.date.today())
    return Participant.objects.get(pk=paula.pk)


@pytest.mark.parametrize("permission", PERSON_PERMISSIONS + KEYWORKER_PERMISSIONS)
def test_kim_and_mo_may_no_longer_write_about_paula(personas: Personas, permission: str) -> None:
    paula = personas.second_participant
    staff = [personas.keyworker.user]
    if permission not in KEYWORKER_PERMISSIONS:
        staff.append(personas.manager.user)
    for user in staff:
        assert rules.has_perm(permission, user, paula), f"{permission} should be allowed before"
    anonymised = anonymise_paula(personas)
    for user in staff:
        assert not rules.has_perm(permission, user, anonymised), f"{permission} after anonymisation"


def test_no_receipt_comes_back_for_an_anonymised_persons_spend(personas: Personas) -> None:
    spend = SpendFactory(participant=personas.second_participant)
    assert rules.has_perm("budgets.attach_receipt", personas.keyworker.user, spend)
    anonymise_paula(personas)
    spend.refresh_from_db()
    assert not rules.has_perm("budgets.attach_receipt", personas.keyworker.user, spend)


def test_a_note_posted_about_paula_after_anonymisation_is_refused_and_not_saved(
    personas: Personas, client_for: object
) -> None:
    anonymise_paula(personas)
    kim: Client = client_for("keyworker")  # type: ignore[operator]
    before = Contact.objects.filter(participant=personas.second_participant).count()
    response = kim.post(
        reverse("web:contact_add", args=[personas.second_participant.pk]),
        {"kind": "phone", "happened_on": "2026-11-30", "notes": "She said her new address is 4 Elm Row."},
    )
    assert response.status_code in (403, 404)
    assert Contact.objects.filter(participant=personas.second_participant).count() == before
