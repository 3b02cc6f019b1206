"""Access cases for subject access: Pat's own copy (page and API), and requests made to staff about
Pat, which Mo (Fife's manager) logs, decides on, prepares, releases and hands over.

Pat alone asks for and downloads his own copy. Mo alone handles requests made to staff; once one
is released Pat reads and downloads it too. Keyworkers pass requests to their manager, and every
other role reaches nothing: refused, with nothing of Pat in the answer, nothing changed and no
read of Pat audited.
"""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from coproduce.plans.models import Contact
from coproduce.subject_access.models import SubjectAccessRequest
from coproduce.subject_access.services import (
    ask_for_own_copy,
    log_request,
    prepare_copy,
    release_copy,
    store_prepared_copy,
)
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas
from tests.plans.factories import ContactFactory

PAT = roles("participant")
MANAGER = roles("partnership_manager")
PAT_AND_MANAGER = roles("participant", "partnership_manager")
RESTRICTED_NOTE = "Pat's former partner phoned the centre asking where he lives."
LETTER = {"received_on": "2026-09-03", "how_made": "letter", "identity_checked": "photo_id"}


def pat_secrets(p: Personas) -> list[str]:
    # Not his name: a page refusing Pat himself says who is signed in.
    return [p.participant.reference, "pat@example.net", "Passport seen"]


def note_secrets(p: Personas) -> list[str]:
    return [*pat_secrets(p), RESTRICTED_NOTE]


def _prepared(request: SubjectAccessRequest) -> SubjectAccessRequest:
    # The worker's part, run here and now (the matrix does not commit, so on_commit never fires).
    store_prepared_copy(request_id=request.pk, preparation_number=request.preparation_number)
    return SubjectAccessRequest.objects.get(pk=request.pk)


def pats_own_copy(p: Personas) -> SubjectAccessRequest:
    """Pat's own download, ready."""
    request = SubjectAccessRequest.objects.filter(participant=p.participant, kind="own_download").first()
    return request or _prepared(ask_for_own_copy(actor=p.participant.user))


def pats_request(p: Personas, label: str = "received") -> SubjectAccessRequest:
    """A request made to staff about Pat, by letter, logged by Mo; `label` tells several apart."""
    note = f"Passport seen ({label})"
    request = SubjectAccessRequest.objects.filter(participant=p.participant, identity_note=note).first()
    return request or log_request(
        actor=p.manager.user,
        participant_id=p.participant.pk,
        received_on=timezone.localdate() - datetime.timedelta(days=3),
        how_made="letter",
        identity_checked="photo_id",
        identity_note=note,
    )


def pats_prepared_request(p: Personas) -> SubjectAccessRequest:
    request = pats_request(p, "prepared")
    if request.status == "received":
        request = _prepared(prepare_copy(actor=p.manager.user, request_id=request.pk, expected_version=request.version))
    return request


def pats_released_request(p: Personas) -> SubjectAccessRequest:
    request = pats_request(p, "released")
    if request.status == "received":
        request = _prepared(prepare_copy(actor=p.manager.user, request_id=request.pk, expected_version=request.version))
        request = release_copy(actor=p.manager.user, request_id=request.pk, expected_version=request.version)
    return request


def pats_restricted_note(p: Personas) -> Contact:
    note = Contact.objects.filter(participant=p.participant, notes=RESTRICTED_NOTE).first()
    return note or ContactFactory(
        participant=p.participant,
        notes=RESTRICTED_NOTE,
        restricted_at=timezone.now(),
        restricted_reason="Safeguarding",
        restricted_by=p.keyworker.user,
    )


def requests_snapshot(p: Personas) -> list[Any]:
    return list(
        SubjectAccessRequest.objects.order_by("pk").values_list(
            "pk", "status", "version", "due_on", "extended_by_months", "preparation_number"
        )
    )


def with_request_snapshot(make: Any) -> Any:
    def snapshot(p: Personas) -> list[Any]:
        make(p)
        return [*requests_snapshot(p), *Contact.objects.filter(notes=RESTRICTED_NOTE).values_list("pk", "version")]

    return snapshot


def url_of(route: str, make: Any) -> Any:
    return lambda p: reverse(route, args=[make(p).pk])


def pat_after(*makers: Any) -> Any:
    """Pat, once the requests (and notes) a case needs are there: built before the matrix counts
    the reads audited, so that making them (audited too) is not taken for the request's reads."""

    def audited(p: Personas) -> Any:
        for make in makers:
            make(p)
        return p.participant

    return audited


CASES = [
    # ---- Pat's own copy, on his pages ----
    AccessCase(
        route="web:my_data",
        url=lambda p: reverse("web:my_data"),
        allowed=PAT,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:my_data",
        method="POST",
        url=lambda p: reverse("web:my_data"),
        allowed=PAT,
        allowed_status=302,
        snapshot=requests_snapshot,
    ),
    AccessCase(
        route="web:my_data_download",
        url=url_of("web:my_data_download", pats_own_copy),
        allowed=PAT,
        audited_participant=pat_after(pats_own_copy),
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:my_data_download",
        label="a released request made to staff",
        url=url_of("web:my_data_download", pats_released_request),
        allowed=PAT,
        audited_participant=pat_after(pats_released_request),
        secrets=pat_secrets,
    ),
    # ---- Requests made to staff, on Mo's pages ----
    AccessCase(
        route="web:subject_access_list",
        url=lambda p: pats_request(p) and reverse("web:subject_access_list"),
        allowed=MANAGER,
        audited_participant=pat_after(pats_request),
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:subject_access_add",
        url=lambda p: reverse("web:subject_access_add", args=[p.participant.pk]),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:subject_access_add",
        method="POST",
        url=lambda p: reverse("web:subject_access_add", args=[p.participant.pk]),
        data=lambda p: {**LETTER, "made_by": "participant", "identity_note": ""},
        allowed=MANAGER,
        allowed_status=302,
        secrets=pat_secrets,
        snapshot=requests_snapshot,
    ),
    AccessCase(
        route="web:subject_access_detail",
        url=lambda p: pats_restricted_note(p) and reverse("web:subject_access_detail", args=[pats_request(p).pk]),
        allowed=MANAGER,
        audited_participant=pat_after(pats_restricted_note, pats_request),
        secrets=note_secrets,
    ),
    AccessCase(
        route="web:subject_access_prepare",
        method="POST",
        url=url_of("web:subject_access_prepare", pats_request),
        data=lambda p: {"version": pats_request(p).version},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=with_request_snapshot(pats_request),
    ),
    AccessCase(
        route="web:subject_access_note_decision",
        url=lambda p: reverse(
            "web:subject_access_note_decision", args=[pats_request(p).pk, pats_restricted_note(p).pk]
        ),
        allowed=MANAGER,
        audited_participant=pat_after(pats_restricted_note, pats_request),
        secrets=note_secrets,
    ),
    AccessCase(
        route="web:subject_access_note_decision",
        method="POST",
        url=lambda p: reverse(
            "web:subject_access_note_decision", args=[pats_request(p).pk, pats_restricted_note(p).pk]
        ),
        data=lambda p: {"version": pats_request(p).version, "exemption_applies": "yes", "reason": "Serious harm"},
        allowed=MANAGER,
        allowed_status=302,
        secrets=note_secrets,
        snapshot=with_request_snapshot(lambda p: (pats_request(p), pats_restricted_note(p))),
    ),
    AccessCase(
        route="web:subject_access_extend",
        url=url_of("web:subject_access_extend", pats_request),
        allowed=MANAGER,
        audited_participant=pat_after(pats_request),
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:subject_access_extend",
        method="POST",
        url=url_of("web:subject_access_extend", pats_request),
        data=lambda p: {"version": pats_request(p).version, "months": "1", "reason": "Complex"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=with_request_snapshot(pats_request),
    ),
    AccessCase(
        route="web:subject_access_release",
        method="POST",
        url=url_of("web:subject_access_release", pats_prepared_request),
        data=lambda p: {"version": pats_prepared_request(p).version},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=with_request_snapshot(pats_prepared_request),
    ),
    AccessCase(
        route="web:subject_access_download",
        url=url_of("web:subject_access_download", pats_released_request),
        allowed=MANAGER,
        audited_participant=pat_after(pats_released_request),
        secrets=pat_secrets,
    ),
    # ---- The API ----
    AccessCase(
        route="api-v1:request_subject_access",
        method="POST",
        url=lambda p: reverse("api-v1:request_subject_access", args=[p.participant.pk]),
        data=lambda p: LETTER,
        json=True,
        api=True,
        allowed=MANAGER,
        allowed_status=202,
        secrets=pat_secrets,
        snapshot=requests_snapshot,
    ),
    AccessCase(
        route="api-v1:request_own_subject_access",
        method="POST",
        url=lambda p: reverse("api-v1:request_own_subject_access"),
        api=True,
        allowed=PAT,
        allowed_status=202,
        snapshot=requests_snapshot,
    ),
    AccessCase(
        route="api-v1:get_subject_access_request",
        url=url_of("api-v1:get_subject_access_request", pats_released_request),
        api=True,
        allowed=PAT_AND_MANAGER,
        audited_participant=pat_after(pats_released_request),
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:get_subject_access_request",
        label="not released yet",
        url=url_of("api-v1:get_subject_access_request", pats_request),
        api=True,
        allowed=MANAGER,
        audited_participant=pat_after(pats_request),
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:download_subject_access_copy",
        url=url_of("api-v1:download_subject_access_copy", pats_released_request),
        api=True,
        allowed=PAT_AND_MANAGER,
        audited_participant=pat_after(pats_released_request),
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:download_subject_access_copy",
        label="Pat's own copy",
        url=url_of("api-v1:download_subject_access_copy", pats_own_copy),
        api=True,
        allowed=PAT,
        audited_participant=pat_after(pats_own_copy),
        secrets=pat_secrets,
    ),
]
