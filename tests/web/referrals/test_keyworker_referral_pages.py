"""Kim works on referrals with Pat and Paula: suggestions, proposing, agreement, sending, signposting.

Nothing is referred automatically: a suggestion only opens the form, and nothing is shared until
the participant agrees to exactly which fields. Owen's Olive is not Kim's to see.
"""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.participants.models import AvailabilitySlot, Consent
from coproduce.plans.models import Barrier
from coproduce.referrals.models import Referral
from tests.directory.factories import ServiceFactory, tag_service
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory, GoalFactory
from tests.referrals.factories import ReferralFactory, SignpostingFactory

ClientFor = Callable[[str], Client]


def text(response: Any) -> str:
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def paulas_proposed(personas: Personas) -> Referral:
    return personas.proposed_referral


def test_kim_sees_pats_referrals_with_their_state_and_who_holds_her_data(
    personas: Personas, client_for: ClientFor
) -> None:
    SignpostingFactory(participant=personas.participant, outside_service_name="Citizens Advice Fife")
    response = client_for("keyworker").get(f"/participants/{personas.participant.pk}/referrals/")

    assert response.status_code == 200
    page = text(response)
    for shown in ("Money and debt advice", "Help finding childcare", "Citizens Advice Fife (signposting)", "Sent"):
        assert shown in page
    assert [holder.organisation.name for holder in response.context["holders"]] == [
        "Kingdom Money Advice",
        "Fife Childcare Links",
    ]
    assert "Name, Mobile number, What gets in the way, in their own words" in page
    assert AuditEvent.objects.filter(
        actor=personas.keyworker.user, participant=personas.participant, action=AuditEvent.Action.VIEW
    ).exists()


def test_an_overdue_referral_is_flagged_on_the_list_and_the_caseload(personas: Personas, client_for: ClientFor) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Referral.objects.filter(pk=personas.referral.pk).update(answer_due_on=yesterday)
    client = client_for("keyworker")

    referrals = text(client.get(f"/participants/{personas.participant.pk}/referrals/"))
    caseload = client.get("/caseload/")

    assert f"Overdue: no answer since {yesterday:%-d %b %Y}" in referrals
    assert caseload.context["overdue_referrals"] == [personas.referral]
    assert (
        f"Overdue Pat Participant: Money and debt advice , Kingdom Money Advice should have answered by "
        f"{yesterday:%-d %B %Y}" in text(caseload)
    )


def test_nothing_is_flagged_on_the_caseload_when_no_answer_is_late(personas: Personas, client_for: ClientFor) -> None:
    caseload = client_for("keyworker").get("/caseload/")
    assert caseload.context["overdue_referrals"] == []
    assert "Referrals waiting too long" not in text(caseload)


def test_kim_cannot_open_olives_referrals(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("keyworker")
    olive = personas.other_participant
    assert client.get(f"/participants/{olive.pk}/referrals/").status_code == 404
    assert client.get(f"/participants/{olive.pk}/suggestions/").status_code == 404
    assert client.get(f"/referrals/{personas.withdrawn_referral.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(actor=personas.keyworker.user, participant=olive).exists()


def test_suggestions_say_why_and_refer_nobody(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    assessment = AssessmentFactory(participant=pat)
    AssessmentBarrierFactory(assessment=assessment, barrier=Barrier.MONEY_AND_DEBT, importance=3)
    tag_service(personas.partner_service, Barrier.MONEY_AND_DEBT)
    outside = tag_service(ServiceFactory(name="Debt Drop-in", partnerships=[personas.fife]), Barrier.MONEY_AND_DEBT)
    referrals_before = Referral.objects.count()

    response = client_for("keyworker").get(f"/participants/{pat.pk}/suggestions/")

    assert response.status_code == 200
    assert [s.service for s in response.context["suggestions"]] == [personas.partner_service, outside]
    page = text(response)
    assert "Helps with money and debt, which matters a great deal to you" in page
    html = response.content.decode()
    assert f'href="/participants/{pat.pk}/referrals/new/?service={personas.partner_service.pk}"' in html
    assert f'href="/participants/{pat.pk}/signposting/new/?service={outside.pk}"' in html
    assert Referral.objects.count() == referrals_before


def test_kim_proposes_then_records_paulas_agreement_then_sends(personas: Personas, client_for: ClientFor) -> None:
    paula = personas.second_participant
    goal = GoalFactory(participant=paula, title="Get on top of my rent")
    client = client_for("keyworker")

    form = client.get(f"/participants/{paula.pk}/referrals/new/?service={personas.partner_service.pk}")
    assert form.context["form"]["service"].value() == str(personas.partner_service.pk)
    response = client.post(
        f"/participants/{paula.pk}/referrals/new/",
        {"service": str(personas.partner_service.pk), "reason": "Help with rent arrears", "goal": goal.pk},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(participant=paula, reason="Help with rent arrears")
    assert (referral.state, referral.goal, referral.proposed_by, referral.consent) == (
        Referral.State.PROPOSED,
        goal,
        Referral.ProposedBy.KEYWORKER,
        None,
    )
    assert response["Location"] == f"/referrals/{referral.pk}/"

    agree_page = client.get(f"/referrals/{referral.pk}/agree/")
    assert f"Mobile number: {paula.mobile}" in text(agree_page)
    response = client.post(
        f"/referrals/{referral.pk}/agree/",
        {"version": referral.version, "shared_fields": ["name", "mobile"], "how": "phone"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.shared_fields) == (Referral.State.AGREED, ["name", "mobile"])
    assert (referral.consent.organisation, referral.consent.given_how, referral.consent.purpose) == (
        personas.partner_agency,
        Consent.How.PHONE,
        Consent.Purpose.SHARE_WITH_ORGANISATION,
    )

    response = client.post(f"/referrals/{referral.pk}/send/", {"version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT
    assert referral.answer_due_on is not None
    inbox = client_for("partner_worker").get("/partner/")
    assert referral in [row["referral"] for row in inbox.context["rows"]]


def test_an_agreement_without_a_name_is_refused_and_nothing_is_shared(
    personas: Personas, client_for: ClientFor
) -> None:
    referral = paulas_proposed(personas)
    response = client_for("keyworker").post(
        f"/referrals/{referral.pk}/agree/", {"version": referral.version, "shared_fields": ["email"], "how": "phone"}
    )
    assert response.status_code == 400
    assert "The organisation needs at least the participant&#x27;s name to act on a referral." in text(response)
    referral.refresh_from_db()
    assert (referral.state, referral.consent, referral.shared_fields) == (Referral.State.PROPOSED, None, [])
    assert not Consent.objects.filter(participant=referral.participant, purpose="share_with_organisation").exists()


def test_sending_a_referral_someone_else_changed_is_a_conflict(personas: Personas, client_for: ClientFor) -> None:
    referral = ReferralFactory(participant=personas.second_participant, service=personas.partner_service, agreed=True)
    stale = referral.version
    Referral.objects.filter(pk=referral.pk).update(version=stale + 1)

    response = client_for("keyworker").post(f"/referrals/{referral.pk}/send/", {"version": stale})

    assert response.status_code == 409
    assert "Someone else changed this first" in text(response)
    referral.refresh_from_db()
    assert (referral.state, referral.sent_at) == (Referral.State.AGREED, None)


def test_a_service_that_takes_no_referrals_cannot_be_proposed(personas: Personas, client_for: ClientFor) -> None:
    outside = ServiceFactory(name="Debt Drop-in", partnerships=[personas.fife])
    response = client_for("keyworker").post(
        f"/participants/{personas.participant.pk}/referrals/new/",
        {"service": str(outside.pk), "reason": "Debts"},
    )
    assert response.status_code == 400
    assert "Choose a service from the list." in text(response)
    assert not Referral.objects.filter(service=outside).exists()


def test_kim_records_signposting_to_an_outside_service_and_nothing_is_shared(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    response = client_for("keyworker").post(
        f"/participants/{pat.pk}/signposting/new/",
        {
            "service": "",
            "outside_service_name": "Kirkcaldy Foodbank",
            "outside_service_details": "Tuesdays at the church hall",
            "reason": "Food until her first pay day",
        },
    )
    assert response.status_code == 302
    signposting = Referral.objects.get(participant=pat, kind=Referral.Kind.SIGNPOSTING)
    assert (
        signposting.state,
        signposting.outside_service_name,
        signposting.consent,
        signposting.organisation,
        signposting.shared_fields,
    ) == (Referral.State.SIGNPOSTED, "Kirkcaldy Foodbank", None, None, [])


def test_kim_signposts_to_a_directory_service(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    drop_in = ServiceFactory(name="Debt Drop-in", partnerships=[personas.fife])
    response = client_for("keyworker").post(
        f"/participants/{pat.pk}/signposting/new/", {"service": str(drop_in.pk), "reason": "Quick advice"}
    )
    assert response.status_code == 302
    assert Referral.objects.get(participant=pat, kind=Referral.Kind.SIGNPOSTING).service == drop_in


def test_signposting_needs_a_service(personas: Personas, client_for: ClientFor) -> None:
    before = Referral.objects.count()
    response = client_for("keyworker").post(
        f"/participants/{personas.participant.pk}/signposting/new/", {"service": "", "reason": "Something"}
    )
    assert response.status_code == 400
    assert "Choose a service in the directory or write the name of one." in text(response)
    assert Referral.objects.count() == before


def test_kim_withdraws_paulas_proposed_referral(personas: Personas, client_for: ClientFor) -> None:
    referral = paulas_proposed(personas)
    response = client_for("keyworker").post(
        f"/referrals/{referral.pk}/withdraw/", {"version": referral.version, "reason": "She sorted it herself"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/participants/{personas.second_participant.pk}/referrals/"
    referral.refresh_from_db()
    assert (referral.state, referral.withdrawn_reason) == (Referral.State.WITHDRAWN, "She sorted it herself")


def test_kim_records_when_pat_can_take_part(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    client = client_for("keyworker")
    assert client.get(f"/participants/{pat.pk}/availability/").status_code == 200
    response = client.post(
        f"/participants/{pat.pk}/availability/", {"day_0": ["morning", "evening"], "day_3": ["late_afternoon"]}
    )
    assert response.status_code == 302
    assert list(AvailabilitySlot.objects.filter(participant=pat).values_list("weekday", "part_of_day")) == [
        (0, "evening"),
        (0, "morning"),
        (3, "late_afternoon"),
    ]
    page = client.get(f"/participants/{pat.pk}/availability/")
    assert page.context["form"].initial == {"day_0": ["evening", "morning"], "day_3": ["late_afternoon"]}


def test_mo_reads_pats_referrals_but_cannot_propose_for_her(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("partnership_manager")
    pat = personas.participant
    assert client.get(f"/participants/{pat.pk}/referrals/").status_code == 200
    assert client.get(f"/participants/{pat.pk}/referrals/new/").status_code == 403
    assert client.post(f"/referrals/{personas.referral.pk}/withdraw/", {"version": 1}).status_code == 403


@pytest.mark.parametrize("how_many", [1, 12])
def test_the_referrals_page_takes_the_same_queries_however_many(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    paula = personas.second_participant
    for number in range(how_many):
        ReferralFactory(
            participant=paula, service=personas.partner_service, sent=True, goal=GoalFactory(participant=paula)
        )
        SignpostingFactory(participant=paula, outside_service_name=f"Outside service {number}")
    client = client_for("keyworker")
    client.get(f"/participants/{paula.pk}/referrals/")  # the first visit may set up the session
    # Session, user, actor (3), participant, referrals, sharing consents, the referrals they
    # cover, availability, audit insert.
    with django_assert_num_queries(11):
        response = client.get(f"/participants/{paula.pk}/referrals/")
    assert len(response.context["referrals"]) == 2 * how_many + 1
