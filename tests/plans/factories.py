import datetime

import factory

from coproduce.plans.models import Assessment, AssessmentBarrier, Barrier, Contact
from tests.participants.factories import ParticipantFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    participant = factory.SubFactory(ParticipantFactory)
    happened_on = datetime.date(2026, 11, 2)
    kind = Contact.Kind.CENTRE
    duration_minutes = 45
    notes = "Talked about what kind of work would fit around the school run."
    recorded_by = factory.LazyAttribute(lambda contact: contact.participant.keyworker.user)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    participant = factory.SubFactory(ParticipantFactory)
    assessed_on = datetime.date(2015, 3, 9)
    recorded_by = factory.LazyAttribute(lambda assessment: assessment.participant.keyworker.user)
    strengths = "Organised, good with people, ran the school parents' group."
    aspirations = "I want a job in care that fits around the school day."


class AssessmentBarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentBarrier

    assessment = factory.SubFactory(AssessmentFactory)
    barrier = Barrier.CHILDCARE
    own_words = "No one to pick the kids up after school."
