"""The participant withdraws a consent after reading what it means, and gives it again."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import DomainError, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Consent
from coproduce.participants.services import give_consent_again, withdraw_consent
from tests.personas import Personas
from tests.web.test_plain_english import problems

pytestmark = pytest.mark.django_db


def test_withdrawing_support_says_first_what_happens_to_it_and_to_the_data(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    consent = personas.participant.consents.get(purpose="service")
    client = client_for("participant")
    my_page = client.get(reverse("web:my_page")).content.decode()
    assert reverse("web:my_consent_withdraw", args=[consent.pk]) in my_page
    url = reverse("web:my_consent_withdraw", args=[consent.pk])
    body = client.get(url).content.decode()
    for words in (
        "Are you sure you want to withdraw your consent?",
        "What happens to your support",
        "They will close your case and stop working with you.",
        "Your keyworker will cancel any appointments you still have with them.",
        "What happens to your information",
        "We keep the record of your support for 6 years after your case is closed.",
        "your name, your contact details and everything written about you are removed",
    ):
        assert words in body
    assert problems(url, body) == []
    consent.refresh_from_db()
    assert consent.withdrawn_at is None  # Reading the page changes nothing.
    response = client.post(url, follow=True)
    assert "You have withdrawn your consent. It stops straight away." in response.content.decode()
    consent.refresh_from_db()
    assert (consent.withdrawn_how, consent.withdrawn_by) == ("online", personas.participant.user)
    assert "Give it again" in response.content.decode()


def test_a_participant_gives_again_a_consent_they_withdrew(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    pat = personas.participant
    consent = pat.consents.get(purpose="service")
    withdraw_consent(actor=pat.user, consent_id=consent.pk, how="online")
    client = client_for("participant")
    url = reverse("web:my_consent_give_again", args=[consent.pk])
    body = client.get(url).content.decode()
    assert "Yes, give my consent again" in body
    assert problems(url, body) == []
    response = client.post(url, follow=True)
    assert "You have given your consent again, from today." in response.content.decode()
    again = pat.consents.get(purpose="service", withdrawn_at__isnull=True)
    assert (again.given_how, again.given_by, again.pk != consent.pk) == ("online", pat.user, True)
    event = AuditEvent.objects.get(record_type="participants.Consent", record_id=str(again.pk))
    assert event.action == AuditEvent.Action.CONSENT_GIVEN
    # Once given again, the old withdrawn one offers nothing more.
    assert client.post(url).status_code == 400
    assert pat.consents.filter(purpose="service").count() == 2


def test_giving_again_is_refused_for_sharing_and_to_others(personas: Personas) -> None:
    pat = personas.participant
    consent = pat.consents.get(purpose="service")
    with pytest.raises(DomainError, match="has not been withdrawn"):
        give_consent_again(actor=pat.user, consent_id=consent.pk)
    withdraw_consent(actor=pat.user, consent_id=consent.pk, how="online")
    with pytest.raises(NotFound):
        give_consent_again(actor=personas.other_keyworker.user, consent_id=consent.pk)
    with pytest.raises(InvalidInput):
        give_consent_again(actor=personas.keyworker.user, consent_id=consent.pk)
    again = give_consent_again(actor=personas.keyworker.user, consent_id=consent.pk, how=Consent.How.PHONE)
    assert again.given_how == "phone"
