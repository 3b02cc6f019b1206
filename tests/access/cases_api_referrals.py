"""Access cases for the API's directory, suggestions and referrals routes (/api/v1/).

Pat's referral to Priya's agency (Kingdom Money Advice) was sent with consent to share her
name, mobile and barriers; Paula's is only proposed; Olive's was withdrawn. The directory is
public information, so every signed-in role may search it; only the people who keep an entry
(Mo, who manages Fife, and Priya, who works for the agency) may change it. A partner worker
acts only on referrals to their own organisation; nobody who is refused learns Pat's details.
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from coproduce.directory.models import Service
from coproduce.participants.models import Consent
from coproduce.referrals.models import Referral
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas
from tests.referrals.factories import ReferralFactory

PARTNER = roles("partner_worker")
KEYWORKER = roles("keyworker")
PATS_PEOPLE = roles("participant", "keyworker", "partnership_manager")
KEEPERS = roles("partner_worker", "partnership_manager")


def pat_secrets(p: Personas) -> list[str]:
    return [p.participant.given_name, p.participant.reference, p.participant.email, p.participant.mobile]


def referral_secrets(p: Personas) -> list[str]:
    return [*pat_secrets(p), p.referral.reason]


def referrals_snapshot(p: Personas) -> tuple[object, ...]:
    return (
        Referral.objects.count(),
        tuple(Referral.objects.order_by("pk").values_list("state", "version", "withdrawn_at", "decline_reason")),
        tuple(Consent.objects.order_by("pk").values_list("withdrawn_at", flat=True)),
    )


def service_snapshot(p: Personas) -> tuple[object, ...]:
    return tuple(
        Service.objects.filter(pk=p.partner_service.pk).values_list(
            "version", "places_available", "last_checked_on", "last_checked_by", "description"
        )
    )


def today() -> str:
    return timezone.localdate().isoformat()


def version(referral: Referral) -> int:
    return Referral.objects.values_list("version", flat=True).get(pk=referral.pk)


def pats_referral_in(p: Personas, state: str) -> Referral:
    """A referral of Pat's to Priya's agency that has reached `state` (accepted or started)."""
    found = Referral.objects.filter(participant=p.participant, service=p.partner_service, state=state).first()
    if found is not None:
        return found
    made: Referral = ReferralFactory(participant=p.participant, service=p.partner_service, **{state: True})
    return made


def paulas_agreed_referral(p: Personas) -> Referral:
    found = Referral.objects.filter(participant=p.second_participant, state=Referral.State.AGREED).first()
    if found is not None:
        return found
    made: Referral = ReferralFactory(participant=p.second_participant, service=p.partner_service, agreed=True)
    return made


def after(make: Callable[[Personas], Referral]) -> Callable[[Personas], object]:
    """A snapshot taken once the case's referral exists, so that only the request itself could change anything."""
    return lambda p: (make(p), referrals_snapshot(p))[1]


def service_url(name: str) -> Callable[[Personas], str]:
    return lambda p: reverse(f"api-v1:{name}", args=[p.partner_service.pk])


def referral_url(name: str, referral: Callable[[Personas], Referral]) -> Callable[[Personas], str]:
    return lambda p: reverse(f"api-v1:{name}", args=[referral(p).pk])


CASES = [
    # The directory: public information for everyone signed in.
    AccessCase(
        route="api-v1:list_services",
        url=lambda p: reverse("api-v1:list_services"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
    ),
    AccessCase(
        route="api-v1:service_detail",
        url=service_url("service_detail"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
    ),
    AccessCase(
        route="api-v1:update_service",
        url=service_url("update_service"),
        method="PATCH",
        json=True,
        data=lambda p: {"version": p.partner_service.version, "places_available": 0, "description": "Full up."},
        allowed=KEEPERS,
        api=True,
        snapshot=service_snapshot,
    ),
    AccessCase(
        route="api-v1:mark_service_checked",
        url=service_url("mark_service_checked"),
        method="POST",
        json=True,
        data=lambda p: {"version": p.partner_service.version},
        allowed=KEEPERS,
        api=True,
        snapshot=service_snapshot,
    ),
    # Suggestions name the participant's needs: the people who may see Pat.
    AccessCase(
        route="api-v1:participant_suggestions",
        url=lambda p: reverse("api-v1:participant_suggestions", args=[p.participant.pk]),
        allowed=PATS_PEOPLE,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    # Referrals: every list is scoped to what the role may see.
    AccessCase(
        route="api-v1:list_referrals",
        url=lambda p: reverse("api-v1:list_referrals"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
        secrets=referral_secrets,
    ),
    AccessCase(
        route="api-v1:referral_detail",
        url=referral_url("referral_detail", lambda p: p.referral),
        allowed=PATS_PEOPLE | PARTNER,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=referral_secrets,
    ),
    AccessCase(
        route="api-v1:referral_detail",
        label="to another organisation",
        url=referral_url("referral_detail", lambda p: p.other_organisation_referral),
        allowed=PATS_PEOPLE,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [*pat_secrets(p), p.other_organisation_referral.reason],
    ),
    AccessCase(
        route="api-v1:referral_detail",
        label="consent withdrawn",
        url=referral_url("referral_detail", lambda p: p.withdrawn_referral),
        allowed=roles("partnership_manager"),
        api=True,
        audited_participant=lambda p: p.other_participant,
        secrets=lambda p: [p.other_participant.given_name, p.other_participant.reference, p.withdrawn_referral.reason],
    ),
    AccessCase(
        route="api-v1:propose_referral",
        url=lambda p: reverse("api-v1:propose_referral"),
        method="POST",
        json=True,
        data=lambda p: {
            "participant_id": p.participant.pk,
            "service_id": str(p.partner_service.pk),
            "reason": "Pat would like a benefits check.",
        },
        allowed=roles("participant", "keyworker"),
        allowed_status=201,
        api=True,
        secrets=pat_secrets,
        snapshot=referrals_snapshot,
    ),
    AccessCase(
        route="api-v1:record_signposting",
        url=lambda p: reverse("api-v1:record_signposting"),
        method="POST",
        json=True,
        data=lambda p: {
            "participant_id": p.participant.pk,
            "reason": "Help with a benefits appeal.",
            "outside_service_name": "Citizens Advice Fife",
        },
        allowed=KEYWORKER,
        allowed_status=201,
        api=True,
        secrets=pat_secrets,
        snapshot=referrals_snapshot,
    ),
    AccessCase(
        route="api-v1:agree_to_referral",
        url=referral_url("agree_to_referral", lambda p: p.proposed_referral),
        method="POST",
        json=True,
        data=lambda p: {
            "version": version(p.proposed_referral),
            "shared_fields": ["name", "mobile"],
            "how": "in_person_verbal",
        },
        allowed=KEYWORKER,
        api=True,
        secrets=lambda p: [p.second_participant.given_name, p.proposed_referral.reason],
        snapshot=referrals_snapshot,
    ),
    AccessCase(
        route="api-v1:send_referral",
        url=referral_url("send_referral", paulas_agreed_referral),
        method="POST",
        json=True,
        data=lambda p: {"version": version(paulas_agreed_referral(p))},
        allowed=KEYWORKER,
        api=True,
        secrets=lambda p: [p.second_participant.given_name, paulas_agreed_referral(p).reason],
        snapshot=after(paulas_agreed_referral),
    ),
    AccessCase(
        route="api-v1:accept_referral",
        url=referral_url("accept_referral", lambda p: p.referral),
        method="POST",
        json=True,
        data=lambda p: {"version": version(p.referral)},
        allowed=PARTNER,
        api=True,
        secrets=referral_secrets,
        snapshot=referrals_snapshot,
    ),
    AccessCase(
        route="api-v1:decline_referral",
        url=referral_url("decline_referral", lambda p: p.referral),
        method="POST",
        json=True,
        data=lambda p: {"version": version(p.referral), "reason": "no_capacity", "detail": "Full until March."},
        allowed=PARTNER,
        api=True,
        secrets=referral_secrets,
        snapshot=referrals_snapshot,
    ),
    AccessCase(
        route="api-v1:start_referral",
        url=referral_url("start_referral", lambda p: pats_referral_in(p, "accepted")),
        method="POST",
        json=True,
        data=lambda p: {"version": version(pats_referral_in(p, "accepted")), "started_on": today()},
        allowed=PARTNER,
        api=True,
        secrets=pat_secrets,
        snapshot=after(lambda p: pats_referral_in(p, "accepted")),
    ),
    AccessCase(
        route="api-v1:complete_referral",
        url=referral_url("complete_referral", lambda p: pats_referral_in(p, "started")),
        method="POST",
        json=True,
        data=lambda p: {
            "version": version(pats_referral_in(p, "started")),
            "ended_on": today(),
            "delivered": "Three sessions of debt advice and a budget plan.",
            "outcome_note": "Debts consolidated.",
        },
        allowed=PARTNER,
        api=True,
        secrets=pat_secrets,
        snapshot=after(lambda p: pats_referral_in(p, "started")),
    ),
    AccessCase(
        route="api-v1:referral_did_not_start",
        url=referral_url("referral_did_not_start", lambda p: pats_referral_in(p, "accepted")),
        method="POST",
        json=True,
        data=lambda p: {"version": version(pats_referral_in(p, "accepted")), "outcome_note": "Moved away."},
        allowed=PARTNER,
        api=True,
        secrets=pat_secrets,
        snapshot=after(lambda p: pats_referral_in(p, "accepted")),
    ),
    AccessCase(
        route="api-v1:withdraw_referral",
        url=referral_url("withdraw_referral", lambda p: p.referral),
        method="POST",
        json=True,
        data=lambda p: {"version": version(p.referral), "reason": "Sorted it myself."},
        allowed=roles("participant", "keyworker"),
        api=True,
        secrets=referral_secrets,
        snapshot=referrals_snapshot,
    ),
    # Who holds my data: the participant's own.
    AccessCase(
        route="api-v1:my_data_holders",
        url=lambda p: reverse("api-v1:my_data_holders"),
        allowed=roles("participant"),
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [p.partner_agency.name, p.other_partner_agency.name],
    ),
    AccessCase(
        route="api-v1:withdraw_sharing_consent",
        # Paula's consent: her keyworker records that she withdrew it on the phone (Pat withdrawing her
        # own, online, is in tests/api/test_referrals_api.py).
        url=lambda p: reverse("api-v1:withdraw_sharing_consent", args=[paulas_agreed_referral(p).consent_id]),
        method="POST",
        json=True,
        data=lambda p: {"how": "phone"},
        allowed=KEYWORKER | roles("partnership_manager"),
        api=True,
        secrets=lambda p: [p.second_participant.given_name, p.partner_agency.name],
        snapshot=after(paulas_agreed_referral),
    ),
]
