"""Personalised service suggestions: which directory services fit this participant, and why.

The ranking is a sum of named points (the constants below), computed by a pure function
(`rank_services`) over plain dataclasses, so that it can be tested with hand-made cases;
`suggest_services` only gathers those dataclasses from the database, in a fixed number of
queries however many services there are.

For each active service the participant can reach:

1. **Barriers.** Each barrier from the participant's latest assessment that the service is
   tagged with (a directory `Attribute` whose taxonomy term's `code` is a `plans.Barrier`
   value) scores `BARRIER_POINTS_PER_IMPORTANCE` × its importance (1–3).
2. **Aspirations.** Words the participant's aspirations share with the service's name and
   description (stop words and words every employability service uses left out) score
   `ASPIRATION_POINTS_PER_WORD` each, counting at most `ASPIRATION_WORDS_COUNTED` words.
3. **Where.** The best one of: a location in the participant's postcode district
   (`SAME_DISTRICT_POINTS`), online or by phone (`ONLINE_POINTS`), a location in the same
   postcode area (`SAME_AREA_POINTS`), or only being part of the participant's partnership
   (`SAME_PARTNERSHIP_POINTS`). A service with none of these is out of reach and not listed.
4. **Childcare on site** scores `CHILDCARE_ON_SITE_POINTS` when the participant has a child
   under 5 or childcare is one of their barriers.
5. **Opening times** against the participant's stated availability: open in at least one
   of their free times `OPEN_WHEN_FREE_POINTS`; open only when they are not free
   `CLOSED_WHEN_FREE_PENALTY` is taken off. A service whose times are not stated, or a
   participant who has not said when they are free, neither gains nor loses.
6. **Capacity.** A service with no places free loses `NO_PLACES_PENALTY`, and is listed
   at all only if it scored at least `FULL_SERVICE_MINIMUM_FIT` before that. Unknown
   capacity neither gains nor loses.
7. **Referrals.** A service that takes referrals through Coproduce gains
   `TAKES_REFERRALS_POINTS` over one the participant can only be signposted to.

A service is suggested only if it fits a need (a barrier or the aspirations); the rest
(where, childcare, times, capacity, referrals) orders the ones that do. Scores are integers;
ties are broken by service name, then id, so the order never depends on the database. Each
suggestion carries its reasons in plain words, in the order above. Nothing is referred
automatically: the participant and their keyworker choose.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from coproduce.directory.models import Attribute, Location, Schedule, Service, ServiceAtLocation
from coproduce.participants.models import AvailabilitySlot, Child, Participant
from coproduce.plans.models import Assessment, AssessmentBarrier, Barrier

# A barrier is what the participant told us stands between them and work, weighted by how
# much it matters to them; helping with it is the main reason to suggest anything. At 30 a
# point of importance, even a barrier that "matters a little" (30) outweighs the best
# location (25), and one that matters a great deal (90) outweighs every practical point
# together, so a good fit further away ranks above a poor fit next door.
BARRIER_POINTS_PER_IMPORTANCE = 30
# Aspirations are the participant's own words, but matching words is crude: a few shared
# words lift a service within the ones that help with the same barriers, never above a
# barrier that matters quite a lot (3 words × 10 = 30 < 60).
ASPIRATION_POINTS_PER_WORD = 10
ASPIRATION_WORDS_COUNTED = 3
# Travel is hard for a lone parent around the school run: near beats far. Online or by phone
# needs no journey but is not for everyone, so it sits between the district and the area.
SAME_DISTRICT_POINTS = 25
ONLINE_POINTS = 20
SAME_AREA_POINTS = 15
SAME_PARTNERSHIP_POINTS = 8
# Childcare is the commonest barrier for lone parents; a crèche on site removes it outright.
CHILDCARE_ON_SITE_POINTS = 20
CHILD_NEEDS_CARE_UNDER_AGE = 5
# Being open when the participant is free helps; being open only when they are not is worse
# than not knowing (they cannot go), so the penalty is larger than the bonus.
OPEN_WHEN_FREE_POINTS = 15
CLOSED_WHEN_FREE_PENALTY = 25
# A full service cannot help now: it drops below comparable ones with places, and is shown
# only when it fits well (a barrier that matters quite a lot), so the participant can ask to
# wait for a place.
NO_PLACES_PENALTY = 40
FULL_SERVICE_MINIMUM_FIT = 60
# A referral through Coproduce is easier for the participant than getting in touch
# themselves (signposting), but only a little: fit matters more than the route.
TAKES_REFERRALS_POINTS = 5


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


STOP_WORDS = _word_set(
    """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further get got had has have having he her here hers herself him himself his how i if in
    into is it its itself just like me more most my myself no nor not now of off on once only
    or other our ours out over own really same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    """
)
# Words nearly every service in an employability directory uses; matching them says nothing.
DIRECTORY_STOP_WORDS = _word_set(
    "able back better help helps helping job jobs need people service services support want work working"
)

ICAL_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
PART_OF_DAY_ORDER = list(AvailabilitySlot.PartOfDay)
# How each part of the day reads after a list of days: "Tuesday mornings", "Friday after school".
PART_OF_DAY_PHRASES = {
    AvailabilitySlot.PartOfDay.MORNING: "{days} mornings",
    AvailabilitySlot.PartOfDay.AFTERNOON: "{days} afternoons",
    AvailabilitySlot.PartOfDay.LATE_AFTERNOON: "{days} after school",
    AvailabilitySlot.PartOfDay.EVENING: "{days} evenings",
}

_OUTWARD_CODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class OpeningTime:
    """Days of the week (0 = Monday) and hours a service is open. No hours means all day."""

    weekdays: frozenset[int]
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None


@dataclass(frozen=True)
class NeedsProfile:
    """What the ranking knows about the participant."""

    barriers: Mapping[str, int] = field(default_factory=dict)  # Barrier value → importance 1–3
    aspirations: str = ""
    partnership_id: int | None = None
    postcode: str = ""
    has_child_under_five: bool = False
    free_at: frozenset[tuple[int, str]] = frozenset()  # (weekday, AvailabilitySlot.PartOfDay)

    @property
    def needs_childcare(self) -> bool:
        return self.has_child_under_five or Barrier.CHILDCARE in self.barriers


@dataclass(frozen=True)
class Candidate:
    """A directory service with what the ranking reads from its related rows.

    `service` is read for its own columns only (name, description, status, childcare, places,
    referrals), so hand-made cases can use unsaved `Service(...)` instances.
    """

    service: Service
    barriers: frozenset[str] = frozenset()
    partnership_ids: frozenset[int] = frozenset()
    postcodes: tuple[str, ...] = ()
    online: bool = False
    opening_times: tuple[OpeningTime, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    service: Service
    score: int
    reasons: list[str]


def postcode_district(postcode: str) -> str:
    """The outward code of a UK postcode ("KY1 1XX" → "KY1"), or "" if it does not look like one."""
    text = postcode.strip().upper()
    if not text:
        return ""
    compact = re.sub(r"\s+", "", text)
    if " " in text:
        outward = text.split()[0]
    elif len(compact) >= 5:
        outward = compact[:-3]
    else:
        outward = compact
    return outward if _OUTWARD_CODE.fullmatch(outward) else ""


def postcode_area(postcode: str) -> str:
    """The letters that start a UK postcode ("KY1 1XX" → "KY"), or "" if it does not look like one."""
    district = postcode_district(postcode)
    match = re.match(r"[A-Z]+", district)
    return match.group(0) if match else ""


def _singular(word: str) -> str:
    """A rough English singular, the same on both sides of a match ("families" → "family", "classes" → "class")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def keywords(text: str) -> dict[str, str]:
    """The words of `text` that say something: a rough singular (the key, for matching) → the word as written.

    Lower case, in order of first appearance; stop words and words under three letters left out.
    """
    found: dict[str, str] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) < 3 or word in STOP_WORDS or word in DIRECTORY_STOP_WORDS:
            continue
        stem = _singular(word)
        if stem in STOP_WORDS or stem in DIRECTORY_STOP_WORDS or stem in found:
            continue
        found[stem] = word
    return found


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _is_open_during(opening: OpeningTime, weekday: int, part_of_day: str) -> bool:
    if weekday not in opening.weekdays:
        return False
    slot_start, slot_end = AvailabilitySlot.HOURS[AvailabilitySlot.PartOfDay(part_of_day)]
    opens = opening.opens_at or datetime.time.min
    closes = opening.closes_at or datetime.time.max
    if closes <= opens:  # closes at or after midnight
        closes = datetime.time.max
    return opens < slot_end and closes > slot_start


def _free_times_phrase(times: Iterable[tuple[int, str]]) -> str:
    by_part: dict[str, list[int]] = {}
    for weekday, part_of_day in times:
        by_part.setdefault(part_of_day, []).append(weekday)
    groups = []
    for part in PART_OF_DAY_ORDER:
        if part in by_part:
            days = [str(AvailabilitySlot.Weekday(day).label) for day in sorted(by_part[part])]
            groups.append(PART_OF_DAY_PHRASES[part].format(days=_join(days)))
    return _join(groups)


def _where(needs: NeedsProfile, candidate: Candidate) -> tuple[int, str] | None:
    """Points and reason for the best way the participant can reach the service; None if they cannot."""
    district = postcode_district(needs.postcode)
    area = postcode_area(needs.postcode)
    districts = {postcode_district(code) for code in candidate.postcodes}
    areas = {postcode_area(code) for code in candidate.postcodes}
    if district and district in districts:
        return SAME_DISTRICT_POINTS, f"In your postcode district ({district})"
    if candidate.online:
        return ONLINE_POINTS, "Online or by phone, so there is no journey"
    if area and area in areas:
        return SAME_AREA_POINTS, f"In your postcode area ({area})"
    if needs.partnership_id is not None and needs.partnership_id in candidate.partnership_ids:
        return SAME_PARTNERSHIP_POINTS, "Part of your local partnership"
    return None


def _score(needs: NeedsProfile, candidate: Candidate) -> Suggestion | None:
    service = candidate.service
    if service.status != Service.Status.ACTIVE:
        return None
    where = _where(needs, candidate)
    if where is None:
        return None
    score = 0
    reasons: list[str] = []

    matched = [barrier for barrier in Barrier if barrier in needs.barriers and barrier in candidate.barriers]
    matched.sort(key=lambda barrier: -needs.barriers[barrier])  # stable: taxonomy order within an importance
    for barrier in matched:
        importance = needs.barriers[barrier]
        score += BARRIER_POINTS_PER_IMPORTANCE * importance
        how_much = AssessmentBarrier.Importance(importance).label.lower()
        reasons.append(f"Helps with {barrier.label.lower()}, which {how_much} to you")

    service_words = keywords(f"{service.name} {service.description}")
    shared = [word for stem, word in keywords(needs.aspirations).items() if stem in service_words]
    if shared:
        score += ASPIRATION_POINTS_PER_WORD * min(len(shared), ASPIRATION_WORDS_COUNTED)
        reasons.append(f"Fits what you said you want ({_join(shared)})")

    if not matched and not shared:
        return None

    score += where[0]
    reasons.append(where[1])

    if service.childcare_on_site and needs.needs_childcare:
        score += CHILDCARE_ON_SITE_POINTS
        reasons.append("Childcare on site")

    if not candidate.opening_times:
        reasons.append("Opening times not stated")
    elif needs.free_at:
        open_when_free = sorted(
            (weekday, part)
            for weekday, part in needs.free_at
            if any(_is_open_during(opening, weekday, part) for opening in candidate.opening_times)
        )
        if open_when_free:
            score += OPEN_WHEN_FREE_POINTS
            reasons.append(f"Open on {_free_times_phrase(open_when_free)}, when you said you are free")
        else:
            score -= CLOSED_WHEN_FREE_PENALTY
            reasons.append("Not open at the times you said you are free")

    if service.places_available == 0:
        if score < FULL_SERVICE_MINIMUM_FIT:
            return None
        score -= NO_PLACES_PENALTY
        reasons.append("No places free at the moment")
    elif service.places_available is None:
        reasons.append("Places not stated")
    else:
        places = service.places_available
        reasons.append(f"{places} place{'' if places == 1 else 's'} free")

    if service.takes_referrals:
        score += TAKES_REFERRALS_POINTS
        reasons.append("Your keyworker can refer you through Coproduce")
    return Suggestion(service=service, score=score, reasons=reasons)


def rank_services(needs: NeedsProfile, candidates: Iterable[Candidate], *, limit: int = 10) -> list[Suggestion]:
    """The `limit` best-fitting candidates, best first, each with its score and reasons (see the module docstring)."""
    suggestions = [suggestion for candidate in candidates if (suggestion := _score(needs, candidate)) is not None]
    suggestions.sort(key=lambda suggestion: (-suggestion.score, suggestion.service.name, str(suggestion.service.pk)))
    return suggestions[:limit]


def needs_profile(participant: Participant, *, today: datetime.date) -> NeedsProfile:
    """The participant's needs: barriers and aspirations from their latest assessment, children, free times."""
    assessment = (
        Assessment.objects.filter(participant_id=participant.pk)
        .order_by("-assessed_on", "-pk")
        .prefetch_related("barriers")
        .first()
    )
    barriers: dict[str, int] = {}
    aspirations = ""
    if assessment is not None:
        barriers = {row.barrier: row.importance for row in assessment.barriers.all()}
        aspirations = assessment.aspirations
    children = Child.objects.filter(participant_id=participant.pk)
    free_at = AvailabilitySlot.objects.filter(participant_id=participant.pk).values_list("weekday", "part_of_day")
    return NeedsProfile(
        barriers=barriers,
        aspirations=aspirations,
        partnership_id=participant.partnership_id,
        postcode=participant.postcode,
        has_child_under_five=any(child.age_on(today) < CHILD_NEEDS_CARE_UNDER_AGE for child in children),
        free_at=frozenset(free_at),
    )


def _opening_time(schedule: Schedule, today: datetime.date) -> OpeningTime | None:
    if schedule.valid_from is not None and schedule.valid_from > today:
        return None
    if schedule.valid_to is not None and schedule.valid_to < today:
        return None
    # iCal days may carry an ordinal for monthly rules ("1MO" = the first Monday): keep the day.
    weekdays = frozenset(
        ICAL_DAYS[code[-2:]] for code in schedule.byday.upper().replace(" ", "").split(",") if code[-2:] in ICAL_DAYS
    )
    if not weekdays:
        return None
    return OpeningTime(weekdays=weekdays, opens_at=schedule.opens_at, closes_at=schedule.closes_at)


def candidate_for(service: Service, *, today: datetime.date) -> Candidate:
    """A Candidate from a service fetched with `_candidate_services` (reads only prefetched rows)."""
    schedules = list(service.schedules.all())
    postcodes: list[str] = []
    online = False
    for at_location in service.service_at_locations.all():
        schedules.extend(at_location.schedules.all())
        if at_location.location.location_type == Location.LocationType.VIRTUAL:
            online = True
        postcodes.extend(address.postal_code for address in at_location.location.addresses.all())
    openings = (_opening_time(schedule, today) for schedule in schedules)
    return Candidate(
        service=service,
        barriers=frozenset(attribute.taxonomy_term.code for attribute in service.attributes.all()),
        partnership_ids=frozenset(partnership.pk for partnership in service.partnerships.all()),
        postcodes=tuple(postcodes),
        online=online,
        opening_times=tuple(opening for opening in openings if opening is not None),
    )


def _candidate_services(needs: NeedsProfile) -> Iterable[Service]:
    """Active services the participant might reach, with what ranking reads, in a fixed number of queries.

    The database narrows to services of their partnership, online ones, and ones with an
    address starting with their postcode area's letters; `rank_services` checks exactly.
    """
    reachable = ServiceAtLocation.objects.filter(location__location_type=Location.LocationType.VIRTUAL)
    area = postcode_area(needs.postcode)
    if area:
        reachable = ServiceAtLocation.objects.filter(
            Q(location__location_type=Location.LocationType.VIRTUAL)
            | Q(location__addresses__postal_code__istartswith=area)
        )
    within = Q(pk__in=reachable.values("service_id"))
    if needs.partnership_id is not None:
        within |= Q(pk__in=Service.objects.filter(partnerships=needs.partnership_id).values("pk"))
    services = Service.objects.filter(within, status=Service.Status.ACTIVE).select_related("organization")
    return services.prefetch_related(
        Prefetch("partnerships"),
        Prefetch(
            "attributes",
            queryset=Attribute.objects.filter(taxonomy_term__code__in=Barrier.values).select_related("taxonomy_term"),
        ),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses", "schedules"
            ),
        ),
        "schedules",
    )


def suggest_services(participant: Participant, *, today: datetime.date, limit: int = 10) -> list[Suggestion]:
    """Directory services ranked by how well they fit the participant, with plain-words reasons.

    Only ranks: nothing is referred. The caller decides who may see the participant (go
    through `participants_visible_to`) and audits the read. A fixed number of queries.
    """
    needs = needs_profile(participant, today=today)
    if not needs.barriers and not keywords(needs.aspirations):
        return []  # nothing to fit: every service would score nothing
    candidates = [candidate_for(service, today=today) for service in _candidate_services(needs)]
    return rank_services(needs, candidates, limit=limit)
