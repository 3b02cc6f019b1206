"""Reads for coding: the transcripts to code, and the coders' codes side by side with the consensus."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.audit.models import AuditEvent
from coproduce.research.models import Code, Transcript
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import (
    segments_visible_to,
    transcripts_visible_to,
)

CONSENSUS = "consensus"


PASSAGE_PREFIX = "passage:"


NOT_CODER = "Only evaluators can code transcripts."


def coding_transcripts(actor: ActingUser) -> QuerySet[Transcript]:
    """Transcripts the evaluator may see, with what attribution and audit need selected."""
    return transcripts_visible_to(actor).select_related("wave", "partnership", "interview__research_consent")


def transcripts_to_code(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Transcript]:
    """Transcripts ready for coding (of one programme, if given), with how many segments this coder applied
    and how many coders coded each."""
    refuse_unless_evaluator(actor, NOT_CODER)
    independent = Q(segments__is_consensus=False)
    transcripts = coding_transcripts(actor)
    if programme_id is not None:
        transcripts = transcripts.filter(wave__programme_id=programme_id)
    return (
        transcripts.filter(status=Transcript.Status.READY)
        .annotate(
            my_segments=Count("segments", filter=independent & Q(segments__coder=actor)),
            coder_count=Count("segments__coder", filter=independent, distinct=True),
        )
        .order_by("wave__year", "partnership__area_name", "title", "pk")
    )


@dataclass(frozen=True)
class CoderCodes:
    coder_id: int
    coder_name: str
    codes: list[Code]


@dataclass
class PassageComparison:
    """One passage someone coded: each coder's codes, and the consensus if it was settled."""

    start: int
    end: int
    text: str
    by_coder: list[CoderCodes] = field(default_factory=list)
    # Applied by every coder of the transcript: what the consensus form offers ticked.
    everyone: list[Code] = field(default_factory=list)
    # Every code anyone applied here, and the consensus codes: what the form offers.
    offered: list[Code] = field(default_factory=list)
    # None: not settled yet; an empty list: settled as "no code".
    consensus: list[Code] | None = None

    @property
    def status(self) -> str:
        """Whether the coders agree here: "agree", "differ", or "single" while only one has coded."""
        if len(self.by_coder) < 2:
            return "single"
        first = {code.pk for code in self.by_coder[0].codes}
        return "agree" if all({code.pk for code in row.codes} == first for row in self.by_coder) else "differ"

    @property
    def key(self) -> str:
        return f"{self.start}-{self.end}"


def settled_passages(transcript: Transcript) -> set[tuple[int, int]]:
    """Passages of the transcript whose consensus was ever settled (with codes or with none)."""
    events = AuditEvent.objects.filter(
        record_type=Transcript._meta.label, record_id=str(transcript.pk), action=AuditEvent.Action.CHANGE
    ).values_list("changed_fields", flat=True)
    settled = set()
    for fields in events:
        if CONSENSUS not in fields:
            continue
        for name in fields:
            if name.startswith(PASSAGE_PREFIX):
                start, _, end = name.removeprefix(PASSAGE_PREFIX).partition("-")
                settled.add((int(start), int(end)))
    return settled


def compare_coders(actor: ActingUser, transcript: Transcript) -> list[PassageComparison]:
    """Every passage coded on the transcript, in order, with each coder's codes side by side.

    Passages are matched by their exact start and end. The coders are everyone who coded the
    transcript; one who did not code a passage shows there with no codes, so it differs.
    """
    segments = list(
        segments_visible_to(actor)
        .filter(transcript=transcript)
        .select_related("code", "coder")
        .order_by("start", "end", "pk")
    )
    coders = sorted(
        {segment.coder_id: segment.coder for segment in segments if not segment.is_consensus}.values(),
        key=lambda user: (str(user).lower(), user.pk),
    )
    settled = settled_passages(transcript)
    passages: dict[tuple[int, int], dict[str, Any]] = {}
    for segment in segments:
        entry = passages.setdefault(
            (segment.start, segment.end), {"text": segment.text, "by_coder": {}, "consensus": []}
        )
        if segment.is_consensus:
            entry["consensus"].append(segment.code)
        else:
            entry["by_coder"].setdefault(segment.coder_id, []).append(segment.code)

    def by_name(codes: Iterable[Code]) -> list[Code]:
        return sorted({code.pk: code for code in codes}.values(), key=lambda code: (code.name.lower(), code.pk))

    comparisons = []
    for (start, end), entry in sorted(passages.items()):
        rows = [CoderCodes(user.pk, str(user), by_name(entry["by_coder"].get(user.pk, []))) for user in coders]
        common = set.intersection(*({code.pk for code in row.codes} for row in rows)) if rows else set()
        applied = by_name(code for row in rows for code in row.codes)
        consensus = by_name(entry["consensus"]) if entry["consensus"] or (start, end) in settled else None
        comparisons.append(
            PassageComparison(
                start=start,
                end=end,
                text=entry["text"],
                by_coder=rows,
                everyone=[code for code in applied if code.pk in common],
                offered=by_name([*applied, *(consensus or [])]),
                consensus=consensus,
            )
        )
    return comparisons
