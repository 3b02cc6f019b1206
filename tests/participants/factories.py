import datetime

import factory

from coproduce.participants.models import Child, Consent, Enquiry, Participant
from tests.programmes.factories import PartnershipFactory, StaffMemberFactory


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    reference = factory.Sequence(lambda n: f"MIW-TST-{n:05d}")
    given_name = factory.Faker("first_name_female", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"participant{n}@example.net")
    mobile = factory.Sequence(lambda n: f"+447700{n:06d}")
    postcode = "KY1 1XX"
    keyworker = factory.SubFactory(StaffMemberFactory)
    partnership = factory.LazyAttribute(lambda participant: participant.keyworker.partnership)
    joined_on = datetime.date(2015, 3, 2)
    status_since = factory.LazyAttribute(lambda participant: participant.joined_on)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    participant = factory.SubFactory(ParticipantFactory)
    birth_year = 2012


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    participant = factory.SubFactory(ParticipantFactory)
    purpose = Consent.Purpose.SERVICE
    given_at = factory.LazyFunction(lambda: datetime.datetime(2015, 3, 2, 10, 0, tzinfo=datetime.UTC))
    given_by = factory.LazyAttribute(lambda consent: consent.participant.keyworker.user)
    given_how = Consent.How.IN_PERSON_SIGNED


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    name = factory.Faker("name_female", locale="en_GB")
    email = factory.Sequence(lambda n: f"enquirer{n}@example.com")
    contact_by = Enquiry.ContactBy.EMAIL
    partnership = factory.SubFactory(PartnershipFactory)
    message = "I would like some help getting back to work."
