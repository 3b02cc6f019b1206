"""A person with something of every kind on record, for the retention tests.

`person_with_everything` gives them every kind of row the service holds about someone, each with
words found nowhere else (tagged with `tag`), a sign-in account with its log, a second factor and
an API token, a receipt file, a research interview with its unredacted original, changes that
leave history rows, and referrals to Priya's agency: one completed (sent, so the agency must be
told to delete it) and one still waiting for an answer (withdrawn when they are anonymised).
`identifying_values` lists every value that must be gone afterwards.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from axes.models import AccessLog
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts.models import ApiToken, User
from coproduce.budgets.models import Spend
from coproduce.participants.models import AvailabilitySlot, Consent, Participant
from coproduce.plans.models import Barrier, Contact, ProgressArea, ProgressScore, Step
from coproduce.referrals.models import Referral, SharedField
from coproduce.research.models import Transcript, TranscriptPolicy
from coproduce.subject_access.models import NoteDecision, PreparedCopy, SubjectAccessRequest
from coproduce.voice.models import Invitation
from tests.accounts.factories import UserFactory
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory
from tests.outcomes.factories import JobStartFactory, SustainmentCheckFactory, WorkWishFactory
from tests.participants.factories import ChildFactory, ConsentFactory, EnquiryFactory, ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import (
    AppointmentFactory,
    AssessmentBarrierFactory,
    AssessmentFactory,
    ContactFactory,
    CoverShareFactory,
    GoalFactory,
    JobSearchEntryFactory,
    ProgressCheckFactory,
    StepFactory,
)
from tests.referrals.factories import ReferralFactory
from tests.research.factories import InterviewFactory, ResearchConsentFactory, TranscriptFactory
from tests.voice.factories import FeedbackFactory, GroupSessionFactory, RequestFactory

CLOSED_ON = datetime.date(2017, 3, 31)
JOINED_ON = datetime.date(2016, 1, 11)


@dataclass
class Everything:
    participant: Participant
    user: User
    tag: str
    identifying_values: list[str] = field(default_factory=list)
    completed_referral: Referral | None = None
    open_referral: Referral | None = None
    receipt_name: str = ""
    transcript: Transcript | None = None


def person_with_everything(
    personas: Personas, tag: str, *, closed_on: datetime.date | None = CLOSED_ON, mobile_suffix: int = 1
) -> Everything:
    """Someone on Kim's caseload in Fife with every kind of record. Closed on `closed_on` (None: active)."""
    words: list[str] = []

    def said(text: str) -> str:
        words.append(text)
        return text

    email = said(f"{tag.lower()}@example.net")
    mobile = said(f"+4477005{mobile_suffix:05d}")
    user = UserFactory(username=email, email=email, mobile=mobile, display_name=said(f"Jo {tag}son"))
    participant = ParticipantFactory(
        keyworker=personas.keyworker,
        given_name=said(f"Jo{tag}"),
        family_name=said(f"{tag}son"),
        preferred_name=said(f"Jojo{tag}"),
        email=email,
        mobile=mobile,
        address=said(f"12 {tag} Street\nKirkcaldy"),
        postcode="KY1 9ZZ",
        heard_about="other",
        heard_about_detail=said(f"A poster in the {tag} launderette"),
        joined_on=JOINED_ON,
        status_since=JOINED_ON,
        user=user,
    )
    words.append(participant.reference)
    # A change, so that the history holds an earlier version of the details.
    participant.address = said(f"Flat 3, 40 {tag} Road\nKirkcaldy")
    participant.save()
    if closed_on is not None:
        participant.status = Participant.Status.CLOSED
        participant.status_since = closed_on
        participant.save()

    enquiry = EnquiryFactory(
        partnership=personas.fife,
        name=f"Jo {tag}son",
        email=email,
        message=said(f"I saw the {tag} poster and want help with childcare."),
        best_time=said(f"After the {tag} nursery run"),
    )
    enquiry.participant = participant
    enquiry.status = "registered"
    enquiry.save()

    ChildFactory(participant=participant, birth_year=2014)
    AvailabilitySlot.objects.create(participant=participant, weekday=1, part_of_day="morning")
    ConsentFactory(participant=participant, detail=said(f"Signed at the {tag} family centre"))
    CoverShareFactory(
        participant=participant,
        covering_keyworker=personas.other_keyworker,
        reason=said(f"Kim off while {tag} moved house"),
    )

    assessment = AssessmentFactory(
        participant=participant,
        strengths=said(f"Runs the {tag} toddler group"),
        aspirations=said(f"Wants to work at {tag} Care Home"),
    )
    AssessmentBarrierFactory(
        assessment=assessment, barrier=Barrier.MONEY_AND_DEBT, own_words=said(f"Owes {tag} Catalogue money")
    )
    ContactFactory(participant=participant, notes=said(f"Met at {tag} library about the debts"))
    ContactFactory(
        participant=participant,
        notes=said(f"Disclosed worries about {tag} ex-partner"),
        restricted_reason=said(f"Safeguarding: {tag} ex-partner reads her phone"),
        restricted_by=personas.keyworker.user,
        restricted_at=timezone.now(),
    )
    goal = GoalFactory(participant=participant, title=said(f"Work at {tag} Care Home"), details=said(f"{tag} details"))
    step = StepFactory(goal=goal, description=said(f"Visit {tag} Care Home open day"))
    step.state = Step.State.DECLINED
    step.answered_at = timezone.now()
    step.answered_how = Step.AnsweredHow.IN_PERSON
    step.decline_reason = said(f"Too far from {tag} school")
    step.save()
    AppointmentFactory(
        participant=participant,
        starts_at=timezone.now() - datetime.timedelta(days=400),
        place_details=said(f"Back room of {tag} cafe"),
        childcare_notes=said(f"{tag} twins need the creche"),
        rearrange_request=said(f"Can we move it, {tag} has the dentist"),
    )
    check = ProgressCheckFactory(participant=participant)
    ProgressScore.objects.filter(progress_check=check, area=ProgressArea.MONEY).update(
        comment=said(f"{tag} money worries easing")
    )
    score = ProgressScore.objects.get(progress_check=check, area=ProgressArea.HOME)
    score.comment = said(f"{tag} flat is damp")
    score.save()  # a history row with the words
    JobSearchEntryFactory(
        participant=participant,
        employer=said(f"{tag} Bakery"),
        role=said(f"{tag} counter assistant"),
        what_i_did=said(f"Handed CV to {tag} manager"),
        outcome=said(f"{tag} said maybe in spring"),
    )
    session = GroupSessionFactory(partnership=personas.fife)
    RequestFactory(participant=participant, text=said(f"A group on {tag} budgeting"), group_session=session)
    Invitation.objects.create(group_session=session, participant=participant, attended=True)
    FeedbackFactory(participant=participant, text=said(f"{tag}: my keyworker listens"))

    completed = ReferralFactory(
        participant=participant,
        service=personas.partner_service,
        organisation=personas.partner_agency,
        sent=True,
        reason=said(f"{tag} wants a plan for the catalogue debt"),
        shared_fields=[SharedField.NAME.value, SharedField.MOBILE.value, SharedField.BARRIERS.value],
        sent_at=timezone.make_aware(datetime.datetime(2016, 5, 3, 10, 0)),
    )
    completed.state = Referral.State.COMPLETED
    completed.answered_at = timezone.now()
    completed.started_on = datetime.date(2016, 5, 10)
    completed.ended_on = datetime.date(2016, 8, 1)
    completed.delivered = said(f"Six sessions at {tag} office")
    completed.outcome_note = said(f"{tag} debt plan agreed")
    completed.save()
    open_referral = ReferralFactory(
        participant=participant,
        service=personas.partner_service,
        organisation=personas.partner_agency,
        sent=True,
        reason=said(f"{tag} also needs benefits advice"),
    )

    WorkWishFactory(participant=participant, note=said(f"{tag} school hours only"))
    job = JobStartFactory(
        participant=participant,
        achieved_on=datetime.date(2016, 9, 5),
        description=said(f"Carer at {tag} Care Home"),
        evidence_note=said(f"Contract from {tag} Care Home seen"),
    )
    SustainmentCheckFactory(outcome=job, note=said(f"{tag} still there, loves it"))
    pot = BudgetPotFactory(partnership=personas.fife)
    spend = ApprovedSpendFactory(pot=pot, participant=participant, description=said(f"Shoes for {tag} interview"))
    spend.receipt.save(f"receipt-{tag.lower()}.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8))
    spend.receipt_uploaded_at = timezone.now()
    spend.amount = Decimal("35.00")
    spend.save()

    scope = ResearchConsentFactory(participant=participant)
    interview = InterviewFactory(research_consent=scope, notes=said(f"Phone {tag} after 3pm"))
    # The evaluation team keeps unredacted originals (for twelve months, under the standard schedule).
    TranscriptPolicy.objects.get_or_create(
        organisation=personas.evaluator.organisation,
        defaults={"keep_unredacted_originals": True, "changed_by": personas.evaluator.user},
    )
    transcript = TranscriptFactory(
        interview=interview,
        uploaded_by=personas.evaluator.user,
        original_text=said(f"Interviewer: Jo{tag}, tell me about {tag} Care Home."),
        original_filename=said(f"interview-jo-{tag.lower()}.docx"),
    )

    # A request for a copy of their data, made for them by someone else, with the copy prepared.
    request = SubjectAccessRequest.objects.create(
        participant=participant,
        kind=SubjectAccessRequest.Kind.MADE_TO_STAFF,
        how_made=SubjectAccessRequest.HowMade.LETTER,
        made_by=SubjectAccessRequest.MadeBy.REPRESENTATIVE,
        representative_name=said(f"Maggie {tag}son-Hart"),
        representative_authority=said(f"Letter of authority signed by Jo{tag}"),
        identity_checked=SubjectAccessRequest.IdentityCheck.DOCUMENTS,
        identity_note=said(f"{tag} council tax bill seen"),
        received_on=datetime.date(2017, 1, 9),
        due_on=datetime.date(2017, 4, 9),
        extended_by_months=2,
        extension_reason=said(f"{tag} records are in three offices"),
        logged_by=personas.manager.user,
    )
    copy = f"Everything about Jo{tag} {tag}son".encode()
    PreparedCopy.objects.create(
        request=request,
        preparation_number=1,
        made_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=30),
        content=copy,
        size=len(copy),
        sha256="0" * 64,
    )
    NoteDecision.objects.create(
        request=request,
        contact=restricted_contact(participant),
        exemption_applies=True,
        reason=said(f"Telling Jo{tag} would put her at risk from the {tag} ex-partner"),
        decided_by=personas.manager.user,
        decided_at=timezone.now(),
    )

    TOTPDevice.objects.create(user=user, name=said(f"{tag} phone"))
    ApiToken.objects.create(user=user, name="my laptop", key_hash=f"{tag:0>64}"[:64], key_prefix="cp_abc")
    AccessLog.objects.create(username=email, ip_address="192.0.2.1", user_agent="Firefox")
    return Everything(
        participant=participant,
        user=user,
        tag=tag,
        identifying_values=words,
        completed_referral=completed,
        open_referral=open_referral,
        receipt_name=spend.receipt.name,
        transcript=transcript,
    )


def consent_of(participant: Participant) -> Consent:
    return Consent.objects.filter(participant=participant).order_by("pk").first()  # type: ignore[return-value]


def restricted_contact(participant: Participant) -> Contact:
    return Contact.objects.get(participant=participant, restricted_at__isnull=False)


def spend_of(participant: Participant) -> Spend:
    return Spend.objects.get(participant=participant)
