"""Transcript services: upload, redaction, ready for coding, policy on originals, and audited reads."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.research.models import Interview, Redaction, Transcript, TranscriptPolicy
from coproduce.research.selectors.transcripts import interviews_awaiting_transcript, open_suggestions, transcripts_for
from coproduce.research.services.transcripts import (
    RedactionRequest,
    apply_redactions,
    delete_transcript,
    mark_ready_for_coding,
    redact_passage,
    rename_transcript,
    resolve_suggestions,
    set_transcript_policy,
    upload_transcript,
    view_original,
    view_transcript,
)
from tests.directory.factories import AddressFactory
from tests.personas import Personas
from tests.research.factories import InterviewFactory, StakeholderFactory, TranscriptFactory

pytestmark = pytest.mark.django_db

TEXT = "Pat: I met Kim in Kirkcaldy.\r\nPat: Kim helped me.\r\n"


def txt(content: str = TEXT, name: str = "pat.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode())


def done_interview(personas: Personas, **fields: object) -> Interview:
    story = personas.research
    return InterviewFactory(
        research_consent=story.pat_consent, wave=story.wave_2016, partnership=personas.fife, **fields
    )


def keep_originals(personas: Personas) -> TranscriptPolicy:
    return set_transcript_policy(
        actor=personas.evaluator.user,
        organisation_id=personas.evaluator.organisation_id,
        keep_unredacted_originals=True,
        expected_version=0,
    )


def test_upload_for_a_participant_interview(personas: Personas) -> None:
    eve = personas.evaluator.user
    interview = done_interview(personas)
    transcript = upload_transcript(actor=eve, interview_id=interview.pk, upload=txt())
    assert (transcript.speaker_label, transcript.title, transcript.partnership, transcript.wave) == (
        "Service User",
        "Service User, Fife, 2016",
        personas.fife,
        personas.research.wave_2016,
    )
    assert (transcript.text, transcript.original_text, transcript.original_filename, transcript.status) == (
        "Pat: I met Kim in Kirkcaldy.\nPat: Kim helped me.\n",
        "",
        "pat.txt",
        Transcript.Status.REDACTING,
    )
    event = AuditEvent.objects.get(record_type="research.Transcript", record_id=str(transcript.pk))
    assert (event.action, event.participant_id, event.actor_id) == ("create", personas.participant.pk, eve.pk)


def test_upload_for_a_stakeholder_uses_their_role_and_keeps_the_original_when_the_team_says(
    personas: Personas,
) -> None:
    keep_originals(personas)
    story = personas.research
    stakeholder = StakeholderFactory(partnership=personas.glasgow, role="lead_partner")
    interview = InterviewFactory(stakeholder=stakeholder, research_consent=None, wave=story.wave_2016)
    transcript = upload_transcript(
        actor=personas.evaluator.user, interview_id=interview.pk, upload=txt(), title="  Lead partner, Glasgow  "
    )
    assert (transcript.speaker_label, transcript.title) == ("Lead partner representative", "Lead partner, Glasgow")
    assert transcript.original_text == transcript.text
    event = AuditEvent.objects.get(record_type="research.Transcript", record_id=str(transcript.pk))
    assert event.participant_id is None


def test_upload_refusals_change_nothing(personas: Personas) -> None:
    eve = personas.evaluator.user
    story = personas.research
    before = Transcript.objects.count()
    with pytest.raises(InvalidInput) as caught:
        upload_transcript(actor=eve, interview_id=story.pat_interview.pk, upload=txt())
    assert caught.value.errors == {"interview": ["This interview already has a transcript."]}
    with pytest.raises(InvalidInput) as caught:
        upload_transcript(actor=eve, interview_id=story.gemma_interview.pk, upload=txt())
    assert caught.value.errors == {"interview": ["Only an interview that has been done can have a transcript."]}
    with pytest.raises(NotFound):  # Olive withdrew: her interview is not there for evaluators
        upload_transcript(actor=eve, interview_id=story.olive_interview.pk, upload=txt())
    with pytest.raises(InvalidInput) as caught:
        upload_transcript(actor=eve, interview_id=done_interview(personas).pk, upload=txt("", "empty.txt"))
    assert caught.value.errors == {"upload": ["The file is empty."]}
    with pytest.raises(NotAllowed):
        upload_transcript(actor=personas.keyworker.user, interview_id=done_interview(personas).pk, upload=txt())
    assert Transcript.objects.count() == before


def test_apply_redactions_from_the_end_and_logged_without_words(personas: Personas) -> None:
    eve = personas.evaluator.user
    kim = personas.research.kim_transcript
    text = kim.text
    pat_at, kim_at = text.index("Pat"), text.index("Kim: I")
    town_at = text.index("Kirkcaldy")
    transcript = apply_redactions(
        actor=eve,
        transcript_id=kim.pk,
        expected_version=kim.version,
        redactions=[
            RedactionRequest(town_at, town_at + 9, "place", "", True),
            (kim_at, kim_at + 3, "staff", "[keyworker]", False),
            RedactionRequest(pat_at, pat_at + 3, "participant", suggested=True),
        ],
    )
    assert transcript.text.splitlines()[1] == (
        "[keyworker]: I met [participant] at the centre in [place]. Pat wanted to train as a nurse."
    )
    assert transcript.version == kim.version + 1
    logged = list(
        Redaction.objects.filter(transcript=kim).values_list(
            "start", "length_removed", "replacement", "kind", "suggested"
        )
    )
    assert sorted(logged) == [
        (kim_at, 3, "[keyworker]", "staff", False),
        (pat_at, 3, "[participant]", "participant", True),
        (town_at, 9, "[place]", "place", True),
    ]
    event = AuditEvent.objects.get(record_type="research.Transcript", record_id=str(kim.pk), action="change")
    assert (event.participant_id, event.changed_fields) == (None, ["text"])


def test_apply_redactions_refuses_overlaps_out_of_range_stale_and_ready(personas: Personas) -> None:
    eve = personas.evaluator.user
    story = personas.research
    kim = story.kim_transcript
    length = len(kim.text)

    def refused(redactions: list[tuple[int, int, str]]) -> list[str]:
        with pytest.raises(InvalidInput) as caught:
            apply_redactions(actor=eve, transcript_id=kim.pk, expected_version=kim.version, redactions=redactions)
        return caught.value.errors["redactions"]

    assert refused([(0, 5, "other"), (4, 8, "place")]) == [
        "The passages at 0 to 5 and 4 to 8 overlap: redact them as one passage."
    ]
    assert refused([(5, length + 1, "other")]) == [
        f"The passage from 5 to {length + 1} is not inside the text (0 to {length})."
    ]
    assert refused([(5, 5, "other")]) == [f"The passage from 5 to 5 is not inside the text (0 to {length})."]
    assert refused([(0, 3, "secret")]) == ["“secret” is not a kind of redaction."]
    assert refused([]) == ["Choose at least one passage to redact."]
    with pytest.raises(ConflictError):
        apply_redactions(
            actor=eve, transcript_id=kim.pk, expected_version=kim.version + 1, redactions=[(0, 3, "other")]
        )
    with pytest.raises(DomainError) as caught:
        apply_redactions(
            actor=eve,
            transcript_id=story.pat_transcript.pk,
            expected_version=story.pat_transcript.version,
            redactions=[(0, 3, "other")],
        )
    assert caught.value.message == "This transcript is ready for coding: its text can no longer change."
    with pytest.raises(NotFound):
        apply_redactions(
            actor=eve, transcript_id=story.olive_transcript.pk, expected_version=1, redactions=[(0, 3, "other")]
        )
    assert Transcript.objects.get(pk=kim.pk).text == kim.text
    assert Redaction.objects.count() == 0


def test_redact_passage_by_its_words(personas: Personas) -> None:
    eve = personas.evaluator.user
    kim = personas.research.kim_transcript

    def redact(**given: object) -> Transcript:
        current = Transcript.objects.get(pk=kim.pk)
        return redact_passage(actor=eve, transcript_id=kim.pk, expected_version=current.version, **given)  # type: ignore[arg-type]

    with pytest.raises(InvalidInput) as caught:
        redact(passage="Pat", kind="participant")
    assert caught.value.errors == {
        "occurrence": ["These words appear 2 times: say which one (1 to 2), or redact every one."]
    }
    with pytest.raises(InvalidInput) as caught:
        redact(passage="pat wanted")
    assert caught.value.errors == {
        "passage": ["These words are not in the transcript: copy them exactly as they are written there."]
    }
    with pytest.raises(InvalidInput) as caught:
        redact(passage="Pat", occurrence=3)
    assert caught.value.errors == {"occurrence": ["These words appear 2 times: choose a number from 1 to 2."]}
    with pytest.raises(InvalidInput) as caught:
        redact(passage="Pat", start=1)
    assert caught.value.errors == {"start": ["The words do not start at position 1."]}

    second_pat = kim.text.index("Pat wanted")
    assert "[participant] wanted" in redact(passage="Pat", kind="participant", occurrence=2).text
    assert "met Pat at" in Transcript.objects.get(pk=kim.pk).text
    assert redact(passage="the same school", replacement="[school]").text.splitlines()[2] == (
        "Kim: My wee boy Jamie goes to [school], so we talk at the gate."
    )
    assert redact(passage="Kim", kind="staff", every=True).text.count("[staff]") == 2
    at = Transcript.objects.get(pk=kim.pk).text.index("Pat")
    assert "met [participant] at" in redact(passage="Pat", kind="participant", start=at).text
    assert next(iter(Redaction.objects.filter(transcript=kim).order_by("pk").values_list("start", "kind"))) == (
        second_pat,
        "participant",
    )
    assert Redaction.objects.filter(transcript=kim).count() == 5


def test_ready_for_coding_is_refused_while_a_suggestion_is_open(personas: Personas) -> None:
    AddressFactory(city="Kirkcaldy")
    eve = personas.evaluator.user
    kim = personas.research.kim_transcript
    # Kim: Kim (staff), Pat, Kirkcaldy, Pat, Kim, Jamie (child).
    assert [s.text for s in open_suggestions(kim)] == ["Kim", "Pat", "Kirkcaldy", "Pat", "Kim", "Jamie"]
    with pytest.raises(DomainError) as caught:
        mark_ready_for_coding(actor=eve, transcript_id=kim.pk, expected_version=kim.version)
    assert caught.value.message == (
        "6 suggested redactions are still open. Redact each one, or leave it in with a reason, "
        "before the transcript is ready for coding."
    )
    spans = [(s.start, s.end) for s in open_suggestions(kim)]
    with pytest.raises(InvalidInput) as invalid:
        resolve_suggestions(actor=eve, transcript_id=kim.pk, expected_version=kim.version, dismiss=[(*spans[2], "  ")])
    assert invalid.value.errors == {"reason": ["Say why “Kirkcaldy” can stay, or redact it."]}
    with pytest.raises(InvalidInput) as invalid:
        resolve_suggestions(actor=eve, transcript_id=kim.pk, expected_version=kim.version, redact=[(0, 2)])
    assert invalid.value.errors == {
        "suggestion": ["The transcript has changed since these suggestions were made: reload the page."]
    }

    # Kirkcaldy stays (the town is the area's); the two before it are redacted, and it moves along.
    kim = resolve_suggestions(
        actor=eve,
        transcript_id=kim.pk,
        expected_version=kim.version,
        redact=spans[:2],
        dismiss=[(*spans[2], "The town is needed: it is the only centre in the area.")],
    )
    left_in = kim.dismissed_suggestions.get()
    assert (kim.text[left_in.start : left_in.end], left_in.kind, left_in.dismissed_by) == ("Kirkcaldy", "place", eve)
    assert [s.text for s in open_suggestions(kim)] == ["Pat", "Kim", "Jamie"]
    with pytest.raises(DomainError) as caught:
        mark_ready_for_coding(actor=eve, transcript_id=kim.pk, expected_version=kim.version)
    assert caught.value.message.startswith("3 suggested redactions are still open.")

    kim = resolve_suggestions(
        actor=eve,
        transcript_id=kim.pk,
        expected_version=kim.version,
        redact=[(s.start, s.end) for s in open_suggestions(kim)],
    )
    assert kim.text.splitlines()[1:] == [
        "[staff]: I met [participant] at the centre in Kirkcaldy. [participant] wanted to train as a nurse.",
        "[staff]: My wee boy [child] goes to the same school, so we talk at the gate.",
    ]
    assert open_suggestions(kim) == []
    ready = mark_ready_for_coding(actor=eve, transcript_id=kim.pk, expected_version=kim.version)
    assert ready.status == "ready"
    events = AuditEvent.objects.filter(record_type="research.Transcript", record_id=str(kim.pk), action="change")
    assert list(events.order_by("pk").values_list("changed_fields", flat=True)) == [["text"], ["text"], ["status"]]


def test_leaving_suggestions_in_only_is_recorded_and_audited(personas: Personas) -> None:
    eve = personas.evaluator.user
    kim = personas.research.kim_transcript
    first = open_suggestions(kim)[0]
    kim = resolve_suggestions(
        actor=eve,
        transcript_id=kim.pk,
        expected_version=kim.version,
        dismiss=[(first.start, first.end, "A pseudonym already.")],
    )
    assert kim.version == personas.research.kim_transcript.version + 1
    assert kim.text == personas.research.kim_transcript.text
    event = AuditEvent.objects.get(record_type="research.Transcript", record_id=str(kim.pk), action="change")
    assert event.changed_fields == ["dismissed_suggestions"]
    assert [s.text for s in open_suggestions(kim)] == ["Pat", "Pat", "Kim", "Jamie"]


def test_ready_for_coding_freezes_the_text_and_delete_only_while_redacting(personas: Personas) -> None:
    eve = personas.evaluator.user
    kim = personas.research.kim_transcript
    kim = resolve_suggestions(
        actor=eve,
        transcript_id=kim.pk,
        expected_version=kim.version,
        redact=[(s.start, s.end) for s in open_suggestions(kim)],
    )
    ready = mark_ready_for_coding(actor=eve, transcript_id=kim.pk, expected_version=kim.version)
    assert (ready.status, ready.version) == ("ready", kim.version + 1)
    with pytest.raises(DomainError) as caught:
        redact_passage(actor=eve, transcript_id=kim.pk, expected_version=ready.version, passage="Pat", every=True)
    assert caught.value.message == "This transcript is ready for coding: its text can no longer change."
    with pytest.raises(DomainError) as caught:
        delete_transcript(actor=eve, transcript_id=kim.pk, expected_version=ready.version)
    assert caught.value.message == "A transcript ready for coding cannot be deleted."
    renamed = rename_transcript(actor=eve, transcript_id=kim.pk, expected_version=ready.version, title="Kim, 2015")
    assert (renamed.title, renamed.text) == ("Kim, 2015", kim.text)

    fresh = upload_transcript(actor=eve, interview_id=done_interview(personas).pk, upload=txt())
    delete_transcript(actor=eve, transcript_id=fresh.pk, expected_version=fresh.version)
    assert not Transcript.objects.filter(pk=fresh.pk).exists()
    event = AuditEvent.objects.get(record_type="research.Transcript", record_id=str(fresh.pk), action="change")
    assert (event.changed_fields, event.participant_id) == (["deleted"], personas.participant.pk)


def test_policy_keeps_originals_and_turning_it_off_erases_them(personas: Personas) -> None:
    eve = personas.evaluator.user
    story = personas.research
    policy = keep_originals(personas)
    assert (policy.keep_unredacted_originals, policy.version, policy.changed_by) == (True, 1, eve)
    mine = upload_transcript(actor=eve, interview_id=done_interview(personas).pk, upload=txt())
    ezra = story.second_evaluator
    set_transcript_policy(
        actor=ezra.user, organisation_id=ezra.organisation_id, keep_unredacted_originals=True, expected_version=0
    )
    stakeholder = StakeholderFactory(partnership=personas.fife)
    theirs = upload_transcript(
        actor=ezra.user,
        interview_id=InterviewFactory(stakeholder=stakeholder, research_consent=None, wave=story.wave_2016).pk,
        upload=txt(),
    )
    redact_passage(
        actor=eve, transcript_id=mine.pk, expected_version=mine.version, passage="Kim", kind="staff", every=True
    )
    assert Transcript.objects.get(pk=mine.pk).original_text == "Pat: I met Kim in Kirkcaldy.\nPat: Kim helped me.\n"
    assert view_original(actor=eve, transcript_id=mine.pk).original_text.count("Kim") == 2
    with pytest.raises(NotFound):  # another team's original is theirs alone
        view_original(actor=eve, transcript_id=theirs.pk)

    with pytest.raises(NotAllowed):
        set_transcript_policy(
            actor=ezra.user,
            organisation_id=eve.staff_member.organisation_id,
            keep_unredacted_originals=False,
            expected_version=1,
        )
    with pytest.raises(ConflictError):
        set_transcript_policy(
            actor=eve,
            organisation_id=personas.evaluator.organisation_id,
            keep_unredacted_originals=False,
            expected_version=7,
        )
    off = set_transcript_policy(
        actor=eve,
        organisation_id=personas.evaluator.organisation_id,
        keep_unredacted_originals=False,
        expected_version=1,
    )
    assert (off.keep_unredacted_originals, off.version) == (False, 2)
    assert Transcript.objects.get(pk=mine.pk).original_text == ""
    assert Transcript.objects.get(pk=theirs.pk).original_text != ""
    erased = AuditEvent.objects.get(record_id=str(mine.pk), changed_fields=["original_text"])
    assert (erased.action, erased.participant_id, erased.actor_id) == ("change", personas.participant.pk, eve.pk)
    with pytest.raises(NotFound):
        view_original(actor=eve, transcript_id=mine.pk)
    later = upload_transcript(actor=eve, interview_id=done_interview(personas).pk, upload=txt())
    assert later.original_text == ""


def test_reading_a_transcript_is_audited_and_withdrawn_participants_have_none(personas: Personas) -> None:
    eve = personas.evaluator.user
    story = personas.research
    read = view_transcript(actor=eve, transcript_id=story.pat_transcript.pk)
    event = AuditEvent.objects.filter(actor=eve, action="view").get()
    assert (event.participant_id, event.record_id, read.pk) == (
        personas.participant.pk,
        str(story.pat_transcript.pk),
        story.pat_transcript.pk,
    )
    with pytest.raises(NotFound):
        view_transcript(actor=eve, transcript_id=story.olive_transcript.pk)
    consent = story.pat_consent.consent
    consent.withdrawn_at = timezone.now()
    consent.save()
    with pytest.raises(NotFound):
        view_transcript(actor=eve, transcript_id=story.pat_transcript.pk)
    assert [t.title for t in transcripts_for(eve)] == ["Keyworker, Fife, 2015"]
    with pytest.raises(NotFound):
        view_transcript(actor=personas.keyworker.user, transcript_id=story.kim_transcript.pk)


def test_interviews_awaiting_a_transcript(personas: Personas) -> None:
    story = personas.research
    waiting = done_interview(personas, held_on=datetime.date(2016, 6, 1))
    assert list(interviews_awaiting_transcript(personas.evaluator.user)) == [waiting]
    assert list(interviews_awaiting_transcript(personas.keyworker.user)) == []
    assert story.gemma_interview.status == "scheduled"


def test_filters(personas: Personas) -> None:
    eve = personas.evaluator.user
    story = personas.research
    TranscriptFactory(interview=done_interview(personas), title="Pat again", status="redacting")
    assert [t.title for t in transcripts_for(eve, status="redacting")] == ["Keyworker, Fife, 2015", "Pat again"]
    assert [t.title for t in transcripts_for(eve, wave_id=story.wave_2016.pk)] == ["Pat again"]
    assert [t.title for t in transcripts_for(eve, partnership_id=personas.glasgow.pk)] == []
