import rules

from coproduce.participants.models import Consent
from coproduce.referrals.models import Referral
from tests.personas import Personas
from tests.referrals.factories import ReferralFactory


def test_who_may_propose_a_referral_for_pat(personas: Personas) -> None:
    pat = personas.participant
    allowed = {
        name: rules.has_perm("referrals.propose", user, pat)
        for name, user in {
            "pat": pat.user,
            "kim": personas.keyworker.user,
            "owen": personas.other_keyworker.user,
            "mo": personas.manager.user,
            "priya": personas.partner_worker.user,
            "fran": personas.funder.user,
            "ada": personas.administrator,
            "anonymous": None,
        }.items()
    }
    assert allowed == {
        "pat": True,
        "kim": True,
        "owen": False,
        "mo": False,
        "priya": False,
        "fran": False,
        "ada": False,
        "anonymous": False,
    }


def test_who_may_do_what_to_pats_referral(personas: Personas) -> None:
    referral = personas.referral
    people = {
        "pat": personas.participant.user,
        "kim": personas.keyworker.user,
        "owen": personas.other_keyworker.user,
        "mo": personas.manager.user,
        "priya": personas.partner_worker.user,
        "ada": personas.administrator,
    }
    table = {
        perm: {name for name, user in people.items() if rules.has_perm(f"referrals.{perm}", user, referral)}
        for perm in ("agree", "send", "answer", "withdraw")
    }
    assert table == {
        "agree": {"pat", "kim"},
        "send": {"kim"},
        "answer": {"priya"},
        "withdraw": {"pat", "kim"},
    }


def test_the_partner_may_answer_only_while_the_consent_is_in_force(personas: Personas) -> None:
    priya = personas.partner_worker.user
    referral = ReferralFactory(participant=personas.participant, service=personas.partner_service, sent=True)
    assert rules.has_perm("referrals.answer", priya, referral)
    assert not rules.has_perm("referrals.answer", priya, personas.other_organisation_referral)
    assert referral.consent is not None
    Consent.objects.filter(pk=referral.consent.pk).update(withdrawn_at=referral.consent.given_at)
    assert not rules.has_perm("referrals.answer", priya, Referral.objects.select_related("consent").get(pk=referral.pk))


def test_only_partner_workers_have_an_inbox(personas: Personas) -> None:
    users = {
        "priya": personas.partner_worker.user,
        "kim": personas.keyworker.user,
        "mo": personas.manager.user,
        "pat": personas.participant.user,
        "anonymous": None,
    }
    assert {name for name, user in users.items() if rules.has_perm("referrals.view_inbox", user)} == {"priya"}


def test_signposting_and_withdrawing_consent(personas: Personas) -> None:
    pat = personas.participant
    people = {
        "pat": pat.user,
        "kim": personas.keyworker.user,
        "owen": personas.other_keyworker.user,
        "mo": personas.manager.user,
        "priya": personas.partner_worker.user,
    }
    assert {name for name, user in people.items() if rules.has_perm("referrals.signpost", user, pat)} == {"kim"}
    assert {name for name, user in people.items() if rules.has_perm("referrals.withdraw_consent", user, pat)} == {
        "pat",
        "kim",
        "mo",
    }
