"""One named person per role, built the same way for every test, so tests read like stories.

In Fife: Kim (keyworker) supports Pat (participant, with a sign-in) and Paula; Owen (another
keyworker) supports Olive. Mo manages the Fife partnership. Priya works for a partner agency.
In Glasgow: Gail (keyworker) supports Gemma; Glen manages Glasgow. Fran works for the funder,
Eve evaluates, Ada administers. An enquiry from Erin waits in Fife. Bea, a former participant
with a sign-in (and no participant record), sits on the Fife partnership board as a
lived-experience member; Mo's organisation has a seat on it too.

Referrals: Priya's agency, Kingdom Money Advice, is in the directory with "Money and debt
advice" (`partner_service`), which takes referrals in Fife.

The rest of the referral story is built the first time a test touches one of its attributes
(`referral`, `other_organisation_referral`, `proposed_referral`, `withdrawn_referral`,
`other_partner_agency`, `other_partner_service`) or calls `personas.with_referrals()`, so that
the tests from before referrals keep their world (one consent per participant, no other
agency). Call `with_referrals()` (or touch one) *before* requesting a page, or taking a
snapshot, that should include them.

The story: Fife Childcare Links is another partner agency in Fife with its own service. Pat
has a sent referral to Priya's service, sharing her name, mobile and barriers (not her email
or address), and a sent referral to Fife Childcare Links, which Priya must not see. Paula has
a proposed referral to Priya's service (not sent: Priya must not see it); Olive's referral to
it was withdrawn with her consent. Gemma has none.
"""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.directory.models import DirectoryOrganisation, Service
from coproduce.participants.models import Consent, Enquiry, Participant
from coproduce.programmes.models import BoardMember, Organisation, Partnership, PartnershipMembership, StaffMember
from coproduce.referrals.models import Referral, SharedField
from coproduce.referrals.selectors import working_days_after
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

if TYPE_CHECKING:
    from tests.research.story import ResearchStory


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
    partner_service: Service
    board_member: BoardMember
    _referral_story: "ReferralStory | None" = field(default=None, repr=False, compare=False)
    _research_story: "ResearchStory | None" = field(default=None, repr=False, compare=False)

    @property
    def research(self) -> "ResearchStory":
        """The evaluation story (tests/research/story.py), built the first time it is asked for."""
        if self._research_story is None:
            from tests.research.story import build_research_story

            self._research_story = build_research_story(self)
        return self._research_story

    def with_research(self) -> "Personas":
        self.research  # noqa: B018 (built for its side effect)
        return self

    def with_referrals(self) -> "Personas":
        """Build the referral story now (once), and return the personas."""
        self.referral_story()
        return self

    def referral_story(self) -> "ReferralStory":
        if self._referral_story is None:
            self._referral_story = _build_referral_story(
                self.fife,
                self.keyworker,
                self.other_keyworker,
                self.participant,
                self.second_participant,
                self.other_participant,
                self.partner_service,
            )
        return self._referral_story

    @property
    def other_partner_agency(self) -> Organisation:
        """Fife Childcare Links, another partner agency in Fife."""
        return self.referral_story().other_partner_agency

    @property
    def other_partner_service(self) -> Service:
        """ "Help finding childcare", Fife Childcare Links' service that takes referrals."""
        return self.referral_story().other_partner_service

    @property
    def referral(self) -> Referral:
        """Pat's sent referral to Priya's service, sharing name, mobile and barriers."""
        return self.referral_story().referral

    @property
    def other_organisation_referral(self) -> Referral:
        """Pat's sent referral to Fife Childcare Links: not Priya's to see."""
        return self.referral_story().other_organisation_referral

    @property
    def proposed_referral(self) -> Referral:
        """Paula's referral to Priya's service, proposed, not agreed or sent."""
        return self.referral_story().proposed_referral

    @property
    def withdrawn_referral(self) -> Referral:
        """Olive's referral to Priya's service, withdrawn with her consent."""
        return self.referral_story().withdrawn_referral

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
            Role.BOARD_MEMBER.value: self.board_member.user,
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

    partner_service = _partner_service(
        agency, fife, "Money and debt advice", "Free, confidential help with debts, benefits and budgeting."
    )
    bea_user = UserFactory(username="bea@example.net", email="bea@example.net", display_name="Bea Board")
    board_member = BoardMember.objects.create(
        partnership=fife,
        user=bea_user,
        name="Bea Board",
        kind=BoardMember.Kind.LIVED_EXPERIENCE,
        joined_on=datetime.date(2025, 4, 1),
    )
    BoardMember.objects.create(
        partnership=fife,
        name="Mo Manager",
        kind=BoardMember.Kind.ORGANISATION,
        organisation=lead,
        user=manager.user,
        joined_on=datetime.date(2025, 4, 1),
    )
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
        partner_service=partner_service,
        board_member=board_member,
    )


@dataclass
class ReferralStory:
    other_partner_agency: Organisation
    other_partner_service: Service
    referral: Referral
    other_organisation_referral: Referral
    proposed_referral: Referral
    withdrawn_referral: Referral


def _build_referral_story(
    fife: Partnership,
    keyworker: StaffMember,
    other_keyworker: StaffMember,
    participant: Participant,
    second: Participant,
    other: Participant,
    partner_service: Service,
) -> ReferralStory:
    """Another partner agency in Fife, and the referrals of Pat, Paula and Olive (see the module docstring)."""
    childcare_links = OrganisationFactory(name="Fife Childcare Links")
    MembershipFactory(partnership=fife, organisation=childcare_links)
    other_partner_service = _partner_service(
        childcare_links, fife, "Help finding childcare", "Finding a childminder or nursery place you can afford."
    )
    referral = _referral(
        participant,
        partner_service,
        keyworker,
        Referral.State.SENT,
        [SharedField.NAME, SharedField.MOBILE, SharedField.BARRIERS],
        reason="Pat wants help with her debts before she starts work.",
    )
    other_organisation_referral = _referral(
        participant,
        other_partner_service,
        keyworker,
        Referral.State.SENT,
        [SharedField.NAME, SharedField.MOBILE, SharedField.CHILDREN],
        reason="Pat needs childcare for her two children when she starts work.",
    )
    proposed_referral = _referral(
        second, partner_service, keyworker, Referral.State.PROPOSED, [], reason="Paula has rent arrears."
    )
    withdrawn_referral = _referral(
        other,
        partner_service,
        other_keyworker,
        Referral.State.WITHDRAWN,
        [SharedField.NAME, SharedField.MOBILE],
        reason="Olive wanted a benefits check.",
    )
    return ReferralStory(
        other_partner_agency=childcare_links,
        other_partner_service=other_partner_service,
        referral=referral,
        other_organisation_referral=other_organisation_referral,
        proposed_referral=proposed_referral,
        withdrawn_referral=withdrawn_referral,
    )


def _partner_service(organisation: Organisation, partnership: Partnership, name: str, description: str) -> Service:
    """The partner agency's directory entry and one service of it that takes referrals in the area."""
    entry = DirectoryOrganisation.objects.create(
        name=organisation.name, description=f"{organisation.name} is a partner agency.", member=organisation
    )
    service = Service.objects.create(
        organization=entry,
        name=name,
        description=description,
        takes_referrals=True,
        places_available=4,
        response_working_days=5,
    )
    service.partnerships.add(partnership)
    return service


def _referral(
    participant: Participant,
    service: Service,
    keyworker: StaffMember,
    state: str,
    shared: list[SharedField],
    *,
    reason: str,
) -> Referral:
    """A referral proposed by the keyworker and taken as far as `state` (sent, withdrawn or proposed)."""
    now = timezone.now()
    organisation = service.organization.member  # type: ignore[union-attr]
    referral = Referral(
        participant=participant,
        service=service,
        organisation=organisation,
        reason=reason,
        state=state,
        proposed_by=Referral.ProposedBy.KEYWORKER,
        proposed_by_user=keyworker.user,
        proposed_at=now - datetime.timedelta(days=3),
    )
    if shared:
        consent = ConsentFactory(
            participant=participant,
            purpose=Consent.Purpose.SHARE_WITH_ORGANISATION,
            organisation=organisation,
            detail=f"Referral to {service.name}: {reason}"[:300],
            given_at=now - datetime.timedelta(days=2),
            given_by=keyworker.user,
            given_how=Consent.How.IN_PERSON_VERBAL,
        )
        referral.consent = consent
        referral.shared_fields = [value.value for value in shared]
        referral.agreed_at = consent.given_at
        referral.sent_at = now - datetime.timedelta(days=1)
        referral.sent_by = keyworker.user
        referral.answer_due_on = working_days_after(timezone.localdate(referral.sent_at), service.response_working_days)
    if state == Referral.State.WITHDRAWN:
        referral.consent.withdrawn_at = now  # type: ignore[union-attr]
        referral.consent.withdrawn_by = participant.keyworker.user  # type: ignore[union-attr]
        referral.consent.withdrawn_how = Consent.How.PHONE  # type: ignore[union-attr]
        referral.consent.save()  # type: ignore[union-attr]
        referral.withdrawn_at = now
        referral.withdrawn_reason = "Olive changed her mind about sharing."
    referral.save()
    return referral
