"""The coding services: the codebook tree, independent coding, comparison and consensus."""

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.research.models import Code, CodedSegment, Transcript
from coproduce.research.selectors.coding import compare_coders
from coproduce.research.services import coding
from tests.personas import Personas
from tests.programmes.factories import ProgrammeFactory
from tests.research.factories import InterviewFactory, StakeholderFactory, TranscriptFactory
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE, PAT_TRANSCRIPT

CHOICE = (PAT_TRANSCRIPT.index(CHOICE_PASSAGE), PAT_TRANSCRIPT.index(CHOICE_PASSAGE) + len(CHOICE_PASSAGE))
JOBCENTRE = (
    PAT_TRANSCRIPT.index(JOBCENTRE_PASSAGE),
    PAT_TRANSCRIPT.index(JOBCENTRE_PASSAGE) + len(JOBCENTRE_PASSAGE),
)


def errors_of(call: object, **kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as raised:
        call(**kwargs)  # type: ignore[operator]
    return raised.value.errors


def test_codebook_rules_names_parents_cycles_and_colours(personas: Personas) -> None:
    story = personas.research
    eve = personas.evaluator.user
    book = story.codebook.pk
    assert errors_of(coding.create_code, actor=eve, codebook_id=book, name=" childcare ") == {
        "name": ["There is already a code called childcare in this codebook."]
    }
    assert errors_of(coding.create_theme, actor=eve, codebook_id=book, name="BARRIERS") == {
        "name": ["There is already a theme called BARRIERS in this codebook."]
    }
    assert errors_of(coding.create_code, actor=eve, codebook_id=book, name="Pay", colour="#12345") == {
        "colour": ["Enter a colour as # and six hexadecimal digits, like #1d70b8."]
    }
    other = coding.create_codebook(actor=eve, programme_id=personas.fife.programme_id, name="Survey answers")
    foreign = coding.create_code(actor=eve, codebook_id=other.pk, name="Evening sessions")
    assert errors_of(coding.create_code, actor=eve, codebook_id=book, name="Pay", parent_id=foreign.pk) == {
        "parent_id": ["Choose a code of this codebook to put it under."]
    }
    grandchild = coding.create_code(actor=eve, codebook_id=book, name="Heard", parent_id=story.listened_to.pk)
    for below in (story.choice.pk, story.listened_to.pk, grandchild.pk):
        assert errors_of(
            coding.update_code, actor=eve, code_id=story.choice.pk, expected_version=1, changes={"parent_id": below}
        ) == {"parent_id": ["A code cannot go under itself or one of its own sub-codes."]}
    moved = coding.update_code(
        actor=eve,
        code_id=grandchild.pk,
        expected_version=1,
        changes={"parent_id": story.jobcentre.pk, "colour": "#D4351C"},
    )
    assert (moved.parent_id, moved.colour, moved.version, moved.emergent) == (story.jobcentre.pk, "#d4351c", 2, False)
    with pytest.raises(ConflictError):
        coding.update_code(actor=eve, code_id=grandchild.pk, expected_version=1, changes={"name": "Old"})
    assert Code.objects.get(pk=grandchild.pk).name == "Heard"
    change = AuditEvent.objects.filter(record_type="research.Code", record_id=str(grandchild.pk), action="change")
    assert change.get().changed_fields == ["colour", "parent"]


def test_themes_are_added_at_the_end_and_reordered(personas: Personas) -> None:
    story = personas.research
    eve = personas.evaluator.user
    third = coding.create_theme(actor=eve, codebook_id=story.codebook.pk, name="Relationships")
    assert third.position == 3
    coding.move_theme(actor=eve, theme_id=third.pk, by=-1)
    names = list(story.codebook.themes.order_by("position").values_list("name", flat=True))
    assert names == ["Choice and control", "Relationships", "Barriers"]
    assert errors_of(
        coding.reorder_themes, actor=eve, codebook_id=story.codebook.pk, theme_ids=[third.pk, third.pk]
    ) == {"theme_ids": ["List each of the codebook's themes once."]}


def test_an_emergent_code_keeps_who_added_it_and_when(personas: Personas) -> None:
    story = personas.research
    ezra = story.second_evaluator.user
    code = coding.create_code(
        actor=ezra, codebook_id=story.codebook.pk, name="Being judged", theme_id=story.barriers_theme.pk, emergent=True
    )
    code.refresh_from_db()
    assert (code.emergent, code.created_by, code.created_at is not None) == (True, ezra, True)
    event = AuditEvent.objects.get(record_type="research.Code", record_id=str(code.pk))
    assert (event.action, event.actor, event.participant_id) == ("create", ezra, None)


def test_only_evaluators_touch_the_codebook_or_code(personas: Personas) -> None:
    story = personas.research
    for role_user in (personas.keyworker.user, personas.manager.user, personas.administrator):
        with pytest.raises(NotAllowed):
            coding.create_code(actor=role_user, codebook_id=story.codebook.pk, name="Sneaky")
        with pytest.raises(NotAllowed):
            coding.apply_code(
                actor=role_user, transcript_id=story.pat_transcript.pk, code_ids=[story.choice.pk], passage="Choice"
            )
        with pytest.raises(NotFound):
            coding.remove_segment(actor=role_user, segment_id=CodedSegment.objects.first().pk)  # type: ignore[union-attr]
    assert not Code.objects.filter(name="Sneaky").exists()


def test_apply_code_one_segment_per_code_audited_against_the_interviewee(personas: Personas) -> None:
    story = personas.research
    eve = personas.evaluator.user
    segments = coding.apply_code(
        actor=eve,
        transcript_id=story.pat_transcript.pk,
        code_ids=[story.childcare.pk, story.listened_to.pk, story.childcare.pk],
        passage="She never shoved me into anything.",
        memo="  Not pushed  ",
    )
    start = PAT_TRANSCRIPT.index("She never shoved")
    assert [(s.code.name, s.start, s.end, s.memo, s.coder) for s in segments] == [
        ("Being listened to", start, start + 34, "Not pushed", eve),
        ("Childcare", start, start + 34, "Not pushed", eve),
    ]
    events = AuditEvent.objects.filter(record_type="research.CodedSegment", action="create", actor=eve)
    assert sorted(events.values_list("participant_id", flat=True)) == [personas.participant.pk] * 2
    # Already applied: nothing new, and a plain message.
    assert errors_of(
        coding.apply_code,
        actor=eve,
        transcript_id=story.pat_transcript.pk,
        code_ids=[story.childcare.pk],
        passage="She never shoved me into anything.",
    ) == {"codes": ["You have already applied these codes to these words."]}
    # A code of another programme's codebook is refused, even one of a programme she oversees too.
    stranger = ProgrammeFactory(name="Another programme")
    personas.evaluator.programmes.add(stranger)
    eve = type(eve).objects.get(pk=eve.pk)  # as on her next request: she oversees both now
    foreign_book = coding.create_codebook(actor=eve, programme_id=stranger.pk, name="Elsewhere")
    foreign = coding.create_code(actor=eve, codebook_id=foreign_book.pk, name="Elsewhere code")
    assert errors_of(
        coding.apply_code,
        actor=eve,
        transcript_id=story.pat_transcript.pk,
        code_ids=[foreign.pk],
        passage=CHOICE_PASSAGE,
    ) == {"codes": ["Choose codes from a codebook of this transcript's programme."]}


def test_stakeholder_transcripts_are_audited_without_a_participant(personas: Personas) -> None:
    story = personas.research
    eve = personas.evaluator.user
    stakeholder = StakeholderFactory(partnership=personas.fife)
    transcript = TranscriptFactory(
        interview=InterviewFactory(stakeholder=stakeholder, research_consent=None, wave=story.wave_2015),
        speaker_label="Keyworker",
    )
    segment = coding.apply_code(actor=eve, transcript_id=transcript.pk, code_ids=[story.choice.pk], passage="choices")[
        0
    ]
    event = AuditEvent.objects.get(record_type="research.CodedSegment", record_id=str(segment.pk))
    assert event.participant_id is None


def test_redacting_withdrawn_and_unknown_transcripts_are_not_coded(personas: Personas) -> None:
    story = personas.research
    eve = personas.evaluator.user
    with pytest.raises(ConflictError, match="still being redacted"):
        coding.apply_code(
            actor=eve, transcript_id=story.kim_transcript.pk, code_ids=[story.choice.pk], passage="Tell me"
        )
    with pytest.raises(NotFound):
        coding.apply_code(
            actor=eve, transcript_id=story.olive_transcript.pk, code_ids=[story.choice.pk], passage="secret"
        )
    with pytest.raises(NotFound):
        coding.settle_consensus(actor=eve, transcript_id=story.olive_transcript.pk, start=0, end=5, code_ids=[])
    assert not CodedSegment.objects.filter(transcript__in=[story.kim_transcript, story.olive_transcript]).exists()
    assert story.kim_transcript.status == Transcript.Status.REDACTING


def test_a_coder_removes_only_their_own_segments(personas: Personas) -> None:
    story = personas.research
    eve = personas.evaluator.user
    ezras = CodedSegment.objects.get(coder=story.second_evaluator.user, code=story.childcare)
    with pytest.raises(NotAllowed):
        coding.remove_segment(actor=eve, segment_id=ezras.pk)
    assert CodedSegment.objects.filter(pk=ezras.pk).exists()
    coding.remove_segment(actor=story.second_evaluator.user, segment_id=ezras.pk)
    assert not CodedSegment.objects.filter(pk=ezras.pk).exists()
    removal = AuditEvent.objects.get(record_type="research.CodedSegment", record_id=str(ezras.pk))
    assert (removal.changed_fields, removal.participant_id) == (["deleted"], personas.participant.pk)


def test_comparison_agree_differ_and_what_is_offered(personas: Personas) -> None:
    story = personas.research
    eve = personas.evaluator.user
    passages = compare_coders(eve, story.pat_transcript)
    assert [(p.start, p.end, p.status) for p in passages] == [(*CHOICE, "agree"), (*JOBCENTRE, "differ")]
    choice, jobcentre = passages
    assert [row.coder_name for row in choice.by_coder] == ["Eve Evaluator", "Ezra Evaluator"]
    assert [[code.name for code in row.codes] for row in jobcentre.by_coder] == [["Jobcentre pressure"], ["Childcare"]]
    assert ([c.name for c in choice.everyone], [c.name for c in jobcentre.everyone]) == (["Choice"], [])
    assert [c.name for c in jobcentre.offered] == ["Childcare", "Jobcentre pressure"]
    assert (choice.consensus, jobcentre.consensus) == (None, None)
    # A passage only one of them coded: the other shows with no codes, so they differ.
    coding.apply_code(actor=eve, transcript_id=story.pat_transcript.pk, code_ids=[story.choice.pk], passage="nobody")
    third = compare_coders(eve, story.pat_transcript)[-1]
    assert (third.text, third.status, [row.codes for row in third.by_coder][1]) == ("nobody", "differ", [])


def test_consensus_replaces_only_that_passage_and_no_code_is_remembered(personas: Personas) -> None:
    story = personas.research
    eve = personas.evaluator.user
    ezra = story.second_evaluator.user
    pat = story.pat_transcript.pk
    coding.settle_consensus(actor=eve, transcript_id=pat, start=CHOICE[0], end=CHOICE[1], code_ids=[story.choice.pk])
    coding.settle_consensus(
        actor=eve, transcript_id=pat, start=JOBCENTRE[0], end=JOBCENTRE[1], code_ids=[story.jobcentre.pk]
    )
    replaced = coding.settle_consensus(
        actor=ezra,
        transcript_id=pat,
        start=JOBCENTRE[0],
        end=JOBCENTRE[1],
        code_ids=[story.childcare.pk, story.jobcentre.pk],
    )
    assert [(s.code.name, s.coder, s.is_consensus, s.text) for s in replaced] == [
        ("Childcare", ezra, True, JOBCENTRE_PASSAGE),
        ("Jobcentre pressure", ezra, True, JOBCENTRE_PASSAGE),
    ]
    consensus = CodedSegment.objects.filter(transcript_id=pat, is_consensus=True)
    assert sorted(consensus.values_list("start", "code__name")) == [
        (CHOICE[0], "Choice"),
        (JOBCENTRE[0], "Childcare"),
        (JOBCENTRE[0], "Jobcentre pressure"),
    ]
    assert CodedSegment.objects.filter(transcript_id=pat, is_consensus=False).count() == 4
    # A passage inside another, same start: not "exactly that passage", and nobody coded it.
    assert errors_of(
        coding.settle_consensus, actor=eve, transcript_id=pat, start=JOBCENTRE[0], end=JOBCENTRE[0] + 13, code_ids=[]
    ) == {"__all__": ["Nobody has coded exactly this passage: code it first, then settle it."]}
    assert consensus.count() == 3
    # Settled on no code: no segments for it, but the comparison knows it was settled.
    coding.settle_consensus(actor=eve, transcript_id=pat, start=JOBCENTRE[0], end=JOBCENTRE[1], code_ids=[])
    assert list(consensus.values_list("code__name", flat=True)) == ["Choice"]
    passages = {(p.start, p.end): p for p in compare_coders(eve, story.pat_transcript)}
    assert [c.name for c in passages[CHOICE].consensus or []] == ["Choice"]
    assert passages[JOBCENTRE].consensus == []
    event = AuditEvent.objects.filter(record_type="research.Transcript", record_id=str(pat)).first()
    assert event is not None
    assert (event.changed_fields, event.participant_id) == (
        ["consensus", f"passage:{JOBCENTRE[0]}-{JOBCENTRE[1]}"],
        personas.participant.pk,
    )
    assert errors_of(coding.settle_consensus, actor=eve, transcript_id=pat, start=10, end=5, code_ids=[]) == {
        "__all__": ["This passage is not in the transcript."]
    }
