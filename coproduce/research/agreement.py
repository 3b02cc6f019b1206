"""Inter-coder agreement: percentage agreement, Cohen's kappa and Krippendorff's alpha.

The statistics come from well-kept libraries, never from formulas of our own: Cohen's kappa
from statsmodels (`to_table` + `cohens_kappa`), Krippendorff's alpha (nominal) from the
`krippendorff` package. The first half of this module is pure functions on plain data; the
second half turns coded segments into that data.

**Units of analysis.** Coders mark passages of any length, so there is nothing to compare until
the text is cut into units. The units are the transcript's sentences: the text is split at a
full stop, question mark or exclamation mark followed by a space or a line break, and at every
line break (a transcript puts each turn of speech on its own line). Leading and trailing spaces
are not part of a unit, and empty pieces are dropped. Sentences are short enough that one code
rarely covers part of one, and long enough that a coder who marked a few words more or less
than another still agrees with them.

**Decisions.** For each code, each unit and each coder the decision is yes or no: yes if any of
that coder's own (not consensus) segments with that code overlaps the unit by at least one
character. A coder counts on a transcript only if they coded something in it; on the other
transcripts their decisions are missing (not "no"), so one coder who has not started yet does
not drag agreement down.

**Per code and overall.** Each code's figures come from its unit decisions. The overall figures
pool every (unit, code) decision into one table, so a code with many units weighs more.

**Degenerate cases.** Kappa is not defined when chance agreement is certain (both coders said
"no" everywhere, or "yes" everywhere); alpha is not defined when only one value occurs in the
data. Those figures are returned as "not defined" with the reason, never as NaN or an error.
"""

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model

from coproduce.accounts.acting import ActingUser
from coproduce.research.models import Code, CodedSegment
from coproduce.research.selectors import codes_visible_to, transcripts_visible_to

Value = Hashable | None  # a coder's decision on one unit; None when they made none


@dataclass(frozen=True)
class Figure:
    """One statistic: a number, or None with the reason it is not defined."""

    value: float | None
    reason: str = ""

    @property
    def is_defined(self) -> bool:
        return self.value is not None

    def as_percentage(self) -> str:
        return "not defined" if self.value is None else f"{self.value * 100:.1f}%"

    def as_coefficient(self) -> str:
        if self.value is None:
            return "not defined"
        # Three decimals, and never "-0.000" for a value that rounds to nothing.
        return f"{self.value:.3f}".replace("-0.000", "0.000")


def not_defined(reason: str) -> Figure:
    return Figure(value=None, reason=reason)


NO_COMMON_UNITS = "The coders have no unit in common."


def _pairs(first: Sequence[Value], second: Sequence[Value]) -> list[tuple[Hashable, Hashable]]:
    if len(first) != len(second):
        raise ValueError("Both coders' decisions must cover the same units.")
    return [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]


def pairwise_agreement(first: Sequence[Value], second: Sequence[Value]) -> Figure:
    """The share of units both coders decided on where they made the same decision."""
    pairs = _pairs(first, second)
    if not pairs:
        return not_defined(NO_COMMON_UNITS)
    return Figure(sum(1 for a, b in pairs if a == b) / len(pairs))


def overall_agreement(ratings: Mapping[Hashable, Sequence[Value]]) -> Figure:
    """Across all coders: the share of units decided by two or more coders where all of them agree."""
    columns = _columns(ratings)
    decided = [[value for value in unit if value is not None] for unit in columns]
    shared = [values for values in decided if len(values) >= 2]
    if not shared:
        return not_defined(NO_COMMON_UNITS)
    return Figure(sum(1 for values in shared if len(set(values)) == 1) / len(shared))


def cohens_kappa(first: Sequence[Value], second: Sequence[Value]) -> Figure:
    """Cohen's kappa for two coders, over the units both decided on (statsmodels)."""
    # Imported here, not at the top: statsmodels takes most of a second to load, and only
    # the agreement pages need it.
    from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_cohens_kappa
    from statsmodels.stats.inter_rater import to_table

    pairs = _pairs(first, second)
    if not pairs:
        return not_defined(NO_COMMON_UNITS)
    categories = sorted({value for pair in pairs for value in pair}, key=repr)
    if len(categories) == 1:
        return not_defined(
            f"Both coders made the same decision ({_describe(categories[0])}) on every unit, "
            "so agreement by chance is certain and kappa is not defined."
        )
    index = {value: position for position, value in enumerate(categories)}
    data = np.array([[index[a], index[b]] for a, b in pairs])
    table, _bins = to_table(data, bins=np.arange(len(categories) + 1))
    expected = float((table.sum(axis=0) * table.sum(axis=1)).sum()) / float(table.sum()) ** 2
    if np.isclose(expected, 1.0):
        return not_defined("Agreement by chance is certain, so kappa is not defined.")
    kappa = float(statsmodels_cohens_kappa(table, return_results=False))
    if np.isnan(kappa):
        return not_defined("Kappa is not defined for these decisions.")
    return Figure(kappa)


def krippendorff_alpha(ratings: Mapping[Hashable, Sequence[Value]]) -> Figure:
    """Krippendorff's alpha (nominal) for any number of coders, with missing decisions allowed."""
    import krippendorff  # here, like statsmodels above: only the agreement pages need it

    if len(ratings) < 2:
        return not_defined("Alpha needs at least two coders.")
    columns = _columns(ratings)
    pairable = [unit for unit in columns if sum(value is not None for value in unit) >= 2]
    if not pairable:
        return not_defined(NO_COMMON_UNITS)
    values = sorted({value for unit in pairable for value in unit if value is not None}, key=repr)
    if len(values) == 1:
        return not_defined(
            f"Every decision was the same ({_describe(values[0])}), so there is no variation to "
            "agree on and alpha is not defined."
        )
    index = {value: float(position) for position, value in enumerate(values)}
    matrix = np.array(
        [[np.nan if value is None else index.get(value, np.nan) for value in row] for row in _rows(ratings)],
        dtype=float,
    )
    alpha = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    if np.isnan(alpha):
        return not_defined("Alpha is not defined for these decisions.")
    return Figure(alpha)


def _rows(ratings: Mapping[Hashable, Sequence[Value]]) -> list[Sequence[Value]]:
    rows = list(ratings.values())
    if len({len(row) for row in rows}) > 1:
        raise ValueError("Every coder's decisions must cover the same units.")
    return rows


def _columns(ratings: Mapping[Hashable, Sequence[Value]]) -> list[tuple[Value, ...]]:
    rows = _rows(ratings)
    return list(zip(*rows, strict=True)) if rows else []


def _describe(value: Any) -> str:
    if value is True or value == 1:
        return "applied the code"
    if value is False or value == 0:
        return "did not apply the code"
    return repr(value)


# ---- from coded segments to unit decisions -----------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.?!])[ \t]+|\r?\n")


def sentence_units(text: str) -> list[tuple[int, int]]:
    """The transcript's units of analysis as (start, end) offsets: see the module docstring."""
    units = []
    position = 0
    for separator in [*SENTENCE_END.finditer(text), None]:
        end = separator.start() if separator else len(text)
        piece = text[position:end]
        stripped = piece.strip()
        if stripped:
            start = position + (len(piece) - len(piece.lstrip()))
            units.append((start, start + len(stripped)))
        if separator:
            position = separator.end()
    return units


@dataclass(frozen=True)
class Span:
    """A coder's (not consensus) coded segment, as plain data."""

    coder: Hashable
    code: Hashable
    start: int
    end: int


@dataclass(frozen=True)
class CodedText:
    """One transcript's text and the coders' segments on it."""

    text: str
    spans: Sequence[Span]


@dataclass(frozen=True)
class PairFigures:
    first: Hashable
    second: Hashable
    agreement: Figure
    kappa: Figure


@dataclass(frozen=True)
class Agreement:
    """The figures for one code (or, overall, for all codes pooled)."""

    code: Hashable | None
    units: int  # units decided by at least two coders
    coders: tuple[Hashable, ...]
    agreement: Figure
    pairs: tuple[PairFigures, ...]
    alpha: Figure


@dataclass(frozen=True)
class AgreementReport:
    codes: tuple[Agreement, ...]
    overall: Agreement
    coders: tuple[Hashable, ...]
    units: int  # units of analysis in the transcripts with two or more coders
    transcripts: int
    decisions: Mapping[Hashable, Mapping[Hashable, list[Value]]] = field(repr=False, default_factory=dict)


def _overlaps(span: Span, unit: tuple[int, int]) -> bool:
    return span.start < unit[1] and unit[0] < span.end


def unit_decisions(
    texts: Iterable[CodedText], codes: Sequence[Hashable]
) -> tuple[dict[Hashable, dict[Hashable, list[Value]]], tuple[Hashable, ...], int]:
    """Per code, per coder: a decision (1, 0 or None) for every unit of every transcript.

    Returns the decisions, the coders (in order of first appearance) and the number of units of
    transcripts that two or more coders coded.
    """
    texts = list(texts)
    coders: list[Hashable] = []
    for coded in texts:
        for span in coded.spans:
            if span.coder not in coders:
                coders.append(span.coder)
    decisions: dict[Hashable, dict[Hashable, list[Value]]] = {code: {coder: [] for coder in coders} for code in codes}
    shared_units = 0
    for coded in texts:
        units = sentence_units(coded.text)
        present = {span.coder for span in coded.spans}
        if len(present) >= 2:
            shared_units += len(units)
        for code in codes:
            for coder in coders:
                if coder not in present:
                    decisions[code][coder].extend([None] * len(units))
                    continue
                spans = [span for span in coded.spans if span.coder == coder and span.code == code]
                decisions[code][coder].extend(1 if any(_overlaps(s, unit) for s in spans) else 0 for unit in units)
    return decisions, tuple(coders), shared_units


def figures(code: Hashable | None, ratings: Mapping[Hashable, Sequence[Value]]) -> Agreement:
    """Percentage agreement, kappa for each pair of coders and alpha for one table of decisions."""
    coders = tuple(ratings)
    columns = _columns(ratings)
    units = sum(1 for unit in columns if sum(value is not None for value in unit) >= 2)
    pairs = tuple(
        PairFigures(
            first=first,
            second=second,
            agreement=pairwise_agreement(ratings[first], ratings[second]),
            kappa=cohens_kappa(ratings[first], ratings[second]),
        )
        for first, second in combinations(coders, 2)
    )
    if len(coders) < 2:
        only = not_defined("Agreement needs at least two coders.")
        return Agreement(code, units, coders, only, pairs, only)
    return Agreement(code, units, coders, overall_agreement(ratings), pairs, krippendorff_alpha(ratings))


def agreement_report(texts: Iterable[CodedText], codes: Sequence[Hashable]) -> AgreementReport:
    """Figures per code, and overall from every (unit, code) decision pooled."""
    texts = list(texts)
    decisions, coders, shared_units = unit_decisions(texts, codes)
    per_code = tuple(figures(code, decisions[code]) for code in codes)
    pooled = {coder: [value for code in codes for value in decisions[code][coder]] for coder in coders}
    overall = figures(None, pooled)
    return AgreementReport(
        codes=per_code,
        overall=overall,
        coders=coders,
        units=shared_units,
        transcripts=len(texts),
        decisions=decisions,
    )


# ---- reading the coded segments a person may see ----------------------------------------------


@dataclass(frozen=True)
class AgreementScope:
    """Which transcripts and codes to compare. Every field is optional; `programme_id` keeps to one programme."""

    programme_id: int | None = None
    wave_id: int | None = None
    partnership_id: int | None = None
    codebook_id: int | None = None
    transcript_id: int | None = None


@dataclass(frozen=True)
class AgreementResult:
    report: AgreementReport
    codes: Mapping[Hashable, Any]  # code id -> Code
    coder_names: Mapping[Hashable, str]  # user id -> display name
    transcripts: Sequence[Any]


def agreement_for(actor: ActingUser, scope: AgreementScope) -> AgreementResult:
    """Agreement over the transcripts this person may see (`transcripts_visible_to`) in the scope.

    The codes compared are the chosen codebook's, or else every code used in the scope. Four
    queries whatever the amount of coding.
    """

    transcripts = (
        transcripts_visible_to(actor, programme_id=scope.programme_id).filter(segments__is_consensus=False).distinct()
    )
    if scope.wave_id is not None:
        transcripts = transcripts.filter(wave_id=scope.wave_id)
    if scope.partnership_id is not None:
        transcripts = transcripts.filter(partnership_id=scope.partnership_id)
    if scope.transcript_id is not None:
        transcripts = transcripts.filter(pk=scope.transcript_id)
    chosen = list(transcripts.order_by("pk").only("pk", "text", "title"))
    segments = CodedSegment.objects.filter(transcript__in=[t.pk for t in chosen], is_consensus=False)
    if scope.codebook_id is not None:
        segments = segments.filter(code__codebook_id=scope.codebook_id)
    rows = list(segments.values_list("transcript_id", "coder_id", "code_id", "start", "end"))
    codes = codes_visible_to(actor, programme_id=scope.programme_id).select_related("parent")
    if scope.codebook_id is not None:
        codes = codes.filter(codebook_id=scope.codebook_id)
    else:
        codes = codes.filter(pk__in={row[2] for row in rows})
    code_rows: dict[Hashable, Code] = {code.pk: code for code in codes.order_by("codebook_id", "name", "pk")}
    spans: dict[int, list[Span]] = {t.pk: [] for t in chosen}
    for transcript_id, coder_id, code_id, start, end in rows:
        if code_id in code_rows:
            spans[transcript_id].append(Span(coder=coder_id, code=code_id, start=start, end=end))
    texts = [CodedText(text=t.text, spans=spans[t.pk]) for t in chosen if spans[t.pk]]
    report = agreement_report(texts, list(code_rows))
    names: dict[Hashable, str] = {
        pk: (display_name or username)
        for pk, display_name, username in get_user_model()
        .objects.filter(pk__in=report.coders)
        .values_list("pk", "display_name", "username")
    }
    return AgreementResult(report=report, codes=code_rows, coder_names=names, transcripts=chosen)
