"""Erasure on request: Mo records that Pat asked for her data to be erased, and decides.

With a lawful reason to keep it for now (the funder's audit period), the reason and the date it
ends are recorded and shown on Pat's record to Kim and Mo, and the daily run anonymises her the
day after that date. Without one, she is anonymised at once; Priya's agency, which received her
referral, is told to delete what it got.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.participants.models import Participant
from coproduce.referrals.models import Referral
from coproduce.retention.models import ErasureRequest, PartnerDeletionNotice
from coproduce.retention.selectors import AreaRetention
from coproduce.retention.services import apply_retention, decide_erasure_request, record_erasure_request
from tests.personas import Personas

SignIn = Callable[[User], Client]
RECEIVED = "2026-11-02"


@pytest.fixture
def mo(personas: Personas, sign_in: SignIn) -> Client:
    personas.with_referrals()
    return sign_in(personas.manager.user)


def record_pats_request(personas: Personas) -> ErasureRequest:
    return record_erasure_request(
        actor=personas.manager.user,
        participant_id=personas.participant.pk,
        received_on=datetime.date(2026, 11, 2),
        how_made=ErasureRequest.HowMade.PHONE,
    )


def test_mo_records_the_request_from_pats_record_and_kim_sees_it_there(
    personas: Personas, mo: Client, sign_in: SignIn
) -> None:
    record = mo.get(f"/participants/{personas.participant.pk}/")
    assert "Record a request to erase their data" in record.content.decode()

    response = mo.post(
        f"/participants/{personas.participant.pk}/erasure-request/",
        {"received_on": RECEIVED, "how_made": "phone"},
    )

    request = ErasureRequest.objects.get(participant=personas.participant)
    assert response.status_code == 302
    assert response["Location"] == f"/partnership/erasure-requests/{request.pk}/"
    assert (request.status, request.received_on, request.how_made, request.recorded_by) == (
        "awaiting",
        datetime.date(2026, 11, 2),
        "phone",
        personas.manager.user,
    )
    kims_view = sign_in(personas.keyworker.user).get(f"/participants/{personas.participant.pk}/").content.decode()
    assert "They asked on 2 November 2026 for their data to be erased." in kims_view
    assert "The partnership manager is deciding what happens to it." in kims_view
    assert "See the erasure request" not in kims_view  # that page is Mo's
    assert list(
        AuditEvent.objects.filter(record_type="retention.ErasureRequest").values_list(
            "actor_id", "action", "participant_id", "purpose", "changed_fields"
        )
    ) == [(personas.manager.user.pk, "create", personas.participant.pk, "Erasure request", ["how_made", "received_on"])]


def test_a_request_without_its_details_is_refused_with_messages_and_nothing_is_recorded(
    personas: Personas, mo: Client
) -> None:
    response = mo.post(f"/participants/{personas.participant.pk}/erasure-request/", {"received_on": "2099-01-01"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Say how the request was made." in body
    assert not ErasureRequest.objects.exists()
    response = mo.post(
        f"/participants/{personas.participant.pk}/erasure-request/", {"received_on": "2099-01-01", "how_made": "letter"}
    )
    assert "The date the request was received must be today or in the past." in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_a_second_open_request_for_the_same_person_is_refused(personas: Personas, mo: Client) -> None:
    first = record_pats_request(personas)

    response = mo.post(
        f"/participants/{personas.participant.pk}/erasure-request/", {"received_on": RECEIVED, "how_made": "letter"}
    )

    assert response.status_code == 400
    assert "There is already an erasure request for this person." in response.content.decode()
    assert list(ErasureRequest.objects.values_list("pk", flat=True)) == [first.pk]


def test_kept_for_the_funders_audit_period_the_reason_and_end_are_shown_and_it_ends_on_that_date(
    personas: Personas, mo: Client, sign_in: SignIn, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    request = record_pats_request(personas)

    response = mo.post(
        f"/partnership/erasure-requests/{request.pk}/decide/",
        {
            "keep-version": request.version,
            "keep-decision": "keep",
            "keep-keep_reason": "funder_audit",
            "keep-keep_until": "2031-03-31",
        },
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.keep_reason, request.keep_until, request.decided_by) == (
        "kept",
        "funder_audit",
        datetime.date(2031, 3, 31),
        personas.manager.user,
    )
    kims_view = sign_in(personas.keyworker.user).get(f"/participants/{personas.participant.pk}/").content.decode()
    assert (
        "It is kept until 31 March 2031 because of the funder&#x27;s audit period: grant records must be kept "
        "for audit, then anonymised." in kims_view
    )
    detail = mo.get(f"/partnership/erasure-requests/{request.pk}/").content.decode()
    assert "31 March 2031 (anonymised the day after)" in detail
    # The day it ends, it is still kept; the day after, the daily run anonymises her.
    assert apply_retention(today=datetime.date(2031, 3, 31)).erasures == 0
    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(today=datetime.date(2031, 4, 1))
    assert report.erasures == 1
    pat = Participant.objects.get(pk=personas.participant.pk)
    assert pat.anonymised_at is not None
    request.refresh_from_db()
    assert (request.status, request.anonymised_at) == ("done", pat.anonymised_at)
    assert AuditEvent.objects.filter(
        record_type="participants.Participant", record_id=str(pat.pk), action="change", purpose="Erasure request"
    ).exists()


def test_without_a_lawful_reason_pat_is_anonymised_at_once_and_the_partner_is_told(
    personas: Personas, mo: Client, sign_in: SignIn
) -> None:
    request = record_pats_request(personas)
    open_referrals = list(
        Referral.objects.filter(participant=personas.participant, state__in=Referral.OPEN_STATES).values_list(
            "pk", flat=True
        )
    )

    response = mo.post(
        f"/partnership/erasure-requests/{request.pk}/decide/",
        {"erase-version": request.version, "erase-decision": "erase_now", "erase-understood": "on"},
    )

    assert response.status_code == 302
    pat = Participant.objects.get(pk=personas.participant.pk)
    assert (pat.full_name, pat.email, pat.mobile, pat.status) == ("Anonymised participant", "", "", "closed")
    assert set(Referral.objects.filter(pk__in=open_referrals).values_list("state", flat=True)) == {
        Referral.State.WITHDRAWN
    }
    assert set(PartnerDeletionNotice.objects.values_list("referral_id", "organisation_id")) == {
        (personas.referral.pk, personas.partner_agency.pk),
        (personas.other_organisation_referral.pk, personas.other_partner_agency.pk),
    }
    request.refresh_from_db()
    assert request.status == "done"
    # Pat can no longer sign in: her account is emptied and closed.
    assert not User.objects.get(pk=personas.user_for("participant").pk).is_active  # type: ignore[union-attr]
    event = AuditEvent.objects.get(record_type="participants.Participant", record_id=str(pat.pk), action="change")
    assert (event.actor_id, event.purpose) == (personas.manager.user.pk, "Erasure request")
    assert {"status", "status_since"} <= set(event.changed_fields)  # her case was open: it closed today
    detail = mo.get(f"/partnership/erasure-requests/{request.pk}/").content.decode()
    assert "Anonymised participant" in detail
    assert "Partner organisations told to delete" in detail
    assert "Kingdom Money Advice" in detail


def test_anonymising_needs_the_box_ticked(personas: Personas, mo: Client) -> None:
    request = record_pats_request(personas)

    response = mo.post(
        f"/partnership/erasure-requests/{request.pk}/decide/",
        {"erase-version": request.version, "erase-decision": "erase_now"},
    )

    assert response.status_code == 400
    assert "Tick the box to confirm that you understand this cannot be undone." in response.content.decode()
    assert Participant.objects.get(pk=personas.participant.pk).anonymised_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"keep-keep_until": "2031-03-31"}, "Choose the lawful reason to keep their data for now."),
        ({"keep-keep_reason": "funder_audit"}, "Enter the date the reason ends."),
        ({"keep-keep_reason": "funder_audit", "keep-keep_until": "2020-01-01"}, "The date the reason ends must be"),
        ({"keep-keep_reason": "other", "keep-keep_until": "2031-03-31"}, "Say what the lawful reason is."),
    ],
)
def test_keeping_needs_a_reason_and_a_date_after_today(
    personas: Personas, mo: Client, data: dict[str, str], message: str
) -> None:
    request = record_pats_request(personas)

    response = mo.post(
        f"/partnership/erasure-requests/{request.pk}/decide/",
        {"keep-version": request.version, "keep-decision": "keep", **data},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.version) == ("awaiting", 1)


def test_two_managers_deciding_at_once_cannot_overwrite_each_other(personas: Personas, mo: Client) -> None:
    request = record_pats_request(personas)
    decide_erasure_request(
        actor=personas.manager.user,
        request_id=request.pk,
        expected_version=request.version,
        decision="keep",
        keep_reason="legal_claim",
        keep_until=datetime.date(2028, 1, 31),
    )

    response = mo.post(
        f"/partnership/erasure-requests/{request.pk}/decide/",
        {"erase-version": request.version, "erase-decision": "erase_now", "erase-understood": "on"},
    )

    assert response.status_code == 409
    assert "Someone else changed this record while you were editing it." in response.content.decode()
    assert Participant.objects.get(pk=personas.participant.pk).anonymised_at is None
    assert ErasureRequest.objects.get(pk=request.pk).keep_until == datetime.date(2028, 1, 31)


def test_a_kept_request_can_be_decided_again_to_anonymise_now(personas: Personas) -> None:
    request = record_pats_request(personas)
    kept = decide_erasure_request(
        actor=personas.manager.user,
        request_id=request.pk,
        expected_version=request.version,
        decision="keep",
        keep_reason="legal_claim",
        keep_until=datetime.date(2028, 1, 31),
    )

    done = decide_erasure_request(
        actor=personas.manager.user, request_id=request.pk, expected_version=kept.version, decision="erase_now"
    )

    assert done.status == "done"
    assert Participant.objects.get(pk=personas.participant.pk).anonymised_at == done.anonymised_at


def test_only_the_manager_of_the_persons_area_sees_and_decides(
    personas: Personas, sign_in: SignIn, client_for: Callable[[str], Client]
) -> None:
    request = record_pats_request(personas)
    glen = sign_in(personas.glasgow_manager.user)

    assert glen.get(f"/partnership/erasure-requests/{request.pk}/").status_code == 404
    assert glen.get(f"/participants/{personas.participant.pk}/erasure-request/").status_code == 404
    refused = glen.post(
        f"/partnership/erasure-requests/{request.pk}/decide/",
        {"erase-version": request.version, "erase-decision": "erase_now", "erase-understood": "on"},
    )
    assert refused.status_code == 404
    assert client_for("keyworker").get(f"/partnership/erasure-requests/{request.pk}/").status_code == 403
    assert Participant.objects.get(pk=personas.participant.pk).anonymised_at is None


def test_nothing_is_left_to_erase_once_anonymised(personas: Personas, mo: Client) -> None:
    request = record_pats_request(personas)
    decide_erasure_request(
        actor=personas.manager.user, request_id=request.pk, expected_version=request.version, decision="erase_now"
    )

    page = mo.get(f"/participants/{personas.participant.pk}/").content.decode()
    assert "This record was anonymised on" in page
    assert "Record a request to erase their data" not in page
    assert mo.get(f"/participants/{personas.participant.pk}/erasure-request/").status_code == 404
    from coproduce.core.errors import DomainError

    with pytest.raises(DomainError, match="already been anonymised"):
        record_pats_request(personas)


def test_the_managers_page_shows_the_schedule_what_is_due_and_the_requests(
    personas: Personas, mo: Client, django_assert_num_queries: Callable[..., Any]
) -> None:
    record_pats_request(personas)
    Participant.objects.filter(pk=personas.second_participant.pk).update(
        status=Participant.Status.CLOSED, status_since=datetime.date(2016, 1, 4)
    )

    mo.get("/partnership/retention/")  # the first visit may set up the session
    # Session, user, actor (3), partnership and its members, schedule, request count, page of
    # requests, audit insert, area counts.
    with django_assert_num_queries(12):
        response = mo.get("/partnership/retention/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "uses the standard schedule" in body
    assert "6 years after it closed, then anonymised" in body
    assert "6 months after it was made, then anonymised" in body
    assert "90 days, then deleted" in body
    today = timezone.localdate()
    assert response.context["area"] == AreaRetention(
        due_now=1, anonymised=0, closed_on_or_before=today.replace(year=today.year - 6)
    )
    assert body.count(personas.participant.full_name) == 1
    assert "Waiting for a decision" in body
    assert AuditEvent.objects.filter(participant=personas.participant, actor=personas.manager.user, action="list")
