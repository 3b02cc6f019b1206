"""A programme with figures big enough to show: the story behind the funder's statistics tests.

Fife: 30 participants (5 joined in 2015 – Pat, Paula, Olive and two more – and 25 in 2016); 12 went
into paid work, 6 of them into a job that fits (the £8.45 Living Wage, the hours and contract they wanted)
and 6 into jobs paying £7.00 an hour. Agreed target for 2016: 20. Grants £60,000; a £1,000 pot
with £40 approved (and £25 still waiting). Labour market: 2015 and 2016 (the latest, shown).
Glasgow: 20 participants (5 in 2015 – Gemma and four more – and 15 in 2016); 5 in paid work, all
fitting. Its 2016 target of 20 is proposed but not agreed, so not counted. Grants £30,000.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from coproduce.participants.models import Participant
from coproduce.programmes.models import EngagementTarget, Grant, LabourMarketContext, Programme
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory, SpendFactory
from tests.outcomes.factories import JobStartFactory, WorkWishFactory
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.programmes.factories import MembershipFactory, PartnershipFactory, ProgrammeFactory, StaffMemberFactory

TODAY = datetime.date(2017, 1, 1)


def joiners(keyworker: object, year: int, count: int) -> list[Participant]:
    return ParticipantFactory.create_batch(count, keyworker=keyworker, joined_on=datetime.date(year, 5, 1))


def into_work(participants: list[Participant], *, fitting: bool) -> None:
    for participant in participants:
        WorkWishFactory(participant=participant)
        JobStartFactory(
            participant=participant,
            achieved_on=datetime.date(2016, 12, 1),
            hourly_pay=Decimal("8.45") if fitting else Decimal("7.00"),
        )


def build_story(personas: Personas) -> None:
    fife, glasgow = personas.keyworker, personas.glasgow_keyworker
    joiners(fife, 2015, 2)
    fife_2016 = joiners(fife, 2016, 25)
    into_work(fife_2016[:6], fitting=True)
    into_work(fife_2016[6:12], fitting=False)
    joiners(glasgow, 2015, 4)
    glasgow_2016 = joiners(glasgow, 2016, 15)
    into_work(glasgow_2016[:5], fitting=True)
    # A job start after "today" does not count yet.
    JobStartFactory(participant=glasgow_2016[5], achieved_on=datetime.date(2017, 2, 1))

    now = timezone.now()
    funder = personas.funder.user
    EngagementTarget.objects.create(
        partnership=personas.fife,
        year=2016,
        participants=20,
        proposed_by=personas.manager.user,
        proposed_at=now,
        agreed_by=funder,
        agreed_at=now,
    )
    EngagementTarget.objects.create(
        partnership=personas.glasgow, year=2016, participants=20, proposed_by=funder, proposed_at=now
    )
    for year, claimant, density in ((2015, "3.1", "0.70"), (2016, "2.8", "0.72")):
        LabourMarketContext.objects.create(
            partnership=personas.fife,
            year=year,
            claimant_rate=Decimal(claimant),
            job_density=Decimal(density),
            source="ONS Nomis",
        )
    for partnership, reference, amount in (
        (personas.fife, "MIW-FIF-2015", 60000),
        (personas.glasgow, "MIW-GLA-2015", 30000),
    ):
        Grant.objects.create(
            partnership=partnership,
            funder=personas.funder_organisation,
            recipient=personas.lead_organisation,
            reference=reference,
            title="Making It Work",
            description="Support for lone parents into work.",
            amount=Decimal(amount),
            awarded_on=datetime.date(2015, 1, 5),
            starts_on=datetime.date(2015, 4, 1),
            ends_on=datetime.date(2017, 3, 31),
        )
    pot = BudgetPotFactory(partnership=personas.fife, amount=Decimal("1000.00"))
    ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("40.00"))
    SpendFactory(pot=pot, participant=personas.participant, amount=Decimal("25.00"))


SUCCESSOR_NAME = "Making It Work Together"


def build_successor(personas: Personas, *, funder_oversees: bool = True) -> Programme:
    """An overlapping programme run in Fife by the same funder, with records on the same days as the story's,
    so that only the programme tells them apart: 10 participants (joined 2016), 5 in paid work (all
    fitting), an agreed 2016 target of 9, labour market 2016 (claimant rate 9.9), a £70,000 grant, a
    £500 pot with £75 approved. Not a single one of them may reach Making It Work's figures."""
    programme = ProgrammeFactory(name=SUCCESSOR_NAME, reference_prefix="MWT", starts_on=datetime.date(2016, 1, 1))
    fife = PartnershipFactory(programme=programme, area_name="Fife", gss_code="S12000047", short_code="FIF")
    keyworker = StaffMemberFactory(partnership=fife, organisation=personas.lead_organisation)
    MembershipFactory(partnership=fife, organisation=personas.lead_organisation, role="co_lead")
    if funder_oversees:
        personas.funder.programmes.add(programme)
    people = joiners(keyworker, 2016, 10)
    into_work(people[:5], fitting=True)
    now = timezone.now()
    funder = personas.funder.user
    EngagementTarget.objects.create(
        partnership=fife,
        year=2016,
        participants=9,
        proposed_by=funder,
        proposed_at=now,
        agreed_by=funder,
        agreed_at=now,
    )
    LabourMarketContext.objects.create(
        partnership=fife, year=2016, claimant_rate=Decimal("9.9"), job_density=Decimal("0.50"), source="ONS Nomis"
    )
    Grant.objects.create(
        partnership=fife,
        funder=personas.funder_organisation,
        recipient=personas.lead_organisation,
        reference="MWT-FIF-2016",
        title="Making It Work Together",
        description="Support for parents into work, again.",
        amount=Decimal(70000),
        awarded_on=datetime.date(2016, 1, 5),
        starts_on=datetime.date(2016, 4, 1),
        ends_on=datetime.date(2018, 3, 31),
    )
    pot = BudgetPotFactory(partnership=fife, amount=Decimal("500.00"))
    ApprovedSpendFactory(pot=pot, participant=people[0], amount=Decimal("75.00"))
    return programme
