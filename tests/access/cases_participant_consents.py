"""Access cases for the participant's own consent pages: withdraw (after reading what it means), give again.

Only the participant may use them, and only for their own consents: staff use the keyworker's pages.
"""

from django.urls import reverse
from django.utils import timezone

from coproduce.participants.models import Consent, Participant
from tests.access.cases_web_casework import consents_snapshot
from tests.access.matrix import AccessCase, roles


def service_consent(participant: Participant) -> Consent:
    return participant.consents.get(purpose="service", withdrawn_at__isnull=True)


def withdrawn_email_consent(participant: Participant) -> Consent:
    existing = participant.consents.filter(purpose="contact_by_email", withdrawn_at__isnull=False).first()
    if existing is not None:
        return existing
    participant.consents.filter(purpose="contact_by_email").delete()
    return Consent.objects.create(
        participant=participant,
        purpose=Consent.Purpose.CONTACT_BY_EMAIL,
        given_at=timezone.now(),
        given_by=participant.keyworker.user,
        given_how=Consent.How.IN_PERSON_SIGNED,
        withdrawn_at=timezone.now(),
        withdrawn_by=participant.keyworker.user,
        withdrawn_how=Consent.How.PHONE,
    )


CASES = [
    AccessCase(
        route="web:my_consent_withdraw",
        url=lambda p: reverse("web:my_consent_withdraw", args=[service_consent(p.participant).pk]),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:my_consent_withdraw",
        label="withdraw",
        url=lambda p: reverse("web:my_consent_withdraw", args=[service_consent(p.participant).pk]),
        method="POST",
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=lambda p: consents_snapshot(p.participant),
    ),
    AccessCase(
        route="web:my_consent_give_again",
        url=lambda p: reverse("web:my_consent_give_again", args=[withdrawn_email_consent(p.participant).pk]),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:my_consent_give_again",
        label="give again",
        url=lambda p: reverse("web:my_consent_give_again", args=[withdrawn_email_consent(p.participant).pk]),
        method="POST",
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=lambda p: (withdrawn_email_consent(p.participant), consents_snapshot(p.participant))[1],
    ),
]
