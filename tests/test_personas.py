from coproduce.participants.selectors import participants_visible_to
from tests.personas import Personas


def test_each_persona_sees_the_participants_their_role_allows(personas: Personas) -> None:
    def visible(user: object) -> set[str]:
        return set(participants_visible_to(user).values_list("reference", flat=True))

    assert visible(personas.participant.user) == {"MIW-FIF-00001"}
    assert visible(personas.keyworker.user) == {"MIW-FIF-00001", "MIW-FIF-00002"}
    assert visible(personas.other_keyworker.user) == {"MIW-FIF-00003"}
    assert visible(personas.manager.user) == {"MIW-FIF-00001", "MIW-FIF-00002", "MIW-FIF-00003"}
    assert visible(personas.glasgow_manager.user) == {"MIW-GLA-00001"}
    for nobody in (personas.partner_worker.user, personas.funder.user, personas.evaluator.user, personas.administrator):
        assert visible(nobody) == set()


def test_the_referral_personas_tell_the_partner_story(personas: Personas) -> None:
    from coproduce.referrals.models import Referral
    from coproduce.referrals.selectors import referrals_visible_to

    agency_entry = personas.partner_service.organization
    assert agency_entry is not None
    assert (agency_entry.member, personas.partner_service.name, personas.partner_service.takes_referrals) == (
        personas.partner_agency,
        "Money and debt advice",
        True,
    )
    assert list(personas.partner_service.partnerships.all()) == [personas.fife]
    other_entry = personas.other_partner_service.organization
    assert other_entry is not None
    assert (other_entry.member, personas.other_partner_agency.name) == (
        personas.other_partner_agency,
        "Fife Childcare Links",
    )
    rows = {
        name: (referral.participant.given_name, referral.state, referral.organisation, referral.shared_fields)
        for name, referral in {
            "referral": personas.referral,
            "other": personas.other_organisation_referral,
            "proposed": personas.proposed_referral,
            "withdrawn": personas.withdrawn_referral,
        }.items()
    }
    assert rows == {
        "referral": ("Pat", Referral.State.SENT, personas.partner_agency, ["name", "mobile", "barriers"]),
        "other": ("Pat", Referral.State.SENT, personas.other_partner_agency, ["name", "mobile", "children"]),
        "proposed": ("Paula", Referral.State.PROPOSED, personas.partner_agency, []),
        "withdrawn": ("Olive", Referral.State.WITHDRAWN, personas.partner_agency, ["name", "mobile"]),
    }
    assert personas.referral.consent is not None
    assert personas.referral.consent.withdrawn_at is None
    assert personas.withdrawn_referral.consent is not None
    assert personas.withdrawn_referral.consent.withdrawn_at is not None
    assert personas.proposed_referral.consent is None
    assert list(referrals_visible_to(personas.partner_worker.user)) == [personas.referral]
    assert not Referral.objects.filter(participant=personas.glasgow_participant).exists()


def test_the_referral_story_is_built_once_and_only_when_asked_for(personas: Personas) -> None:
    from coproduce.participants.models import Consent
    from coproduce.programmes.models import Organisation
    from coproduce.referrals.models import Referral

    assert (Referral.objects.count(), Consent.objects.filter(purpose="share_with_organisation").count()) == (0, 0)
    assert not Organisation.objects.filter(name="Fife Childcare Links").exists()

    assert personas.with_referrals() is personas
    personas.with_referrals()
    assert personas.referral.participant == personas.participant

    assert (Referral.objects.count(), Consent.objects.filter(purpose="share_with_organisation").count()) == (4, 3)
