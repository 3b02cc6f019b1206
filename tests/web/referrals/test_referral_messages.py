"""Kim (Fife Lone Parents Together) and Priya (Kingdom Money Advice) write to each other about Pat's referral.

Only staff of those two organisations see the thread: not Pat, not Fife Childcare Links (which has
another of Pat's referrals), not a keyworker of another organisation covering Pat's case. Every
message written and every message shown is audited.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.referrals.models import ReferralMessage
from tests.personas import Personas
from tests.plans.factories import CoverShareFactory
from tests.programmes.factories import OrganisationFactory, StaffMemberFactory

ClientFor = Callable[[str], Client]
SignIn = Callable[[Any], Client]


def text(response: Any) -> str:
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_kim_writes_priya_answers_and_each_sees_the_other(personas: Personas, client_for: ClientFor) -> None:
    referral = personas.referral
    kim, priya = client_for("keyworker"), client_for("partner_worker")

    sent = kim.post(f"/referrals/{referral.pk}/messages/", {"text": "Pat can only do mornings."})
    assert sent.status_code == 302
    assert sent["Location"] == f"/referrals/{referral.pk}/#messages"
    assert (
        priya.post(f"/partner/referrals/{referral.pk}/messages/", {"text": "Tuesday at 10am, then."}).status_code == 302
    )

    page = text(kim.get(f"/referrals/{referral.pk}/"))
    assert "Messages about this referral" in page
    assert "Between Fife Lone Parents Together and Kingdom Money Advice." in page
    assert page.index("Pat can only do mornings.") < page.index("Tuesday at 10am, then.")
    assert "Priya Partner , Kingdom Money Advice" in page
    partner_page = text(priya.get(f"/partner/referrals/{referral.pk}/"))
    assert "Kim Keyworker , Fife Lone Parents Together" in partner_page
    assert "Pat can only do mornings." in partner_page

    messages = list(ReferralMessage.objects.filter(referral=referral).order_by("pk"))
    assert [(m.author, m.author_organisation) for m in messages] == [
        (personas.keyworker.user, personas.lead_organisation),
        (personas.partner_worker.user, personas.partner_agency),
    ]
    written = AuditEvent.objects.filter(record_type="referrals.ReferralMessage", action=AuditEvent.Action.CREATE)
    assert sorted(written.values_list("actor_id", "participant_id")) == sorted(
        [
            (personas.keyworker.user.pk, personas.participant.pk),
            (personas.partner_worker.user.pk, personas.participant.pk),
        ]
    )
    read = AuditEvent.objects.filter(record_type="referrals.ReferralMessage", action=AuditEvent.Action.VIEW)
    assert sorted(read.values_list("actor_id", "record_id")) == sorted(
        [(personas.keyworker.user.pk, str(m.pk)) for m in messages]
        + [(personas.partner_worker.user.pk, str(m.pk)) for m in messages]
    )


def test_mo_of_kims_organisation_sees_the_thread(personas: Personas, client_for: ClientFor) -> None:
    client_for("partner_worker").post(f"/partner/referrals/{personas.referral.pk}/messages/", {"text": "Seen Pat."})
    assert "Seen Pat." in text(client_for("partnership_manager").get(f"/referrals/{personas.referral.pk}/"))


def test_pat_never_sees_the_thread_and_cannot_write_to_it(personas: Personas, client_for: ClientFor) -> None:
    client_for("keyworker").post(f"/referrals/{personas.referral.pk}/messages/", {"text": "Between us: rent arrears."})
    pat = client_for("participant")

    assert "Between us" not in pat.get("/me/referrals/").content.decode()
    assert pat.post(f"/referrals/{personas.referral.pk}/messages/", {"text": "Hello"}).status_code == 403
    assert pat.post(f"/partner/referrals/{personas.referral.pk}/messages/", {"text": "Hello"}).status_code == 403
    assert ReferralMessage.objects.count() == 1


def test_another_agency_neither_sees_nor_writes_on_this_referral(personas: Personas, sign_in: SignIn) -> None:
    client_for_kim = sign_in(personas.keyworker.user)
    client_for_kim.post(f"/referrals/{personas.referral.pk}/messages/", {"text": "Money advice only."})
    childcare = StaffMemberFactory(
        organisation=personas.other_partner_agency, partnership=personas.fife, roles=[Role.PARTNER_WORKER]
    )
    carla = sign_in(childcare.user)

    assert carla.get(f"/partner/referrals/{personas.referral.pk}/").status_code == 404
    assert carla.post(f"/partner/referrals/{personas.referral.pk}/messages/", {"text": "Hi"}).status_code == 404
    # Their own referral of Pat's has its own thread, without the other agency's messages.
    own = text(carla.get(f"/partner/referrals/{personas.other_organisation_referral.pk}/"))
    assert "Messages about this referral" in own
    assert "Money advice only." not in own
    assert ReferralMessage.objects.count() == 1


def test_a_covering_keyworker_of_another_organisation_sees_the_referral_but_not_the_thread(
    personas: Personas, sign_in: SignIn
) -> None:
    sign_in(personas.keyworker.user).post(f"/referrals/{personas.referral.pk}/messages/", {"text": "Private note."})
    council = StaffMemberFactory(
        organisation=OrganisationFactory(name="Fife Council Employability"),
        partnership=personas.fife,
        roles=[Role.KEYWORKER],
    )
    CoverShareFactory(participant=personas.participant, covering_keyworker=council)
    cover = sign_in(council.user)

    page = cover.get(f"/referrals/{personas.referral.pk}/")
    assert page.status_code == 200
    assert "Private note." not in page.content.decode()
    assert "Messages about this referral" not in page.content.decode()
    assert cover.post(f"/referrals/{personas.referral.pk}/messages/", {"text": "Hi"}).status_code == 403
    assert ReferralMessage.objects.count() == 1


def test_an_empty_message_says_what_to_do_and_saves_nothing(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("partner_worker").post(f"/partner/referrals/{personas.referral.pk}/messages/", {"text": " "})

    assert response.status_code == 400
    assert "Write your message." in text(response)
    assert "There is a problem" in text(response)
    assert ReferralMessage.objects.count() == 0


def test_a_proposed_referral_has_no_thread(personas: Personas, client_for: ClientFor) -> None:
    kim = client_for("keyworker")
    assert "Messages about this referral" not in text(kim.get(f"/referrals/{personas.proposed_referral.pk}/"))
    assert kim.post(f"/referrals/{personas.proposed_referral.pk}/messages/", {"text": "Hi"}).status_code == 403


@pytest.mark.parametrize("how_many", [1, 12])
def test_the_referral_pages_take_the_same_queries_however_many_messages(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    priya = client_for("partner_worker")
    for number in range(how_many):
        priya.post(f"/partner/referrals/{personas.referral.pk}/messages/", {"text": f"Message {number}"})
    kim = client_for("keyworker")
    kim.get(f"/referrals/{personas.referral.pk}/")
    priya.get(f"/partner/referrals/{personas.referral.pk}/")
    with django_assert_num_queries(KEYWORKER_PAGE_QUERIES):
        kim.get(f"/referrals/{personas.referral.pk}/")
    with django_assert_num_queries(PARTNER_PAGE_QUERIES):
        priya.get(f"/partner/referrals/{personas.referral.pk}/")


# Session, user, actor (3), the referral, the participant's view audited, the messages, their reads audited.
KEYWORKER_PAGE_QUERIES = 9
# Session, user, actor (3), the inbox referral, its children, assessments, barriers, the view audited,
# the messages, their reads audited.
PARTNER_PAGE_QUERIES = 12
