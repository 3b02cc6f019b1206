"""The agreement figures, the quote bank and the exports through the API (evaluators only)."""

from lxml import etree

from coproduce.audit.models import AuditEvent
from coproduce.research.models import CodedSegment, Quote
from tests.api.helpers import send_json
from tests.research.refi_qda import qdc_problems, qde_problems
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE

BASE = "/api/v1/research"


def test_agreement(personas, client_for):
    s = personas.research
    eve, ezra = personas.evaluator.user, s.second_evaluator.user
    response = client_for("evaluator").get(f"{BASE}/agreement", {"codebook_id": s.codebook.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["transcripts"] == 1
    assert body["units"] == 6
    assert body["coders"] == [{"id": eve.pk, "name": "Eve Evaluator"}, {"id": ezra.pk, "name": "Ezra Evaluator"}]
    by_name = {code["code_name"]: code for code in body["codes"]}
    choice = by_name["Choice"]
    assert choice["code_id"] == s.choice.pk
    assert choice["agreement"] == {"value": 1.0, "not_defined_because": ""}
    assert choice["pairs"][0]["first_coder_id"] == eve.pk
    assert round(choice["pairs"][0]["cohens_kappa"]["value"], 3) == 1.0
    home = by_name["Home visits"]["pairs"][0]["cohens_kappa"]
    assert home["value"] is None
    assert "not defined" in home["not_defined_because"]
    assert body["overall"]["code_id"] is None
    assert body["overall"]["units"] == 30


def test_agreement_for_one_transcript_and_refusals(personas, client_for):
    s = personas.research
    client = client_for("evaluator")
    assert client.get(f"{BASE}/agreement", {"transcript_id": s.pat_transcript.pk}).json()["transcripts"] == 1
    assert client.get(f"{BASE}/agreement", {"transcript_id": s.olive_transcript.pk}).status_code == 404
    assert client_for("keyworker").get(f"{BASE}/agreement").status_code == 403
    assert client_for("anonymous").get(f"{BASE}/agreement").status_code == 401


def test_quotes_list_create_update_delete(personas, client_for):
    s = personas.research
    client = client_for("evaluator")
    listed = client.get(f"{BASE}/quotes").json()
    assert listed["count"] == 1
    assert listed["items"][0] == {
        "id": s.quote.pk,
        "version": 1,
        "transcript_id": s.pat_transcript.pk,
        "segment_id": s.quote.segment_id,
        "start": s.quote.start,
        "end": s.quote.end,
        "text": CHOICE_PASSAGE,
        "attribution": "Service User, Fife, 2015",
        "note": "",
        "codes": ["Choice"],
        "themes": ["Choice and control"],
    }
    assert AuditEvent.objects.filter(action="list", channel="api").get().participant_id == personas.participant.pk
    segment = CodedSegment.objects.get(code=s.jobcentre)
    created = send_json(client, "POST", f"{BASE}/quotes", {"segment_id": segment.pk, "note": "Sanctions"})
    assert created.status_code == 201
    quote_id = created.json()["id"]
    assert created.json()["text"] == JOBCENTRE_PASSAGE
    assert created.json()["codes"] == ["Childcare", "Jobcentre pressure"]
    again = send_json(client, "POST", f"{BASE}/quotes", {"segment_id": segment.pk})
    assert again.status_code == 400
    assert again.json()["errors"] == {"passage": ["This passage is already in the quote bank."]}
    changed = send_json(client, "PATCH", f"{BASE}/quotes/{quote_id}", {"version": 1, "note": "Chapter 4"})
    assert changed.status_code == 200
    assert (changed.json()["note"], changed.json()["version"]) == ("Chapter 4", 2)
    stale = send_json(client, "PATCH", f"{BASE}/quotes/{quote_id}", {"version": 1, "note": "Chapter 5"})
    assert stale.status_code == 409
    assert Quote.objects.get(pk=quote_id).note == "Chapter 4"
    assert client.delete(f"{BASE}/quotes/{quote_id}").status_code == 204
    assert list(Quote.objects.values_list("pk", flat=True)) == [s.quote.pk]


def test_quotes_refused_for_other_roles(personas, client_for):
    s = personas.research
    segment = CodedSegment.objects.get(code=s.jobcentre)
    for role in ("keyworker", "partnership_manager", "funder", "participant"):
        client = client_for(role)
        assert client.get(f"{BASE}/quotes").status_code == 403
        assert send_json(client, "POST", f"{BASE}/quotes", {"segment_id": segment.pk}).status_code == 403
        assert client.delete(f"{BASE}/quotes/{s.quote.pk}").status_code == 403
    assert Quote.objects.count() == 1


def test_exports(personas, client_for):
    s = personas.research
    client = client_for("evaluator")
    csv = client.get(f"{BASE}/exports/quotes")
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.content.decode("utf-8-sig").splitlines()[0] == '"text","attribution","codes","themes","note"'
    xlsx = client.get(f"{BASE}/exports/quotes", {"format": "xlsx"})
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    segments = client.get(f"{BASE}/exports/segments")
    assert len(segments.content.decode("utf-8-sig").splitlines()) == 5
    qdc = client.get(f"{BASE}/exports/codebooks/{s.codebook.pk}")
    assert qdc.status_code == 200
    assert qdc_problems(qdc.content) == []
    assert etree.fromstring(qdc.content).get("origin") == "Coproduce"
    assert client.get(f"{BASE}/exports/codebooks/{s.codebook.pk + 100}").status_code == 404
    assert client_for("funder").get(f"{BASE}/exports/segments").status_code == 403
    assert AuditEvent.objects.filter(action="export", channel="api").count() == 4


def test_project_qdpx_export_and_import(personas, client_for):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    s = personas.research
    eve = personas.evaluator.user
    client = client_for("evaluator")
    response = client.get(f"{BASE}/exports/codebooks/{s.codebook.pk}/project")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert qde_problems(archive.read("project.qde")) == []
    assert AuditEvent.objects.filter(action="export", channel="api", participant=personas.participant).exists()

    url = f"{BASE}/imports/codebooks/{s.codebook.pk}/project"
    bad = client.post(url, {"upload": SimpleUploadedFile("x.qdpx", b"nope")})
    assert bad.status_code == 400
    CodedSegment.objects.filter(coder=eve).delete()
    done = client.post(url, {"upload": SimpleUploadedFile("eve.qdpx", response.content)})
    assert done.status_code == 201
    body = done.json()
    assert body["coder_id"] == eve.pk
    assert body["transcripts"] == [
        {"transcript_id": s.pat_transcript.pk, "source_name": s.pat_transcript.title, "added": 2, "already_there": 0}
    ]
    assert CodedSegment.objects.filter(coder=eve).count() == 2
    assert (
        client_for("funder").post(url, {"upload": SimpleUploadedFile("eve.qdpx", response.content)}).status_code == 403
    )
