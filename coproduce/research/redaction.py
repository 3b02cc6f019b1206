"""Suggesting what to redact from a transcript: names of people and places the system knows.

Suggestions, never decisions: the evaluator ticks the ones to take out. What is suggested:

- the interviewee's own names (a participant's given, preferred and family names; a
  stakeholder's name), and the names of other participants in the same area;
- staff names (the first and last names of staff in the programme, and stakeholders');
- places: the programme's area names, organisation names (ours and the directory's), directory
  locations and the towns of their addresses;
- children's names, which the system does not keep (a child has only a birth year): a
  capitalised word straight after "my son", "my daughter", "my wee boy" and the like, and then
  every other place that name appears.

Only whole words written with a capital letter are suggested, and common words that are also
names ("May", "Will", "Grace"…) are left out unless they are the interviewee's own name. The
names are read with a handful of queries and the text is scanned once, so a large area costs a
dictionary, not a query per participant.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.db.models import Q

from coproduce.directory.models import Address, DirectoryOrganisation, Location
from coproduce.participants.models import Participant
from coproduce.programmes.models import Organisation, Partnership, StaffMember
from coproduce.research.models import Interview, Redaction, Stakeholder, Transcript

Kind = Redaction.Kind

REPLACEMENTS: dict[str, str] = {
    Kind.PARTICIPANT: "[participant]",
    Kind.CHILD: "[child]",
    Kind.STAFF: "[staff]",
    Kind.PLACE: "[place]",
    Kind.OTHER: "[redacted]",
}

# Words that are names but are far more often something else at the start of a sentence.
COMMON_WORDS = frozenset(
    word.lower()
    for word in [
        *["May", "June", "April", "August", "Will", "Grace", "Hope", "Faith", "Joy", "Rose", "Mark", "Bill"],
        *["Dawn", "Summer", "Ray", "Rich", "Frank", "Young", "Long", "Little", "Small", "Sharp", "Wise", "Bright"],
        *["Guy", "Sue", "Penny", "Chance", "Star", "Angel", "Hunter", "Cook", "Page", "Price", "Way", "Park"],
        *["Brown", "Green", "White", "Black", "Gray", "Grey", "Bell", "King", "Hall", "Hill", "Wood", "Field"],
        *["Church", "Early", "Still", "Best", "Love", "Major", "Dear", "Golden", "Case", "Friend", "Don", "Art"],
        *["Sky", "Storm", "River", "Reed", "Moss", "Forest", "Lane", "Street", "Rice", "Victory", "Honour"],
    ]
)

# Capitalised words that follow "my son" and are not his name.
NOT_A_CHILD_NAME = frozenset(
    [
        *["i", "he", "she", "they", "we", "you", "it", "the", "and", "but", "so", "then", "when", "who", "that"],
        *["this", "is", "was", "has", "had", "did", "does", "goes", "went", "got", "gets", "can", "could"],
        *["would", "will", "should", "mum", "mam", "dad", "da", "gran", "granny", "nana"],
    ]
)

CHILD_NOUNS = (
    r"(?:son|daughter|boy|girl|lad|lass|bairn|wean|one|baby|kid|child|youngest|eldest|oldest|stepson|stepdaughter)"
)
CHILD_PHRASE = re.compile(
    r"\b(?:my|our)\s+(?:(?:wee|little|youngest|eldest|oldest|baby|middle)\s+)?" + CHILD_NOUNS + r"\b,?\s+"
    r"(?P<name>[^\W\d_]+)",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W\d_]+")

# Which kind wins when the same words are known as two kinds of name (the interviewee's own name
# wins over all): a child named in the text, then a place ("Glasgow" is the city more often than
# someone's family name), then staff (a keyworker's first name is far more likely to be about the
# keyworker than about another participant who shares it), then other participants.
PRIORITY: dict[str, int] = {Kind.CHILD: 0, Kind.PLACE: 1, Kind.STAFF: 2, Kind.PARTICIPANT: 3, Kind.OTHER: 4}
# Kinds that name a person: two of them side by side ("Kirsty" "Morrison") are one name, one tag.
PERSON_KINDS = frozenset([Kind.PARTICIPANT, Kind.CHILD, Kind.STAFF])
BETWEEN_NAMES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    text: str
    kind: str
    replacement: str
    why: str

    @property
    def key(self) -> str:
        """What a form sends back for a ticked suggestion: where it is and what it is."""
        return f"{self.start}:{self.end}:{self.kind}"


@dataclass(frozen=True)
class _Name:
    tokens: tuple[str, ...]  # lower case
    capitalised: tuple[bool, ...]  # which tokens must be written with a capital
    gaps: tuple[str, ...]  # what joins the tokens, spaces left out ("", "-", "'")
    kind: str
    why: str
    own: bool  # the interviewee's own name: suggested even when it is a common word


def _gap(text: str) -> str:
    return "".join(text.split()).replace("’", "'")


def _rank(entry: _Name) -> int:
    return -1 if entry.own else PRIORITY[entry.kind]


class _NameIndex:
    """Known names by their first word (lower case), longest first."""

    def __init__(self) -> None:
        self._by_phrase: dict[tuple[str, ...], _Name] = {}

    def add(self, name: str, kind: str, why: str, *, own: bool = False) -> None:
        matches = list(WORD.finditer(name or ""))
        if not matches:
            return
        tokens = tuple(match.group().lower() for match in matches)
        if len(tokens) == 1 and len(tokens[0]) < 2:
            return
        entry = _Name(
            tokens=tokens,
            capitalised=tuple(match.group()[0].isupper() for match in matches),
            gaps=tuple(_gap(name[a.end() : b.start()]) for a, b in pairwise(matches)),
            kind=kind,
            why=why,
            own=own,
        )
        known = self._by_phrase.get(tokens)
        if known is None or _rank(entry) < _rank(known):
            self._by_phrase[tokens] = entry

    def add_words(self, names: Iterable[str], kind: str, why: str, *, own: bool = False) -> None:
        """Each word of each name on its own (a person's first name and last name)."""
        for name in names:
            for match in WORD.finditer(name or ""):
                self.add(match.group(), kind, why, own=own)

    def add_person(
        self, first_names: Iterable[str], family_name: str, kind: str, why: str, *, own: bool = False
    ) -> None:
        """A person's names: each word, and each first name followed by the family name as one
        whole name, so "Kirsty Morrison" is one passage and one tag."""
        first_names = [name for name in first_names if name and name.strip()]
        self.add_words([*first_names, family_name], kind, why, own=own)
        if family_name and family_name.strip():
            for first in first_names:
                self.add(f"{first} {family_name}", kind, why, own=own)

    def by_first_word(self) -> dict[str, list[_Name]]:
        index: dict[str, list[_Name]] = {}
        for entry in self._by_phrase.values():
            index.setdefault(entry.tokens[0], []).append(entry)
        for entries in index.values():
            entries.sort(key=lambda entry: (-len(entry.tokens), _rank(entry)))
        return index


def suggest_redactions(transcript: Transcript) -> list[Suggestion]:
    """Passages of the transcript's text that name people or places the system knows, in order,
    none overlapping. Reads names with a constant number of queries, whatever the area's size."""
    index = _known_names(transcript)
    text = transcript.text
    child_spans = _child_names(text, index)
    return _joined(text, _scan(text, index.by_first_word(), child_spans))


def _joined(text: str, found: list[Suggestion]) -> list[Suggestion]:
    """Names of people written side by side with only spaces between ("Kirsty Morrison", where
    "Kirsty" and "Morrison" were found as two names) become one passage, tagged as the first."""
    joined: list[Suggestion] = []
    for suggestion in found:
        before = joined[-1] if joined else None
        if (
            before is not None
            and before.kind in PERSON_KINDS
            and suggestion.kind in PERSON_KINDS
            and BETWEEN_NAMES.fullmatch(text[before.end : suggestion.start])
        ):
            joined[-1] = Suggestion(
                before.start,
                suggestion.end,
                text[before.start : suggestion.end],
                before.kind,
                before.replacement,
                before.why,
            )
        else:
            joined.append(suggestion)
    return joined


def _known_names(transcript: Transcript) -> _NameIndex:
    index = _NameIndex()
    interview = (
        Interview.objects.select_related("research_consent__participant", "stakeholder", "partnership")
        .filter(pk=transcript.interview_id)
        .first()
        if transcript.interview_id
        else None
    )
    partnership_id = transcript.partnership_id
    programme_id = transcript.wave.programme_id
    interviewee_id = None
    if interview is not None and interview.research_consent_id:
        person = interview.research_consent.participant  # type: ignore[union-attr]
        interviewee_id = person.pk
        index.add_person(
            [person.given_name, person.preferred_name],
            person.family_name,
            Kind.PARTICIPANT,
            "The interviewee's own name.",
            own=True,
        )
    if interview is not None and interview.stakeholder_id:
        index.add_words(
            [interview.stakeholder.name],  # type: ignore[union-attr]
            Kind.STAFF,
            "The interviewee's own name.",
            own=True,
        )
        index.add(interview.stakeholder.name, Kind.STAFF, "The interviewee's own name.", own=True)  # type: ignore[union-attr]
    area = (
        Partnership.objects.filter(pk=partnership_id).values_list("area_name", flat=True).first()
        if partnership_id
        else None
    )
    others = Participant.objects.exclude(pk=interviewee_id) if interviewee_id else Participant.objects.all()
    others = (
        others.filter(partnership_id=partnership_id)
        if partnership_id
        else others.filter(partnership__programme_id=programme_id)
    )
    where = f" in {area}" if area else ""
    for given, preferred, family in others.values_list("given_name", "preferred_name", "family_name").iterator():
        index.add_person([given, preferred], family, Kind.PARTICIPANT, f"The name of a participant{where}.")
    staff = (
        StaffMember.objects.filter(
            # Staff of no one area (evaluators, funders) too: their names turn up as interviewers.
            Q(partnership__programme_id=programme_id)
            | Q(partnership__isnull=True)
            | Q(organisation__memberships__partnership__programme_id=programme_id)
        )
        .values_list("user__display_name", "user__first_name", "user__last_name")
        .distinct()
    )
    for display_name, first_name, last_name in staff:
        index.add_person([first_name], last_name, Kind.STAFF, "The name of a member of staff.")
        index.add_words([display_name], Kind.STAFF, "The name of a member of staff.")
        index.add(display_name, Kind.STAFF, "The name of a member of staff.")
    for name in Stakeholder.objects.filter(programme_id=programme_id).values_list("name", flat=True):
        index.add_words([name], Kind.STAFF, "The name of someone interviewed for the evaluation.")
        index.add(name, Kind.STAFF, "The name of someone interviewed for the evaluation.")
    for name in Partnership.objects.filter(programme_id=programme_id).values_list("area_name", flat=True):
        index.add(name, Kind.PLACE, "The name of one of the programme's areas.")
    for name in Organisation.objects.values_list("name", flat=True):
        index.add(name, Kind.PLACE, "The name of an organisation.")
    for name in DirectoryOrganisation.objects.values_list("name", flat=True):
        index.add(name, Kind.PLACE, "The name of an organisation in the services directory.")
    for name, alternate in Location.objects.values_list("name", "alternate_name"):
        index.add(name, Kind.PLACE, "A place in the services directory.")
        index.add(alternate, Kind.PLACE, "A place in the services directory.")
    for city in Address.objects.values_list("city", flat=True).distinct():
        index.add(city, Kind.PLACE, "A town in the services directory's addresses.")
    return index


def _child_names(text: str, index: _NameIndex) -> dict[int, Suggestion]:
    """Names after "my son", "my wee girl"…: these occurrences for certain, and the name from then
    on wherever it is written with a capital (unless it is also a common word)."""
    spans: dict[int, Suggestion] = {}
    for match in CHILD_PHRASE.finditer(text):
        name = match.group("name")
        if not name[0].isupper() or name.lower() in NOT_A_CHILD_NAME:
            continue
        start, end = match.span("name")
        why = f"Named as a child: “{text[match.start() : end]}”."
        spans[start] = Suggestion(start, end, name, Kind.CHILD, REPLACEMENTS[Kind.CHILD], why)
        index.add(name, Kind.CHILD, f"Named as a child elsewhere in the transcript (“{name}”).")
    return spans


def _scan(text: str, by_first_word: dict[str, list[_Name]], child_spans: dict[int, Suggestion]) -> list[Suggestion]:
    words = [(match.start(), match.end(), match.group()) for match in WORD.finditer(text)]
    found: list[Suggestion] = []
    position = 0
    while position < len(words):
        start, _end, word = words[position]
        if start in child_spans:
            found.append(child_spans[start])
            position += 1
            continue
        if not word[0].isupper():
            position += 1
            continue
        entry = next(
            (
                candidate
                for candidate in by_first_word.get(word.lower(), ())
                if _matches(text, words, position, candidate)
            ),
            None,
        )
        if entry is None:
            position += 1
            continue
        last = words[position + len(entry.tokens) - 1]
        found.append(Suggestion(start, last[1], text[start : last[1]], entry.kind, REPLACEMENTS[entry.kind], entry.why))
        position += len(entry.tokens)
    return found


def _matches(text: str, words: list[tuple[int, int, str]], position: int, entry: _Name) -> bool:
    if position + len(entry.tokens) > len(words):
        return False
    if len(entry.tokens) == 1 and not entry.own and entry.tokens[0] in COMMON_WORDS:
        return False
    for offset, token in enumerate(entry.tokens):
        start, _end, word = words[position + offset]
        if word.lower() != token or (entry.capitalised[offset] and not word[0].isupper()):
            return False
        if offset and _gap(text[words[position + offset - 1][1] : start]) != entry.gaps[offset - 1]:
            return False
    return True


def suggestions_by_key(suggestions: Iterable[Suggestion]) -> dict[str, Suggestion]:
    return {suggestion.key: suggestion for suggestion in suggestions}


def describe(kind: str) -> str:
    return str(Kind(kind).label)


__all__ = ["REPLACEMENTS", "Suggestion", "describe", "suggest_redactions", "suggestions_by_key"]
