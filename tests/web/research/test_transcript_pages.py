"""The evaluator's transcript pages: list, upload, redaction, ready for coding, original, policy."""

import io
import re
from collections.abc import Callable
from typing import Any

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.research.models import Interview, Redaction, Transcript, TranscriptPolicy
from tests.directory.factories import AddressFactory
from tests.personas import Personas
from tests.research.factories import InterviewFactory, ResearchConsentFactory, TranscriptFactory

ClientFor = Callable[[str], Client]


def word(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def done_interview(personas: Personas) -> Interview:
    story = personas.research
    return InterviewFactory(research_consent=story.pat_consent, wave=story.wave_2016, partnership=personas.fife)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_pseudonyms_not_names_and_audits_each_participant(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    eve = personas.evaluator.user
    body = page(client_for("evaluator"), reverse("web:research_transcripts"))
    assert "R-TESTPAT" in body
    assert "Kim Keyworker (Keyworker)" in body
    assert "Service User, Fife, 2015" in body
    assert "2 transcripts" in body
    for secret in ("Pat Participant", "MIW-FIF-00001", "R-TESTOLI", "Olive", story.olive_transcript.text):
        assert secret not in body
    listed = AuditEvent.objects.filter(actor=eve, action="list", record_type="research.Transcript")
    assert list(listed.values_list("participant_id", "record_id")) == [
        (personas.participant.pk, str(story.pat_transcript.pk))
    ]


def test_list_filters_and_pages(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    client = client_for("evaluator")
    body = page(client, reverse("web:research_transcripts") + "?status=redacting")
    assert "1 transcript<" in body
    assert "Keyworker, Fife, 2015" in body
    assert "Service User, Fife" not in body
    body = page(client, reverse("web:research_transcripts") + f"?wave={story.wave_2016.pk}")
    assert "No transcripts match." in body


def test_list_has_a_constant_number_of_queries(
    personas: Personas, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    story = personas.research
    client = client_for("evaluator")
    url = reverse("web:research_transcripts")
    client.get(url)
    with django_assert_num_queries(11) as few:
        client.get(url)
    for _ in range(30):
        consent = ResearchConsentFactory(participant__keyworker=personas.keyworker)
        TranscriptFactory(
            interview=InterviewFactory(research_consent=consent, wave=story.wave_2016, partnership=personas.fife)
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "32 transcripts" in response.content.decode()
    assert 'aria-label="Page 2"' in response.content.decode()


def test_upload_a_word_document_then_redact_suggestions_and_words_then_ready(
    personas: Personas, client_for: ClientFor
) -> None:
    AddressFactory(city="Kirkcaldy")
    interview = done_interview(personas)
    client = client_for("evaluator")
    form = page(client, reverse("web:research_transcript_upload"))
    assert 'enctype="multipart/form-data"' in form
    assert "R-TESTPAT: Fife, Wave 3 (2016)" in form
    upload = SimpleUploadedFile(
        "pat.docx", word("Pat: My son Jamie goes to the nursery in Kirkcaldy.", "Pat: The blue door on Mill Road.")
    )
    response = client.post(
        reverse("web:research_transcript_upload"), {"interview": interview.pk, "upload": upload, "title": ""}
    )
    transcript = Transcript.objects.get(interview=interview)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:research_transcript", args=[transcript.pk])
    assert transcript.text == "Pat: My son Jamie goes to the nursery in Kirkcaldy.\nPat: The blue door on Mill Road."

    body = page(client, response["Location"])
    keys = re.findall(r'name="suggestion" type="checkbox" value="([^"]+)"', body)
    assert keys == ["0:3:participant", "12:17:child", "41:50:place", "52:55:participant"]
    assert "Becomes [child]. Named as a child: “My son Jamie”." in body
    assert "Redact the ticked ones" in body
    assert "Ready for coding" in body

    assert re.findall(r'value="([^"]+)" checked', body) == keys  # every suggestion starts ticked
    assert "Accept all suggestions" in body

    refused = client.post(reverse("web:research_transcript_ready", args=[transcript.pk]), {"version": 1}, follow=True)
    assert (
        "4 suggested redactions are still open. Redact each one, or leave it in with a reason, "
        "before the transcript is ready for coding." in refused.content.decode()
    )
    assert Transcript.objects.get(pk=transcript.pk).status == "redacting"

    ticked = {"version": transcript.version, "suggestion": ["0:3:participant", "12:17:child", "41:50:place"]}
    no_reason = client.post(reverse("web:research_transcript_redact", args=[transcript.pk]), ticked)
    assert no_reason.status_code == 400
    assert "Say why “Pat” can stay, or tick it to redact it." in no_reason.content.decode()
    assert 'href="#id_reason_4"' in no_reason.content.decode()
    assert Transcript.objects.get(pk=transcript.pk).text == transcript.text

    response = client.post(
        reverse("web:research_transcript_redact", args=[transcript.pk]),
        {**ticked, "reason_4": "The speaker label: quotes are attributed without it."},
    )
    assert response.status_code == 302
    transcript.refresh_from_db()
    assert transcript.text.startswith("[participant]: My son [child] goes to the nursery in [place].\nPat: ")
    assert Redaction.objects.filter(transcript=transcript, suggested=True).count() == 3
    body = page(client, reverse("web:research_transcript", args=[transcript.pk]))
    assert "No suggestion is open." in body
    assert "The speaker label: quotes are attributed without it." in body
    left_in = transcript.dismissed_suggestions.get()
    assert (transcript.text[left_in.start : left_in.end], left_in.kind) == ("Pat", "participant")

    response = client.post(
        reverse("web:research_transcript_redact_passage", args=[transcript.pk]),
        {"version": transcript.version, "passage": "Mill Road", "kind": "place", "replacement": "", "occurrence": ""},
    )
    assert response.status_code == 302
    transcript.refresh_from_db()
    assert transcript.text.endswith("Pat: The blue door on [place].")

    response = client.post(
        reverse("web:research_transcript_ready", args=[transcript.pk]), {"version": transcript.version}
    )
    assert response.status_code == 302
    body = page(client, reverse("web:research_transcript", args=[transcript.pk]))
    assert "Redact the ticked ones" not in body
    assert "Redact other words" not in body
    assert reverse("web:research_transcript_code", args=[transcript.pk]) in body
    assert (
        AuditEvent.objects.filter(
            actor=personas.evaluator.user, action="view", record_id=str(transcript.pk), participant=personas.participant
        ).count()
        == 9
    )


def test_upload_errors_are_shown_on_the_form(personas: Personas, client_for: ClientFor) -> None:
    interview = done_interview(personas)
    client = client_for("evaluator")
    response = client.post(
        reverse("web:research_transcript_upload"),
        {"interview": interview.pk, "upload": SimpleUploadedFile("pat.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 400
    assert "Choose a plain text (.txt) or Word (.docx) file." in response.content.decode()
    response = client.post(reverse("web:research_transcript_upload"), {"interview": interview.pk})
    assert response.status_code == 400
    assert "Choose the file to upload." in response.content.decode()
    assert not Transcript.objects.filter(interview=interview).exists()


def test_manual_redaction_errors_and_stale_versions(personas: Personas, client_for: ClientFor) -> None:
    kim = personas.research.kim_transcript
    client = client_for("evaluator")
    url = reverse("web:research_transcript_redact_passage", args=[kim.pk])
    response = client.post(url, {"version": kim.version, "passage": "Pat", "kind": "participant"})
    assert response.status_code == 400
    assert "These words appear 2 times: say which one (1 to 2), or redact every one." in response.content.decode()
    response = client.post(url, {"version": kim.version, "passage": "Nobody", "kind": "other"})
    assert "These words are not in the transcript" in response.content.decode()
    stale = client.post(url, {"version": kim.version + 3, "passage": "Kirkcaldy", "kind": "place"})
    assert stale.status_code == 409
    stale = client.post(
        reverse("web:research_transcript_redact", args=[kim.pk]),
        {"version": kim.version + 3, "suggestion": ["0:3:staff"]},
    )
    assert stale.status_code == 409
    none_ticked = client.post(reverse("web:research_transcript_redact", args=[kim.pk]), {"version": kim.version})
    assert none_ticked.status_code == 400
    assert "Say why “Kim” can stay, or tick it to redact it." in none_ticked.content.decode()
    assert Transcript.objects.get(pk=kim.pk).text == kim.text


def test_withdrawn_participants_transcript_is_not_there(personas: Personas, client_for: ClientFor) -> None:
    olive = personas.research.olive_transcript
    client = client_for("evaluator")
    assert client.get(reverse("web:research_transcript", args=[olive.pk])).status_code == 404
    assert client.get(reverse("web:research_transcript_original", args=[olive.pk])).status_code == 404
    assert not AuditEvent.objects.filter(participant=personas.other_participant, action="view").exists()


def test_policy_page_keeps_originals_and_the_original_page_is_audited(
    personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("evaluator")
    body = page(client, reverse("web:research_transcript_policy"))
    assert "Caledonian Evaluation Unit" in body
    assert "does not keep" in body
    response = client.post(
        reverse("web:research_transcript_policy"), {"keep_unredacted_originals": "yes", "version": 0}
    )
    assert response.status_code == 302
    assert TranscriptPolicy.objects.get(organisation=personas.evaluator.organisation).keep_unredacted_originals
    interview = done_interview(personas)
    client.post(
        reverse("web:research_transcript_upload"),
        {"interview": interview.pk, "upload": SimpleUploadedFile("p.txt", b"Pat lives on Mill Road.")},
    )
    transcript = Transcript.objects.get(interview=interview)
    client.post(
        reverse("web:research_transcript_redact_passage", args=[transcript.pk]),
        {"version": transcript.version, "passage": "Mill Road", "kind": "place"},
    )
    body = page(client, reverse("web:research_transcript", args=[transcript.pk]))
    assert "Read the unredacted original" in body
    before = AuditEvent.objects.filter(participant=personas.participant, action="view").count()
    body = page(client, reverse("web:research_transcript_original", args=[transcript.pk]))
    assert "Pat lives on Mill Road." in body
    assert AuditEvent.objects.filter(participant=personas.participant, action="view").count() == before + 1

    response = client.post(reverse("web:research_transcript_policy"), {"keep_unredacted_originals": "no", "version": 1})
    assert response.status_code == 302
    assert Transcript.objects.get(pk=transcript.pk).original_text == ""
    assert client.get(reverse("web:research_transcript_original", args=[transcript.pk])).status_code == 404


def test_rename_and_delete(personas: Personas, client_for: ClientFor) -> None:
    kim = personas.research.kim_transcript
    client = client_for("evaluator")
    response = client.post(
        reverse("web:research_transcript_rename", args=[kim.pk]), {"title": "Kim, Fife", "version": kim.version}
    )
    assert response.status_code == 302
    kim.refresh_from_db()
    assert kim.title == "Kim, Fife"
    assert "Delete Kim, Fife?" in page(client, reverse("web:research_transcript_delete", args=[kim.pk]))
    response = client.post(reverse("web:research_transcript_delete", args=[kim.pk]), {"version": kim.version})
    assert (response.status_code, response["Location"]) == (302, reverse("web:research_transcripts"))
    assert not Transcript.objects.filter(pk=kim.pk).exists()
    pat = personas.research.pat_transcript
    response = client.get(reverse("web:research_transcript_delete", args=[pat.pk]))
    assert response.status_code == 302
    assert Transcript.objects.filter(pk=pat.pk).exists()


def test_other_roles_are_refused(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.research.pat_transcript
    for role in ("keyworker", "partnership_manager", "participant", "funder", "administrator"):
        assert client_for(role).get(reverse("web:research_transcript", args=[pat.pk])).status_code == 403
