"""The quote bank pages: list with filters, adding from a coded passage, note, removal, exports."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from coproduce.audit.models import AuditEvent
from coproduce.research.models import CodedSegment, Quote
from tests.research.factories import CodedSegmentFactory, InterviewFactory, QuoteFactory, TranscriptFactory
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE


def test_quote_bank_lists_quotes_with_codes_and_audits(personas, client_for):
    s = personas.research
    response = client_for("evaluator").get(reverse("web:research_quotes"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "It&#x27;s all about choices and wanting to do stuff." in page
    assert "Service User, Fife, 2015" in page
    assert "Choice and control" in page
    assert "1 quote." in page
    assert personas.participant.reference not in page
    event = AuditEvent.objects.get(action="list", actor=personas.evaluator.user)
    assert event.participant_id == personas.participant.pk
    response = client_for("evaluator").get(reverse("web:research_quotes"), {"code": s.childcare.pk})
    assert "No quotes match these choices." in response.content.decode()


def test_quote_bank_queries_do_not_grow(personas, client_for, django_assert_num_queries):
    s = personas.research
    client = client_for("evaluator")
    client.get(reverse("web:research_quotes"))  # warm the session
    with django_assert_num_queries(14) as first:
        client.get(reverse("web:research_quotes"))
    for number in range(6):
        transcript = TranscriptFactory(
            interview=InterviewFactory(research_consent__participant__keyworker=personas.keyworker, wave=s.wave_2015),
            text=f"Passage number {number}. More words.",
        )
        segment = CodedSegmentFactory(transcript=transcript, code=s.choice, coder=personas.evaluator.user)
        QuoteFactory(segment=segment, selected_by=personas.evaluator.user)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("web:research_quotes"))
    assert "7 quotes." in response.content.decode()


def test_quote_this_from_a_transcript(personas, client_for):
    s = personas.research
    eve = personas.evaluator.user
    segment = CodedSegment.objects.get(code=s.jobcentre, coder=eve)
    response = client_for("evaluator").post(reverse("web:research_quote_add", args=[segment.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:research_quotes")
    quote = Quote.objects.get(segment=segment)
    assert (quote.text, quote.attribution, quote.selected_by) == (JOBCENTRE_PASSAGE, "Service User, Fife, 2015", eve)


def test_quote_part_of_a_passage(personas, client_for):
    s = personas.research
    segment = CodedSegment.objects.get(code=s.jobcentre)
    client = client_for("evaluator")
    url = reverse("web:research_quote_add", args=[segment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "It will be attributed as <strong>Service User, Fife, 2015</strong>" in page.content.decode()
    response = client.post(url, {"passage": "judged all the time", "note": "Sanctions"})
    assert response.status_code == 302
    quote = Quote.objects.get(segment=segment)
    assert (quote.text, quote.note) == ("judged all the time", "Sanctions")
    assert quote.end - quote.start == len("judged all the time")


def test_changed_words_and_duplicates_are_refused(personas, client_for):
    s = personas.research
    client = client_for("evaluator")
    segment = CodedSegment.objects.get(code=s.jobcentre)
    response = client.post(reverse("web:research_quote_add", args=[segment.pk]), {"passage": "judged all day"})
    assert response.status_code == 400
    assert "Copy the words exactly from the coded passage" in response.content.decode()
    ezras = CodedSegment.objects.get(code=s.choice, coder=s.second_evaluator.user)
    response = client.post(reverse("web:research_quote_add", args=[ezras.pk]))
    assert response.status_code == 400
    assert "This passage is already in the quote bank." in response.content.decode()
    assert Quote.objects.count() == 1


def test_no_quote_without_consent(personas, client_for):
    s = personas.research
    transcript = TranscriptFactory(interview=s.gemma_interview, text=CHOICE_PASSAGE)
    segment = CodedSegmentFactory(transcript=transcript, code=s.choice, coder=personas.evaluator.user)
    client = client_for("evaluator")
    page = client.get(reverse("web:research_quote_add", args=[segment.pk]))
    assert "The interviewee did not agree to be quoted." in page.content.decode()
    response = client.post(reverse("web:research_quote_add", args=[segment.pk]))
    assert response.status_code == 400
    assert "The interviewee did not agree to be quoted." in response.content.decode()
    assert not Quote.objects.filter(transcript=transcript).exists()


def test_note_and_remove(personas, client_for):
    s = personas.research
    client = client_for("evaluator")
    url = reverse("web:research_quote_note", args=[s.quote.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": "Opening of chapter 2", "version": 1}).status_code == 302
    assert Quote.objects.get().note == "Opening of chapter 2"
    assert client.post(url, {"note": "x" * 2001, "version": 2}).status_code == 400
    # Someone who started from the first version is told, and changes nothing.
    response = client.post(url, {"note": "Chapter 4", "version": 1})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert Quote.objects.get().note == "Opening of chapter 2"
    response = client.post(reverse("web:research_quote_remove", args=[s.quote.pk]))
    assert response.status_code == 302
    assert not Quote.objects.exists()


def test_exports(personas, client_for):
    personas.with_research()
    client = client_for("evaluator")
    response = client.get(reverse("web:research_quotes_csv"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines() == [
        '"text","attribution","codes","themes","note"',
        f'"{CHOICE_PASSAGE}","Service User, Fife, 2015","Choice","Choice and control",""',
    ]
    response = client.get(reverse("web:research_quotes_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["text", "attribution", "codes", "themes", "note"],
        [CHOICE_PASSAGE, "Service User, Fife, 2015", "Choice", "Choice and control", None],
    ]
    events = AuditEvent.objects.filter(action="export", actor=personas.evaluator.user)
    assert [e.participant_id for e in events] == [personas.participant.pk, personas.participant.pk]
