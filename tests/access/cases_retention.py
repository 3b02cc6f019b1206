"""Access cases for retention and erasure: the manager's page, erasure requests, and the partner's
deletion notices.

Pat (Fife) asked for her data to be erased on 2 November 2026; the request waits for Mo's
decision. Her sent referral to Priya's agency has a deletion notice waiting for the agency (as
it would after she was anonymised: the notice names the referral and fields, never her).
Refused roles see none of it and change nothing; only Mo records and decides, only Priya's
agency says it has deleted.
"""

import datetime

from django.urls import reverse

from coproduce.participants.models import Participant
from coproduce.retention.models import ErasureRequest, PartnerDeletionNotice
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas

MANAGER = roles("partnership_manager")
PARTNER = roles("partner_worker")


def pats_request(p: Personas) -> ErasureRequest:
    request, _ = ErasureRequest.objects.get_or_create(
        participant=p.participant,
        defaults={
            "received_on": datetime.date(2026, 11, 2),
            "how_made": ErasureRequest.HowMade.PHONE,
            "recorded_by": p.manager.user,
        },
    )
    return request


def pats_notice(p: Personas) -> PartnerDeletionNotice:
    referral = p.referral
    notice, _ = PartnerDeletionNotice.objects.get_or_create(
        referral=referral,
        defaults={
            "organisation": p.partner_agency,
            "shared_fields": referral.shared_fields,
            "received_at": referral.sent_at,
        },
    )
    return notice


def pat_secrets(p: Personas) -> list[str]:
    pat = p.participant
    return [pat.reference, pat.email, pat.mobile]


def erasure_snapshot(p: Personas) -> tuple[object, ...]:
    pats_request(p)
    return (
        tuple(
            ErasureRequest.objects.order_by("pk").values_list(
                "participant_id", "status", "keep_reason", "keep_until", "anonymised_at", "version"
            )
        ),
        tuple(Participant.objects.order_by("pk").values_list("pk", "given_name", "anonymised_at")),
    )


def notice_snapshot(p: Personas) -> tuple[object, ...]:
    pats_notice(p)
    return tuple(PartnerDeletionNotice.objects.order_by("pk").values_list("deleted_at", "deleted_by_id", "version"))


def keep_for_now(p: Personas) -> dict[str, object]:
    return {
        "keep-version": pats_request(p).version,
        "keep-decision": "keep",
        "keep-keep_reason": ErasureRequest.KeepReason.FUNDER_AUDIT,
        "keep-keep_until": "2031-03-31",
    }


def erase_now(p: Personas) -> dict[str, object]:
    return {"erase-version": pats_request(p).version, "erase-decision": "erase_now", "erase-understood": "on"}


CASES = [
    AccessCase(
        route="web:retention",
        url=lambda p: pats_request(p) and reverse("web:retention"),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:erasure_request_add",
        url=lambda p: reverse("web:erasure_request_add", args=[p.participant.pk]),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:erasure_request_add",
        label="save",
        method="POST",
        url=lambda p: reverse("web:erasure_request_add", args=[p.participant.pk]),
        data=lambda p: {"received_on": "2026-11-02", "how_made": ErasureRequest.HowMade.LETTER},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=lambda p: tuple(ErasureRequest.objects.values_list("participant_id", "received_on", "how_made")),
    ),
    AccessCase(
        route="web:erasure_request_detail",
        url=lambda p: reverse("web:erasure_request_detail", args=[pats_request(p).pk]),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:erasure_request_decide",
        label="keep for now",
        method="POST",
        url=lambda p: reverse("web:erasure_request_decide", args=[pats_request(p).pk]),
        data=keep_for_now,
        allowed=MANAGER,
        allowed_status=302,
        snapshot=erasure_snapshot,
    ),
    AccessCase(
        route="web:erasure_request_decide",
        label="anonymise now",
        method="POST",
        url=lambda p: reverse("web:erasure_request_decide", args=[pats_request(p).pk]),
        data=erase_now,
        allowed=MANAGER,
        allowed_status=302,
        snapshot=erasure_snapshot,
    ),
    AccessCase(
        route="web:partner_deletion_done",
        method="POST",
        url=lambda p: reverse("web:partner_deletion_done", args=[pats_notice(p).pk]),
        data=lambda p: {"version": pats_notice(p).version},
        allowed=PARTNER,
        allowed_status=302,
        snapshot=notice_snapshot,
    ),
]
