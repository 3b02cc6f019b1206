"""A partner organisation told to delete what a referral gave it, and saying it has.

Pat is anonymised (her erasure request, decided by Mo). Priya's agency had received her referral,
sharing her name, mobile number and what gets in the way: Priya's inbox now says which referral,
which fields and when they came, never whose they were, and Priya records that it is deleted.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.referrals.models import Referral
from coproduce.retention.models import ErasureRequest, PartnerDeletionNotice
from coproduce.retention.services import decide_erasure_request, record_erasure_request
from tests.personas import Personas

SignIn = Callable[[User], Client]


@pytest.fixture
def pat_anonymised(personas: Personas) -> dict[str, Any]:
    personas.with_referrals()
    before = {
        "name": personas.participant.full_name,
        "mobile": personas.participant.mobile,
        "reference": personas.participant.reference,
        "referral": Referral.objects.get(pk=personas.referral.pk),
    }
    request = record_erasure_request(
        actor=personas.manager.user,
        participant_id=personas.participant.pk,
        received_on=personas.referral.sent_at.date(),  # type: ignore[union-attr]
        how_made=ErasureRequest.HowMade.IN_PERSON,
    )
    decide_erasure_request(
        actor=personas.manager.user, request_id=request.pk, expected_version=request.version, decision="erase_now"
    )
    return before


def test_priyas_inbox_says_what_to_delete_without_saying_whose_it_was(
    personas: Personas, pat_anonymised: dict[str, Any], sign_in: SignIn
) -> None:
    response = sign_in(personas.partner_worker.user).get("/partner/")

    body = response.content.decode()
    referral = pat_anonymised["referral"]
    assert response.status_code == 200
    assert "Delete what you received" in body
    assert f"Referral {referral.pk} to Money and debt advice" in body
    assert f"{referral.sent_at:%-d %B %Y}" in body
    for label in ("Name", "Mobile number", "What gets in the way, in their own words"):
        assert f"<li>{label}</li>" in body
    for secret in (pat_anonymised["name"], pat_anonymised["mobile"], pat_anonymised["reference"], "Pat"):
        assert secret not in body
    # Fife Childcare Links' notice is theirs, not Priya's.
    assert f"Referral {personas.other_organisation_referral.pk}" not in body


def test_priya_records_that_it_is_deleted_and_it_is_audited(
    personas: Personas, pat_anonymised: dict[str, Any], sign_in: SignIn
) -> None:
    notice = PartnerDeletionNotice.objects.get(referral=personas.referral)
    priya = sign_in(personas.partner_worker.user)

    response = priya.post(f"/partner/deletion-notices/{notice.pk}/deleted/", {"version": notice.version})

    assert response.status_code == 302
    assert response["Location"] == "/partner/"
    notice.refresh_from_db()
    assert notice.deleted_by == personas.partner_worker.user
    assert notice.deleted_at is not None
    page = priya.get("/partner/").content.decode()
    assert f"Thank you: referral {personas.referral.pk} is recorded as deleted." in page
    assert "Delete what you received" not in page
    assert list(
        AuditEvent.objects.filter(record_type="retention.PartnerDeletionNotice").values_list(
            "actor_id", "action", "record_id", "participant_id", "changed_fields"
        )
    ) == [
        (
            personas.partner_worker.user.pk,
            "change",
            str(notice.pk),
            personas.participant.pk,
            ["deleted_at", "deleted_by"],
        )
    ]
    # Mo sees, on the request, that the agency has deleted.
    request = ErasureRequest.objects.get(participant=personas.participant)
    detail = sign_in(personas.manager.user).get(f"/partnership/erasure-requests/{request.pk}/").content.decode()
    assert f"{notice.deleted_at:%-d %b %Y}" in detail


def test_saying_it_twice_changes_nothing_and_says_why(
    personas: Personas, pat_anonymised: dict[str, Any], sign_in: SignIn
) -> None:
    notice = PartnerDeletionNotice.objects.get(referral=personas.referral)
    priya = sign_in(personas.partner_worker.user)
    priya.post(f"/partner/deletion-notices/{notice.pk}/deleted/", {"version": notice.version})
    notice.refresh_from_db()
    first = (notice.deleted_at, notice.version)

    priya.post(f"/partner/deletion-notices/{notice.pk}/deleted/", {"version": 1})

    notice.refresh_from_db()
    assert (notice.deleted_at, notice.version) == first
    page = priya.get("/partner/").content.decode()
    assert "Someone else changed this record while you were editing it." in page


def test_another_organisations_notice_is_not_there_for_priya(
    personas: Personas, pat_anonymised: dict[str, Any], sign_in: SignIn
) -> None:
    theirs = PartnerDeletionNotice.objects.get(referral=personas.other_organisation_referral)

    response = sign_in(personas.partner_worker.user).post(
        f"/partner/deletion-notices/{theirs.pk}/deleted/", {"version": theirs.version}
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is None
