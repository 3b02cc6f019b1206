"""One named person per role, built the same way for every test, so tests read like stories.

In Fife: Kim (keyworker) supports Pat (participant, with a sign-in) and Paula; Owen (another
keyworker) supports Olive. Mo manages the Fife partnership. Priya works for a partner agency.
In Glasgow: Gail (keyworker) supports Gemma; Glen manages Glasgow. Fran works for the funder,
Eve evaluates, Ada administers. An enquiry from Erin waits in Fife.
"""

import datetime
from dataclasses import dataclass

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.participants.models import Enquiry, Participant
from coproduce.programmes.models import Organisation, Partnership, PartnershipMembership, StaffMember
from tests.accounts.factories import UserFactory
from tests.participants.factories import ChildFactory, ConsentFactory, EnquiryFactory, ParticipantFactory
from tests.plans.factories import ContactFactory
from tests.programmes.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ProgrammeFactory,
    StaffMemberFactory,
)


@dataclass
class Personas:
    fife: Partnership
    glasgow: Partnership
    lead_organisation: Organisation
    partner_agency: Organisation
    funder_organisation: Organisation
    keyworker: StaffMember
    other_keyworker: StaffMember
    glasgow_keyworker: StaffMember
    manager: StaffMember
    glasgow_manager: StaffMember
    partner_worker: StaffMember
    funder: StaffMember
    evaluator: StaffMember
    administrator: User
    participant: Participant
    second_participant: Participant
    other_participant: Participant
    glasgow_participant: Participant
    enquiry: Enquiry

    def user_for(self, role: str) -> User | None:
        """The signed-in user who plays `role` in the matrix tests ("anonymous" is None)."""
        users: dict[str, User | None] = {
            "anonymous": None,
            Role.PARTICIPANT.value: self.participant.user,
            Role.KEYWORKER.value: self.keyworker.user,
            Role.PARTNER_WORKER.value: self.partner_worker.user,
            Role.PARTNERSHIP_MANAGER.value: self.manager.user,
            Role.FUNDER.value: self.funder.user,
            Role.EVALUATOR.value: self.evaluator.user,
            Role.ADMINISTRATOR.value: self.administrator,
        }
        return users[role]


ALL_ROLES = ["anonymous", *[role.value for role in Role]]


def build_personas() -> Personas:
    programme = ProgrammeFactory()
    fife = PartnershipFactory(programme=programme, area_name="Fife", gss_code="S12000047", short_code="FIF")
    glasgow = PartnershipFactory(programme=programme, area_name="Glasgow", gss_code="S12000049", short_code="GLA")
    lead = OrganisationFactory(name="Fife Lone Parents Together")
    council = OrganisationFactory(name="Fife Council", kind=Organisation.Kind.LOCAL_GOVERNMENT, charity_number="")
    agency = OrganisationFactory(name="Kingdom Money Advice")
    glasgow_lead = OrganisationFactory(name="Glasgow Family Works")
    funder_org = OrganisationFactory(name="Good Causes Fund", kind=Organisation.Kind.FUNDER)
    university = OrganisationFactory(name="Caledonian Evaluation Unit", kind=Organisation.Kind.RESEARCH)
    MembershipFactory(partnership=fife, organisation=lead, role=PartnershipMembership.Role.CO_LEAD)
    MembershipFactory(partnership=fife, organisation=council, role=PartnershipMembership.Role.CO_LEAD)
    MembershipFactory(partnership=fife, organisation=agency)
    MembershipFactory(partnership=glasgow, organisation=glasgow_lead, role=PartnershipMembership.Role.CO_LEAD)

    def staff(
        name: str, email: str, organisation: Organisation, partnership: Partnership | None, roles: list[Role]
    ) -> StaffMember:
        user = UserFactory(username=email, email=email, display_name=name)
        return StaffMemberFactory(user=user, organisation=organisation, partnership=partnership, roles=roles)

    keyworker = staff("Kim Keyworker", "kim@fifelpt.example.org", lead, fife, [Role.KEYWORKER])
    other_keyworker = staff("Owen Other", "owen@fifelpt.example.org", lead, fife, [Role.KEYWORKER])
    glasgow_keyworker = staff("Gail Glasgow", "gail@gfw.example.org", glasgow_lead, glasgow, [Role.KEYWORKER])
    manager = staff("Mo Manager", "mo@fifelpt.example.org", lead, fife, [Role.PARTNERSHIP_MANAGER])
    glasgow_manager = staff("Glen Manager", "glen@gfw.example.org", glasgow_lead, glasgow, [Role.PARTNERSHIP_MANAGER])
    partner_worker = staff("Priya Partner", "priya@kma.example.org", agency, fife, [Role.PARTNER_WORKER])
    funder = staff("Fran Funder", "fran@goodcauses.example.org", funder_org, None, [Role.FUNDER])
    evaluator = staff("Eve Evaluator", "eve@ceu.example.ac.uk", university, None, [Role.EVALUATOR])
    administrator = UserFactory(
        username="ada@coproduce.example.org", display_name="Ada Admin", is_staff=True, is_superuser=True
    )

    pat_user = UserFactory(
        username="pat@example.net", email="pat@example.net", mobile="+447700900001", display_name="Pat Participant"
    )
    participant = ParticipantFactory(
        reference="MIW-FIF-00001",
        given_name="Pat",
        family_name="Participant",
        email="pat@example.net",
        mobile="+447700900001",
        user=pat_user,
        keyworker=keyworker,
    )
    second = ParticipantFactory(
        reference="MIW-FIF-00002", given_name="Paula", family_name="Second", keyworker=keyworker
    )
    other = ParticipantFactory(
        reference="MIW-FIF-00003", given_name="Olive", family_name="Other", keyworker=other_keyworker
    )
    gemma = ParticipantFactory(
        reference="MIW-GLA-00001",
        given_name="Gemma",
        family_name="Glasgow",
        keyworker=glasgow_keyworker,
        postcode="G1 1XX",
    )
    for someone in (participant, second, other, gemma):
        ConsentFactory(participant=someone)
    ChildFactory(participant=participant, birth_year=2012)
    ChildFactory(participant=participant, birth_year=2016)
    ContactFactory(participant=participant, happened_on=datetime.date.today() - datetime.timedelta(days=7))
    ContactFactory(participant=second, happened_on=datetime.date.today() - datetime.timedelta(days=60))
    enquiry = EnquiryFactory(name="Erin Enquirer", email="erin@example.com", partnership=fife)
    return Personas(
        fife=fife,
        glasgow=glasgow,
        lead_organisation=lead,
        partner_agency=agency,
        funder_organisation=funder_org,
        keyworker=keyworker,
        other_keyworker=other_keyworker,
        glasgow_keyworker=glasgow_keyworker,
        manager=manager,
        glasgow_manager=glasgow_manager,
        partner_worker=partner_worker,
        funder=funder,
        evaluator=evaluator,
        administrator=administrator,
        participant=participant,
        second_participant=second,
        other_participant=other,
        glasgow_participant=gemma,
        enquiry=enquiry,
    )
