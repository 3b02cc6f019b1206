"""Factories for referrals, and the partner's directory entry and service a referral goes to."""

import datetime

import factory
from django.utils import timezone

from coproduce.directory.models import DirectoryOrganisation, Service
from coproduce.participants.models import Consent
from coproduce.referrals.models import Referral, SharedField
from tests.participants.factories import ParticipantFactory
from tests.programmes.factories import OrganisationFactory


class PartnerEntryFactory(factory.django.DjangoModelFactory):
    """A directory organisation that is one of the programme's partner agencies (`member` set)."""

    class Meta:
        model = DirectoryOrganisation

    member = factory.SubFactory(OrganisationFactory)
    name = factory.LazyAttribute(lambda entry: entry.member.name)
    description = "A partner agency in the programme."


class PartnerServiceFactory(factory.django.DjangoModelFactory):
    """A service of a partner agency that takes referrals."""

    class Meta:
        model = Service

    organization = factory.SubFactory(PartnerEntryFactory)
    name = factory.Sequence(lambda n: f"Partner service {n}")
    description = "Help from a partner agency."
    takes_referrals = True
    places_available = 3
    response_working_days = 5


class SharingConsentFactory(factory.django.DjangoModelFactory):
    """The participant's consent to share with one organisation, for one referral."""

    class Meta:
        model = Consent

    participant = factory.SubFactory(ParticipantFactory)
    purpose = Consent.Purpose.SHARE_WITH_ORGANISATION
    organisation = factory.SubFactory(OrganisationFactory)
    detail = "For a referral."
    given_at = factory.LazyFunction(timezone.now)
    given_by = factory.LazyAttribute(lambda consent: consent.participant.keyworker.user)
    given_how = Consent.How.IN_PERSON_VERBAL


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral, proposed by the keyworker. Traits move it on: `agreed`, `sent`, `accepted`, `started`."""

    class Meta:
        model = Referral

    participant = factory.SubFactory(ParticipantFactory)
    kind = Referral.Kind.REFERRAL
    service = factory.SubFactory(PartnerServiceFactory)
    organisation = factory.LazyAttribute(lambda referral: referral.service.organization.member)
    reason = "Pat wants to sort out her debts before she starts work."
    state = Referral.State.PROPOSED
    proposed_by = Referral.ProposedBy.KEYWORKER
    proposed_by_user = factory.LazyAttribute(lambda referral: referral.participant.keyworker.user)
    proposed_at = factory.LazyFunction(timezone.now)

    class Params:
        agreed = factory.Trait(
            state=Referral.State.AGREED,
            consent=factory.SubFactory(
                SharingConsentFactory,
                participant=factory.SelfAttribute("..participant"),
                organisation=factory.SelfAttribute("..organisation"),
            ),
            shared_fields=[SharedField.NAME.value, SharedField.MOBILE.value],
            agreed_at=factory.LazyFunction(timezone.now),
        )
        sent = factory.Trait(
            agreed=True,
            state=Referral.State.SENT,
            sent_at=factory.LazyFunction(timezone.now),
            sent_by=factory.LazyAttribute(lambda referral: referral.participant.keyworker.user),
            answer_due_on=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7)),
        )
        accepted = factory.Trait(
            sent=True, state=Referral.State.ACCEPTED, answered_at=factory.LazyFunction(timezone.now)
        )
        started = factory.Trait(
            accepted=True, state=Referral.State.STARTED, started_on=factory.LazyFunction(timezone.localdate)
        )


class SignpostingFactory(factory.django.DjangoModelFactory):
    """Signposting to a service outside the system: nothing shared."""

    class Meta:
        model = Referral

    participant = factory.SubFactory(ParticipantFactory)
    kind = Referral.Kind.SIGNPOSTING
    outside_service_name = "Citizens Advice Fife"
    outside_service_details = "Drop in at the Kirkcaldy office, Mondays."
    reason = "Help with a benefits appeal."
    state = Referral.State.SIGNPOSTED
    proposed_by = Referral.ProposedBy.KEYWORKER
    proposed_by_user = factory.LazyAttribute(lambda referral: referral.participant.keyworker.user)
    proposed_at = factory.LazyFunction(timezone.now)
