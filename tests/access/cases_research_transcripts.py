"""Access cases for transcripts: list, upload, redaction, ready for coding, originals and policy.

Only evaluators reach any of it. The story (tests/research/story.py): Pat's transcript is ready,
Kim's is being redacted. Here Eve's team also keeps originals, and Pat's transcript has one; a
2016 interview with Pat is done and waits for its transcript. Refused roles see no transcript text,
pseudonym or original, and change nothing.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.research.models import DismissedSuggestion, Interview, Transcript, TranscriptPolicy
from coproduce.research.redaction import suggest_redactions
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas
from tests.research.factories import InterviewFactory
from tests.research.story import CHOICE_PASSAGE

EVALUATOR = roles("evaluator")
ORIGINAL = "Pat Participant told me about the bus from Kirkcaldy."


def story(p: Personas) -> Any:
    """The research story, with Eve's team keeping originals and Pat's original kept."""
    research = p.research
    if not TranscriptPolicy.objects.exists():
        TranscriptPolicy.objects.create(
            organisation=p.evaluator.organisation, keep_unredacted_originals=True, changed_by=p.evaluator.user
        )
        Transcript.objects.filter(pk=research.pat_transcript.pk).update(original_text=ORIGINAL)
    return research


def pat(p: Personas) -> Transcript:
    return Transcript.objects.get(pk=story(p).pat_transcript.pk)


def kim(p: Personas) -> Transcript:
    return Transcript.objects.get(pk=story(p).kim_transcript.pk)


def waiting_interview(p: Personas) -> Interview:
    research = story(p)
    interview = Interview.objects.filter(wave=research.wave_2016, research_consent=research.pat_consent).first()
    if interview is None:
        interview = InterviewFactory(research_consent=research.pat_consent, wave=research.wave_2016, partnership=p.fife)
    return interview


def secrets(p: Personas) -> list[str]:
    story(p)
    return [CHOICE_PASSAGE, "Kirkcaldy", "R-TESTPAT", ORIGINAL, p.participant.reference]


def snapshot(p: Personas) -> tuple[object, ...]:
    story(p)
    transcripts = Transcript.objects.order_by("pk").values_list(
        "pk", "title", "text", "status", "version", "original_text"
    )
    policies = TranscriptPolicy.objects.order_by("pk").values_list("keep_unredacted_originals", "version")
    return (tuple(transcripts), tuple(policies))


def upload(p: Personas) -> dict[str, object]:
    return {
        "interview": waiting_interview(p).pk,
        "upload": SimpleUploadedFile("pat.txt", b"Pat: It was good."),
        "title": "",
    }


def first_suggestion(p: Personas) -> str:
    return suggest_redactions(kim(p))[0].key


def settled_kim(p: Personas) -> dict[str, Any]:
    """Kim's transcript with every suggestion left in (with a reason), so it may be made ready."""
    transcript = kim(p)
    DismissedSuggestion.objects.bulk_create(
        DismissedSuggestion(
            transcript=transcript,
            start=s.start,
            end=s.end,
            kind=s.kind,
            reason="Checked.",
            dismissed_by=p.evaluator.user,
        )
        for s in suggest_redactions(transcript)
        if not DismissedSuggestion.objects.filter(transcript=transcript, start=s.start, end=s.end).exists()
    )
    return {"version": transcript.version}


def leave_in_first(p: Personas) -> dict[str, Any]:
    first = suggest_redactions(kim(p))[0]
    return {
        "version": kim(p).version,
        "suggestions": [{"start": first.start, "end": first.end, "reason": "Not a name."}],
    }


def audited_pat(p: Personas) -> Any:
    return p.participant


def url(name: str, transcript: Any = None) -> Any:
    if transcript is None:
        return lambda p: (story(p), reverse(name))[1]
    return lambda p: reverse(name, args=[transcript(p).pk])


CASES = [
    # Pages.
    AccessCase(
        route="web:research_transcripts",
        url=url("web:research_transcripts"),
        allowed=EVALUATOR,
        audited_participant=audited_pat,
        secrets=secrets,
    ),
    AccessCase(
        route="web:research_transcript_upload",
        url=lambda p: (waiting_interview(p), reverse("web:research_transcript_upload"))[1],
        allowed=EVALUATOR,
        audited_participant=audited_pat,
        secrets=secrets,
    ),
    AccessCase(
        route="web:research_transcript_upload",
        label="upload",
        method="POST",
        url=url("web:research_transcript_upload"),
        data=upload,
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=snapshot,
    ),
    AccessCase(
        route="web:research_transcript_policy",
        url=url("web:research_transcript_policy"),
        allowed=EVALUATOR,
    ),
    AccessCase(
        route="web:research_transcript_policy",
        label="save",
        method="POST",
        url=url("web:research_transcript_policy"),
        data=lambda p: {"keep_unredacted_originals": "no", "version": 1},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=snapshot,
    ),
    AccessCase(
        route="web:research_transcript",
        url=url("web:research_transcript", pat),
        allowed=EVALUATOR,
        audited_participant=audited_pat,
        secrets=secrets,
    ),
    AccessCase(
        route="web:research_transcript",
        label="being redacted",
        url=url("web:research_transcript", kim),
        allowed=EVALUATOR,
        secrets=secrets,
    ),
    AccessCase(
        route="web:research_transcript_redact",
        method="POST",
        url=url("web:research_transcript_redact", kim),
        data=lambda p: {"version": kim(p).version, "suggestion": [first_suggestion(p)], "accept_all": "1"},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="web:research_transcript_redact_passage",
        method="POST",
        url=url("web:research_transcript_redact_passage", kim),
        data=lambda p: {"version": kim(p).version, "passage": "Kirkcaldy", "kind": "place"},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="web:research_transcript_ready",
        method="POST",
        url=url("web:research_transcript_ready", kim),
        data=settled_kim,
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=snapshot,
    ),
    AccessCase(
        route="web:research_transcript_rename",
        url=url("web:research_transcript_rename", pat),
        allowed=EVALUATOR,
        audited_participant=audited_pat,
    ),
    AccessCase(
        route="web:research_transcript_rename",
        label="save",
        method="POST",
        url=url("web:research_transcript_rename", pat),
        data=lambda p: {"version": pat(p).version, "title": "Pat, 2015"},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=snapshot,
    ),
    AccessCase(
        route="web:research_transcript_delete",
        url=url("web:research_transcript_delete", kim),
        allowed=EVALUATOR,
    ),
    AccessCase(
        route="web:research_transcript_delete",
        label="delete",
        method="POST",
        url=url("web:research_transcript_delete", kim),
        data=lambda p: {"version": kim(p).version},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=snapshot,
    ),
    AccessCase(
        route="web:research_transcript_original",
        url=url("web:research_transcript_original", pat),
        allowed=EVALUATOR,
        audited_participant=audited_pat,
        secrets=secrets,
    ),
    # The API.
    AccessCase(
        route="api-v1:list_research_transcripts",
        url=url("api-v1:list_research_transcripts"),
        allowed=EVALUATOR,
        api=True,
        audited_participant=audited_pat,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:upload_research_transcript",
        method="POST",
        url=url("api-v1:upload_research_transcript"),
        data=lambda p: {
            "interview_id": waiting_interview(p).pk,
            "upload": SimpleUploadedFile("pat.txt", b"Pat: It was good."),
        },
        allowed=EVALUATOR,
        allowed_status=201,
        api=True,
        snapshot=snapshot,
    ),
    AccessCase(
        route="api-v1:research_transcript_policy",
        url=url("api-v1:research_transcript_policy"),
        allowed=EVALUATOR,
        api=True,
    ),
    AccessCase(
        route="api-v1:set_research_transcript_policy",
        method="PUT",
        json=True,
        url=url("api-v1:set_research_transcript_policy"),
        data=lambda p: {"keep_unredacted_originals": False, "version": 1},
        allowed=EVALUATOR,
        api=True,
        snapshot=snapshot,
    ),
    AccessCase(
        route="api-v1:research_transcript_detail",
        url=url("api-v1:research_transcript_detail", pat),
        allowed=EVALUATOR,
        api=True,
        audited_participant=audited_pat,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:rename_research_transcript",
        method="PATCH",
        json=True,
        url=url("api-v1:rename_research_transcript", pat),
        data=lambda p: {"version": pat(p).version, "title": "Pat, 2015"},
        allowed=EVALUATOR,
        api=True,
        snapshot=snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:delete_research_transcript",
        method="DELETE",
        json=True,
        url=url("api-v1:delete_research_transcript", kim),
        data=lambda p: {"version": kim(p).version},
        allowed=EVALUATOR,
        allowed_status=204,
        api=True,
        snapshot=snapshot,
    ),
    AccessCase(
        route="api-v1:research_transcript_suggestions",
        url=url("api-v1:research_transcript_suggestions", kim),
        allowed=EVALUATOR,
        api=True,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:apply_research_transcript_redactions",
        method="POST",
        json=True,
        url=url("api-v1:apply_research_transcript_redactions", kim),
        data=lambda p: {"version": kim(p).version, "redactions": [{"start": 0, "end": 11, "kind": "other"}]},
        allowed=EVALUATOR,
        api=True,
        snapshot=snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:redact_research_transcript_passage",
        method="POST",
        json=True,
        url=url("api-v1:redact_research_transcript_passage", kim),
        data=lambda p: {"version": kim(p).version, "passage": "Kirkcaldy", "kind": "place"},
        allowed=EVALUATOR,
        api=True,
        snapshot=snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:leave_in_research_transcript_suggestions",
        method="POST",
        json=True,
        url=url("api-v1:leave_in_research_transcript_suggestions", kim),
        data=leave_in_first,
        allowed=EVALUATOR,
        api=True,
        snapshot=snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:research_transcript_ready",
        method="POST",
        json=True,
        url=url("api-v1:research_transcript_ready", kim),
        data=settled_kim,
        allowed=EVALUATOR,
        api=True,
        snapshot=snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:research_transcript_original",
        url=url("api-v1:research_transcript_original", pat),
        allowed=EVALUATOR,
        api=True,
        audited_participant=audited_pat,
        secrets=secrets,
    ),
]
