"""The quote bank: attribution as the paper writes it, consent to quotation, notes and removal."""

import datetime

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.research.models import CodedSegment, Interview, Quote, StakeholderRole, Transcript
from coproduce.research.selectors.quotes import QuoteFilters, attribution_for, quotes_in_bank, with_codes
from coproduce.research.services.quotes import remove_quote, select_quote, update_quote_note
from tests.research.factories import (
    CodedSegmentFactory,
    InterviewFactory,
    StakeholderFactory,
    TranscriptFactory,
    WaveFactory,
)
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE, PAT_TRANSCRIPT


def segment_on(s, passage, code, coder):
    return CodedSegment.objects.get(transcript=s.pat_transcript, code=code, coder=coder, text=passage)


def test_attributions_as_the_paper_writes_them(personas):
    p = personas
    fife = p.fife
    wave_2017 = WaveFactory(programme=fife.programme, year=2017)
    wave_2016 = WaveFactory(programme=fife.programme, year=2016)
    participant = TranscriptFactory(
        interview=InterviewFactory(research_consent__participant=p.participant, wave=wave_2017),
        speaker_label="Service User",
    )
    keyworker = TranscriptFactory(
        interview=InterviewFactory(stakeholder=StakeholderFactory(partnership=fife), research_consent=None),
        speaker_label="Keyworker",
    )
    survey = Transcript(
        source=Transcript.Source.SURVEY, partnership=fife, wave=wave_2016, speaker_label="Survey respondent"
    )
    funder = TranscriptFactory(
        interview=InterviewFactory(
            stakeholder=StakeholderFactory(partnership=None, programme=fife.programme, role=StakeholderRole.FUNDER),
            research_consent=None,
            partnership=fife,
            wave=wave_2016,
        ),
        partnership=None,
        speaker_label="Funder",
    )
    assert attribution_for(participant) == "Service User, Fife, 2017"
    assert attribution_for(keyworker) == "Keyworker, Fife, 2015"
    assert attribution_for(survey) == "Survey respondent, Fife, 2016"
    assert attribution_for(funder) == "Funder, 2016"


def test_select_a_narrower_passage(personas):
    s = personas.research
    eve = personas.evaluator.user
    segment = segment_on(s, JOBCENTRE_PASSAGE, s.jobcentre, eve)
    start = segment.start + JOBCENTRE_PASSAGE.index("you feel")
    quote = select_quote(actor=eve, segment_id=segment.pk, start=start, end=segment.end, note="  For chapter 3 ")
    assert quote.text == "you feel like you're being judged all the time."
    assert quote.attribution == "Service User, Fife, 2015"
    assert quote.note == "For chapter 3"
    assert quote.selected_by == eve
    event = AuditEvent.objects.get(record_type="research.Quote", record_id=str(quote.pk))
    assert (event.action, event.participant_id, event.actor) == ("create", personas.participant.pk, eve)


def test_passage_outside_the_segment_or_twice_is_refused(personas):
    s = personas.research
    eve = personas.evaluator.user
    segment = segment_on(s, JOBCENTRE_PASSAGE, s.jobcentre, eve)
    with pytest.raises(InvalidInput) as error:
        select_quote(actor=eve, segment_id=segment.pk, start=segment.start - 1, end=segment.end)
    assert error.value.errors == {"passage": ["Choose words from within the coded passage."]}
    ezras_choice = segment_on(s, CHOICE_PASSAGE, s.choice, s.second_evaluator.user)
    with pytest.raises(InvalidInput) as error:
        select_quote(actor=eve, segment_id=ezras_choice.pk)
    assert error.value.errors == {"passage": ["This passage is already in the quote bank."]}
    assert Quote.objects.count() == 1


def test_no_quote_without_consent_to_quotation(personas):
    p = personas
    s = p.research
    eve = p.evaluator.user
    gemma_transcript = TranscriptFactory(interview=s.gemma_interview, text=PAT_TRANSCRIPT)
    segment = CodedSegmentFactory(transcript=gemma_transcript, code=s.choice, coder=eve)
    with pytest.raises(NotAllowed, match="did not agree to be quoted"):
        select_quote(actor=eve, segment_id=segment.pk)
    stakeholder = StakeholderFactory(partnership=p.fife, agreed_to_quotation=False)
    kim_like = TranscriptFactory(interview=InterviewFactory(stakeholder=stakeholder, research_consent=None))
    segment = CodedSegmentFactory(transcript=kim_like, code=s.choice, coder=eve)
    with pytest.raises(NotAllowed):
        select_quote(actor=eve, segment_id=segment.pk)
    assert Quote.objects.count() == 1


def test_survey_answers_can_be_quoted(personas):
    s = personas.research
    eve = personas.evaluator.user
    transcript = Transcript.objects.create(
        source=Transcript.Source.SURVEY,
        survey_question=s.text_question,
        partnership=personas.fife,
        wave=s.wave_2016,
        speaker_label="Survey respondent",
        title="What would you change?",
        text="More evening sessions, please.",
        status=Transcript.Status.READY,
        uploaded_by=eve,
    )
    segment = CodedSegmentFactory(transcript=transcript, code=s.choice, coder=eve)
    quote = select_quote(actor=eve, segment_id=segment.pk)
    assert (quote.text, quote.attribution) == ("More", "Survey respondent, Fife, 2016")
    assert AuditEvent.objects.get(record_type="research.Quote", record_id=str(quote.pk)).participant_id is None


def test_only_evaluators_and_only_visible_segments(personas):
    s = personas.research
    eve_segment = segment_on(s, JOBCENTRE_PASSAGE, s.jobcentre, personas.evaluator.user)
    with pytest.raises(NotAllowed):
        select_quote(actor=personas.keyworker.user, segment_id=eve_segment.pk)
    olive_segment = CodedSegmentFactory(transcript=s.olive_transcript, code=s.choice, coder=personas.evaluator.user)
    with pytest.raises(NotFound):
        select_quote(actor=personas.evaluator.user, segment_id=olive_segment.pk)
    with pytest.raises(NotAllowed):
        update_quote_note(actor=personas.manager.user, quote_id=s.quote.pk, expected_version=1, note="x")
    with pytest.raises(NotAllowed):
        remove_quote(actor=personas.funder.user, quote_id=s.quote.pk)
    assert Quote.objects.get().note == ""


def test_change_note_and_remove(personas):
    s = personas.research
    ezra = s.second_evaluator.user
    update_quote_note(actor=ezra, quote_id=s.quote.pk, expected_version=1, note="Opening quote")
    assert (Quote.objects.get().note, Quote.objects.get().version) == ("Opening quote", 2)
    remove_quote(actor=ezra, quote_id=s.quote.pk)
    assert not Quote.objects.exists()
    assert CodedSegment.objects.filter(text=CHOICE_PASSAGE).count() == 2
    events = AuditEvent.objects.filter(record_type="research.Quote", actor=ezra).order_by("pk")
    assert [(e.action, e.changed_fields, e.participant_id) for e in events] == [
        ("change", ["note"], personas.participant.pk),
        ("change", ["removed"], personas.participant.pk),
    ]
    with pytest.raises(NotFound):
        remove_quote(actor=ezra, quote_id=s.quote.pk)


def test_codes_applied_to_a_quote_consensus_first(personas):
    s = personas.research
    eve = personas.evaluator.user
    start = PAT_TRANSCRIPT.index(CHOICE_PASSAGE)
    CodedSegment.objects.create(
        transcript=s.pat_transcript,
        code=s.listened_to,
        coder=eve,
        start=start,
        end=start + 10,
        text=CHOICE_PASSAGE[:10],
        is_consensus=True,
    )
    [row] = with_codes(list(quotes_in_bank(eve)))
    assert row.codes == ("Being listened to", "Choice")
    assert row.themes == ("Choice and control",)


def test_filters(personas):
    s = personas.research
    eve = personas.evaluator.user
    assert list(quotes_in_bank(eve, QuoteFilters(code_id=s.choice.pk))) == [s.quote]
    assert list(quotes_in_bank(eve, QuoteFilters(code_id=s.childcare.pk))) == []
    assert list(quotes_in_bank(eve, QuoteFilters(theme_id=s.choice_theme.pk))) == [s.quote]
    assert list(quotes_in_bank(eve, QuoteFilters(theme_id=s.barriers_theme.pk))) == []
    assert list(quotes_in_bank(eve, QuoteFilters(partnership_id=personas.fife.pk))) == [s.quote]
    assert list(quotes_in_bank(eve, QuoteFilters(partnership_id=personas.glasgow.pk))) == []
    assert list(quotes_in_bank(eve, QuoteFilters(wave_id=s.wave_2015.pk))) == [s.quote]
    assert list(quotes_in_bank(eve, QuoteFilters(wave_id=s.wave_2016.pk))) == []
    assert list(quotes_in_bank(personas.keyworker.user)) == []


def test_withdrawn_interviewee_leaves_the_bank(personas):
    s = personas.research
    s.pat_consent.consent.withdrawn_at = datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)
    s.pat_consent.consent.save()
    assert list(quotes_in_bank(personas.evaluator.user)) == []
    assert Interview.objects.filter(pk=s.pat_interview.pk).exists()


def test_two_evaluators_changing_a_note_at_once_do_not_overwrite_each_other(personas):
    s = personas.research
    update_quote_note(
        actor=personas.evaluator.user, quote_id=s.quote.pk, expected_version=1, note="Opening of chapter 2"
    )
    with pytest.raises(ConflictError):
        update_quote_note(actor=s.second_evaluator.user, quote_id=s.quote.pk, expected_version=1, note="Chapter 4")
    assert (Quote.objects.get().note, Quote.objects.get().version) == ("Opening of chapter 2", 2)
