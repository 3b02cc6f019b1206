"""Priya, at Kingdom Money Advice, works on the referrals sent to her organisation.

She sees Pat's sent referral, and of Pat only what Pat agreed to share (name, mobile, what gets
in the way); never Paula's proposed referral, Olive's withdrawn one, or Pat's referral to
another organisation. When Pat stops sharing, the referral is gone from Priya's pages at once.
"""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.referrals.models import Referral, SharedField
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.referrals.factories import ReferralFactory

ClientFor = Callable[[str], Client]


def text(response: Any) -> str:
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def pats_referral_in(personas: Personas, **traits: Any) -> Referral:
    """Another of Pat's referrals to Priya's service, moved on as far as the traits say."""
    return ReferralFactory(
        participant=personas.participant,
        service=personas.partner_service,
        reason="Pat would like a benefits check.",
        **traits,
    )


def test_priya_sees_only_pats_sent_referral_in_her_inbox(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("partner_worker").get("/partner/")

    assert response.status_code == 200
    assert [row["referral"] for row in response.context["rows"]] == [personas.referral]
    page = text(response)
    assert "Pat Participant" in page
    assert "Money and debt advice" in page
    for hidden in (
        personas.second_participant.full_name,  # Paula: proposed, not sent
        personas.other_participant.full_name,  # Olive: withdrawn with her consent
        "Help finding childcare",  # Pat's referral to another organisation
        personas.participant.reference,
    ):
        assert hidden not in page


def test_the_inbox_read_is_audited_for_the_people_listed(personas: Personas, client_for: ClientFor) -> None:
    client_for("partner_worker").get("/partner/")

    events = AuditEvent.objects.filter(actor=personas.partner_worker.user, action=AuditEvent.Action.LIST)
    assert list(events.values_list("participant_id", flat=True)) == [personas.participant.pk]


def test_priya_reads_only_what_pat_agreed_to_share(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    pat.address = "12 Harbour Road\nKirkcaldy"
    pat.save()
    assessment = AssessmentFactory(participant=pat, aspirations="To work in a nursery")
    AssessmentBarrierFactory(assessment=assessment, own_words="Letters from the council tax people scare me")

    response = client_for("partner_worker").get(f"/partner/referrals/{personas.referral.pk}/")

    assert response.status_code == 200
    assert response.context["shared"].shared_fields == (
        SharedField.NAME,
        SharedField.MOBILE,
        SharedField.BARRIERS,
    )
    page = text(response)
    for shown in ("Pat Participant", "+447700900001", "Letters from the council tax people scare me"):
        assert shown in page
    for kept_back in ("pat@example.net", "12 Harbour Road", "KY1 1XX", "To work in a nursery", "Kim Keyworker"):
        assert kept_back not in page
    assert "Ages of their children" not in page
    assert pat.reference not in page


def test_every_read_of_a_referral_is_audited(personas: Personas, client_for: ClientFor) -> None:
    client_for("partner_worker").get(f"/partner/referrals/{personas.referral.pk}/")

    event = AuditEvent.objects.get(actor=personas.partner_worker.user, action=AuditEvent.Action.VIEW)
    assert (event.participant_id, event.record_type, event.record_id) == (
        personas.participant.pk,
        "referrals.Referral",
        str(personas.referral.pk),
    )


@pytest.mark.parametrize("which", ["proposed_referral", "withdrawn_referral", "other_organisation_referral"])
def test_priya_cannot_open_a_referral_that_is_not_hers_to_see(
    personas: Personas, client_for: ClientFor, which: str
) -> None:
    referral: Referral = getattr(personas, which)
    client = client_for("partner_worker")
    version = referral.version

    for url in ("", "decline/", "start/", "complete/", "did-not-start/"):
        assert client.get(f"/partner/referrals/{referral.pk}/{url}").status_code == 404
    assert client.post(f"/partner/referrals/{referral.pk}/accept/", {"version": version}).status_code == 404

    referral.refresh_from_db()
    assert referral.version == version
    assert not AuditEvent.objects.filter(actor=personas.partner_worker.user, participant=referral.participant).exists()


def test_when_pat_stops_sharing_priya_loses_the_referral_at_once(personas: Personas, client_for: ClientFor) -> None:
    priya = client_for("partner_worker")
    assert priya.get(f"/partner/referrals/{personas.referral.pk}/").status_code == 200

    stopped = client_for("participant").post(f"/consents/{personas.referral.consent_id}/stop-sharing/")
    assert stopped.status_code == 302

    inbox = priya.get("/partner/")
    assert inbox.context["rows"] == []
    assert "Pat Participant" not in text(inbox)
    assert priya.get(f"/partner/referrals/{personas.referral.pk}/").status_code == 404
    version = Referral.objects.get(pk=personas.referral.pk).version
    assert priya.post(f"/partner/referrals/{personas.referral.pk}/accept/", {"version": version}).status_code == 404
    assert Referral.objects.get(pk=personas.referral.pk).state == Referral.State.WITHDRAWN


def test_priya_accepts_starts_and_completes_pats_referral(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("partner_worker")
    referral = personas.referral
    url = f"/partner/referrals/{referral.pk}/"

    assert client.post(url + "accept/", {"version": referral.version}).status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.answered_by) == (Referral.State.ACCEPTED, personas.partner_worker.user)

    today = timezone.localdate()
    assert client.post(url + "start/", {"version": referral.version, "started_on": today}).status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.started_on) == (Referral.State.STARTED, today)

    response = client.post(
        url + "complete/",
        {
            "version": referral.version,
            "ended_on": today,
            "delivered": "Three sessions of debt advice and a repayment plan",
            "outcome_note": "Debts under control",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.delivered, referral.outcome_note) == (
        Referral.State.COMPLETED,
        "Three sessions of debt advice and a repayment plan",
        "Debts under control",
    )
    assert "Three sessions of debt advice" in text(client.get(url))


def test_priya_declines_with_a_reason_that_kim_then_reads(personas: Personas, client_for: ClientFor) -> None:
    referral = personas.referral
    response = client_for("partner_worker").post(
        f"/partner/referrals/{referral.pk}/decline/",
        {"version": referral.version, "reason": "no_capacity", "detail": "Full until March"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.decline_reason, referral.decline_detail) == (
        Referral.State.DECLINED,
        "no_capacity",
        "Full until March",
    )
    page = text(client_for("keyworker").get(f"/referrals/{referral.pk}/"))
    assert "declined, no places free" in page
    assert "Full until March" in page


def test_a_decline_without_a_reason_changes_nothing(personas: Personas, client_for: ClientFor) -> None:
    referral = personas.referral
    response = client_for("partner_worker").post(
        f"/partner/referrals/{referral.pk}/decline/", {"version": referral.version, "reason": "other", "detail": ""}
    )
    assert response.status_code == 400
    assert "Say what the reason is." in text(response)
    referral.refresh_from_db()
    assert (referral.state, referral.version) == (Referral.State.SENT, personas.referral.version)


def test_a_start_date_in_the_future_is_a_form_error_and_changes_nothing(
    personas: Personas, client_for: ClientFor
) -> None:
    referral = pats_referral_in(personas, accepted=True)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for("partner_worker").post(
        f"/partner/referrals/{referral.pk}/start/", {"version": referral.version, "started_on": tomorrow}
    )
    assert response.status_code == 400
    assert "The start date must be today or in the past." in text(response)
    referral.refresh_from_db()
    assert (referral.state, referral.started_on) == (Referral.State.ACCEPTED, None)


def test_an_answer_to_a_referral_someone_else_changed_meanwhile_is_a_conflict(
    personas: Personas, client_for: ClientFor
) -> None:
    referral = personas.referral
    stale = referral.version
    Referral.objects.filter(pk=referral.pk).update(version=stale + 1)

    accept = client_for("partner_worker").post(f"/partner/referrals/{referral.pk}/accept/", {"version": stale})
    decline = client_for("partner_worker").post(
        f"/partner/referrals/{referral.pk}/decline/", {"version": stale, "reason": "not_eligible"}
    )

    assert (accept.status_code, decline.status_code) == (409, 409)
    assert "Someone else changed this first" in text(accept)
    referral.refresh_from_db()
    assert (referral.state, referral.version) == (Referral.State.SENT, stale + 1)


def test_overdue_referrals_are_flagged_in_the_inbox(personas: Personas, client_for: ClientFor) -> None:
    Referral.objects.filter(pk=personas.referral.pk).update(answer_due_on=timezone.localdate() - datetime.timedelta(1))

    page = text(client_for("partner_worker").get("/partner/"))

    assert "1 referral is overdue" in page
    assert "Overdue: no answer since" in page


def test_nothing_overdue_is_flagged_when_answers_are_not_yet_due(personas: Personas, client_for: ClientFor) -> None:
    page = text(client_for("partner_worker").get("/partner/"))
    assert "is overdue" not in page
    assert "are overdue" not in page
    assert "Overdue: no answer since" not in page


@pytest.mark.parametrize("how_many", [1, 12])
def test_the_inbox_takes_the_same_queries_however_many_referrals(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Callable[..., Any], how_many: int
) -> None:
    for _ in range(how_many):
        someone = ParticipantFactory(keyworker=personas.keyworker)
        assessment = AssessmentFactory(participant=someone)
        AssessmentBarrierFactory(assessment=assessment)
        ReferralFactory(
            participant=someone,
            service=personas.partner_service,
            sent=True,
            shared_fields=[SharedField.NAME, SharedField.CHILDREN, SharedField.BARRIERS, SharedField.KEYWORKER],
        )
    client = client_for("partner_worker")
    client.get("/partner/")  # the first visit may set up the session
    # Session, user, actor (3), the organisation's membership of the partnership, the counts (overdue,
    # and how many the filter shows), page of referrals, children, assessments, their barriers, audit
    # insert, deletion notices, service ratings.
    with django_assert_num_queries(14):
        response = client.get("/partner/")
    assert len(response.context["rows"]) == how_many + 1
    with django_assert_num_queries(14):
        response = client.get("/partner/?state=sent")
    assert len(response.context["rows"]) == how_many + 1


def test_the_overdue_warning_links_to_the_inbox_showing_only_overdue_referrals(
    personas: Personas, client_for: ClientFor
) -> None:
    late = pats_referral_in(personas, sent=True)
    Referral.objects.filter(pk=late.pk).update(answer_due_on=timezone.localdate() - datetime.timedelta(1))
    client = client_for("partner_worker")

    body = client.get("/partner/").content.decode()
    assert '<a class="govuk-link" href="/partner/?state=overdue">1 referral is overdue</a>' in body

    response = client.get("/partner/?state=overdue")
    assert [row["referral"] for row in response.context["rows"]] == [late]
    assert "1 referral (overdue: waiting for your answer)" in text(response)


def test_the_inbox_filters_by_state_and_ignores_a_made_up_one(personas: Personas, client_for: ClientFor) -> None:
    accepted = pats_referral_in(personas, sent=True)
    Referral.objects.filter(pk=accepted.pk).update(state=Referral.State.ACCEPTED)
    client = client_for("partner_worker")

    assert [row["referral"] for row in client.get("/partner/?state=accepted").context["rows"]] == [accepted]
    assert [row["referral"] for row in client.get("/partner/?state=sent").context["rows"]] == [personas.referral]
    response = client.get("/partner/?state=completed")
    assert response.context["rows"] == []
    assert "No referrals match “Completed”." in text(response)
    made_up = client.get("/partner/?state=proposed")
    assert made_up.status_code == 200
    assert len(made_up.context["rows"]) == 2


def test_only_partner_workers_have_an_inbox(client_for: ClientFor) -> None:
    assert client_for("keyworker").get("/partner/").status_code == 403
    assert client_for("participant").get("/partner/").status_code == 403


@pytest.mark.parametrize("recorded_by", ["keyworker", "partnership_manager"])
def test_a_sharing_consent_withdrawn_from_the_consents_page_withdraws_its_referral(
    personas: Personas, client_for: ClientFor, recorded_by: str
) -> None:
    """Kim or Mo records on Pat's consents that she told them to stop sharing: the same as Pat's own "Stop sharing"."""
    withdrawn = client_for(recorded_by).post(f"/consents/{personas.referral.consent_id}/withdraw/", {"how": "phone"})
    assert withdrawn.status_code == 302

    referral = Referral.objects.select_related("consent").get(pk=personas.referral.pk)
    assert (referral.state, referral.consent.withdrawn_how) == (Referral.State.WITHDRAWN, "phone")
    assert client_for("partner_worker").get(f"/partner/referrals/{referral.pk}/").status_code == 404
