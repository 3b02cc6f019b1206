"""A factory for grants (move into factories.py once one lives there)."""

import datetime
from decimal import Decimal

import factory

from coproduce.programmes.models import Grant, Organisation
from tests.programmes.factories import OrganisationFactory, PartnershipFactory


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    partnership = factory.SubFactory(PartnershipFactory)
    funder = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.FUNDER)
    recipient = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"MIW-GRANT-{n:03d}")
    title = "Making It Work partnership grant"
    description = "Keyworker support, childcare and a discretionary budget for lone parents in the area."
    amount = Decimal("250000.00")
    awarded_on = datetime.date(2013, 3, 1)
    starts_on = datetime.date(2013, 4, 1)
    ends_on = datetime.date(2015, 3, 31)
