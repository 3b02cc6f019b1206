"""Access cases for inter-coder agreement, the quote bank and the exports to other tools.

Only evaluators (Eve) reach any of it. Refused roles see none of Pat's words (his coded
passages and the quote "It's all about choices…"), change no quote, and no read of Pat is
audited for them. An evaluator's reads of Pat's words are audited.
"""

from django.urls import reverse

from coproduce.research.models import CodedSegment, Quote
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas
from tests.research.story import CHOICE_PASSAGE, JOBCENTRE_PASSAGE

EVALUATOR = roles("evaluator")


def pat(p: Personas) -> object:
    return p.participant


def pat_words(p: Personas) -> list[str]:
    p.with_research()
    return [CHOICE_PASSAGE, JOBCENTRE_PASSAGE, "It&#x27;s all about choices", p.participant.reference]


def quotes_snapshot(p: Personas) -> tuple[object, ...]:
    p.with_research()
    return tuple(Quote.objects.order_by("pk").values_list("pk", "start", "end", "note"))


def eves_jobcentre_segment(p: Personas) -> CodedSegment:
    s = p.research
    return CodedSegment.objects.get(transcript=s.pat_transcript, code=s.jobcentre, coder=p.evaluator.user)


def read(route: str, url: object, *, audited: bool = True, api: bool = False) -> AccessCase:
    return AccessCase(
        route=route,
        url=url,  # type: ignore[arg-type]
        allowed=EVALUATOR,
        api=api,
        audited_participant=pat if audited else None,
        secrets=pat_words,
    )


CASES = [
    # Pages.
    read("web:research_agreement", lambda p: p.with_research() and reverse("web:research_agreement"), audited=False),
    read(
        "web:research_agreement_csv",
        lambda p: p.with_research() and reverse("web:research_agreement_csv"),
        audited=False,
    ),
    read(
        "web:research_transcript_agreement",
        lambda p: reverse("web:research_transcript_agreement", args=[p.research.pat_transcript.pk]),
    ),
    read("web:research_segments_csv", lambda p: p.with_research() and reverse("web:research_segments_csv")),
    read(
        "web:research_codebook_qdc",
        lambda p: reverse("web:research_codebook_qdc", args=[p.research.codebook.pk]),
        audited=False,
    ),
    read("web:research_project_qdpx", lambda p: reverse("web:research_project_qdpx", args=[p.research.codebook.pk])),
    read("web:research_quotes", lambda p: p.with_research() and reverse("web:research_quotes")),
    read("web:research_quotes_csv", lambda p: p.with_research() and reverse("web:research_quotes_csv")),
    read("web:research_quotes_xlsx", lambda p: p.with_research() and reverse("web:research_quotes_xlsx")),
    read("web:research_quote_add", lambda p: reverse("web:research_quote_add", args=[eves_jobcentre_segment(p).pk])),
    AccessCase(
        route="web:research_quote_add",
        label="quote this",
        method="POST",
        url=lambda p: reverse("web:research_quote_add", args=[eves_jobcentre_segment(p).pk]),
        data=lambda p: {"note": "Sanctions"},
        allowed=EVALUATOR,
        allowed_status=302,
        secrets=pat_words,
        snapshot=quotes_snapshot,
    ),
    read("web:research_quote_note", lambda p: reverse("web:research_quote_note", args=[p.research.quote.pk])),
    AccessCase(
        route="web:research_quote_note",
        label="save",
        method="POST",
        url=lambda p: reverse("web:research_quote_note", args=[p.research.quote.pk]),
        data=lambda p: {"note": "Chapter 2", "version": 1},
        allowed=EVALUATOR,
        allowed_status=302,
        secrets=pat_words,
        snapshot=quotes_snapshot,
    ),
    AccessCase(
        route="web:research_quote_remove",
        method="POST",
        url=lambda p: reverse("web:research_quote_remove", args=[p.research.quote.pk]),
        allowed=EVALUATOR,
        allowed_status=302,
        secrets=pat_words,
        snapshot=quotes_snapshot,
    ),
    # API.
    read(
        "api-v1:research_agreement",
        lambda p: p.with_research() and reverse("api-v1:research_agreement"),
        audited=False,
        api=True,
    ),
    read(
        "api-v1:list_research_quotes", lambda p: p.with_research() and reverse("api-v1:list_research_quotes"), api=True
    ),
    AccessCase(
        route="api-v1:create_research_quote",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:create_research_quote"),
        data=lambda p: {"segment_id": eves_jobcentre_segment(p).pk},
        allowed=EVALUATOR,
        allowed_status=201,
        api=True,
        secrets=pat_words,
        snapshot=quotes_snapshot,
    ),
    AccessCase(
        route="api-v1:update_research_quote",
        method="PATCH",
        json=True,
        url=lambda p: reverse("api-v1:update_research_quote", args=[p.research.quote.pk]),
        data=lambda p: {"note": "Chapter 2", "version": 1},
        allowed=EVALUATOR,
        api=True,
        secrets=pat_words,
        snapshot=quotes_snapshot,
    ),
    AccessCase(
        route="api-v1:delete_research_quote",
        method="DELETE",
        url=lambda p: reverse("api-v1:delete_research_quote", args=[p.research.quote.pk]),
        allowed=EVALUATOR,
        allowed_status=204,
        api=True,
        snapshot=quotes_snapshot,
    ),
    read(
        "api-v1:export_research_quotes",
        lambda p: p.with_research() and reverse("api-v1:export_research_quotes"),
        api=True,
    ),
    read(
        "api-v1:export_research_segments",
        lambda p: p.with_research() and reverse("api-v1:export_research_segments"),
        api=True,
    ),
    read(
        "api-v1:export_research_codebook_qdc",
        lambda p: reverse("api-v1:export_research_codebook_qdc", args=[p.research.codebook.pk]),
        audited=False,
        api=True,
    ),
    read(
        "api-v1:export_research_project_qdpx",
        lambda p: reverse("api-v1:export_research_project_qdpx", args=[p.research.codebook.pk]),
        api=True,
    ),
]
