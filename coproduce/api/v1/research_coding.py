"""The codebook, coded segments and the consensus, for evaluators.

Rows come from coproduce/research/selectors.py, changes from
coproduce/research/services/coding.py. Everything here is refused (403) to anyone but an
evaluator. Reading a transcript's segments is audited against its interviewee (channel "api").
Coding is independent: segments are listed for the caller only (`coder=me`, the default)
unless they ask for everyone's (`coder=all`) to compare, or for the consensus.
"""

import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.accounts.acting import ActingUser
from coproduce.api.v1.auth import caller_allowed
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.research_programme import programme_query, research_programme_id
from coproduce.api.v1.schemas import Input, error_responses
from coproduce.core.errors import NotFound
from coproduce.research.models import Code, Codebook, CodedSegment, Theme
from coproduce.research.selectors import codebooks_visible_to, codes_visible_to, own_segments, segments_visible_to
from coproduce.research.services import coding

router = Router(tags=["research"])


if TYPE_CHECKING:
    WhoseSegments = str
else:
    WhoseSegments = Literal["me", "all", "consensus"]


def _evaluator(request: HttpRequest) -> Any:
    return caller_allowed(
        request, "research.work_on_evaluation", "Only evaluators can work on the codebook and coding."
    )


# ---- schemas ----------------------------------------------------------------------------------


class ThemeOut(Schema):
    id: int
    version: int
    codebook_id: int
    name: str
    description: str
    position: int


class CodeOut(Schema):
    id: int
    version: int
    codebook_id: int
    name: str
    definition: str
    parent_id: int | None
    theme_id: int | None
    colour: str = Field(description="#rrggbb, for exchange with other tools.")
    emergent: bool = Field(description="Added during analysis rather than planned.")
    created_by: str = Field(description="Who added the code (display name).")
    created_at: datetime.datetime

    @staticmethod
    def resolve_created_by(code: Code | dict[str, Any]) -> str:
        # A code, or a node of the tree already dumped (see _codebook_detail).
        return code["created_by"] if isinstance(code, dict) else str(code.created_by)


class CodeNodeOut(CodeOut):
    children: list["CodeNodeOut"] = Field(default_factory=list, description="Codes under this one.")


CodeNodeOut.model_rebuild()


class CodebookOut(Schema):
    id: int
    version: int
    programme_id: int
    name: str
    description: str


class CodebookDetailOut(CodebookOut):
    themes: list[ThemeOut] = Field(description="In their order.")
    codes: list[CodeNodeOut] = Field(description="The code tree: top-level codes, each with its children.")


class CodebookIn(Input):
    programme_id: int = Field(description="A programme you oversee; another is refused like one that does not exist.")
    name: str
    description: str = ""


class CodebookUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    name: str | None = None
    description: str | None = None


class ThemeIn(Input):
    name: str
    description: str = ""


class ThemeUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    name: str | None = None
    description: str | None = None


class ThemeOrderIn(Input):
    theme_ids: list[int] = Field(description="Every theme of the codebook, once each, in the order wanted.")


class CodeIn(Input):
    name: str
    definition: str = ""
    parent_id: int | None = Field(None, description="A code of the same codebook to put it under.")
    theme_id: int | None = None
    colour: str = "#1d70b8"
    emergent: bool = Field(False, description="True for a code added while coding.")


class CodeUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    name: str | None = None
    definition: str | None = None
    parent_id: int | None = Field(None, description="Null moves it to the top of the tree; leave out to keep it.")
    theme_id: int | None = Field(None, description="Null takes it out of its theme; leave out to keep it.")
    colour: str | None = None


class SegmentOut(Schema):
    id: int
    transcript_id: int
    code_id: int
    code_name: str
    coder_id: int
    coder_name: str = Field(description="The coder's display name (for consensus segments: who settled it).")
    start: int = Field(description="Offset of the first character in the transcript's text.")
    end: int = Field(description="Offset just after the last character.")
    text: str
    memo: str
    is_consensus: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_code_name(segment: CodedSegment) -> str:
        return segment.code.name

    @staticmethod
    def resolve_coder_name(segment: CodedSegment) -> str:
        return str(segment.coder)


class SegmentsIn(Input):
    code_ids: list[int] = Field(description="One segment is made per code.")
    passage: str = Field(description="The exact words; spacing and line breaks may differ.")
    start: int | None = Field(None, ge=0, description="Where the words start, if known (picks one occurrence).")
    memo: str = ""


class ConsensusIn(Input):
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    code_ids: list[int] = Field(description="The consensus codes for exactly this passage; empty settles on no code.")


# ---- codebooks, themes and codes -------------------------------------------------------------


def _codebook_detail(actor: ActingUser, codebook_id: int) -> dict[str, Any]:
    codebook = codebooks_visible_to(actor).filter(pk=codebook_id).first()
    if codebook is None:
        raise NotFound("No such codebook.")
    themes = list(Theme.objects.filter(codebook=codebook).order_by("position", "name", "pk"))
    codes = list(codes_visible_to(actor).filter(codebook=codebook).select_related("created_by").order_by("name", "pk"))
    nodes: dict[int, dict[str, Any]] = {
        code.pk: {**CodeOut.from_orm(code).model_dump(), "children": []} for code in codes
    }
    roots: list[dict[str, Any]] = []
    for code in codes:
        parent = nodes.get(code.parent_id) if code.parent_id else None
        (parent["children"] if parent is not None else roots).append(nodes[code.pk])
    return {
        **CodebookOut.from_orm(codebook).model_dump(),
        "themes": [ThemeOut.from_orm(theme).model_dump() for theme in themes],
        "codes": roots,
    }


@router.get(
    "/research/codebooks",
    response={200: list[CodebookOut], **error_responses(400, 401, 403, 404)},
    summary="List the codebooks",
    url_name="list_research_codebooks",
)
@paginate(PageNumber)
def list_research_codebooks(request: HttpRequest, programme: int | None = programme_query()) -> QuerySet[Codebook]:
    user = _evaluator(request)
    return codebooks_visible_to(user, programme_id=research_programme_id(user, programme)).order_by("name", "pk")


@router.post(
    "/research/codebooks",
    response={201: CodebookDetailOut, **error_responses(400, 401, 403)},
    summary="Start a codebook",
    url_name="create_research_codebook",
)
def create_research_codebook(request: HttpRequest, payload: CodebookIn) -> Status[dict[str, Any]]:
    user = _evaluator(request)
    codebook = coding.create_codebook(actor=user, **payload.model_dump())
    return Status(201, _codebook_detail(user, codebook.pk))


@router.get(
    "/research/codebooks/{codebook_id}",
    response={200: CodebookDetailOut, **error_responses(401, 403, 404)},
    summary="Read a codebook: its themes in order and its code tree",
    url_name="research_codebook_detail",
)
def research_codebook_detail(request: HttpRequest, codebook_id: int) -> dict[str, Any]:
    return _codebook_detail(_evaluator(request), codebook_id)


@router.patch(
    "/research/codebooks/{codebook_id}",
    response={200: CodebookDetailOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Rename a codebook or change its description",
    url_name="update_research_codebook",
)
def update_research_codebook(request: HttpRequest, codebook_id: int, payload: CodebookUpdateIn) -> dict[str, Any]:
    user = _evaluator(request)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    coding.update_codebook(actor=user, codebook_id=codebook_id, expected_version=version, changes=changes)
    return _codebook_detail(user, codebook_id)


@router.post(
    "/research/codebooks/{codebook_id}/themes",
    response={201: ThemeOut, **error_responses(400, 401, 403, 404)},
    summary="Add a theme at the end of a codebook's themes",
    url_name="create_research_theme",
)
def create_research_theme(request: HttpRequest, codebook_id: int, payload: ThemeIn) -> Status[Theme]:
    user = _evaluator(request)
    theme = coding.create_theme(actor=user, codebook_id=codebook_id, **payload.model_dump())
    return Status(201, theme)


@router.put(
    "/research/codebooks/{codebook_id}/theme-order",
    response={200: list[ThemeOut], **error_responses(400, 401, 403, 404)},
    summary="Put a codebook's themes in order",
    url_name="reorder_research_themes",
)
def reorder_research_themes(request: HttpRequest, codebook_id: int, payload: ThemeOrderIn) -> list[Theme]:
    user = _evaluator(request)
    return coding.reorder_themes(actor=user, codebook_id=codebook_id, theme_ids=payload.theme_ids)


@router.patch(
    "/research/themes/{theme_id}",
    response={200: ThemeOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Rename a theme or change its description",
    url_name="update_research_theme",
)
def update_research_theme(request: HttpRequest, theme_id: int, payload: ThemeUpdateIn) -> Theme:
    user = _evaluator(request)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return coding.update_theme(actor=user, theme_id=theme_id, expected_version=version, changes=changes)


@router.post(
    "/research/codebooks/{codebook_id}/codes",
    response={201: CodeOut, **error_responses(400, 401, 403, 404)},
    summary="Add a code (emergent if added while coding)",
    url_name="create_research_code",
)
def create_research_code(request: HttpRequest, codebook_id: int, payload: CodeIn) -> Status[Code]:
    user = _evaluator(request)
    code = coding.create_code(actor=user, codebook_id=codebook_id, **payload.model_dump())
    return Status(201, code)


@router.patch(
    "/research/codes/{code_id}",
    response={200: CodeOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Rename, redefine, recolour or move a code",
    url_name="update_research_code",
)
def update_research_code(request: HttpRequest, code_id: int, payload: CodeUpdateIn) -> Code:
    user = _evaluator(request)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return coding.update_code(actor=user, code_id=code_id, expected_version=version, changes=changes)


# ---- coded segments and the consensus ---------------------------------------------------------


@router.get(
    "/research/transcripts/{transcript_id}/segments",
    response={200: list[SegmentOut], **error_responses(400, 401, 403, 404, 409)},
    summary="List a transcript's coded segments: yours, everyone's, or the consensus",
    url_name="list_research_segments",
)
@paginate(PageNumber)
def list_research_segments(
    request: HttpRequest, transcript_id: int, coder: WhoseSegments = "me"
) -> QuerySet[CodedSegment]:
    """`coder=me` (the default): your own segments, for coding independently. `coder=all`: every
    coder's and the consensus, for comparing. `coder=consensus`: the consensus only."""
    user = _evaluator(request)
    transcript = coding.transcript_for_coding(user, transcript_id)
    coding.record_transcript_read(actor=user, transcript=transcript)
    if coder == "me":
        return own_segments(user, transcript).select_related("coder")
    segments = segments_visible_to(user).filter(transcript=transcript).select_related("code", "coder")
    if coder == "consensus":
        segments = segments.filter(is_consensus=True)
    return segments.order_by("start", "end", "is_consensus", "coder_id", "code__name", "pk")


@router.post(
    "/research/transcripts/{transcript_id}/segments",
    response={201: list[SegmentOut], **error_responses(400, 401, 403, 404, 409)},
    summary="Apply codes to a passage (one segment per code, as yours)",
    url_name="create_research_segments",
)
def create_research_segments(
    request: HttpRequest, transcript_id: int, payload: SegmentsIn
) -> Status[list[CodedSegment]]:
    user = _evaluator(request)
    segments = coding.apply_code(
        actor=user,
        transcript_id=transcript_id,
        code_ids=payload.code_ids,
        passage=payload.passage,
        start=payload.start,
        memo=payload.memo,
    )
    return Status(201, segments)


@router.delete(
    "/research/segments/{segment_id}",
    response={204: None, **error_responses(401, 403, 404)},
    summary="Remove one of your own coded segments",
    url_name="delete_research_segment",
)
def delete_research_segment(request: HttpRequest, segment_id: int) -> Status[None]:
    coding.remove_segment(actor=_evaluator(request), segment_id=segment_id)
    return Status(204, None)


@router.post(
    "/research/transcripts/{transcript_id}/consensus",
    response={200: list[SegmentOut], **error_responses(400, 401, 403, 404, 409)},
    summary="Settle the consensus codes for one passage (replaces that passage's consensus only)",
    url_name="settle_research_consensus",
)
def settle_research_consensus(request: HttpRequest, transcript_id: int, payload: ConsensusIn) -> list[CodedSegment]:
    """An empty `code_ids` settles the passage on no code: no segment is kept, and the audit log
    records that it was settled."""
    user = _evaluator(request)
    return coding.settle_consensus(
        actor=user,
        transcript_id=transcript_id,
        start=payload.start,
        end=payload.end,
        code_ids=payload.code_ids,
    )
