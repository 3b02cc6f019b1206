"""Research consent: giving it, changing it, withdrawing it, agreeing again."""

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Consent
from coproduce.participants.services import withdraw_consent
from coproduce.research.models import ResearchConsent
from coproduce.research.pseudonyms import pseudonym_for
from coproduce.research.selectors import interviews_visible_to, research_consents_visible_to
from coproduce.research.services.consent import give_research_consent, withdraw_research_consent

ALL = {"interview": True, "recording": True, "quotation": True, "service_data": True, "contact_for_interview": True}
ONLY_INTERVIEW = {**dict.fromkeys(ALL, False), "interview": True}


def test_keyworker_records_it_and_a_pseudonym_is_made(personas):
    paula = personas.second_participant
    scope = give_research_consent(actor=personas.keyworker.user, participant_id=paula.pk, how="phone", **ONLY_INTERVIEW)
    assert scope.pseudonym == pseudonym_for(paula.pk)
    assert (scope.interview, scope.recording, scope.quotation, scope.service_data) == (True, False, False, False)
    consent = scope.consent
    assert (consent.purpose, consent.given_how, consent.withdrawn_at) == ("research", "phone", None)
    assert consent.detail == "Evaluation research: take part in interviews"
    actions = list(
        AuditEvent.objects.filter(participant=paula, actor=personas.keyworker.user)
        .order_by("pk")
        .values_list("action", "record_type")
    )
    assert actions == [("consent_given", "participants.Consent"), ("create", "research.ResearchConsent")]
    assert research_consents_visible_to(personas.evaluator.user).filter(pk=scope.pk).exists()


def test_a_clash_of_pseudonyms_takes_the_next_one(personas):
    paula = personas.second_participant
    taken = ResearchConsent.objects.create(
        participant=personas.glasgow_participant,
        pseudonym=pseudonym_for(paula.pk),
        consent=Consent.objects.create(
            participant=personas.glasgow_participant,
            purpose="research",
            given_at="2015-03-02T10:00Z",
            given_by=personas.glasgow_keyworker.user,
            given_how="phone",
        ),
    )
    scope = give_research_consent(actor=personas.keyworker.user, participant_id=paula.pk, how="phone", **ALL)
    assert scope.pseudonym == pseudonym_for(paula.pk, attempt=1) != taken.pseudonym


def test_participant_changes_what_it_covers_versioned(personas):
    pat = personas.participant
    scope = give_research_consent(actor=pat.user, participant_id=pat.pk, how="phone", **ALL)
    assert scope.consent.given_how == "online"  # their own is always online
    changed = give_research_consent(
        actor=pat.user, participant_id=pat.pk, how="", expected_version=scope.version, **{**ALL, "quotation": False}
    )
    assert (changed.pk, changed.consent_id, changed.version, changed.quotation) == (
        scope.pk,
        scope.consent_id,
        2,
        False,
    )
    assert "be quoted" not in changed.consent.detail
    with pytest.raises(ConflictError):
        give_research_consent(actor=pat.user, participant_id=pat.pk, how="", expected_version=1, **ALL)
    assert ResearchConsent.objects.get(pk=scope.pk).quotation is False


def test_bad_input_changes_nothing(personas):
    paula = personas.second_participant
    with pytest.raises(InvalidInput) as error:
        give_research_consent(
            actor=personas.keyworker.user,
            participant_id=paula.pk,
            how="phone",
            **{**dict.fromkeys(ALL, False), "recording": True, "contact_for_interview": True},
        )
    assert error.value.errors == {
        "recording": ["Interviews can be recorded only if you also agree to take part in interviews."],
        "contact_for_interview": [
            "The researchers can contact you about interviews only if you agree to take part in interviews."
        ],
    }
    with pytest.raises(InvalidInput) as nothing:
        give_research_consent(
            actor=personas.keyworker.user, participant_id=paula.pk, how="phone", **dict.fromkeys(ALL, False)
        )
    assert list(nothing.value.errors) == ["__all__"]
    with pytest.raises(InvalidInput):
        give_research_consent(actor=personas.keyworker.user, participant_id=paula.pk, how="", **ALL)
    assert not Consent.objects.filter(participant=paula, purpose="research").exists()


@pytest.mark.parametrize("who", ["other_keyworker", "partner_worker", "funder", "evaluator", "glasgow_manager"])
def test_nobody_else_records_it(personas, who):
    with pytest.raises(NotFound):
        give_research_consent(
            actor=getattr(personas, who).user, participant_id=personas.second_participant.pk, how="phone", **ALL
        )
    assert not ResearchConsent.objects.filter(participant=personas.second_participant).exists()


def test_manager_records_it(personas):
    scope = give_research_consent(
        actor=personas.manager.user, participant_id=personas.second_participant.pk, how="in_person_signed", **ALL
    )
    assert scope.consent.given_by == personas.manager.user


def test_withdraw_hides_everything_at_once_and_agreeing_again_keeps_the_pseudonym(personas):
    story = personas.research
    pat = personas.participant
    evaluator = personas.evaluator.user
    assert interviews_visible_to(evaluator).filter(pk=story.pat_interview.pk).exists()
    withdrawn = withdraw_research_consent(actor=pat.user, participant_id=pat.pk, how="")
    assert withdrawn.consent.withdrawn_how == "online"
    assert withdrawn.consent.withdrawn_at is not None
    assert not research_consents_visible_to(evaluator).filter(pk=story.pat_consent.pk).exists()
    assert not interviews_visible_to(evaluator).filter(pk=story.pat_interview.pk).exists()
    with pytest.raises(DomainError):
        withdraw_research_consent(actor=pat.user, participant_id=pat.pk, how="")

    again = give_research_consent(actor=personas.keyworker.user, participant_id=pat.pk, how="phone", **ONLY_INTERVIEW)
    assert again.pk == story.pat_consent.pk
    assert again.pseudonym == "R-TESTPAT"
    assert again.consent_id != story.pat_consent.consent_id
    assert again.is_in_force
    assert Consent.objects.filter(participant=pat, purpose="research").count() == 2
    assert research_consents_visible_to(evaluator).filter(pk=again.pk).exists()


def test_withdrawing_on_the_generic_consent_page_agrees(personas):
    story = personas.research
    withdraw_consent(actor=personas.keyworker.user, consent_id=story.pat_consent.consent_id, how="phone")
    assert not research_consents_visible_to(personas.evaluator.user).filter(pk=story.pat_consent.pk).exists()
    with pytest.raises(DomainError):
        withdraw_research_consent(actor=personas.keyworker.user, participant_id=personas.participant.pk, how="phone")


def test_keyworker_withdraws_with_how(personas):
    story = personas.research
    with pytest.raises(InvalidInput):
        withdraw_research_consent(actor=personas.keyworker.user, participant_id=personas.participant.pk, how="")
    scope = withdraw_research_consent(
        actor=personas.keyworker.user, participant_id=personas.participant.pk, how="phone"
    )
    assert scope.consent.withdrawn_how == "phone"
    assert scope.consent.withdrawn_by == personas.keyworker.user
    assert scope.version == story.pat_consent.version + 1


def test_an_earlier_research_consent_from_the_generic_form_is_taken_over(personas):
    paula = personas.second_participant
    old = Consent.objects.create(
        participant=paula,
        purpose="research",
        given_at="2015-03-02T10:00Z",
        given_by=personas.keyworker.user,
        given_how="phone",
    )
    scope = give_research_consent(actor=personas.keyworker.user, participant_id=paula.pk, how="phone", **ALL)
    assert scope.consent_id == old.pk
    assert Consent.objects.filter(participant=paula, purpose="research").count() == 1
