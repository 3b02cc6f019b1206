"""The agreement pages, their CSV, and the exports of segments and the codebook (pages)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from coproduce.audit.models import AuditEvent
from tests.research.refi_qda import qdc_problems, qde_problems

EVE = "Eve Evaluator"
EZRA = "Ezra Evaluator"


def test_agreement_page(personas, client_for):
    s = personas.research
    response = client_for("evaluator").get(reverse("web:research_agreement"), {"codebook": s.codebook.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"coders: {EVE}, {EZRA}" in page
    assert f"Cohen&#x27;s kappa ({EVE} and {EZRA})" in page
    assert "1 transcript coded, 6 sentences coded by two or more coders" in page
    assert s.pat_transcript.title in page
    assert "Home visits, kappa" in page  # a code nobody used: not defined, and why
    assert reverse("web:research_codebook_qdc", args=[s.codebook.pk]) in page


def test_agreement_csv(personas, client_for):
    personas.with_research()
    response = client_for("evaluator").get(reverse("web:research_agreement_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        f'"Code","Units","Coders","Agreement (all coders) %","Agreement ({EVE} and {EZRA}) %",'
        f'"Cohen\'s kappa ({EVE} and {EZRA})","Krippendorff\'s alpha"',
        '"Childcare",6,2,83.3,83.3,0.0,0.0',
        '"Choice",6,2,100.0,100.0,1.0,1.0',
        '"Jobcentre pressure",6,2,83.3,83.3,0.0,0.0',
        '"All codes (pooled)",18,2,88.9,88.9,0.437,0.453',
    ]


def test_agreement_filters(personas, client_for):
    s = personas.research
    client = client_for("evaluator")
    response = client.get(reverse("web:research_agreement"), {"wave": s.wave_2016.pk})
    assert "Nothing has been coded here yet by two or more coders." in response.content.decode()
    response = client.get(reverse("web:research_agreement"), {"codebook": s.codebook.pk, "area": personas.fife.pk})
    assert "Home visits" in response.content.decode()
    response = client.get(reverse("web:research_agreement"), {"wave": "nonsense"})
    assert response.status_code == 200
    assert "Choose a wave from the list." in response.content.decode()


def test_transcript_agreement_page_is_audited(personas, client_for):
    s = personas.research
    url = reverse("web:research_transcript_agreement", args=[s.pat_transcript.pk])
    response = client_for("evaluator").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quote this" in page
    assert "It&#x27;s all about choices" in page
    event = AuditEvent.objects.get(record_type="research.Transcript", action="view")
    assert (event.participant_id, event.actor, event.path) == (personas.participant.pk, personas.evaluator.user, url)


def test_withdrawn_transcript_is_not_found(personas, client_for):
    s = personas.research
    url = reverse("web:research_transcript_agreement", args=[s.olive_transcript.pk])
    response = client_for("evaluator").get(url)
    assert response.status_code == 404
    assert "Olive" not in response.content.decode()
    response = client_for("evaluator").get(reverse("web:research_agreement_csv"), {"transcript": s.olive_transcript.pk})
    assert response.status_code == 404


def test_other_roles_are_refused(personas, client_for):
    personas.with_research()
    for role in ("keyworker", "partnership_manager", "funder", "participant"):
        assert client_for(role).get(reverse("web:research_agreement")).status_code == 403


def test_segments_csv(personas, client_for):
    personas.with_research()
    response = client_for("evaluator").get(reverse("web:research_segments_csv"))
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        '"transcript","area","wave","speaker","coder","code","code path","theme","start","end","consensus","text"'
    )
    assert len(lines) == 5
    assert AuditEvent.objects.get(action="export").participant_id == personas.participant.pk


def test_codebook_qdc(personas, client_for):
    s = personas.research
    response = client_for("evaluator").get(reverse("web:research_codebook_qdc", args=[s.codebook.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="making-it-work-evaluation.qdc"'
    assert qdc_problems(response.content) == []
    assert etree.fromstring(response.content).tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    missing = client_for("evaluator").get(reverse("web:research_codebook_qdc", args=[s.codebook.pk + 100]))
    assert missing.status_code == 404


def test_project_qdpx_download_and_import_page(personas, client_for):
    import io
    import zipfile

    from coproduce.research.models import CodedSegment

    s = personas.research
    client = client_for("evaluator")
    page = client.get(reverse("web:research_agreement")).content.decode()
    assert reverse("web:research_project_qdpx", args=[s.codebook.pk]) in page
    assert reverse("web:research_project_import", args=[s.codebook.pk]) in page
    response = client.get(reverse("web:research_project_qdpx", args=[s.codebook.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="making-it-work-evaluation.qdpx"'
    data = response.content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert qde_problems(archive.read("project.qde")) == []
    assert client.get(reverse("web:research_project_qdpx", args=[s.codebook.pk + 100])).status_code == 404

    url = reverse("web:research_project_import", args=[s.codebook.pk])
    form = client.get(url).content.decode()
    assert s.pat_transcript.title in form
    bad = client.post(
        url, {"upload": SimpleUploadedFile("notes.qdpx", b"not a zip"), "coder": personas.evaluator.user.pk}
    )
    assert bad.status_code == 400
    assert "a .qdpx is a zip archive, and this file is not one" in bad.content.decode()

    CodedSegment.objects.filter(coder=personas.evaluator.user).delete()
    done = client.post(
        url, {"upload": SimpleUploadedFile("eve.qdpx", data), "coder": personas.evaluator.user.pk}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("web:research_transcript_compare", args=[s.pat_transcript.pk])
    assert "Imported as Eve Evaluator&#x27;s coding: 2 coded passages added to" in done.content.decode()
    assert CodedSegment.objects.filter(coder=personas.evaluator.user).count() == 2
