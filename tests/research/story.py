"""The evaluation story, built on the personas the first time a test asks for it.

Eve (Caledonian Evaluation Unit) and Ezra (Northern Policy Research) evaluate together.

- Pat agreed to everything for the research (pseudonym R-TESTPAT). Gemma agreed, but not to
  being quoted (R-TESTGEM). Olive agreed and then withdrew (R-TESTOLI): evaluators must not
  see her or anything from her interview. Paula never agreed.
- Waves 2015 and 2016. In 2015, in Fife: Pat's interview (done, by Eve), Olive's (done) and one
  with Kim as a keyworker stakeholder (done). In 2016, Gemma's interview in Glasgow is scheduled.
- Pat's transcript is redacted and ready for coding. Kim's is still being redacted and names
  Pat, Kim and Kirkcaldy. Olive's is ready (and hidden from evaluators).
- The codebook "Making it Work evaluation" has themes "Choice and control" and "Barriers".
  Codes: Choice (theme Choice and control), Being listened to (its child), Jobcentre pressure,
  Childcare (theme Barriers), and Home visits, emergent, added by Ezra.
- On Pat's transcript Eve and Ezra both coded CHOICE_PASSAGE as Choice (they agree); on
  JOBCENTRE_PASSAGE Eve chose Jobcentre pressure and Ezra chose Childcare (they differ).
  CHOICE_PASSAGE is in the quote bank as "Service User, Fife, 2015".
- The survey "How is the service for you?" is open, with three questions (agree/disagree,
  choice, own words) asked on joining and six months later. Pat has an invitation to answer
  it on joining; one anonymous answer from Fife is in.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.participants.models import Consent
from coproduce.programmes.models import Organisation, StaffMember
from coproduce.research.models import (
    Code,
    Codebook,
    CodedSegment,
    Interview,
    Quote,
    ResearchConsent,
    Stakeholder,
    StakeholderRole,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyPoint,
    SurveyQuestion,
    SurveyResponse,
    Theme,
    Transcript,
    Wave,
)
from tests.accounts.factories import UserFactory
from tests.participants.factories import ConsentFactory
from tests.programmes.factories import OrganisationFactory, StaffMemberFactory

CHOICE_PASSAGE = "It's all about choices and wanting to do stuff."
JOBCENTRE_PASSAGE = "At the Jobcentre you feel like you're being judged all the time."
PAT_TRANSCRIPT = (
    "Interviewer: How did the first meeting go?\n"
    f"Service user: She never shoved me into anything. {CHOICE_PASSAGE}\n"
    "Interviewer: And before that?\n"
    f"Service user: {JOBCENTRE_PASSAGE} I had nobody to mind [child] while I looked for work.\n"
)
KIM_TRANSCRIPT = (
    "Interviewer: Tell me about your work.\n"
    "Kim: I met Pat at the centre in Kirkcaldy. Pat wanted to train as a nurse.\n"
    "Kim: My wee boy Jamie goes to the same school, so we talk at the gate.\n"
)
OLIVE_TRANSCRIPT = "Service user: Olive's secret story about the bus to Dunfermline."


@dataclass
class ResearchStory:
    second_evaluator: StaffMember
    pat_consent: ResearchConsent
    gemma_consent: ResearchConsent
    olive_consent: ResearchConsent
    wave_2015: Wave
    wave_2016: Wave
    kim_stakeholder: Stakeholder
    pat_interview: Interview
    olive_interview: Interview
    kim_interview: Interview
    gemma_interview: Interview
    pat_transcript: Transcript
    kim_transcript: Transcript
    olive_transcript: Transcript
    codebook: Codebook
    choice_theme: Theme
    barriers_theme: Theme
    choice: Code
    listened_to: Code
    jobcentre: Code
    childcare: Code
    home_visits: Code
    quote: Quote
    survey: Survey
    likert_question: SurveyQuestion
    choice_question: SurveyQuestion
    text_question: SurveyQuestion
    on_joining: SurveyPoint
    six_months: SurveyPoint
    pat_invitation: SurveyInvitation


def build_research_story(personas: "object") -> ResearchStory:
    from tests.personas import Personas

    assert isinstance(personas, Personas)
    p = personas
    programme = p.fife.programme
    eve = p.evaluator.user
    other_team = OrganisationFactory(name="Northern Policy Research", kind=Organisation.Kind.RESEARCH)
    ezra_user = UserFactory(
        username="ezra@npr.example.ac.uk", email="ezra@npr.example.ac.uk", display_name="Ezra Evaluator"
    )
    ezra = StaffMemberFactory(user=ezra_user, organisation=other_team, partnership=None, roles=[Role.EVALUATOR])

    def consent(
        participant: object, pseudonym: str, *, quotation: bool = True, withdrawn: bool = False
    ) -> ResearchConsent:
        row = ConsentFactory(
            participant=participant,
            purpose=Consent.Purpose.RESEARCH,
            withdrawn_at=timezone.now() if withdrawn else None,
        )
        return ResearchConsent.objects.create(
            participant=participant,
            pseudonym=pseudonym,
            consent=row,
            interview=True,
            recording=True,
            quotation=quotation,
            service_data=True,
            contact_for_interview=True,
        )

    pat = consent(p.participant, "R-TESTPAT")
    gemma = consent(p.glasgow_participant, "R-TESTGEM", quotation=False)
    olive = consent(p.other_participant, "R-TESTOLI", withdrawn=True)

    wave_2015 = Wave.objects.create(
        programme=programme,
        year=2015,
        name="Wave 2 (2015)",
        starts_on=datetime.date(2015, 1, 1),
        ends_on=datetime.date(2015, 12, 31),
    )
    wave_2016 = Wave.objects.create(
        programme=programme,
        year=2016,
        name="Wave 3 (2016)",
        starts_on=datetime.date(2016, 1, 1),
        ends_on=datetime.date(2016, 12, 31),
    )
    kim = Stakeholder.objects.create(
        programme=programme,
        partnership=p.fife,
        name="Kim Keyworker",
        role=StakeholderRole.KEYWORKER,
        organisation=p.lead_organisation,
        staff_member=p.keyworker,
        email="kim@fifelpt.example.org",
        agreed_to_interview=True,
        agreed_to_recording=True,
        agreed_to_quotation=True,
        consent_recorded_on=datetime.date(2015, 3, 2),
    )

    def interview(**fields: object) -> Interview:
        defaults: dict[str, object] = {
            "wave": wave_2015,
            "partnership": p.fife,
            "status": Interview.Status.DONE,
            "held_on": datetime.date(2015, 5, 12),
            "interviewer": eve,
            "consent_confirmed": True,
            "recorded": True,
        }
        return Interview.objects.create(**{**defaults, **fields})

    pat_interview = interview(kind=Interview.Kind.PARTICIPANT, research_consent=pat)
    olive_interview = interview(kind=Interview.Kind.PARTICIPANT, research_consent=olive)
    kim_interview = interview(kind=Interview.Kind.STAKEHOLDER, stakeholder=kim)
    gemma_interview = interview(
        kind=Interview.Kind.PARTICIPANT,
        research_consent=gemma,
        wave=wave_2016,
        partnership=p.glasgow,
        status=Interview.Status.SCHEDULED,
        held_on=None,
        scheduled_for=timezone.make_aware(datetime.datetime(2016, 4, 5, 10, 30)),
        recorded=False,
        consent_confirmed=False,
    )

    def transcript(of: Interview, label: str, text: str, status: str = Transcript.Status.READY) -> Transcript:
        return Transcript.objects.create(
            interview=of,
            partnership=of.partnership,
            wave=of.wave,
            speaker_label=label,
            title=f"{label}, {of.partnership.area_name}, {of.wave.year}",
            text=text,
            status=status,
            uploaded_by=eve,
        )

    pat_transcript = transcript(pat_interview, "Service User", PAT_TRANSCRIPT)
    kim_transcript = transcript(kim_interview, "Keyworker", KIM_TRANSCRIPT, Transcript.Status.REDACTING)
    olive_transcript = transcript(olive_interview, "Service User", OLIVE_TRANSCRIPT)

    codebook = Codebook.objects.create(programme=programme, name="Making it Work evaluation")
    choice_theme = Theme.objects.create(codebook=codebook, name="Choice and control", position=1)
    barriers_theme = Theme.objects.create(codebook=codebook, name="Barriers", position=2)

    def code(name: str, **fields: object) -> Code:
        return Code.objects.create(**{"codebook": codebook, "name": name, "created_by": eve, **fields})

    choice = code("Choice", theme=choice_theme, definition="The participant chooses what they do and when.")
    listened_to = code("Being listened to", parent=choice, theme=choice_theme)
    jobcentre = code("Jobcentre pressure", definition="Pressure, judgement or fear of sanctions from Jobcentre Plus.")
    childcare = code("Childcare", theme=barriers_theme, definition="Finding, affording or trusting childcare.")
    home_visits = code("Home visits", emergent=True, created_by=ezra_user, colour="#00703c")

    def coded(passage: str, with_code: Code, by: object) -> CodedSegment:
        start = PAT_TRANSCRIPT.index(passage)
        return CodedSegment.objects.create(
            transcript=pat_transcript, code=with_code, coder=by, start=start, end=start + len(passage), text=passage
        )

    eves_choice = coded(CHOICE_PASSAGE, choice, eve)
    coded(CHOICE_PASSAGE, choice, ezra_user)
    coded(JOBCENTRE_PASSAGE, jobcentre, eve)
    coded(JOBCENTRE_PASSAGE, childcare, ezra_user)
    quote = Quote.objects.create(
        transcript=pat_transcript,
        segment=eves_choice,
        start=eves_choice.start,
        end=eves_choice.end,
        text=CHOICE_PASSAGE,
        attribution="Service User, Fife, 2015",
        selected_by=eve,
    )

    survey = Survey.objects.create(
        programme=programme,
        title="How is the service for you?",
        introduction="Your keyworker will not see your answers.",
        status=Survey.Status.OPEN,
        created_by=eve,
    )
    likert_question = SurveyQuestion.objects.create(
        survey=survey,
        position=1,
        kind=SurveyQuestion.Kind.LIKERT,
        text="My keyworker listens to what I want.",
        required=True,
    )
    choice_question = SurveyQuestion.objects.create(
        survey=survey,
        position=2,
        kind=SurveyQuestion.Kind.CHOICE,
        text="Where do you usually meet your keyworker?",
        choices=["At a centre", "At home", "On the phone"],
    )
    text_question = SurveyQuestion.objects.create(
        survey=survey, position=3, kind=SurveyQuestion.Kind.TEXT, text="What would you change about the service?"
    )
    on_joining = SurveyPoint.objects.create(survey=survey, label="On joining", days_after_joining=0)
    six_months = SurveyPoint.objects.create(survey=survey, label="Six months later", days_after_joining=182)
    pat_invitation = SurveyInvitation.objects.create(
        survey=survey,
        point=on_joining,
        participant=p.participant,
        partnership=p.fife,
        wave=wave_2015,
        sent_on=datetime.date(2015, 3, 2),
    )
    response = SurveyResponse.objects.create(
        survey=survey, point=on_joining, partnership=p.fife, wave=wave_2015, submitted_on=datetime.date(2015, 3, 9)
    )
    SurveyAnswer.objects.create(response=response, question=likert_question, number=5)
    SurveyAnswer.objects.create(response=response, question=choice_question, choice="At home")
    SurveyAnswer.objects.create(response=response, question=text_question, text="More evening sessions, please.")

    return ResearchStory(
        second_evaluator=ezra,
        pat_consent=pat,
        gemma_consent=gemma,
        olive_consent=olive,
        wave_2015=wave_2015,
        wave_2016=wave_2016,
        kim_stakeholder=kim,
        pat_interview=pat_interview,
        olive_interview=olive_interview,
        kim_interview=kim_interview,
        gemma_interview=gemma_interview,
        pat_transcript=pat_transcript,
        kim_transcript=kim_transcript,
        olive_transcript=olive_transcript,
        codebook=codebook,
        choice_theme=choice_theme,
        barriers_theme=barriers_theme,
        choice=choice,
        listened_to=listened_to,
        jobcentre=jobcentre,
        childcare=childcare,
        home_visits=home_visits,
        quote=quote,
        survey=survey,
        likert_question=likert_question,
        choice_question=choice_question,
        text_question=text_question,
        on_joining=on_joining,
        six_months=six_months,
        pat_invitation=pat_invitation,
    )
