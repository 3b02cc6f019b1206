"""The public HSDS API never shows anything about participants or referrals.

The personas' directory has partner services that Pat, Paula and Olive were referred to (sent,
proposed, withdrawn), with consents naming the service. Every endpoint, in every shape, is
read anonymously and must contain none of their names, references, contact details, referral
reasons or consent wording.
"""

import pytest
from django.test import Client

from coproduce.participants.models import Consent, Participant
from coproduce.referrals.models import Referral
from tests.access.cases_hsds import partner_service_at_location
from tests.personas import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    """With the referral story (Pat's sent referral, Paula's proposed one, Olive's withdrawn one)."""
    return build_personas().with_referrals()


def secrets(personas: Personas) -> list[str]:
    found: list[str] = []
    for someone in Participant.objects.all():
        found += [someone.reference, f"{someone.given_name} {someone.family_name}"]
        found += [value for value in (someone.email, someone.mobile, someone.postcode) if value]
    for referral in Referral.objects.all():
        found += [referral.reason]
        found += [text for text in (referral.withdrawn_reason,) if text]
    found += [consent.detail for consent in Consent.objects.exclude(detail="")]
    return found


def test_no_participant_or_referral_data_in_any_answer(personas: Personas, client: Client) -> None:
    sal = partner_service_at_location(personas)
    service = personas.partner_service
    urls = [
        ("/hsds/", False),
        ("/hsds/services?full=true", True),
        ("/hsds/services?minimal=true", False),
        ("/hsds/services?format=ndjson&full=true", True),
        (f"/hsds/services/{service.id}", True),
        ("/hsds/organizations?full=true&full_service=true", True),
        (f"/hsds/organizations/{service.organization_id}?full_service=true", True),
        ("/hsds/taxonomies", False),
        ("/hsds/taxonomy_terms", False),
        ("/hsds/service_at_locations?full=true", True),
        (f"/hsds/service_at_locations/{sal.id}", True),
    ]
    words = secrets(personas)
    # The personas do have participants, referrals and consents that could leak.
    for example in (
        "MIW-FIF-00001",
        "Pat Participant",
        "+447700900001",
        "Pat wants help with her debts before she starts work.",
        "Olive changed her mind about sharing.",
    ):
        assert example in words
    for url, shows_service in urls:
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        text = body.decode()
        assert (service.name in text) == shows_service, url
        leaked = [word for word in words if word in text]
        assert leaked == [], f"{url} shows {leaked}"
