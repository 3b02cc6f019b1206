import datetime
from decimal import Decimal

import factory

from coproduce.outcomes.models import ContractType, Outcome, Sector, SustainmentCheck, WorkWish
from tests.accounts.factories import UserFactory
from tests.participants.factories import ParticipantFactory


class WorkWishFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkWish

    participant = factory.SubFactory(ParticipantFactory)
    min_hours = Decimal("16")
    max_hours = Decimal("25")
    contract_types = factory.LazyFunction(lambda: [ContractType.PERMANENT.value, ContractType.FIXED_TERM.value])
    note = "School hours only."
    recorded_by = factory.SubFactory(UserFactory)


class JobStartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    participant = factory.SubFactory(ParticipantFactory)
    kind = Outcome.Kind.JOB_START
    achieved_on = datetime.date(2016, 3, 7)
    description = "Care assistant"
    employer_sector = Sector.CARE
    hours_per_week = Decimal("20")
    contract_type = ContractType.PERMANENT
    hourly_pay = Decimal("8.25")
    evidence = Outcome.Evidence.CONTRACT
    recorded_by = factory.SubFactory(UserFactory)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    participant = factory.SubFactory(ParticipantFactory)
    kind = Outcome.Kind.TRAINING
    achieved_on = datetime.date(2015, 9, 1)
    description = "HNC Social Care"
    evidence = Outcome.Evidence.PROVIDER
    recorded_by = factory.SubFactory(UserFactory)


class SustainmentCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SustainmentCheck

    outcome = factory.SubFactory(JobStartFactory)
    weeks = 4
    due_on = factory.LazyAttribute(lambda check: check.outcome.achieved_on + datetime.timedelta(weeks=check.weeks))
