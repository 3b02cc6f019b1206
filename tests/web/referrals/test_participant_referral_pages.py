"""Pat's own referral pages: what she has been referred to and what it shares, suggestions she can
ask for, agreeing online to exactly what is shared, who holds her information and stopping it.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from coproduce.audit.models import AuditEvent
from coproduce.participants.models import AvailabilitySlot, Consent
from coproduce.plans.models import Barrier
from coproduce.referrals.models import Referral
from tests.directory.factories import ServiceFactory, tag_service
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.referrals.factories import ReferralFactory, SignpostingFactory

ClientFor = Callable[[str], Client]


def text(response: Any) -> str:
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_pat_sees_each_referral_with_its_state_and_what_it_shares(personas: Personas, client_for: ClientFor) -> None:
    SignpostingFactory(participant=personas.participant, outside_service_name="Kirkcaldy Foodbank")
    response = client_for("participant").get("/me/referrals/")

    assert response.status_code == 200
    page = text(response)
    assert "Money and debt advice" in page
    assert "Name, Mobile number, What gets in the way, in their own words" in page
    assert "Name, Mobile number, Ages of their children" in page
    assert "Kirkcaldy Foodbank" in page
    assert "Nothing: you get in touch with them yourself" in page
    for someone_else in ("Paula has rent arrears.", "Olive wanted a benefits check."):
        assert someone_else not in page
    assert AuditEvent.objects.filter(
        actor=personas.participant.user, participant=personas.participant, action=AuditEvent.Action.VIEW
    ).exists()


def test_pat_asks_for_a_suggested_service_then_agrees_online_to_share_only_what_she_ticks(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    assessment = AssessmentFactory(participant=pat)
    AssessmentBarrierFactory(assessment=assessment, barrier=Barrier.MONEY_AND_DEBT, importance=3)
    tag_service(personas.partner_service, Barrier.MONEY_AND_DEBT)
    client = client_for("participant")

    suggestions = client.get("/me/suggestions/")
    assert "Helps with money and debt, which matters a great deal to you" in text(suggestions)
    assert f'href="/me/referrals/new/?service={personas.partner_service.pk}"' in suggestions.content.decode()

    form = client.get(f"/me/referrals/new/?service={personas.partner_service.pk}")
    assert "Kingdom Money Advice" in text(form)
    response = client.post(
        "/me/referrals/new/",
        {"service": str(personas.partner_service.pk), "reason": "I keep getting letters about my debts"},
    )
    referral = Referral.objects.get(participant=pat, reason="I keep getting letters about my debts")
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/agree/"
    assert (referral.state, referral.proposed_by) == (Referral.State.PROPOSED, Referral.ProposedBy.PARTICIPANT)

    agree = client.get(f"/referrals/{referral.pk}/agree/")
    page = text(agree)
    assert "Do you agree to this referral?" in page
    assert "Email address: pat@example.net" in page
    assert "How did they agree?" not in page
    response = client.post(
        f"/referrals/{referral.pk}/agree/", {"version": referral.version, "shared_fields": ["name", "email"]}
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/referrals/"
    referral.refresh_from_db()
    assert (referral.state, referral.shared_fields, referral.consent.given_how) == (
        Referral.State.AGREED,
        ["name", "email"],
        Consent.How.ONLINE,
    )


def test_pat_cannot_agree_to_or_withdraw_paulas_referral(personas: Personas, client_for: ClientFor) -> None:
    referral = personas.proposed_referral
    client = client_for("participant")
    assert client.get(f"/referrals/{referral.pk}/agree/").status_code == 404
    assert (
        client.post(
            f"/referrals/{referral.pk}/agree/", {"version": referral.version, "shared_fields": ["name"]}
        ).status_code
        == 404
    )
    assert client.post(f"/referrals/{referral.pk}/withdraw/", {"version": referral.version}).status_code == 404
    referral.refresh_from_db()
    assert (referral.state, referral.consent) == (Referral.State.PROPOSED, None)


def test_pat_cannot_send_her_own_referral(personas: Personas, client_for: ClientFor) -> None:
    referral = ReferralFactory(participant=personas.participant, service=personas.partner_service, agreed=True)
    response = client_for("participant").post(f"/referrals/{referral.pk}/send/", {"version": referral.version})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.state == Referral.State.AGREED


def test_who_holds_my_information_lists_every_organisation_why_what_and_since_when(
    personas: Personas, client_for: ClientFor
) -> None:
    response = client_for("participant").get("/me/who-holds-my-information/")

    assert response.status_code == 200
    holders = response.context["holders"]
    assert [(h.organisation.name, h.field_labels) for h in holders] == [
        ("Kingdom Money Advice", ["Name", "Mobile number", "What gets in the way, in their own words"]),
        ("Fife Childcare Links", ["Name", "Mobile number", "Ages of their children"]),
    ]
    page = text(response)
    assert "A referral to Money and debt advice: Pat wants help with her debts before she starts work." in page
    assert f"Since {personas.referral.consent.given_at:%-d %B %Y}" in page


def test_pat_stops_sharing_in_one_step_and_it_is_audited(personas: Personas, client_for: ClientFor) -> None:
    consent = personas.referral.consent
    client = client_for("participant")

    confirm = client.get(f"/consents/{consent.pk}/stop-sharing/")
    assert "Stop sharing with Kingdom Money Advice" in text(confirm)
    assert "How did they tell you?" not in text(confirm)
    response = client.post(f"/consents/{consent.pk}/stop-sharing/")

    assert response.status_code == 302
    assert response["Location"] == "/me/who-holds-my-information/"
    consent.refresh_from_db()
    assert (consent.withdrawn_how, consent.withdrawn_by) == (Consent.How.ONLINE, personas.participant.user)
    assert Referral.objects.get(pk=personas.referral.pk).state == Referral.State.WITHDRAWN
    assert AuditEvent.objects.filter(
        actor=personas.participant.user, action=AuditEvent.Action.CONSENT_WITHDRAWN, record_id=str(consent.pk)
    ).exists()
    holders = client.get("/me/who-holds-my-information/").context["holders"]
    assert [h.organisation.name for h in holders] == ["Fife Childcare Links"]


def test_kim_stops_sharing_for_pat_saying_how_she_told_him(personas: Personas, client_for: ClientFor) -> None:
    consent = personas.other_organisation_referral.consent
    client = client_for("keyworker")
    assert client.post(f"/consents/{consent.pk}/stop-sharing/", {}).status_code == 400
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    response = client.post(f"/consents/{consent.pk}/stop-sharing/", {"how": "phone"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_how == Consent.How.PHONE


def test_pat_cannot_stop_someone_elses_sharing(personas: Personas, client_for: ClientFor) -> None:
    olives = personas.withdrawn_referral.consent
    paulas = Consent.objects.filter(participant=personas.second_participant).first()
    client = client_for("participant")
    assert client.post(f"/consents/{olives.pk}/stop-sharing/").status_code == 404
    assert client.post(f"/consents/{paulas.pk}/stop-sharing/").status_code == 404


def test_pat_says_when_she_can_take_part(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("participant")
    form = client.get("/me/availability/")
    assert "When can you take part?" in text(form)
    response = client.post("/me/availability/", {"day_1": ["morning"], "day_5": ["afternoon"]})
    assert response.status_code == 302
    assert list(
        AvailabilitySlot.objects.filter(participant=personas.participant).values_list("weekday", "part_of_day")
    ) == [(1, "morning"), (5, "afternoon")]


def test_a_made_up_time_of_day_is_refused_and_nothing_is_saved(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("participant").post("/me/availability/", {"day_1": ["midnight"]})
    assert response.status_code == 400
    assert not AvailabilitySlot.objects.filter(participant=personas.participant).exists()


def test_a_service_outside_the_programme_is_for_getting_in_touch_not_asking(
    personas: Personas, client_for: ClientFor
) -> None:
    assessment = AssessmentFactory(participant=personas.participant)
    AssessmentBarrierFactory(assessment=assessment, barrier=Barrier.MONEY_AND_DEBT, importance=3)
    tag_service(ServiceFactory(name="Debt Drop-in", partnerships=[personas.fife]), Barrier.MONEY_AND_DEBT)
    page = client_for("participant").get("/me/suggestions/")
    assert "You can get in touch with them yourself" in text(page)
    assert "/me/referrals/new/" not in page.content.decode()


@pytest.mark.parametrize("how_many", [1, 12])
def test_my_referrals_takes_the_same_queries_however_many(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    for number in range(how_many):
        ReferralFactory(participant=personas.participant, service=personas.partner_service, sent=True)
        SignpostingFactory(participant=personas.participant, outside_service_name=f"Outside service {number}")
    client = client_for("participant")
    client.get("/me/referrals/")  # the first visit may set up the session
    # Session, user, actor (2), participant, referrals, audit insert.
    with django_assert_num_queries(7):
        response = client.get("/me/referrals/")
    assert len(response.context["rows"]) == 2 * how_many + 2


@pytest.mark.parametrize("how_many", [1, 12])
def test_who_holds_my_information_takes_the_same_queries_however_many(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    for _ in range(how_many):
        ReferralFactory(participant=personas.participant, service=personas.partner_service, sent=True)
    client = client_for("participant")
    client.get("/me/who-holds-my-information/")
    # Session, user, actor (2), participant, consents, the referrals they cover, audit insert.
    with django_assert_num_queries(8):
        response = client.get("/me/who-holds-my-information/")
    assert len(response.context["holders"]) == how_many + 2


def test_my_page_offers_to_stop_sharing_in_one_step(personas: Personas, client_for: ClientFor) -> None:
    html = client_for("participant").get("/me/").content.decode()
    assert f'href="/consents/{personas.referral.consent_id}/stop-sharing/"' in html
    assert f'href="/consents/{personas.referral.consent_id}/withdraw/"' not in html
    assert 'href="/me/who-holds-my-information/"' in html
