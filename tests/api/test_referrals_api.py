"""Referrals, signposting and who holds my data, through the API.

Pat's referral to Kingdom Money Advice (Priya's agency) was sent sharing her name, mobile and
barriers — not her email or address. Pat also has a referral to Fife Childcare Links, Paula a
proposed one to Priya's agency, and Olive one whose consent she withdrew.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.participants.models import Consent
from coproduce.referrals.models import Referral
from tests.api.helpers import send_json
from tests.personas import Personas, build_personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.referrals.factories import ReferralFactory


@pytest.fixture
def personas(db: None) -> Personas:
    """With the referral story (Pat's sent referral, Paula's proposed one, Olive's withdrawn one)."""
    return build_personas().with_referrals()


def _url(referral: Referral | int, action: str = "") -> str:
    referral_id = referral if isinstance(referral, int) else referral.pk
    return f"/api/v1/referrals/{referral_id}" + (f"/{action}" if action else "")


def _version(referral: Referral) -> int:
    return Referral.objects.values_list("version", flat=True).get(pk=referral.pk)


def _made(**kwargs: object) -> Referral:
    """A referral of one of the personas, made by the factory (typed for the checker)."""
    referral: Referral = ReferralFactory(**kwargs)
    return referral


# ---- what a partner worker sees ---------------------------------------------------------------


def test_priya_sees_only_the_fields_pat_shared(personas: Personas, client_for: Callable[[str], Client]) -> None:
    pat = personas.participant
    assessment = AssessmentFactory(participant=pat, aspirations="Work in a bank")
    AssessmentBarrierFactory(assessment=assessment, barrier="money_and_debt", own_words="Catalogue debts", importance=3)

    response = client_for("partner_worker").get(_url(personas.referral))

    assert response.status_code == 200
    body = response.json()
    assert body["participant"] is None
    assert body["goal_id"] is None
    assert body["state"] == "sent"
    assert body["reason"] == "Pat wants help with her debts before she starts work."
    assert body["shared"] == {
        "shared_fields": ["name", "mobile", "barriers"],
        "name": "Pat Participant",
        "mobile": "+447700900001",
        "email": None,
        "address": None,
        "postcode": None,
        "children_ages": None,
        "barriers": ["Catalogue debts"],
        "aspirations": None,
        "keyworker_name": None,
        "keyworker_contact": None,
    }
    text = response.content.decode()
    for secret in (pat.email, pat.reference, "Work in a bank", "kim@fifelpt.example.org"):
        assert secret not in text
    assert (
        AuditEvent.objects.filter(
            actor=personas.partner_worker.user, participant=pat, action="view", channel="api"
        ).count()
        == 1
    )


def test_email_is_shared_only_once_pat_agrees_to_share_it(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    shared_email = _made(
        participant=personas.participant, service=personas.partner_service, sent=True, shared_fields=["name", "email"]
    )
    body = client_for("partner_worker").get(_url(shared_email)).json()
    assert body["shared"]["email"] == "pat@example.net"
    assert body["shared"]["mobile"] is None


def test_kim_sees_the_whole_referral(personas: Personas, client_for: Callable[[str], Client]) -> None:
    body = client_for("keyworker").get(_url(personas.referral)).json()
    assert body["participant"] == {"id": personas.participant.pk, "name": "Pat Participant"}
    assert body["service"] == {
        "id": str(personas.partner_service.pk),
        "name": "Money and debt advice",
        "organisation": "Kingdom Money Advice",
    }
    assert body["organisation"]["name"] == "Kingdom Money Advice"
    assert body["shared_fields"] == ["name", "mobile", "barriers"]


def test_priya_cannot_see_referrals_not_sent_to_her_or_without_consent(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    priya = client_for("partner_worker")
    for hidden in (personas.other_organisation_referral, personas.proposed_referral, personas.withdrawn_referral):
        response = priya.get(_url(hidden))
        assert response.status_code == 404
        assert response.json() == {"detail": "No such referral."}
    listed = priya.get("/api/v1/referrals").json()
    assert [item["id"] for item in listed["items"]] == [personas.referral.pk]
    assert listed["count"] == 1
    assert listed["items"][0]["participant"] is None
    assert listed["items"][0]["shared"]["name"] == "Pat Participant"


def test_pat_withdraws_consent_and_priya_loses_access_at_once(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    priya = client_for("partner_worker")
    assert priya.get(_url(personas.referral)).status_code == 200

    response = send_json(
        client_for("participant"), "POST", f"/api/v1/consents/{personas.referral.consent_id}/withdraw-sharing", {}
    )

    assert response.status_code == 200
    assert response.json()["withdrawn_how"] == "online"
    assert response.json()["withdrawn_at"] is not None
    assert priya.get(_url(personas.referral)).status_code == 404
    assert priya.get("/api/v1/referrals").json() == {"items": [], "count": 0}
    referral = Referral.objects.get(pk=personas.referral.pk)
    assert referral.state == Referral.State.WITHDRAWN
    assert (
        AuditEvent.objects.filter(
            actor=personas.participant.user, action=AuditEvent.Action.CONSENT_WITHDRAWN, channel="api"
        ).count()
        == 1
    )
    # The other organisation's referral relied on another consent: it carries on.
    assert Referral.objects.get(pk=personas.other_organisation_referral.pk).state == Referral.State.SENT


def test_staff_must_say_how_the_participant_withdrew(personas: Personas, client_for: Callable[[str], Client]) -> None:
    url = f"/api/v1/consents/{personas.referral.consent_id}/withdraw-sharing"
    kim = client_for("keyworker")
    missing = send_json(kim, "POST", url, {})
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["how"]
    assert Consent.objects.get(pk=personas.referral.consent_id).withdrawn_at is None
    assert send_json(kim, "POST", url, {"how": "phone"}).status_code == 200
    assert Consent.objects.get(pk=personas.referral.consent_id).withdrawn_how == "phone"


def test_someone_who_may_not_see_the_consent_gets_404_whatever_they_send(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    url = f"/api/v1/consents/{personas.referral.consent_id}/withdraw-sharing"
    assert send_json(client_for("partner_worker"), "POST", url, {}).status_code == 404
    assert send_json(client_for("funder"), "POST", url, {"how": "phone"}).status_code == 404
    assert Consent.objects.get(pk=personas.referral.consent_id).withdrawn_at is None


# ---- who holds my data ------------------------------------------------------------------------


def test_pat_sees_every_organisation_holding_her_data(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = client_for("participant").get("/api/v1/me/data-holders")
    assert response.status_code == 200
    holders = response.json()
    assert [(h["organisation"]["name"], h["fields"]) for h in holders] == [
        ("Kingdom Money Advice", ["name", "mobile", "barriers"]),
        ("Fife Childcare Links", ["name", "mobile", "children"]),
    ]
    money = next(h for h in holders if h["organisation"]["name"] == "Kingdom Money Advice")
    assert money["consent"]["id"] == personas.referral.consent_id
    assert money["referrals"] == [
        {"id": personas.referral.pk, "service_name": "Money and debt advice", "state": "sent"}
    ]
    assert money["field_labels"] == ["Name", "Mobile number", "What gets in the way, in their own words"]
    assert AuditEvent.objects.filter(actor=personas.participant.user, participant=personas.participant).count() == 1


def test_after_withdrawing_the_agency_no_longer_holds_pats_data(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    pat = client_for("participant")
    send_json(pat, "POST", f"/api/v1/consents/{personas.referral.consent_id}/withdraw-sharing", {})
    holders = pat.get("/api/v1/me/data-holders").json()
    assert [h["organisation"]["name"] for h in holders] == ["Fife Childcare Links"]


def test_data_holders_is_only_for_participants(personas: Personas, client_for: Callable[[str], Client]) -> None:
    assert client_for("keyworker").get("/api/v1/me/data-holders").status_code == 404
    assert client_for("anonymous").get("/api/v1/me/data-holders").status_code == 401


# ---- the whole workflow -----------------------------------------------------------------------


def test_a_referral_from_proposal_to_completion(personas: Personas, client_for: Callable[[str], Client]) -> None:
    kim, priya = client_for("keyworker"), client_for("partner_worker")
    paula = personas.second_participant
    proposed = send_json(
        kim,
        "POST",
        "/api/v1/referrals",
        {"participant_id": paula.pk, "service_id": str(personas.partner_service.pk), "reason": "Rent arrears"},
    )
    assert proposed.status_code == 201
    assert proposed.json()["state"] == "proposed"
    assert proposed.json()["proposed_by"] == "keyworker"
    referral_id = proposed.json()["id"]
    url = f"/api/v1/referrals/{referral_id}"
    assert priya.get(url).status_code == 404  # nothing is shared before Paula agrees and Kim sends it

    agreed = send_json(
        kim, "POST", f"{url}/agree", {"version": 1, "shared_fields": ["name", "email"], "how": "in_person_signed"}
    )
    assert agreed.status_code == 200
    assert agreed.json()["state"] == "agreed"
    assert Consent.objects.get(pk=agreed.json()["consent_id"]).organisation == personas.partner_agency

    sent = send_json(kim, "POST", f"{url}/send", {"version": 2})
    assert sent.json()["state"] == "sent"
    assert sent.json()["answer_due_on"] is not None

    assert priya.get(url).json()["shared"]["email"] == paula.email
    assert send_json(priya, "POST", f"{url}/accept", {"version": 3}).json()["state"] == "accepted"
    today = timezone.localdate().isoformat()
    started = send_json(priya, "POST", f"{url}/start", {"version": 4, "started_on": today})
    assert started.json()["started_on"] == today
    completed = send_json(
        priya,
        "POST",
        f"{url}/complete",
        {"version": 5, "ended_on": today, "delivered": "Two sessions", "outcome_note": "Arrears plan agreed"},
    )
    assert completed.status_code == 200
    assert completed.json()["state"] == "completed"
    assert completed.json()["delivered"] == "Two sessions"

    changes = AuditEvent.objects.filter(
        channel="api", record_type="referrals.Referral", record_id=str(referral_id)
    ).exclude(action="view")
    assert sorted(changes.values_list("action", flat=True)) == ["change"] * 5 + ["create"]


def test_pat_proposes_and_agrees_herself_online(personas: Personas, client_for: Callable[[str], Client]) -> None:
    pat = client_for("participant")
    proposed = send_json(
        pat,
        "POST",
        "/api/v1/referrals",
        {
            "participant_id": personas.participant.pk,
            "service_id": str(personas.partner_service.pk),
            "reason": "A benefits check",
        },
    )
    assert proposed.json()["proposed_by"] == "participant"
    agreed = send_json(pat, "POST", _url(proposed.json()["id"], "agree"), {"version": 1, "shared_fields": ["name"]})
    assert agreed.status_code == 200
    assert Consent.objects.get(pk=agreed.json()["consent_id"]).given_how == "online"


def test_priya_declines_with_a_reason(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("partner_worker"),
        "POST",
        _url(personas.referral, "decline"),
        {"version": _version(personas.referral), "reason": "no_capacity", "detail": "Full until March"},
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["decline_reason"]) == ("declined", "no_capacity")


def test_a_bad_decline_gets_400_with_field_messages_and_changes_nothing(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = send_json(
        client_for("partner_worker"),
        "POST",
        _url(personas.referral, "decline"),
        {"version": _version(personas.referral), "reason": "too_busy"},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    referral = Referral.objects.get(pk=personas.referral.pk)
    assert (referral.state, referral.version) == ("sent", 1)


def test_a_bad_proposal_gets_400_and_nothing_is_created(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    before = Referral.objects.count()
    response = send_json(
        client_for("keyworker"),
        "POST",
        "/api/v1/referrals",
        {"participant_id": personas.participant.pk, "service_id": "not-a-uuid", "reason": 7},
    )
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["reason", "service_id"]
    blank = send_json(
        client_for("keyworker"),
        "POST",
        "/api/v1/referrals",
        {"participant_id": personas.participant.pk, "service_id": str(personas.partner_service.pk), "reason": " "},
    )
    assert blank.status_code == 400
    assert list(blank.json()["errors"]) == ["reason"]
    assert Referral.objects.count() == before


def test_agreeing_without_the_name_is_refused(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("keyworker"),
        "POST",
        _url(personas.proposed_referral, "agree"),
        {"version": 1, "shared_fields": ["email"], "how": "phone"},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["shared_fields"]
    assert Consent.objects.filter(participant=personas.second_participant).count() == 1  # only the service consent
    assert Referral.objects.get(pk=personas.proposed_referral.pk).state == "proposed"


def test_a_stale_version_gets_409_and_saves_nothing(personas: Personas, client_for: Callable[[str], Client]) -> None:
    priya = client_for("partner_worker")
    assert send_json(priya, "POST", _url(personas.referral, "accept"), {"version": 1}).status_code == 200
    stale = send_json(priya, "POST", _url(personas.referral, "decline"), {"version": 1, "reason": "no_capacity"})
    assert stale.status_code == 409
    referral = Referral.objects.get(pk=personas.referral.pk)
    assert (referral.state, referral.version, referral.decline_reason) == ("accepted", 2, "")


def test_only_the_receiving_organisation_answers(personas: Personas, client_for: Callable[[str], Client]) -> None:
    kim = send_json(client_for("keyworker"), "POST", _url(personas.referral, "accept"), {"version": 1})
    assert kim.status_code == 403
    other = send_json(
        client_for("partner_worker"), "POST", _url(personas.other_organisation_referral, "accept"), {"version": 1}
    )
    assert other.status_code == 404
    assert Referral.objects.get(pk=personas.referral.pk).state == "sent"


def test_pat_withdraws_a_referral(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("participant"), "POST", _url(personas.referral, "withdraw"), {"version": 1, "reason": "Sorted"}
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["withdrawn_reason"]) == ("withdrawn", "Sorted")
    assert client_for("partner_worker").get(_url(personas.referral)).status_code == 404


def test_did_not_start_needs_a_note(personas: Personas, client_for: Callable[[str], Client]) -> None:
    accepted = _made(participant=personas.participant, service=personas.partner_service, accepted=True)
    priya = client_for("partner_worker")
    missing = send_json(priya, "POST", _url(accepted, "did-not-start"), {"version": 1})
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["outcome_note"]
    done = send_json(priya, "POST", _url(accepted, "did-not-start"), {"version": 1, "outcome_note": "Moved away"})
    assert done.json()["state"] == "did_not_start"


def test_kim_signposts_pat_to_an_outside_service(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = send_json(
        client_for("keyworker"),
        "POST",
        "/api/v1/signposting",
        {"participant_id": personas.participant.pk, "reason": "Benefits appeal", "outside_service_name": "CAB"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["state"], body["outside_service_name"]) == ("signposting", "signposted", "CAB")
    assert (body["shared"], body["consent_id"], body["organisation"]) == (None, None, None)
    missing = send_json(
        client_for("keyworker"),
        "POST",
        "/api/v1/signposting",
        {"participant_id": personas.participant.pk, "reason": "Benefits appeal"},
    )
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["outside_service_name"]


# ---- lists ------------------------------------------------------------------------------------


def test_the_list_filters_by_state_and_participant(personas: Personas, client_for: Callable[[str], Client]) -> None:
    kim = client_for("keyworker")
    everything = kim.get("/api/v1/referrals").json()
    assert everything["count"] == 3  # Pat's two and Paula's; not Olive's (Owen's caseload)
    sent = kim.get("/api/v1/referrals", {"state": "sent"}).json()
    assert sorted(item["id"] for item in sent["items"]) == sorted(
        [personas.referral.pk, personas.other_organisation_referral.pk]
    )
    paulas = kim.get("/api/v1/referrals", {"participant": personas.second_participant.pk}).json()
    assert [item["id"] for item in paulas["items"]] == [personas.proposed_referral.pk]
    bad = kim.get("/api/v1/referrals", {"state": "lost"})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["state"]
    # One event per participant shown: Pat and Paula, then Pat, then Paula.
    assert AuditEvent.objects.filter(actor=personas.keyworker.user, action="list").count() == 4


def test_other_roles_list_nothing(personas: Personas, client_for: Callable[[str], Client]) -> None:
    for role in ("funder", "evaluator", "administrator"):
        assert client_for(role).get("/api/v1/referrals").json() == {"items": [], "count": 0}
    assert client_for("anonymous").get("/api/v1/referrals").status_code == 401


def _many_referrals_for_priya(personas: Personas) -> None:
    for _ in range(4):
        referral = ReferralFactory(
            participant__keyworker=personas.keyworker,
            service=personas.partner_service,
            sent=True,
            shared_fields=["name", "children", "barriers", "aspirations", "keyworker"],
        )
        AssessmentFactory(participant=referral.participant)


def test_the_partner_list_costs_the_same_queries_for_one_or_many(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: Callable[..., object]
) -> None:
    AssessmentFactory(participant=personas.participant)
    priya = client_for("partner_worker")
    with django_assert_num_queries(QUERIES_PARTNER):  # type: ignore[attr-defined]
        assert priya.get("/api/v1/referrals").json()["count"] == 1
    _many_referrals_for_priya(personas)
    with django_assert_num_queries(QUERIES_PARTNER):  # type: ignore[attr-defined]
        assert priya.get("/api/v1/referrals").json()["count"] == 5


def test_the_keyworker_list_costs_the_same_queries_for_one_or_many(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: Callable[..., object]
) -> None:
    AssessmentFactory(participant=personas.participant)
    kim = client_for("keyworker")
    with django_assert_num_queries(QUERIES_KEYWORKER):  # type: ignore[attr-defined]
        assert kim.get("/api/v1/referrals").json()["count"] == 3
    _many_referrals_for_priya(personas)
    with django_assert_num_queries(QUERIES_KEYWORKER):  # type: ignore[attr-defined]
        assert kim.get("/api/v1/referrals").json()["count"] == 7


# Session, user, staff record, roles, own participant record; count, page, children, assessments
# with their barriers (prefetched for the shared record); one audit insert.
QUERIES_PARTNER = 11
QUERIES_KEYWORKER = 11
