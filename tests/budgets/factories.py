import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from coproduce.budgets.models import BudgetPot, Spend
from tests.participants.factories import ParticipantFactory
from tests.programmes.factories import PartnershipFactory


class BudgetPotFactory(factory.django.DjangoModelFactory):
    """A partnership's pot for this year: £1,000, keyworkers approve up to £100."""

    class Meta:
        model = BudgetPot

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = None
    name = "Barrier-busting fund"
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=300))
    amount = Decimal("1000.00")
    keyworker_limit = Decimal("100.00")


class SpendFactory(factory.django.DjangoModelFactory):
    """A request the participant said yes to (in person), waiting for approval, asked for by their keyworker."""

    class Meta:
        model = Spend

    pot = factory.SubFactory(BudgetPotFactory)
    participant = factory.SubFactory(ParticipantFactory)
    category = Spend.Category.TRAVEL
    amount = Decimal("40.00")
    description = "Bus pass for the first month of the course"
    requested_by = factory.LazyAttribute(lambda spend: spend.participant.keyworker.user)
    requested_at = factory.LazyFunction(timezone.now)
    no_goal_reason = "Travel to appointments, not for one goal"
    participant_answer = Spend.Answer.YES
    answered_how = Spend.AnsweredHow.IN_PERSON
    answered_at = factory.LazyFunction(timezone.now)
    answer_recorded_by = factory.LazyAttribute(lambda spend: spend.requested_by)


class ProposedSpendFactory(SpendFactory):
    """A spend proposed to the participant, waiting for their yes or no."""

    participant_answer = Spend.Answer.WAITING
    answered_how = ""
    answered_at = None
    answer_recorded_by = None


class ApprovedSpendFactory(SpendFactory):
    state = Spend.State.APPROVED
    decided_by = factory.LazyAttribute(lambda spend: spend.participant.keyworker.user)
    decided_at = factory.LazyFunction(timezone.now)
