"""The purposive sampling assistant: propose whom to invite to a wave's interviews.

The evaluator sets a number per area and which spreads the sample should cover: barrier
profiles, family circumstances, progress. Eligible are participants whose research consent is in
force and covers interviews, who have no interview in the wave yet. What the service knows about
them (barriers at their latest assessment, their children's ages, their outcomes) is used only
for those who agreed to the use of their service records; the others are "service data not
shared" and fill places only once those who share it have run out.

The algorithm is deterministic, so the same question always gets the same answer:

1. Stratify: each person who shares service data falls in one stratum, the combination of their
   values on the chosen spreads (no spread chosen: one stratum).
2. Round-robin across strata, one place at a time. Each place goes to the person who adds most
   to the spread: the most chosen spreads on which their value is not in the sample yet; then
   the fewest already chosen sharing their values (so strata take turns); then someone not
   interviewed in an earlier wave before someone who was; then by pseudonym.
3. Places left over go to those who do not share service data: not interviewed before first,
   then by pseudonym.

Each person proposed is explained in one line, by pseudonym only.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from coproduce.accounts.acting import ActingUser
from coproduce.core.validation import InvalidInput
from coproduce.outcomes.models import Outcome
from coproduce.participants.models import Child
from coproduce.plans.models import AssessmentBarrier, Barrier
from coproduce.programmes.models import Partnership
from coproduce.research.models import Interview, Wave
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import research_consents_visible_to, waves_visible_to
from coproduce.research.services.interviews import record_research_consent_reads


class Spread(StrEnum):
    BARRIERS = "barriers"
    FAMILY = "family"
    PROGRESS = "progress"

    @property
    def label(self) -> str:
        return SPREAD_LABELS[self]


SPREAD_LABELS = {
    Spread.BARRIERS: "Barrier profile: how many barriers, and whether childcare is one",
    Spread.FAMILY: "Family circumstances: age of the youngest child",
    Spread.PROGRESS: "Progress: moved into work, in training or education, still facing barriers",
}

# The values of each spread, in the order they are listed, and their words.
BARRIER_PROFILES = {
    "none": "no barriers recorded",
    "few": "one or two barriers",
    "few_childcare": "one or two barriers, including childcare",
    "many": "three or more barriers",
    "many_childcare": "three or more barriers, including childcare",
}
FAMILY = {
    "under_5": "youngest child under 5",
    "5_to_11": "youngest child 5 to 11",
    "12_plus": "youngest child 12 or over",
    "no_children": "no children in the household",
}
PROGRESS = {
    "in_work": "moved into work",
    "training": "in training or education",
    "facing_barriers": "still facing barriers",
}
VALUES: dict[Spread, dict[str, str]] = {
    Spread.BARRIERS: BARRIER_PROFILES,
    Spread.FAMILY: FAMILY,
    Spread.PROGRESS: PROGRESS,
}
NOT_SHARED = "service data not shared"


@dataclass(frozen=True)
class Candidate:
    research_consent_id: int
    participant_id: int
    pseudonym: str
    partnership_id: int
    shares_service_data: bool
    interviewed_before: bool
    # Known only for those who share service data; None otherwise.
    barrier_profile: str | None = None
    family: str | None = None
    progress: str | None = None

    def value(self, spread: Spread) -> str | None:
        return {Spread.BARRIERS: self.barrier_profile, Spread.FAMILY: self.family, Spread.PROGRESS: self.progress}[
            spread
        ]

    def describe(self, spreads: Sequence[Spread]) -> str:
        if not self.shares_service_data:
            return NOT_SHARED
        shown = [VALUES[spread][value] for spread in spreads if (value := self.value(spread)) is not None]
        return "; ".join(shown) if shown else "shares service data"


@dataclass(frozen=True)
class Choice:
    candidate: Candidate
    explanation: str


@dataclass(frozen=True)
class AreaProposal:
    partnership_id: int
    area: str
    quota: int
    eligible: int
    chosen: tuple[Choice, ...]

    @property
    def short_by(self) -> int:
        return max(self.quota - len(self.chosen), 0)


def barrier_profile(barriers: Collection[str]) -> str:
    if not barriers:
        return "none"
    size = "few" if len(barriers) <= 2 else "many"
    return f"{size}_childcare" if Barrier.CHILDCARE in barriers else size


def family_circumstances(birth_years: Collection[int], on: datetime.date) -> str:
    if not birth_years:
        return "no_children"
    # Child.age_on: age at its youngest, as if born on the last day of the year.
    youngest = min(max(on.year - year - 1, 0) for year in birth_years)
    if youngest < 5:
        return "under_5"
    return "5_to_11" if youngest <= 11 else "12_plus"


def progress(outcome_kinds: Collection[str]) -> str:
    if Outcome.Kind.JOB_START in outcome_kinds:
        return "in_work"
    if Outcome.Kind.TRAINING in outcome_kinds:
        return "training"
    return "facing_barriers"


def _order(candidate: Candidate) -> tuple[bool, str]:
    return (candidate.interviewed_before, candidate.pseudonym)


def choose(candidates: Sequence[Candidate], *, quota: int, spreads: Sequence[Spread]) -> list[Choice]:
    """The proposal for one area (see the module docstring). Pure: same input, same answer."""
    sharing = sorted((c for c in candidates if c.shares_service_data), key=_order)
    others = sorted((c for c in candidates if not c.shares_service_data), key=_order)
    chosen: list[Choice] = []
    seen: dict[Spread, Counter[str]] = {spread: Counter() for spread in spreads}
    strata: Counter[tuple[str | None, ...]] = Counter()
    left = list(sharing)
    while left and len(chosen) < quota:

        def rank(candidate: Candidate) -> tuple[int, int, bool, str]:
            new = sum(1 for spread in spreads if seen[spread][candidate.value(spread) or ""] == 0)
            stratum = tuple(candidate.value(spread) for spread in spreads)
            return (-new, strata[stratum], candidate.interviewed_before, candidate.pseudonym)

        best = min(left, key=rank)
        left.remove(best)
        new_values = [
            VALUES[spread][best.value(spread) or ""]
            for spread in spreads
            if best.value(spread) is not None and seen[spread][best.value(spread) or ""] == 0
        ]
        for spread in spreads:
            seen[spread][best.value(spread) or ""] += 1
        strata[tuple(best.value(spread) for spread in spreads)] += 1
        chosen.append(Choice(best, _explain(best, spreads, new_values)))
    for candidate in others:
        if len(chosen) >= quota:
            break
        chosen.append(Choice(candidate, _explain(candidate, spreads, [])))
    return chosen


def _explain(candidate: Candidate, spreads: Sequence[Spread], new_values: list[str]) -> str:
    before = "interviewed in an earlier wave" if candidate.interviewed_before else "not interviewed before"
    about = candidate.describe(spreads)
    if not candidate.shares_service_data:
        reason = "fills a place left after those who share their service data"
    elif new_values:
        reason = "adds " + " and ".join(new_values) + " to the sample"
    elif spreads:
        reason = "their group has the fewest people so far"
    else:
        reason = "next in turn"
    return f"{candidate.pseudonym}: {about}; {before} — {reason}."


def propose(
    candidates: Sequence[Candidate],
    *,
    quotas: Mapping[int, int],
    spreads: Collection[Spread],
    area_names: Mapping[int, str],
) -> list[AreaProposal]:
    """One proposal per area with a number asked for, in the order of `area_names`."""
    ordered_spreads = [spread for spread in Spread if spread in spreads]
    by_area: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_area[candidate.partnership_id].append(candidate)
    return [
        AreaProposal(
            partnership_id=partnership_id,
            area=name,
            quota=quotas[partnership_id],
            eligible=len(by_area[partnership_id]),
            chosen=tuple(choose(by_area[partnership_id], quota=quotas[partnership_id], spreads=ordered_spreads)),
        )
        for partnership_id, name in area_names.items()
        if quotas.get(partnership_id, 0) > 0
    ]


NOT_EVALUATOR = "Only evaluators use the sampling assistant."


@dataclass(frozen=True)
class SampleProposal:
    wave: Wave
    areas: list[AreaProposal]


def propose_sample(
    actor: ActingUser, *, wave_id: int, quotas: Mapping[int, int], spreads: Collection[Spread]
) -> SampleProposal:
    """The proposal an evaluator asks for, for the page and the API alike: `quotas` gives a number per
    area (partnership id) of the wave's programme, `spreads` what the sample should cover. Nothing is
    saved but the audit of whom it shows; inviting them is `invite_for_interview`.

    NotAllowed for anyone but an evaluator; InvalidInput for a wave they may not see, or a number for an
    area outside the wave's programme.
    """
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    wave = waves_visible_to(actor).filter(pk=wave_id).first()
    if wave is None:
        raise InvalidInput({"wave_id": ["Choose a wave."]})
    area_names = dict(
        Partnership.objects.filter(programme_id=wave.programme_id)
        .order_by("area_name", "pk")
        .values_list("pk", "area_name")
    )
    if set(quotas) - set(area_names):
        raise InvalidInput({"quotas": ["Give numbers only for areas of the wave's programme."]})
    areas = propose(candidates_for(actor, wave), quotas=quotas, spreads=spreads, area_names=area_names)
    record_research_consent_reads(
        actor=actor,
        participant_ids=sorted({choice.candidate.participant_id for area in areas for choice in area.chosen}),
    )
    return SampleProposal(wave=wave, areas=areas)


def candidates_for(actor: ActingUser, wave: Wave) -> list[Candidate]:
    """Everyone eligible for the wave, with what may be used about them. Five queries.

    Eligible: research consent in force (evaluators see no other), covering interviews, in the
    wave's programme, with no interview in this wave yet. Barriers, children and outcomes are
    read only for those who agreed to the use of their service records.
    """
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    scopes = (
        research_consents_visible_to(actor)
        .filter(
            interview=True,
            participant__partnership__programme_id=wave.programme_id,
            # Nobody can be contacted once their record was anonymised (coproduce/retention).
            participant__anonymised_at__isnull=True,
        )
        .exclude(interviews__wave=wave)
    )
    rows = list(
        scopes.order_by("pseudonym").values(
            "pk", "participant_id", "pseudonym", "participant__partnership_id", "service_data"
        )
    )
    sharing = scopes.filter(service_data=True).values("participant_id")
    interviewed_before = set(
        Interview.objects.filter(
            research_consent__in=scopes,
            status=Interview.Status.DONE,
            wave__programme_id=wave.programme_id,
            wave__year__lt=wave.year,
        ).values_list("research_consent_id", flat=True)
    )
    # Barriers at each person's latest assessment (ties on the day: the later one recorded).
    latest: dict[int, tuple[datetime.date, int]] = {}
    barriers: dict[tuple[int, int], set[str]] = defaultdict(set)
    for participant_id, assessment_id, assessed_on, barrier in AssessmentBarrier.objects.filter(
        assessment__participant_id__in=sharing, assessment__assessed_on__lte=wave.ends_on
    ).values_list("assessment__participant_id", "assessment_id", "assessment__assessed_on", "barrier"):
        barriers[(participant_id, assessment_id)].add(barrier)
        if participant_id not in latest or (assessed_on, assessment_id) > latest[participant_id]:
            latest[participant_id] = (assessed_on, assessment_id)
    children: dict[int, list[int]] = defaultdict(list)
    for participant_id, birth_year in Child.objects.filter(participant_id__in=sharing).values_list(
        "participant_id", "birth_year"
    ):
        children[participant_id].append(birth_year)
    outcomes: dict[int, set[str]] = defaultdict(set)
    for participant_id, kind in Outcome.objects.filter(
        Q(participant_id__in=sharing),
        Q(kind__in=[Outcome.Kind.JOB_START, Outcome.Kind.TRAINING]),
        Q(achieved_on__lte=wave.ends_on),
    ).values_list("participant_id", "kind"):
        outcomes[participant_id].add(kind)
    candidates = []
    for row in rows:
        participant_id = row["participant_id"]
        shares = row["service_data"]
        assessment = latest.get(participant_id)
        candidates.append(
            Candidate(
                research_consent_id=row["pk"],
                participant_id=participant_id,
                pseudonym=row["pseudonym"],
                partnership_id=row["participant__partnership_id"],
                shares_service_data=shares,
                interviewed_before=row["pk"] in interviewed_before,
                barrier_profile=barrier_profile(barriers[(participant_id, assessment[1])] if assessment else set())
                if shares
                else None,
                family=family_circumstances(children[participant_id], wave.starts_on) if shares else None,
                progress=progress(outcomes[participant_id]) if shares else None,
            )
        )
    return candidates
