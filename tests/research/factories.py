import datetime

import factory

from coproduce.participants.models import Consent
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
    SurveyPoint,
    SurveyQuestion,
    Theme,
    Transcript,
    Wave,
)
from tests.accounts.factories import UserFactory
from tests.participants.factories import ConsentFactory, ParticipantFactory
from tests.programmes.factories import PartnershipFactory, ProgrammeFactory


class ResearchConsentFactory(factory.django.DjangoModelFactory):
    """Agreed to everything, recorded by their keyworker."""

    class Meta:
        model = ResearchConsent

    participant = factory.SubFactory(ParticipantFactory)
    pseudonym = factory.Sequence(lambda n: f"R-TEST{n:03d}")
    consent = factory.LazyAttribute(
        lambda scope: ConsentFactory(participant=scope.participant, purpose=Consent.Purpose.RESEARCH)
    )
    interview = True
    recording = True
    quotation = True
    service_data = True
    contact_for_interview = True


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    programme = factory.LazyAttribute(lambda stakeholder: stakeholder.partnership.programme)
    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    role = StakeholderRole.KEYWORKER
    email = factory.Sequence(lambda n: f"stakeholder{n}@example.org")
    agreed_to_interview = True
    agreed_to_recording = True
    agreed_to_quotation = True
    consent_recorded_on = datetime.date(2015, 3, 2)


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave
        django_get_or_create = ("programme", "year")

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2015
    name = factory.LazyAttribute(lambda wave: f"Wave {wave.year - 2013} ({wave.year})")
    starts_on = factory.LazyAttribute(lambda wave: datetime.date(wave.year, 1, 1))
    ends_on = factory.LazyAttribute(lambda wave: datetime.date(wave.year, 12, 31))


class InterviewFactory(factory.django.DjangoModelFactory):
    """A participant interview, done."""

    class Meta:
        model = Interview

    research_consent = factory.SubFactory(ResearchConsentFactory)
    stakeholder = None
    kind = factory.LazyAttribute(
        lambda interview: Interview.Kind.STAKEHOLDER if interview.stakeholder else Interview.Kind.PARTICIPANT
    )
    partnership = factory.LazyAttribute(
        lambda interview: interview.stakeholder.partnership
        if interview.stakeholder
        else interview.research_consent.participant.partnership
    )
    wave = factory.LazyAttribute(lambda interview: WaveFactory(programme=interview.partnership.programme))
    status = Interview.Status.DONE
    held_on = factory.LazyAttribute(lambda interview: interview.wave.starts_on + datetime.timedelta(days=60))
    consent_confirmed = True


class TranscriptFactory(factory.django.DjangoModelFactory):
    """A redacted interview transcript, ready for coding."""

    class Meta:
        model = Transcript

    interview = factory.SubFactory(InterviewFactory)
    source = Transcript.Source.INTERVIEW
    partnership = factory.LazyAttribute(lambda transcript: transcript.interview.partnership)
    wave = factory.LazyAttribute(lambda transcript: transcript.interview.wave)
    speaker_label = "Service User"
    title = factory.Sequence(lambda n: f"Interview {n}")
    text = "It's all about choices. She never shoved me into anything."
    status = Transcript.Status.READY
    uploaded_by = factory.SubFactory(UserFactory)


class CodebookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Codebook

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Codebook {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    codebook = factory.SubFactory(CodebookFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class CodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Code

    codebook = factory.SubFactory(CodebookFactory)
    name = factory.Sequence(lambda n: f"Code {n}")
    definition = "Where the speaker talks about this."
    created_by = factory.SubFactory(UserFactory)


class CodedSegmentFactory(factory.django.DjangoModelFactory):
    """The first word of the transcript, coded."""

    class Meta:
        model = CodedSegment

    transcript = factory.SubFactory(TranscriptFactory)
    code = factory.SubFactory(CodeFactory)
    coder = factory.SubFactory(UserFactory)
    start = 0
    end = factory.LazyAttribute(lambda segment: len(segment.transcript.text.split(" ")[0]))
    text = factory.LazyAttribute(lambda segment: segment.transcript.text[segment.start : segment.end])


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    segment = factory.SubFactory(CodedSegmentFactory)
    transcript = factory.LazyAttribute(lambda quote: quote.segment.transcript)
    start = factory.LazyAttribute(lambda quote: quote.segment.start)
    end = factory.LazyAttribute(lambda quote: quote.segment.end)
    text = factory.LazyAttribute(lambda quote: quote.transcript.text[quote.start : quote.end])
    attribution = "Service User, Fife, 2015"
    selected_by = factory.SubFactory(UserFactory)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    programme = factory.SubFactory(ProgrammeFactory)
    title = "How is the service for you?"
    introduction = "Your keyworker will not see your answers."
    status = Survey.Status.OPEN
    created_by = factory.SubFactory(UserFactory)


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = SurveyQuestion.Kind.LIKERT
    text = "My keyworker listens to what I want."


class SurveyPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyPoint

    survey = factory.SubFactory(SurveyFactory)
    label = "On joining"
    days_after_joining = 0
