"""Exports to other tools: coded segments as rows, quotes, and the codebook as REFI-QDA (.qdc)."""

import pytest
from lxml import etree

from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.research.exchange import (
    QDC_NAMESPACE,
    QUOTE_COLUMNS,
    SEGMENT_COLUMNS,
    code_guid,
    export_codebook_qdc,
    export_quotes,
    export_segments,
)
from coproduce.research.models import CodedSegment
from tests.research.factories import CodebookFactory, CodeFactory
from tests.research.refi_qda import qdc_problems
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE, PAT_TRANSCRIPT

Q = f"{{{QDC_NAMESPACE}}}"


def test_codebook_as_refi_qda_is_valid_against_the_official_schema(personas):
    s = personas.research
    _codebook, document = export_codebook_qdc(actor=personas.evaluator.user, codebook_id=s.codebook.pk)
    assert qdc_problems(document) == []
    root = etree.fromstring(document)
    assert root.tag == f"{Q}CodeBook"
    assert root.get("origin") == "Coproduce"
    top = root.find(f"{Q}Codes").findall(f"{Q}Code")
    assert [code.get("name") for code in top] == ["Childcare", "Choice", "Home visits", "Jobcentre pressure"]
    choice = top[1]
    assert choice.get("guid") == code_guid(s.choice)
    assert choice.get("isCodable") == "true"
    assert choice.get("color") == "#1D70B8"
    assert choice.findtext(f"{Q}Description") == "The participant chooses what they do and when."
    assert [child.get("name") for child in choice.findall(f"{Q}Code")] == ["Being listened to"]
    assert top[2].get("color") == "#00703C"
    assert top[2].find(f"{Q}Description") is None
    sets = root.find(f"{Q}Sets").findall(f"{Q}Set")
    assert [(each.get("name"), [m.get("guid") for m in each.findall(f"{Q}MemberCode")]) for each in sets] == [
        ("Choice and control", [code_guid(s.listened_to), code_guid(s.choice)]),
        ("Barriers", [code_guid(s.childcare)]),
    ]
    event = AuditEvent.objects.get(action="export", record_type="research.Codebook")
    assert (event.record_id, event.participant_id) == (str(s.codebook.pk), None)


def test_guids_are_stable_and_differ_between_codes(personas):
    s = personas.research
    eve = personas.evaluator.user
    _c, first = export_codebook_qdc(actor=eve, codebook_id=s.codebook.pk)
    _c, second = export_codebook_qdc(actor=eve, codebook_id=s.codebook.pk)
    assert first == second
    guids = [code_guid(code) for code in (s.choice, s.listened_to, s.jobcentre, s.childcare, s.home_visits)]
    assert len(set(guids)) == 5
    other = CodeFactory(codebook=CodebookFactory(programme=personas.fife.programme), name="Choice")
    assert code_guid(other) not in guids


def test_schema_catches_a_broken_document():
    broken = f'<CodeBook xmlns="{QDC_NAMESPACE}"><Codes><Code name="No guid" isCodable="true"/></Codes></CodeBook>'
    problems = qdc_problems(broken.encode())
    assert len(problems) == 1
    assert "guid" in problems[0]
    wrong_member = (
        f'<CodeBook xmlns="{QDC_NAMESPACE}"><Codes><Code guid="6f0f4a52-7c1e-5b8e-9d1a-2f3c4b5d6e7f" name="A" '
        'isCodable="true"/></Codes><Sets><Set guid="6f0f4a52-7c1e-5b8e-9d1a-2f3c4b5d6e70" name="S">'
        '<MemberCode targetGUID="6f0f4a52-7c1e-5b8e-9d1a-2f3c4b5d6e7f"/></Set></Sets></CodeBook>'
    )
    assert qdc_problems(wrong_member.encode()) != []


def test_codebook_export_refused_or_missing(personas):
    s = personas.research
    with pytest.raises(NotAllowed):
        export_codebook_qdc(actor=personas.keyworker.user, codebook_id=s.codebook.pk)
    with pytest.raises(NotFound):
        export_codebook_qdc(actor=personas.evaluator.user, codebook_id=s.codebook.pk + 100)
    empty = CodebookFactory(programme=personas.fife.programme)
    with pytest.raises(NotFound):
        export_codebook_qdc(actor=personas.evaluator.user, codebook_id=empty.pk)


def test_coded_segments_as_rows(personas):
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
    # Olive withdrew: her coded passage is never exported.
    CodedSegment.objects.create(
        transcript=s.olive_transcript, code=s.choice, coder=eve, start=0, end=12, text="Service user"
    )
    with audit_context(channel=AuditEvent.Channel.EXPORT, path="/research/segments.csv"):
        rows = export_segments(actor=eve)
    assert rows.columns == SEGMENT_COLUMNS
    jobcentre_at = PAT_TRANSCRIPT.index(JOBCENTRE_PASSAGE)
    title = "Service User, Fife, 2015"
    ezra = "Ezra Evaluator"
    eve_name = eve.display_name or eve.username
    choice_end = start + len(CHOICE_PASSAGE)
    assert rows.rows == (
        (title, "Fife", 2015, "Service User", eve_name, "Being listened to", "Choice > Being listened to",
         "Choice and control", start, start + 10, "yes", CHOICE_PASSAGE[:10]),
        (title, "Fife", 2015, "Service User", eve_name, "Choice", "Choice", "Choice and control",
         start, choice_end, "no", CHOICE_PASSAGE),
        (title, "Fife", 2015, "Service User", ezra, "Choice", "Choice", "Choice and control",
         start, choice_end, "no", CHOICE_PASSAGE),
        (title, "Fife", 2015, "Service User", eve_name, "Jobcentre pressure", "Jobcentre pressure", "",
         jobcentre_at, jobcentre_at + len(JOBCENTRE_PASSAGE), "no", JOBCENTRE_PASSAGE),
        (title, "Fife", 2015, "Service User", ezra, "Childcare", "Childcare", "Barriers",
         jobcentre_at, jobcentre_at + len(JOBCENTRE_PASSAGE), "no", JOBCENTRE_PASSAGE),
    )  # fmt: skip
    events = AuditEvent.objects.filter(action="export", actor=eve)
    assert [(e.participant_id, e.channel, e.path) for e in events] == [
        (personas.participant.pk, "export", "/research/segments.csv")
    ]
    assert export_segments(actor=eve, wave_id=s.wave_2016.pk).rows == ()
    with pytest.raises(NotAllowed):
        export_segments(actor=personas.manager.user)


def test_quotes_as_rows(personas):
    personas.with_research()
    eve = personas.evaluator.user
    rows = export_quotes(actor=eve)
    assert rows.columns == QUOTE_COLUMNS
    assert rows.rows == ((CHOICE_PASSAGE, "Service User, Fife, 2015", "Choice", "Choice and control", ""),)
    assert AuditEvent.objects.get(action="export", actor=eve).participant_id == personas.participant.pk
    with pytest.raises(NotAllowed):
        export_quotes(actor=personas.user_for("participant"))
