import datetime

import factory
from django.utils import timezone

from coproduce.voice.models import Feedback, GroupSession, Invitation, Request, Topic
from tests.accounts.factories import UserFactory
from tests.participants.factories import ParticipantFactory
from tests.programmes.factories import PartnershipFactory


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Request

    participant = factory.SubFactory(ParticipantFactory)
    kind = Request.Kind.GROUP_ON
    topic = Topic.MONEY
    text = "Something on sorting out Universal Credit when you start work."


class GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSession

    partnership = factory.SubFactory(PartnershipFactory)
    title = "Money when you start work"
    topic = Topic.MONEY
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    place = "Kirkcaldy Community Centre"
    childcare_provided = True
    facilitator = "Kingdom Money Advice"
    places = 12
    created_by = factory.SubFactory(UserFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    group_session = factory.SubFactory(GroupSessionFactory)
    participant = factory.SubFactory(ParticipantFactory)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    participant = factory.SubFactory(ParticipantFactory)
    text = "My keyworker listens and never rushes me."
    partnership = factory.SelfAttribute("participant.partnership")
