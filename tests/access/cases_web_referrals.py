"""Access cases for the referral pages: the keyworker's, the participant's and the partner worker's.

Pat has a sent referral to Priya's Kingdom Money Advice (sharing her name, mobile and barriers);
Paula a proposed one (Kim's to work on; Priya must not see it). Cases that need a referral in
another state make one of Pat's, to Priya's service. Refused roles see none of the reasons or
Pat's mobile number, and change nothing.
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from coproduce.participants.models import AvailabilitySlot, Consent
from coproduce.referrals.models import Referral, ReferralMessage, ServiceRating
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas
from tests.referrals.factories import ReferralFactory

CASEWORKERS = roles("keyworker", "partnership_manager")
KEYWORKER = roles("keyworker")
PARTICIPANT = roles("participant")
PARTNER = roles("partner_worker")
PAT_AND_KIM = roles("participant", "keyworker")

PATS_REASON = "Pat wants help with her debts before she starts work."
PAULAS_REASON = "Paula has rent arrears."
STATE_TRAITS: dict[str, dict[str, bool]] = {
    "proposed": {},
    "agreed": {"agreed": True},
    "accepted": {"accepted": True},
    "started": {"started": True},
}


def story(p: Personas) -> Personas:
    """The personas with their referral story built (tests/personas.py builds it on first use)."""
    return p.with_referrals()


def pats_referral(p: Personas, state: str) -> Referral:
    """One of Pat's referrals to Priya's service in `state` (made once, then found again)."""
    story(p)
    reason = f"Matrix referral, {state}"
    found = Referral.objects.filter(participant=p.participant, reason=reason).first()
    if found is not None:
        return found
    return ReferralFactory(participant=p.participant, service=p.partner_service, reason=reason, **STATE_TRAITS[state])


def referral_snapshot(referral: Referral) -> tuple[object, ...]:
    return tuple(
        Referral.objects.filter(pk=referral.pk)
        .values_list("state", "version", "consent_id", "shared_fields", "withdrawn_at", "answered_at")
        .get()
    )


def referrals_snapshot(p: Personas) -> tuple[object, ...]:
    story(p)
    return tuple(Referral.objects.order_by("pk").values_list("pk", "state", "version"))


def availability_snapshot(p: Personas) -> tuple[object, ...]:
    story(p)
    return tuple(
        AvailabilitySlot.objects.filter(participant=p.participant).order_by("pk").values_list("weekday", "part_of_day")
    )


def consent_snapshot(p: Personas) -> tuple[object, ...]:
    return (
        *Consent.objects.filter(pk=p.referral.consent_id).values_list("withdrawn_at", "withdrawn_how").get(),
        referrals_snapshot(p),
    )


def pat_secrets(p: Personas) -> list[str]:
    return [PATS_REASON, p.participant.reference]


def paula_secrets(p: Personas) -> list[str]:
    return [PAULAS_REASON, p.second_participant.reference]


def shared_secrets(p: Personas) -> list[str]:
    return [PATS_REASON, p.participant.mobile]


THREAD_SECRET = "Pat asked us to ring after school pick-up."


def with_a_message(p: Personas) -> Personas:
    """Pat's sent referral with one message on its thread, from Priya (made once)."""
    story(p)
    if not ReferralMessage.objects.filter(referral=p.referral, text=THREAD_SECRET).exists():
        ReferralMessage.objects.create(
            referral=p.referral,
            author=p.partner_worker.user,
            author_organisation=p.partner_agency,
            written_at=timezone.now(),
            text=THREAD_SECRET,
        )
    return p


def thread_secrets(p: Personas) -> list[str]:
    return [THREAD_SECRET, PATS_REASON]


def thread_snapshot(p: Personas) -> tuple[object, ...]:
    story(p)
    return tuple(ReferralMessage.objects.order_by("pk").values_list("pk", "referral_id", "text"))


def pats_completed_referral(p: Personas) -> Referral:
    """One of Pat's referrals to Priya's service, finished: Pat may rate it (made once)."""
    referral = pats_referral(p, "started")
    Referral.objects.filter(pk=referral.pk).update(state=Referral.State.COMPLETED, ended_on=timezone.localdate())
    return referral


def ratings_snapshot(p: Personas) -> tuple[object, ...]:
    story(p)
    return tuple(ServiceRating.objects.order_by("pk").values_list("pk", "score", "comment", "version"))


def state_case(
    route: str,
    state: str,
    *,
    method: str = "GET",
    data: dict[str, Any] | None = None,
    allowed: frozenset[str],
    label: str = "",
) -> AccessCase:
    """A page about one of Pat's referrals in `state`: a GET (audited) or a POST (snapshotted)."""
    if method == "GET":
        return AccessCase(
            route=route,
            url=lambda p: reverse(route, args=[pats_referral(p, state).pk]),
            allowed=allowed,
            audited_participant=lambda p: p.participant,
            secrets=lambda p: [f"Matrix referral, {state}", p.participant.mobile],
            label=label,
        )
    return AccessCase(
        route=route,
        method="POST",
        url=lambda p: reverse(route, args=[pats_referral(p, state).pk]),
        data=lambda p: {"version": pats_referral(p, state).version, **(data or {})},
        allowed=allowed,
        allowed_status=302,
        snapshot=lambda p: referral_snapshot(pats_referral(p, state)),
        label=label,
    )


def _today() -> str:
    return timezone.localdate().isoformat()


CASES = [
    # The keyworker's pages about one participant.
    AccessCase(
        route="web:participant_referrals",
        url=lambda p: reverse("web:participant_referrals", args=[story(p).participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:participant_suggestions",
        url=lambda p: reverse("web:participant_suggestions", args=[story(p).participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [p.participant.reference],
    ),
    AccessCase(
        route="web:referral_propose",
        url=lambda p: reverse("web:referral_propose", args=[story(p).participant.pk]),
        allowed=KEYWORKER,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [p.participant.reference],
    ),
    AccessCase(
        route="web:referral_propose",
        method="POST",
        url=lambda p: reverse("web:referral_propose", args=[story(p).participant.pk]),
        data=lambda p: {"service": str(p.partner_service.pk), "reason": "Help with a budget"},
        allowed=KEYWORKER,
        allowed_status=302,
        snapshot=referrals_snapshot,
    ),
    AccessCase(
        route="web:signposting_add",
        url=lambda p: reverse("web:signposting_add", args=[story(p).participant.pk]),
        allowed=KEYWORKER,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [p.participant.reference],
    ),
    AccessCase(
        route="web:signposting_add",
        method="POST",
        url=lambda p: reverse("web:signposting_add", args=[story(p).participant.pk]),
        data=lambda p: {"service": "", "outside_service_name": "Kirkcaldy Foodbank", "reason": "Food"},
        allowed=KEYWORKER,
        allowed_status=302,
        snapshot=referrals_snapshot,
    ),
    AccessCase(
        route="web:participant_availability",
        url=lambda p: reverse("web:participant_availability", args=[story(p).participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [p.participant.reference],
    ),
    AccessCase(
        route="web:participant_availability",
        method="POST",
        url=lambda p: reverse("web:participant_availability", args=[story(p).participant.pk]),
        data=lambda p: {"day_0": ["morning"]},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=availability_snapshot,
    ),
    AccessCase(
        route="web:referral_detail",
        url=lambda p: reverse("web:referral_detail", args=[p.referral.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    # The thread between Kim's organisation and Priya's: staff of those two only (Mo works with Kim).
    AccessCase(
        route="web:referral_detail",
        url=lambda p: with_a_message(p) and reverse("web:referral_detail", args=[p.referral.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=thread_secrets,
        label="with messages",
    ),
    AccessCase(
        route="web:referral_message",
        method="POST",
        url=lambda p: story(p) and reverse("web:referral_message", args=[p.referral.pk]),
        data=lambda p: {"text": "Could you ring Pat on Tuesday?"},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=thread_snapshot,
    ),
    # Rating a finished referral's service: Pat only. The managers' page of ratings holds no names.
    AccessCase(
        route="web:my_referral_rate",
        url=lambda p: reverse("web:my_referral_rate", args=[pats_completed_referral(p).pk]),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: ["Matrix referral, started"],
    ),
    AccessCase(
        route="web:my_referral_rate",
        method="POST",
        url=lambda p: reverse("web:my_referral_rate", args=[pats_completed_referral(p).pk]),
        data=lambda p: {"score": "4", "comment": "Helpful and kind."},
        allowed=PARTICIPANT,
        allowed_status=302,
        snapshot=ratings_snapshot,
    ),
    AccessCase(
        route="web:service_ratings",
        url=lambda p: story(p) and reverse("web:service_ratings"),
        allowed=roles("partnership_manager"),
    ),
    # Agreeing: Paula's proposed referral is Kim's to record; Pat's own she agrees to online.
    AccessCase(
        route="web:referral_agree",
        url=lambda p: reverse("web:referral_agree", args=[p.proposed_referral.pk]),
        allowed=KEYWORKER,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:referral_agree",
        method="POST",
        url=lambda p: reverse("web:referral_agree", args=[p.proposed_referral.pk]),
        data=lambda p: {"version": p.proposed_referral.version, "shared_fields": ["name"], "how": "phone"},
        allowed=KEYWORKER,
        allowed_status=302,
        snapshot=lambda p: referral_snapshot(p.proposed_referral),
    ),
    state_case("web:referral_agree", "proposed", allowed=PAT_AND_KIM, label="Pat's own"),
    state_case(
        "web:referral_agree",
        "proposed",
        method="POST",
        data={"shared_fields": ["name", "mobile"], "how": "in_person_verbal"},
        allowed=PAT_AND_KIM,
        label="Pat's own",
    ),
    state_case("web:referral_send", "agreed", method="POST", allowed=KEYWORKER),
    AccessCase(
        route="web:referral_withdraw",
        url=lambda p: reverse("web:referral_withdraw", args=[p.proposed_referral.pk]),
        allowed=KEYWORKER,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:referral_withdraw",
        method="POST",
        url=lambda p: reverse("web:referral_withdraw", args=[p.proposed_referral.pk]),
        data=lambda p: {"version": p.proposed_referral.version},
        allowed=KEYWORKER,
        allowed_status=302,
        snapshot=lambda p: referral_snapshot(p.proposed_referral),
    ),
    state_case("web:referral_withdraw", "proposed", allowed=PAT_AND_KIM, label="Pat's own"),
    state_case("web:referral_withdraw", "proposed", method="POST", allowed=PAT_AND_KIM, label="Pat's own"),
    # Stopping sharing: Pat, or Kim for her (not the manager: it is the participant's choice).
    AccessCase(
        route="web:stop_sharing",
        url=lambda p: reverse("web:stop_sharing", args=[p.referral.consent_id]),
        allowed=PAT_AND_KIM | roles("partnership_manager"),
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [p.participant.reference],
    ),
    AccessCase(
        route="web:stop_sharing",
        method="POST",
        url=lambda p: reverse("web:stop_sharing", args=[p.referral.consent_id]),
        data=lambda p: {"how": "phone"},
        allowed=PAT_AND_KIM | roles("partnership_manager"),
        allowed_status=302,
        snapshot=consent_snapshot,
    ),
    # The participant's own pages.
    AccessCase(
        route="web:my_referrals",
        url=lambda p: story(p) and reverse("web:my_referrals"),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [PATS_REASON],
    ),
    AccessCase(
        route="web:my_suggestions",
        url=lambda p: story(p) and reverse("web:my_suggestions"),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:my_referral_propose",
        url=lambda p: reverse("web:my_referral_propose") + f"?service={story(p).partner_service.pk}",
        allowed=PARTICIPANT,
    ),
    AccessCase(
        route="web:my_referral_propose",
        method="POST",
        url=lambda p: story(p) and reverse("web:my_referral_propose"),
        data=lambda p: {"service": str(p.partner_service.pk), "reason": "I would like help with my debts"},
        allowed=PARTICIPANT,
        allowed_status=302,
        snapshot=referrals_snapshot,
    ),
    AccessCase(
        route="web:my_data_holders",
        url=lambda p: story(p) and reverse("web:my_data_holders"),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [PATS_REASON],
    ),
    AccessCase(
        route="web:my_availability",
        url=lambda p: story(p) and reverse("web:my_availability"),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:my_availability",
        method="POST",
        url=lambda p: story(p) and reverse("web:my_availability"),
        data=lambda p: {"day_2": ["afternoon"]},
        allowed=PARTICIPANT,
        allowed_status=302,
        snapshot=availability_snapshot,
    ),
    # The partner worker's inbox and referral pages: only what Pat shared.
    AccessCase(
        route="web:partner_home",
        url=lambda p: story(p) and reverse("web:partner_home"),
        allowed=PARTNER,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [p.participant.mobile, p.participant.reference],
    ),
    AccessCase(
        route="web:partner_referral",
        url=lambda p: reverse("web:partner_referral", args=[p.referral.pk]),
        allowed=PARTNER,
        audited_participant=lambda p: p.participant,
        secrets=shared_secrets,
    ),
    AccessCase(
        route="web:partner_referral",
        url=lambda p: with_a_message(p) and reverse("web:partner_referral", args=[p.referral.pk]),
        allowed=PARTNER,
        audited_participant=lambda p: p.participant,
        secrets=thread_secrets,
        label="with messages",
    ),
    AccessCase(
        route="web:partner_referral_message",
        method="POST",
        url=lambda p: story(p) and reverse("web:partner_referral_message", args=[p.referral.pk]),
        data=lambda p: {"text": "We can see Pat on Tuesday."},
        allowed=PARTNER,
        allowed_status=302,
        snapshot=thread_snapshot,
    ),
    AccessCase(
        route="web:partner_referral_accept",
        method="POST",
        url=lambda p: reverse("web:partner_referral_accept", args=[p.referral.pk]),
        data=lambda p: {"version": p.referral.version},
        allowed=PARTNER,
        allowed_status=302,
        snapshot=lambda p: referral_snapshot(p.referral),
    ),
    AccessCase(
        route="web:partner_referral_decline",
        url=lambda p: reverse("web:partner_referral_decline", args=[p.referral.pk]),
        allowed=PARTNER,
        audited_participant=lambda p: p.participant,
        secrets=shared_secrets,
    ),
    AccessCase(
        route="web:partner_referral_decline",
        method="POST",
        url=lambda p: reverse("web:partner_referral_decline", args=[p.referral.pk]),
        data=lambda p: {"version": p.referral.version, "reason": "no_capacity"},
        allowed=PARTNER,
        allowed_status=302,
        snapshot=lambda p: referral_snapshot(p.referral),
    ),
    state_case("web:partner_referral_start", "accepted", allowed=PARTNER),
    AccessCase(
        route="web:partner_referral_start",
        method="POST",
        url=lambda p: reverse("web:partner_referral_start", args=[pats_referral(p, "accepted").pk]),
        data=lambda p: {"version": pats_referral(p, "accepted").version, "started_on": _today()},
        allowed=PARTNER,
        allowed_status=302,
        snapshot=lambda p: referral_snapshot(pats_referral(p, "accepted")),
    ),
    state_case("web:partner_referral_complete", "started", allowed=PARTNER),
    AccessCase(
        route="web:partner_referral_complete",
        method="POST",
        url=lambda p: reverse("web:partner_referral_complete", args=[pats_referral(p, "started").pk]),
        data=lambda p: {
            "version": pats_referral(p, "started").version,
            "ended_on": _today(),
            "delivered": "Money advice",
            "outcome_note": "Debts sorted",
        },
        allowed=PARTNER,
        allowed_status=302,
        snapshot=lambda p: referral_snapshot(pats_referral(p, "started")),
    ),
    state_case("web:partner_referral_did_not_start", "accepted", allowed=PARTNER),
    state_case(
        "web:partner_referral_did_not_start",
        "accepted",
        method="POST",
        data={"outcome_note": "She found work first"},
        allowed=PARTNER,
    ),
]
