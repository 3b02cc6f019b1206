"""Access cases for the codebook, coding, comparing coders and the consensus: evaluators only.

The research story (tests/research/story.py): Pat's transcript is coded by Eve and Ezra. Refused
roles see none of its words or Pat's pseudonym and change nothing; an evaluator's reads of it
are audited against Pat.
"""

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.research.models import Code, Codebook, CodedSegment, Theme
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE, PAT_TRANSCRIPT

EVALUATOR = roles("evaluator")
QUALCODER = Path(__file__).resolve().parent.parent / "research" / "fixtures" / "qualcoder"
JOB_START = PAT_TRANSCRIPT.index(JOBCENTRE_PASSAGE)
JOB_END = JOB_START + len(JOBCENTRE_PASSAGE)


def pat_transcript(p: Personas) -> int:
    return p.research.pat_transcript.pk


def codebook_id(p: Personas) -> int:
    return p.research.codebook.pk


def secrets(p: Personas) -> list[str]:
    p.research  # noqa: B018 (built for its side effect)
    return ["She never shoved me into anything", "nobody to mind", "R-TESTPAT", p.participant.reference]


def codebook_snapshot(p: Personas) -> tuple[object, ...]:
    p.research  # noqa: B018
    return (
        tuple(Codebook.objects.order_by("pk").values_list("name", "description", "version")),
        tuple(Theme.objects.order_by("pk").values_list("name", "position", "version")),
        tuple(Code.objects.order_by("pk").values_list("name", "parent_id", "theme_id", "colour", "version")),
    )


def segments_snapshot(p: Personas) -> tuple[object, ...]:
    p.research  # noqa: B018
    return tuple(
        CodedSegment.objects.order_by("pk").values_list("pk", "code_id", "coder_id", "start", "end", "is_consensus")
    )


def eves_segment(p: Personas) -> int:
    return CodedSegment.objects.get(coder=p.evaluator.user, code=p.research.jobcentre, is_consensus=False).pk


def qualcoder_upload(p: Personas) -> dict[str, object]:
    """The QualCoder-shaped project (Pat's transcript coded by "jo"), imported as Eve's coding."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in QUALCODER.rglob("*"):
            if path.is_file() and path.name != "README.md":
                archive.writestr(str(path.relative_to(QUALCODER)), path.read_bytes())
    return {
        "upload": SimpleUploadedFile("pat.qdpx", buffer.getvalue(), content_type="application/zip"),
        "transcript": pat_transcript(p),
        "transcript_id": pat_transcript(p),
        "coder": p.evaluator.user.pk,
    }


def page(route: str, url: object, **extra: object) -> AccessCase:
    return AccessCase(route=f"web:{route}", url=url, allowed=EVALUATOR, **extra)  # type: ignore[arg-type]


def post(route: str, url: object, data: object, snapshot: object, **extra: object) -> AccessCase:
    return AccessCase(
        route=f"web:{route}",
        url=url,  # type: ignore[arg-type]
        method="POST",
        data=data,  # type: ignore[arg-type]
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=snapshot,  # type: ignore[arg-type]
        label="save",
        **extra,  # type: ignore[arg-type]
    )


def api(route: str, url: object, method: str = "GET", **extra: object) -> AccessCase:
    return AccessCase(
        route=f"api-v1:{route}",
        url=url,  # type: ignore[arg-type]
        method=method,
        json=method != "GET",
        allowed=EVALUATOR,
        api=True,
        **extra,  # type: ignore[arg-type]
    )


def code_form(p: Personas, **extra: object) -> dict[str, object]:
    return {"name": "Being judged", "definition": "", "theme_id": "", "parent_id": "", "colour": "#1d70b8", **extra}


CASES = [
    # The codebook.
    page("research_codebook", lambda p: codebook_id(p) and reverse("web:research_codebook")),
    page("research_codebook_add", lambda p: reverse("web:research_codebook_add")),
    post(
        "research_codebook_add",
        lambda p: reverse("web:research_codebook_add"),
        lambda p: {"name": "Wave 4", "description": ""},
        codebook_snapshot,
    ),
    page("research_codebook_edit", lambda p: reverse("web:research_codebook_edit", args=[codebook_id(p)])),
    post(
        "research_codebook_edit",
        lambda p: reverse("web:research_codebook_edit", args=[codebook_id(p)]),
        lambda p: {"name": "Renamed", "description": "", "version": p.research.codebook.version},
        codebook_snapshot,
    ),
    page("research_theme_add", lambda p: reverse("web:research_theme_add", args=[codebook_id(p)])),
    post(
        "research_theme_add",
        lambda p: reverse("web:research_theme_add", args=[codebook_id(p)]),
        lambda p: {"name": "Relationships", "description": ""},
        codebook_snapshot,
    ),
    page("research_theme_edit", lambda p: reverse("web:research_theme_edit", args=[p.research.barriers_theme.pk])),
    post(
        "research_theme_edit",
        lambda p: reverse("web:research_theme_edit", args=[p.research.barriers_theme.pk]),
        lambda p: {"name": "Obstacles", "description": "", "version": p.research.barriers_theme.version},
        codebook_snapshot,
    ),
    post(
        "research_theme_move",
        lambda p: reverse("web:research_theme_move", args=[p.research.barriers_theme.pk]),
        lambda p: {"direction": "up"},
        codebook_snapshot,
    ),
    page("research_code_add", lambda p: reverse("web:research_code_add", args=[codebook_id(p)])),
    post(
        "research_code_add",
        lambda p: reverse("web:research_code_add", args=[codebook_id(p)]),
        code_form,
        codebook_snapshot,
    ),
    page("research_code_edit", lambda p: reverse("web:research_code_edit", args=[p.research.jobcentre.pk])),
    post(
        "research_code_edit",
        lambda p: reverse("web:research_code_edit", args=[p.research.jobcentre.pk]),
        lambda p: code_form(p, name="Jobcentre", version=p.research.jobcentre.version),
        codebook_snapshot,
    ),
    # Coding.
    page(
        "research_coding",
        lambda p: pat_transcript(p) and reverse("web:research_coding"),
        audited_participant=lambda p: p.participant,
        secrets=secrets,
    ),
    page(
        "research_transcript_code",
        lambda p: reverse("web:research_transcript_code", args=[pat_transcript(p)]),
        audited_participant=lambda p: p.participant,
        secrets=secrets,
    ),
    post(
        "research_transcript_code",
        lambda p: reverse("web:research_transcript_code", args=[pat_transcript(p)]),
        lambda p: {
            "action": "apply",
            "codebook": codebook_id(p),
            "passage": "nobody to mind [child]",
            "codes": [p.research.childcare.pk],
        },
        segments_snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="web:research_transcript_code",
        label="new code",
        method="POST",
        url=lambda p: reverse("web:research_transcript_code", args=[pat_transcript(p)]),
        data=lambda p: {"action": "new_code", "codebook": codebook_id(p), "name": "Being judged"},
        allowed=EVALUATOR,
        allowed_status=302,
        snapshot=codebook_snapshot,
        secrets=secrets,
    ),
    post(
        "research_segment_remove",
        lambda p: reverse("web:research_segment_remove", args=[eves_segment(p)]),
        lambda p: {},
        segments_snapshot,
    ),
    page(
        "research_transcript_compare",
        lambda p: reverse("web:research_transcript_compare", args=[pat_transcript(p)]),
        audited_participant=lambda p: p.participant,
        secrets=secrets,
    ),
    post(
        "research_transcript_compare",
        lambda p: reverse("web:research_transcript_compare", args=[pat_transcript(p)]),
        lambda p: {"start": JOB_START, "end": JOB_END, "codes": [p.research.jobcentre.pk]},
        segments_snapshot,
        secrets=secrets,
    ),
    # The API.
    api("list_research_codebooks", lambda p: codebook_id(p) and reverse("api-v1:list_research_codebooks")),
    api(
        "create_research_codebook",
        lambda p: reverse("api-v1:create_research_codebook"),
        "POST",
        data=lambda p: {"programme_id": p.fife.programme_id, "name": "Wave 4"},
        allowed_status=201,
        snapshot=codebook_snapshot,
    ),
    api("research_codebook_detail", lambda p: reverse("api-v1:research_codebook_detail", args=[codebook_id(p)])),
    api(
        "update_research_codebook",
        lambda p: reverse("api-v1:update_research_codebook", args=[codebook_id(p)]),
        "PATCH",
        data=lambda p: {"version": p.research.codebook.version, "name": "Renamed"},
        snapshot=codebook_snapshot,
    ),
    api(
        "create_research_theme",
        lambda p: reverse("api-v1:create_research_theme", args=[codebook_id(p)]),
        "POST",
        data=lambda p: {"name": "Relationships"},
        allowed_status=201,
        snapshot=codebook_snapshot,
    ),
    api(
        "reorder_research_themes",
        lambda p: reverse("api-v1:reorder_research_themes", args=[codebook_id(p)]),
        "PUT",
        data=lambda p: {"theme_ids": [p.research.barriers_theme.pk, p.research.choice_theme.pk]},
        snapshot=codebook_snapshot,
    ),
    api(
        "update_research_theme",
        lambda p: reverse("api-v1:update_research_theme", args=[p.research.barriers_theme.pk]),
        "PATCH",
        data=lambda p: {"version": p.research.barriers_theme.version, "name": "Obstacles"},
        snapshot=codebook_snapshot,
    ),
    api(
        "create_research_code",
        lambda p: reverse("api-v1:create_research_code", args=[codebook_id(p)]),
        "POST",
        data=lambda p: {"name": "Being judged", "emergent": True},
        allowed_status=201,
        snapshot=codebook_snapshot,
    ),
    api(
        "update_research_code",
        lambda p: reverse("api-v1:update_research_code", args=[p.research.jobcentre.pk]),
        "PATCH",
        data=lambda p: {"version": p.research.jobcentre.version, "parent_id": p.research.choice.pk},
        snapshot=codebook_snapshot,
    ),
    api(
        "list_research_segments",
        lambda p: reverse("api-v1:list_research_segments", args=[pat_transcript(p)]) + "?coder=all",
        audited_participant=lambda p: p.participant,
        secrets=lambda p: [CHOICE_PASSAGE, JOBCENTRE_PASSAGE, "R-TESTPAT"],
    ),
    api(
        "create_research_segments",
        lambda p: reverse("api-v1:create_research_segments", args=[pat_transcript(p)]),
        "POST",
        data=lambda p: {"code_ids": [p.research.childcare.pk], "passage": "nobody to mind [child]"},
        allowed_status=201,
        snapshot=segments_snapshot,
        secrets=secrets,
    ),
    api(
        "delete_research_segment",
        lambda p: reverse("api-v1:delete_research_segment", args=[eves_segment(p)]),
        "DELETE",
        allowed_status=204,
        snapshot=segments_snapshot,
    ),
    api(
        "settle_research_consensus",
        lambda p: reverse("api-v1:settle_research_consensus", args=[pat_transcript(p)]),
        "POST",
        data=lambda p: {"start": JOB_START, "end": JOB_END, "code_ids": [p.research.jobcentre.pk]},
        snapshot=segments_snapshot,
        secrets=secrets,
    ),
    # Importing a REFI-QDA project (.qdpx) as someone's coding: the page lists the transcripts.
    page(
        "research_project_import",
        lambda p: reverse("web:research_project_import", args=[codebook_id(p)]),
        audited_participant=lambda p: p.participant,
    ),
    post(
        "research_project_import",
        lambda p: reverse("web:research_project_import", args=[codebook_id(p)]),
        qualcoder_upload,
        segments_snapshot,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:import_research_project_qdpx",
        url=lambda p: reverse("api-v1:import_research_project_qdpx", args=[codebook_id(p)]),
        method="POST",
        data=qualcoder_upload,
        allowed=EVALUATOR,
        allowed_status=201,
        api=True,
        snapshot=segments_snapshot,
        secrets=secrets,
    ),
]
