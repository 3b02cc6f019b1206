import datetime

import factory

from coproduce.accounts.roles import Role
from coproduce.programmes.models import (
    Organisation,
    Partnership,
    PartnershipMembership,
    Programme,
    StaffMember,
    StaffRole,
)
from tests.accounts.factories import UserFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("name",)

    name = "Making It Work"
    reference_prefix = "MIW"
    starts_on = datetime.date(2013, 4, 1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.THIRD_SECTOR
    charity_number = factory.Sequence(lambda n: f"SC{n:06d}")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    programme = factory.SubFactory(ProgrammeFactory)
    area_name = factory.Sequence(lambda n: f"Area {n}")
    # S129…: never a real council code such as the personas' S12000047, so the two cannot clash.
    gss_code = factory.Sequence(lambda n: f"S129{n:05d}")
    short_code = factory.Sequence(lambda n: "A" + chr(65 + n % 26) + chr(65 + (n // 26) % 26))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipMembership

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = PartnershipMembership.Role.MEMBER


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    job_title = "Keyworker"

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        for role in extracted or [Role.KEYWORKER]:
            StaffRole.objects.create(staff_member=self, role=role)

    @factory.post_generation
    def programmes(self, create: bool, extracted: list[Programme] | None, **kwargs: object) -> None:
        """Programme-wide staff (no partnership) oversee the given programmes, else the default one."""
        if extracted is not None:
            self.programmes.set(extracted)
        elif self.partnership_id is None:
            self.programmes.add(ProgrammeFactory())
