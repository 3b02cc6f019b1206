"""The codebook, coded segments and the consensus through the API (evaluators only)."""

from collections.abc import Callable

from django.test import Client

from coproduce.audit.models import AuditEvent
from coproduce.research.models import Code, CodedSegment
from tests.api.helpers import send_json
from tests.personas import Personas
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE, PAT_TRANSCRIPT

ClientFor = Callable[[str], Client]
SignIn = Callable[..., Client]


def test_codebook_detail_is_a_tree_with_themes_in_order(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    client = client_for("evaluator")
    listed = client.get("/api/v1/research/codebooks").json()
    assert (listed["count"], listed["items"][0]["name"]) == (1, "Making it Work evaluation")
    detail = client.get(f"/api/v1/research/codebooks/{story.codebook.pk}").json()
    assert [theme["name"] for theme in detail["themes"]] == ["Choice and control", "Barriers"]
    tops = {code["name"]: code for code in detail["codes"]}
    assert sorted(tops) == ["Childcare", "Choice", "Home visits", "Jobcentre pressure"]
    assert [child["name"] for child in tops["Choice"]["children"]] == ["Being listened to"]
    assert (tops["Home visits"]["emergent"], tops["Home visits"]["created_by"]) == (True, "Ezra Evaluator")
    assert client_for("keyworker").get(f"/api/v1/research/codebooks/{story.codebook.pk}").status_code == 403


def test_evaluator_builds_a_codebook(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("evaluator")
    made = send_json(
        client,
        "POST",
        "/api/v1/research/codebooks",
        {"programme_id": personas.fife.programme_id, "name": "Wave 4 codebook"},
    )
    assert made.status_code == 201
    codebook_id = made.json()["id"]
    first = send_json(client, "POST", f"/api/v1/research/codebooks/{codebook_id}/themes", {"name": "Work"})
    second = send_json(client, "POST", f"/api/v1/research/codebooks/{codebook_id}/themes", {"name": "Family"})
    assert (first.json()["position"], second.json()["position"]) == (1, 2)
    order = send_json(
        client,
        "PUT",
        f"/api/v1/research/codebooks/{codebook_id}/theme-order",
        {"theme_ids": [second.json()["id"], first.json()["id"]]},
    )
    assert [theme["name"] for theme in order.json()] == ["Family", "Work"]
    parent = send_json(
        client,
        "POST",
        f"/api/v1/research/codebooks/{codebook_id}/codes",
        {"name": "Job quality", "theme_id": first.json()["id"], "colour": "#00703C"},
    )
    assert (parent.status_code, parent.json()["colour"], parent.json()["emergent"]) == (201, "#00703c", False)
    child = send_json(
        client,
        "POST",
        f"/api/v1/research/codebooks/{codebook_id}/codes",
        {"name": "Hours", "parent_id": parent.json()["id"], "emergent": True},
    )
    assert child.status_code == 201
    cycle = send_json(
        client,
        "PATCH",
        f"/api/v1/research/codes/{parent.json()['id']}",
        {"version": 1, "parent_id": child.json()["id"]},
    )
    assert cycle.status_code == 400
    assert cycle.json()["errors"] == {"parent_id": ["A code cannot go under itself or one of its own sub-codes."]}
    bad_colour = send_json(
        client, "POST", f"/api/v1/research/codebooks/{codebook_id}/codes", {"name": "Pay", "colour": "green"}
    )
    assert bad_colour.json()["errors"] == {"colour": ["Enter a colour as # and six hexadecimal digits, like #1d70b8."]}
    moved = send_json(
        client, "PATCH", f"/api/v1/research/codes/{child.json()['id']}", {"version": 1, "parent_id": None}
    )
    assert (moved.status_code, moved.json()["parent_id"], moved.json()["version"]) == (200, None, 2)
    stale = send_json(client, "PATCH", f"/api/v1/research/codes/{child.json()['id']}", {"version": 1, "name": "X"})
    assert stale.status_code == 409
    assert Code.objects.get(pk=child.json()["id"]).name == "Hours"


def test_segments_are_listed_for_the_coder_unless_comparing(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    client = client_for("evaluator")
    url = f"/api/v1/research/transcripts/{story.pat_transcript.pk}/segments"
    mine = client.get(url).json()
    assert mine["count"] == 2
    assert sorted((item["code_name"], item["coder_name"]) for item in mine["items"]) == [
        ("Choice", "Eve Evaluator"),
        ("Jobcentre pressure", "Eve Evaluator"),
    ]
    assert {item["coder_id"] for item in mine["items"]} == {personas.evaluator.user.pk}
    everyone = client.get(url, {"coder": "all"}).json()
    assert sorted(item["code_name"] for item in everyone["items"]) == [
        "Childcare",
        "Choice",
        "Choice",
        "Jobcentre pressure",
    ]
    assert (
        AuditEvent.objects.filter(
            actor=personas.evaluator.user, channel="api", participant=personas.participant, action="view"
        ).count()
        == 2
    )
    withdrawn = client.get(f"/api/v1/research/transcripts/{story.olive_transcript.pk}/segments")
    assert withdrawn.status_code == 404
    redacting = client.get(f"/api/v1/research/transcripts/{story.kim_transcript.pk}/segments")
    assert redacting.status_code == 409


def test_coding_and_removing_through_the_api(personas: Personas, client_for: ClientFor, sign_in: SignIn) -> None:
    story = personas.research
    client = client_for("evaluator")
    url = f"/api/v1/research/transcripts/{story.pat_transcript.pk}/segments"
    made = send_json(
        client,
        "POST",
        url,
        {"code_ids": [story.childcare.pk, story.listened_to.pk], "passage": "nobody to  mind\n[child]"},
    )
    assert made.status_code == 201
    start = PAT_TRANSCRIPT.index("nobody to mind [child]")
    assert [(item["code_name"], item["start"], item["end"]) for item in made.json()] == [
        ("Being listened to", start, start + 22),
        ("Childcare", start, start + 22),
    ]
    again = send_json(client, "POST", url, {"code_ids": [story.childcare.pk], "passage": "nobody to mind [child]"})
    assert again.status_code == 400
    assert again.json()["errors"] == {"codes": ["You have already applied these codes to these words."]}
    ezra = sign_in(story.second_evaluator.user)
    segment_id = made.json()[0]["id"]
    assert ezra.delete(f"/api/v1/research/segments/{segment_id}").status_code == 403
    assert client.delete(f"/api/v1/research/segments/{segment_id}").status_code == 204
    assert not CodedSegment.objects.filter(pk=segment_id).exists()
    redacting = send_json(
        client,
        "POST",
        f"/api/v1/research/transcripts/{story.kim_transcript.pk}/segments",
        {"code_ids": [story.choice.pk], "passage": "Tell me about your work."},
    )
    assert redacting.status_code == 409


def test_consensus_replaces_only_that_passage(personas: Personas, client_for: ClientFor) -> None:
    story = personas.research
    client = client_for("evaluator")
    url = f"/api/v1/research/transcripts/{story.pat_transcript.pk}/consensus"
    job = PAT_TRANSCRIPT.index(JOBCENTRE_PASSAGE)
    choice = PAT_TRANSCRIPT.index(CHOICE_PASSAGE)
    send_json(
        client, "POST", url, {"start": choice, "end": choice + len(CHOICE_PASSAGE), "code_ids": [story.choice.pk]}
    )
    settled = send_json(
        client,
        "POST",
        url,
        {"start": job, "end": job + len(JOBCENTRE_PASSAGE), "code_ids": [story.jobcentre.pk]},
    )
    assert settled.status_code == 200
    assert [(item["code_name"], item["is_consensus"], item["text"]) for item in settled.json()] == [
        ("Jobcentre pressure", True, JOBCENTRE_PASSAGE)
    ]
    none = send_json(client, "POST", url, {"start": job, "end": job + len(JOBCENTRE_PASSAGE), "code_ids": []})
    assert none.json() == []
    consensus = client.get(
        f"/api/v1/research/transcripts/{story.pat_transcript.pk}/segments", {"coder": "consensus"}
    ).json()
    assert [(item["start"], item["code_name"]) for item in consensus["items"]] == [(choice, "Choice")]
    outside = send_json(client, "POST", url, {"start": 5, "end": 100_000, "code_ids": []})
    assert outside.status_code == 400
