"""Transcripts through the API: evaluators only, participants by pseudonym, reads audited."""

import io
from collections.abc import Callable

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.research.models import Interview, Redaction, Transcript
from tests.api.helpers import send_json
from tests.directory.factories import AddressFactory
from tests.personas import Personas
from tests.research.factories import InterviewFactory

ClientFor = Callable[[str], Client]
BASE = "/api/v1/research/transcripts"


def done_interview(personas: Personas) -> Interview:
    story = personas.research
    return InterviewFactory(research_consent=story.pat_consent, wave=story.wave_2016, partnership=personas.fife)


def word(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_list_and_read_audited_with_pseudonyms_only(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    client = client_for("evaluator")
    listed = client.get(BASE).json()
    assert listed["count"] == 2
    assert [(item["title"], item["interviewee"], item["status"], item["wave_year"]) for item in listed["items"]] == [
        ("Keyworker, Fife, 2015", "Kim Keyworker (Keyworker)", "redacting", 2015),
        ("Service User, Fife, 2015", "R-TESTPAT", "ready", 2015),
    ]
    assert "Pat Participant" not in str(listed)
    assert "MIW-FIF" not in str(listed)
    assert client.get(BASE, {"status": "redacting"}).json()["count"] == 1
    assert client.get(BASE, {"wave_id": story.wave_2016.pk}).json()["count"] == 0
    assert client.get(BASE, {"status": "lost"}).status_code == 400
    read = client.get(f"{BASE}/{story.pat_transcript.pk}").json()
    assert (read["text"], read["speaker_label"], read["original_kept"], read["redactions"]) == (
        story.pat_transcript.text,
        "Service User",
        False,
        0,
    )
    events = AuditEvent.objects.filter(actor=personas.evaluator.user, participant=personas.participant)
    assert sorted(events.values_list("action", "channel")) == [("list", "api"), ("view", "api")]
    assert client.get(f"{BASE}/{story.olive_transcript.pk}").status_code == 404


def test_withdrawing_research_consent_hides_the_transcript(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    consent = story.pat_consent.consent
    consent.withdrawn_at = timezone.now()
    consent.save()
    client = client_for("evaluator")
    assert client.get(f"{BASE}/{story.pat_transcript.pk}").status_code == 404
    assert [item["title"] for item in client.get(BASE).json()["items"]] == ["Keyworker, Fife, 2015"]


def test_only_evaluators(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    for role in ("keyworker", "participant", "partnership_manager", "funder", "administrator"):
        client = client_for(role)
        assert client.get(BASE).status_code == 403
        assert client.get(f"{BASE}/{story.pat_transcript.pk}").status_code == 403
    assert client_for("anonymous").get(BASE).status_code == 401


def test_upload_suggest_redact_and_ready(personas: Personas, client_for: ClientFor) -> None:
    AddressFactory(city="Kirkcaldy")
    interview = done_interview(personas)
    client = client_for("evaluator")
    made = client.post(
        BASE,
        {"interview_id": interview.pk, "upload": SimpleUploadedFile("p.docx", word("Pat: Kim met me in Kirkcaldy."))},
    )
    assert made.status_code == 201
    body = made.json()
    transcript_id = body["id"]
    assert (body["text"], body["status"], body["title"], body["version"]) == (
        "Pat: Kim met me in Kirkcaldy.",
        "redacting",
        "Service User, Fife, 2016",
        1,
    )
    again = client.post(BASE, {"interview_id": interview.pk, "upload": SimpleUploadedFile("p.txt", b"Again")})
    assert (again.status_code, again.json()["errors"]) == (
        400,
        {"interview": ["This interview already has a transcript."]},
    )

    suggestions = client.get(f"{BASE}/{transcript_id}/suggestions").json()
    assert [(s["start"], s["end"], s["text"], s["kind"], s["replacement"]) for s in suggestions] == [
        (0, 3, "Pat", "participant", "[participant]"),
        (5, 8, "Kim", "staff", "[staff]"),
        (19, 28, "Kirkcaldy", "place", "[place]"),
    ]
    assert [s["left_in_because"] for s in suggestions] == [None, None, None]
    too_soon = send_json(client, "POST", f"{BASE}/{transcript_id}/ready", {"version": 1})
    assert (too_soon.status_code, too_soon.json()["detail"]) == (
        400,
        "3 suggested redactions are still open. Redact each one, or leave it in with a reason, "
        "before the transcript is ready for coding.",
    )
    no_reason = send_json(
        client,
        "POST",
        f"{BASE}/{transcript_id}/suggestions/left-in",
        {"version": 1, "suggestions": [{"start": 5, "end": 8, "reason": " "}]},
    )
    assert (no_reason.status_code, no_reason.json()["errors"]) == (
        400,
        {"reason": ["Say why “Kim” can stay, or redact it."]},
    )
    overlapping = send_json(
        client,
        "POST",
        f"{BASE}/{transcript_id}/redactions",
        {
            "version": 1,
            "redactions": [{"start": 0, "end": 4, "kind": "participant"}, {"start": 3, "end": 6, "kind": "staff"}],
        },
    )
    assert overlapping.status_code == 400
    applied = send_json(
        client,
        "POST",
        f"{BASE}/{transcript_id}/redactions",
        {
            "version": 1,
            "redactions": [
                {"start": 0, "end": 3, "kind": "participant", "suggested": True},
                {"start": 19, "end": 28, "kind": "place", "replacement": "[town]", "suggested": True},
            ],
        },
    )
    assert applied.status_code == 200
    assert (applied.json()["text"], applied.json()["version"], applied.json()["redactions"]) == (
        "[participant]: Kim met me in [town].",
        2,
        2,
    )
    stale = send_json(client, "POST", f"{BASE}/{transcript_id}/redact-passage", {"version": 1, "passage": "Kim"})
    assert stale.status_code == 409
    passage = send_json(
        client, "POST", f"{BASE}/{transcript_id}/redact-passage", {"version": 2, "passage": "Kim", "kind": "staff"}
    )
    assert passage.json()["text"] == "[participant]: [staff] met me in [town]."
    ready = send_json(client, "POST", f"{BASE}/{transcript_id}/ready", {"version": 3})
    assert (ready.json()["status"], ready.json()["version"]) == ("ready", 4)
    assert client.get(f"{BASE}/{transcript_id}/suggestions").json() == []
    frozen = send_json(
        client, "POST", f"{BASE}/{transcript_id}/redact-passage", {"version": 4, "passage": "met", "kind": "other"}
    )
    assert (frozen.status_code, frozen.json()["detail"]) == (
        400,
        "This transcript is ready for coding: its text can no longer change.",
    )
    assert list(
        Redaction.objects.filter(transcript_id=transcript_id).values_list("kind", flat=True).order_by("pk")
    ) == [
        "place",
        "participant",
        "staff",
    ]
    refused = send_json(client, "DELETE", f"{BASE}/{transcript_id}", {"version": 4})
    assert refused.status_code == 400
    renamed = send_json(client, "PATCH", f"{BASE}/{transcript_id}", {"version": 4, "title": "Pat, 2016"})
    assert (renamed.json()["title"], renamed.json()["text"]) == (
        "Pat, 2016",
        "[participant]: [staff] met me in [town].",
    )


def test_delete_while_redacting(personas: Personas, client_for: ClientFor) -> None:
    kim = personas.research.kim_transcript
    client = client_for("evaluator")
    assert send_json(client, "DELETE", f"{BASE}/{kim.pk}", {"version": kim.version}).status_code == 204
    assert not Transcript.objects.filter(pk=kim.pk).exists()


def test_policy_and_original(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("evaluator")
    policy = client.get(f"{BASE}/policy").json()
    assert policy == {
        "organisation_id": personas.evaluator.organisation_id,
        "organisation_name": "Caledonian Evaluation Unit",
        "keep_unredacted_originals": False,
        "version": 0,
    }
    kept = send_json(client, "PUT", f"{BASE}/policy", {"keep_unredacted_originals": True, "version": 0}).json()
    assert (kept["keep_unredacted_originals"], kept["version"]) == (True, 1)
    interview = done_interview(personas)
    made = client.post(BASE, {"interview_id": interview.pk, "upload": SimpleUploadedFile("p.txt", b"Pat on Mill Road")})
    transcript_id = made.json()["id"]
    send_json(client, "POST", f"{BASE}/{transcript_id}/redact-passage", {"version": 1, "passage": "Mill Road"})
    assert client.get(f"{BASE}/{transcript_id}").json()["original_kept"] is True
    original = client.get(f"{BASE}/{transcript_id}/original").json()
    assert (original["original_text"], original["original_filename"]) == ("Pat on Mill Road", "p.txt")
    stale = send_json(client, "PUT", f"{BASE}/policy", {"keep_unredacted_originals": False, "version": 0})
    assert stale.status_code == 409
    off = send_json(client, "PUT", f"{BASE}/policy", {"keep_unredacted_originals": False, "version": 1}).json()
    assert (off["keep_unredacted_originals"], off["version"]) == (False, 2)
    assert client.get(f"{BASE}/{transcript_id}/original").status_code == 404
    assert client_for("keyworker").get(f"{BASE}/policy").status_code == 403
