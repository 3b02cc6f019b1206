"""The evaluation as a REFI-QDA project (.qdpx): export valid against the official schema, import back."""

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed
from coproduce.core.validation import InvalidInput
from coproduce.research.exchange import code_guid
from coproduce.research.models import CodedSegment, Transcript
from coproduce.research.qdpx import (
    CONSENSUS_USER_GUID,
    QDE_NAMESPACE,
    segment_guid,
    transcript_guid,
    user_guid,
)
from coproduce.research.services.coding import settle_consensus
from coproduce.research.services.project_exchange import export_project_qdpx, import_project_qdpx
from tests.accounts.factories import UserFactory
from tests.programmes.factories import StaffMemberFactory
from tests.research.refi_qda import qde_problems
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE, OLIVE_TRANSCRIPT, PAT_TRANSCRIPT

Q = f"{{{QDE_NAMESPACE}}}"
QUALCODER = Path(__file__).parent / "fixtures" / "qualcoder"


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def qualcoder_qdpx(**changes: bytes) -> bytes:
    files = {str(path.relative_to(QUALCODER)): path.read_bytes() for path in QUALCODER.rglob("*") if path.is_file()}
    files.pop("README.md")
    files.update(changes)
    return make_zip(files)


def segments_of(transcript: Transcript, coder: object) -> set[tuple[str, int, int, str]]:
    return set(
        CodedSegment.objects.filter(transcript=transcript, coder=coder, is_consensus=False).values_list(
            "code__name", "start", "end", "memo"
        )
    )


def teammate(personas: object) -> object:
    user = UserFactory(username="tess@ceu.example.ac.uk", display_name="Tess Teammate")
    StaffMemberFactory(
        user=user, organisation=personas.evaluator.organisation, partnership=None, roles=[Role.EVALUATOR]
    )
    return user


# ---- export -------------------------------------------------------------------------------------


def test_project_is_valid_against_the_official_schema_and_holds_redacted_text_only(personas):
    s = personas.research
    eve = personas.evaluator.user
    s.pat_transcript.original_text = "Pat Smith said: It's all about choices"
    s.pat_transcript.save()
    segment = CodedSegment.objects.get(transcript=s.pat_transcript, coder=eve, code=s.choice)
    segment.memo = "Strong example of choice."
    segment.save()
    _codebook, data = export_project_qdpx(actor=eve, codebook_id=s.codebook.pk)
    files = unzip(data)
    document = files["project.qde"]
    assert qde_problems(document) == []
    root = etree.fromstring(document)
    assert root.tag == f"{Q}Project"
    assert root.get("origin") == "Coproduce"
    # Pat's transcript only: Kim's is still being redacted, Olive withdrew.
    sources = root.find(f"{Q}Sources").findall(f"{Q}TextSource")
    assert [source.get("guid") for source in sources] == [transcript_guid(s.pat_transcript.pk)]
    path = sources[0].get("plainTextPath")
    assert path == f"internal://{transcript_guid(s.pat_transcript.pk)}.txt"
    assert files[f"sources/{path.removeprefix('internal://')}"].decode() == PAT_TRANSCRIPT
    everything = b"".join(files.values()).decode()
    assert "Pat Smith" not in everything
    assert OLIVE_TRANSCRIPT not in everything
    assert "Kirkcaldy" not in everything
    users = {user.get("guid"): user.get("name") for user in root.find(f"{Q}Users")}
    assert users[user_guid(eve.pk)] == str(eve.display_name)
    assert users[user_guid(s.second_evaluator.user.pk)] == "Ezra Evaluator"
    selections = sources[0].findall(f"{Q}PlainTextSelection")
    assert len(selections) == 4
    start = PAT_TRANSCRIPT.index(CHOICE_PASSAGE)
    eves = next(sel for sel in selections if sel.get("guid") == segment_guid(segment.pk))
    assert (int(eves.get("startPosition")), int(eves.get("endPosition"))) == (start, start + len(CHOICE_PASSAGE))
    coding = eves.find(f"{Q}Coding")
    assert coding.get("creatingUser") == user_guid(eve.pk)
    assert coding.find(f"{Q}CodeRef").get("targetGUID") == code_guid(s.choice)
    note_guid = eves.find(f"{Q}NoteRef").get("targetGUID")
    notes = {note.get("guid"): note.findtext(f"{Q}PlainTextContent") for note in root.find(f"{Q}Notes")}
    assert notes == {note_guid: "Strong example of choice."}
    codes = [code.get("guid") for code in root.iter(f"{Q}Code")]
    assert code_guid(s.listened_to) in codes
    assert len(codes) == 5
    # Audited: Pat's words left, and the export itself.
    assert AuditEvent.objects.filter(action="export", participant_id=personas.participant.pk).exists()
    assert AuditEvent.objects.filter(action="export", record_type="research.Codebook").exists()


def test_guids_are_stable_between_exports(personas):
    s = personas.research
    eve = personas.evaluator.user
    first = etree.fromstring(unzip(export_project_qdpx(actor=eve, codebook_id=s.codebook.pk)[1])["project.qde"])
    second = etree.fromstring(unzip(export_project_qdpx(actor=eve, codebook_id=s.codebook.pk)[1])["project.qde"])
    guids = [element.get("guid") for element in first.iter() if element.get("guid")]
    assert guids == [element.get("guid") for element in second.iter() if element.get("guid")]
    assert len(guids) == len(set(guids))


def test_consensus_goes_out_under_its_own_user(personas):
    s = personas.research
    eve = personas.evaluator.user
    start = PAT_TRANSCRIPT.index(CHOICE_PASSAGE)
    settle_consensus(
        actor=eve,
        transcript_id=s.pat_transcript.pk,
        start=start,
        end=start + len(CHOICE_PASSAGE),
        code_ids=[s.choice.pk],
    )
    document = unzip(export_project_qdpx(actor=eve, codebook_id=s.codebook.pk)[1])["project.qde"]
    assert qde_problems(document) == []
    root = etree.fromstring(document)
    creators = [coding.get("creatingUser") for coding in root.iter(f"{Q}Coding")]
    assert creators.count(CONSENSUS_USER_GUID) == 1


def test_only_evaluators_export(personas):
    with pytest.raises(NotAllowed):
        export_project_qdpx(actor=personas.keyworker.user, codebook_id=personas.research.codebook.pk)


# ---- round trip ---------------------------------------------------------------------------------


def test_round_trip_keeps_every_segment(personas):
    s = personas.research
    eve, ezra = personas.evaluator.user, s.second_evaluator.user
    mine = CodedSegment.objects.get(transcript=s.pat_transcript, coder=eve, code=s.choice)
    mine.memo = "Strong example of choice."
    mine.save()
    before = {coder.pk: segments_of(s.pat_transcript, coder) for coder in (eve, ezra)}
    _codebook, data = export_project_qdpx(actor=eve, codebook_id=s.codebook.pk)
    CodedSegment.objects.filter(transcript=s.pat_transcript).delete()

    result = import_project_qdpx(actor=eve, codebook_id=s.codebook.pk, data=data)
    assert (result.added, result.already_there) == (2, 0)
    assert segments_of(s.pat_transcript, eve) == before[eve.pk]
    # Ezra's coding comes back as Ezra's only when imported for Ezra, by Ezra.
    assert segments_of(s.pat_transcript, ezra) == set()
    import_project_qdpx(actor=ezra, codebook_id=s.codebook.pk, data=data)
    assert segments_of(s.pat_transcript, ezra) == before[ezra.pk]

    again = import_project_qdpx(actor=eve, codebook_id=s.codebook.pk, data=data)
    assert (again.added, again.already_there) == (0, 2)
    event = AuditEvent.objects.filter(action="create", record_type="research.CodedSegment").latest("pk")
    assert event.participant_id == personas.participant.pk


def test_import_for_a_teammate_takes_the_named_coder_in_the_file(personas):
    s = personas.research
    eve = personas.evaluator.user
    tess = teammate(personas)
    _codebook, data = export_project_qdpx(actor=eve, codebook_id=s.codebook.pk)
    with pytest.raises(InvalidInput) as refused:
        import_project_qdpx(actor=eve, codebook_id=s.codebook.pk, data=data, coder_id=tess.pk)
    assert "several people" in str(refused.value.errors["file_user"])
    result = import_project_qdpx(
        actor=eve, codebook_id=s.codebook.pk, data=data, coder_id=tess.pk, file_user="Ezra Evaluator"
    )
    assert result.added == 2
    assert {row[0] for row in segments_of(s.pat_transcript, tess)} == {"Choice", "Childcare"}
    outsider = UserFactory(username="out@elsewhere.example")
    with pytest.raises(InvalidInput) as refused:
        import_project_qdpx(actor=eve, codebook_id=s.codebook.pk, data=data, coder_id=outsider.pk)
    assert "coder" in refused.value.errors
    with pytest.raises(InvalidInput):
        # Ezra is an evaluator, but of another team.
        import_project_qdpx(actor=eve, codebook_id=s.codebook.pk, data=data, coder_id=s.second_evaluator.user.pk)


# ---- another tool's file ------------------------------------------------------------------------


def test_qualcoder_project_imports_into_the_chosen_transcript(personas):
    s = personas.research
    eve = personas.evaluator.user
    tess = teammate(personas)
    data = qualcoder_qdpx()
    # Not from our export: the transcript must be chosen.
    with pytest.raises(InvalidInput) as refused:
        import_project_qdpx(actor=eve, codebook_id=s.codebook.pk, data=data, coder_id=tess.pk)
    assert "choose the transcript" in str(refused.value.errors["transcript"])
    result = import_project_qdpx(
        actor=eve, codebook_id=s.codebook.pk, data=data, transcript_id=s.pat_transcript.pk, coder_id=tess.pk
    )
    assert result.added == 3
    choice = PAT_TRANSCRIPT.index(CHOICE_PASSAGE)
    jobcentre = PAT_TRANSCRIPT.index(JOBCENTRE_PASSAGE)
    assert segments_of(s.pat_transcript, tess) == {
        ("Choice", choice, choice + len(CHOICE_PASSAGE), ""),
        ("Jobcentre pressure", jobcentre, jobcentre + len(JOBCENTRE_PASSAGE), ""),
        ("Childcare", 249, 302, "Childcare again: compare with the Glasgow interviews."),
    }
    segment = CodedSegment.objects.get(transcript=s.pat_transcript, coder=tess, code=s.childcare)
    assert segment.text == "I had nobody to mind [child] while I looked for work."
    # Eve's own coding is untouched.
    assert len(segments_of(s.pat_transcript, eve)) == 2


def refused(personas, data: bytes, **options: object) -> str:
    s = personas.research
    eve = personas.evaluator.user
    before = CodedSegment.objects.count()
    with pytest.raises(InvalidInput) as error:
        import_project_qdpx(
            actor=eve, codebook_id=s.codebook.pk, data=data, transcript_id=s.pat_transcript.pk, **options
        )
    assert CodedSegment.objects.count() == before
    return " ".join(message for messages in error.value.errors.values() for message in messages)


def test_bad_files_are_refused_and_change_nothing(personas):
    assert "is not one" in refused(personas, b"Service user: hello")
    assert "no project.qde" in refused(personas, make_zip({"sources/a.txt": b"hello"}))
    assert "not well-formed" in refused(personas, make_zip({"project.qde": b"<Project"}))
    invalid = b'<Project xmlns="urn:QDA-XML:project:1.0"><Users/></Project>'
    assert "not valid against the REFI-QDA Project schema" in refused(personas, make_zip({"project.qde": invalid}))
    qde = (QUALCODER / "project.qde").read_text()
    assert "not a passage of its text" in refused(
        personas, qualcoder_qdpx(**{"project.qde": qde.replace('endPosition="302"', 'endPosition="999"').encode()})
    )
    missing = qualcoder_qdpx()
    files = unzip(missing)
    files.pop("sources/279f6862-8a22-4e7c-8917-4930d689a06f.txt")
    assert "is not in the .qdpx's sources folder" in refused(personas, make_zip(files))


def test_a_source_whose_text_differs_is_refused(personas):
    edited = ("\ufeff" + PAT_TRANSCRIPT.replace("Jobcentre", "job centre")).encode()
    message = refused(personas, qualcoder_qdpx(**{"sources/279f6862-8a22-4e7c-8917-4930d689a06f.txt": edited}))
    assert "is not the redacted text of the transcript" in message
    assert "differ from character 191" in message


def test_unknown_codes_are_refused_with_their_names(personas):
    qde = (QUALCODER / "project.qde").read_text()
    qde = qde.replace('name="Choice"', 'name="Agency"').replace('name="Jobcentre pressure"', 'name="Sanctions"')
    message = refused(personas, qualcoder_qdpx(**{"project.qde": qde.encode()}))
    assert "“Agency” and “Sanctions”" in message
    assert "not in the codebook" in message


def test_a_transcript_still_being_redacted_cannot_take_coding(personas):
    from coproduce.core.errors import ConflictError

    s = personas.research
    with pytest.raises(ConflictError):
        import_project_qdpx(
            actor=personas.evaluator.user,
            codebook_id=s.codebook.pk,
            data=qualcoder_qdpx(),
            transcript_id=s.kim_transcript.pk,
        )


def test_whose_coding_is_decided_for_the_whole_file(personas):
    """Eve's own GUID is in the file: only her codings come in, on every transcript, never Ezra's."""
    s = personas.research
    eve, ezra = personas.evaluator.user, s.second_evaluator.user
    kim = s.kim_transcript
    kim.status = Transcript.Status.READY
    kim.save()
    CodedSegment.objects.create(transcript=kim, code=s.choice, coder=ezra, start=0, end=11, text=kim.text[:11])
    _codebook, data = export_project_qdpx(actor=eve, codebook_id=s.codebook.pk)
    CodedSegment.objects.filter(coder=eve).delete()
    result = import_project_qdpx(actor=eve, codebook_id=s.codebook.pk, data=data)
    assert {row.transcript.pk: row.added for row in result.transcripts} == {s.pat_transcript.pk: 2, kim.pk: 0}
    assert not CodedSegment.objects.filter(transcript=kim, coder=eve).exists()
