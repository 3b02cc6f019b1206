"""What a survey's answers add up to: raw counts by area and wave, for the interfaces to suppress and show.

Responses are anonymous, so nothing here is about a person; the counts are still small numbers
about small groups, which the pages and the API suppress (under 5) before showing them. Every
function takes a survey the caller has already read through `surveys_visible_to`, and each
makes a fixed number of queries however many answers there are.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from coproduce.programmes.models import Partnership
from coproduce.research.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, Wave

NO_WAVE = "none"  # the key of answers given outside every wave's dates
NO_WAVE_LABEL = "Outside the waves"

# (area id, wave id or NO_WAVE)
Place = tuple[int, Hashable]


@dataclass(frozen=True)
class SurveyCounts:
    survey: Survey
    areas: list[tuple[int, str]]  # (partnership id, area name), in name order
    waves: list[tuple[Hashable, str]]  # (wave id or NO_WAVE, label), by year
    questions: list[SurveyQuestion]
    invited: dict[Place, int] = field(default_factory=dict)
    answered: dict[Place, int] = field(default_factory=dict)
    # question id -> (area, wave) -> answer (1..5 or a choice) -> count
    answers: dict[int, dict[Place, dict[Hashable, int]]] = field(default_factory=dict)
    # text question id -> (area, wave) -> how many wrote something
    texts: dict[int, dict[Place, int]] = field(default_factory=dict)

    def options(self, question: SurveyQuestion) -> list[tuple[Hashable, str]]:
        """The answers a question offers, as (value, label)."""
        if question.kind == SurveyQuestion.Kind.LIKERT:
            return [(number, label) for number, label in SurveyQuestion.LIKERT_SCALE]
        if question.kind == SurveyQuestion.Kind.CHOICE:
            return [(choice, choice) for choice in question.choices]
        return []


def _wave_key(wave_id: int | None) -> Hashable:
    return NO_WAVE if wave_id is None else wave_id


def survey_counts(survey: Survey) -> SurveyCounts:
    """Invitations sent and answered, and each question's answers, per area and wave (six queries)."""
    areas = list(
        Partnership.objects.filter(programme_id=survey.programme_id)
        .order_by("area_name", "pk")
        .values_list("pk", "area_name")
    )
    waves: list[tuple[Hashable, str]] = [
        (pk, name) for pk, name in Wave.objects.filter(programme_id=survey.programme_id).values_list("pk", "name")
    ]
    questions = list(survey.questions.order_by("position", "pk"))
    counts = SurveyCounts(survey=survey, areas=areas, waves=waves, questions=questions)
    rows = (
        SurveyInvitation.objects.filter(survey=survey)
        .values("partnership_id", "wave_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
        .order_by()
    )
    any_outside = False
    for row in rows:
        place = (row["partnership_id"], _wave_key(row["wave_id"]))
        counts.invited[place] = row["invited"]
        counts.answered[place] = row["answered"]
        any_outside = any_outside or row["wave_id"] is None
    answer_rows = (
        SurveyAnswer.objects.filter(response__survey=survey)
        .values("question_id", "question__kind", "response__partnership_id", "response__wave_id", "number", "choice")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in answer_rows:
        place = (row["response__partnership_id"], _wave_key(row["response__wave_id"]))
        any_outside = any_outside or row["response__wave_id"] is None
        kind = row["question__kind"]
        if kind == SurveyQuestion.Kind.TEXT:
            by_place = counts.texts.setdefault(row["question_id"], {})
            by_place[place] = by_place.get(place, 0) + row["count"]
            continue
        value = row["number"] if kind == SurveyQuestion.Kind.LIKERT else row["choice"]
        by_answer = counts.answers.setdefault(row["question_id"], {}).setdefault(place, {})
        by_answer[value] = by_answer.get(value, 0) + row["count"]
    if any_outside:
        waves.append((NO_WAVE, NO_WAVE_LABEL))
    return counts


def text_answers(question: SurveyQuestion) -> QuerySet[SurveyAnswer]:
    """A text question's answers, by area, wave and day, with where they came from."""
    return (
        SurveyAnswer.objects.filter(question=question)
        .exclude(text="")
        .select_related("response__partnership", "response__wave", "response__point")
        .order_by("response__partnership__area_name", "response__wave__year", "response__submitted_on", "pk")
    )


# ---- result tables ------------------------------------------------------------------------------
#
# The tables the pages and the API show, by area and by wave. This app may not know the reporting
# rules, so the interface passes its suppression in: a function that takes a rows × columns grid
# of counts and returns, for every cell and total (keyed with TOTAL), the true value, what may be
# shown, and whether it is hidden.

TOTAL = "total"
ANSWERED, NOT_ANSWERED = "answered", "not_answered"
RESPONSES = "Responses"
DIMENSIONS = (("area", "Area"), ("wave", "Wave"))

ShownCell = tuple[int, str, bool]  # (true value, what may be shown, hidden)
Grid = dict[tuple[Hashable, Hashable], int]
Suppressor = Callable[[Grid, Sequence[Hashable], Sequence[Hashable]], dict[tuple[Hashable, Hashable], ShownCell]]


@dataclass(frozen=True)
class ResultRow:
    label: str
    cells: tuple[str, ...]
    is_total: bool = False


@dataclass(frozen=True)
class ResultTable:
    caption: str
    heading: str  # the first column's heading: "Area" or "Wave"
    columns: tuple[str, ...]
    rows: tuple[ResultRow, ...]


@dataclass(frozen=True)
class QuestionResults:
    question: SurveyQuestion
    tables: tuple[ResultTable, ...]


def _groups(counts: SurveyCounts, dimension: str) -> tuple[list[tuple[Hashable, str]], Callable[[Place], Hashable]]:
    if dimension == "area":
        return [(pk, name) for pk, name in counts.areas], lambda place: place[0]
    return counts.waves, lambda place: place[1]


def _rate(answered: ShownCell, invited: ShownCell) -> str:
    if answered[2] or invited[2] or invited[0] == 0:
        return "–"
    return f"{round(100 * answered[0] / invited[0])}%"


def _response_table(counts: SurveyCounts, dimension: str, heading: str, suppressor: Suppressor) -> ResultTable:
    groups, key_of = _groups(counts, dimension)
    grid: Grid = {}
    for place, invited in counts.invited.items():
        answered = counts.answered.get(place, 0)
        group = key_of(place)
        grid[(group, ANSWERED)] = grid.get((group, ANSWERED), 0) + answered
        grid[(group, NOT_ANSWERED)] = grid.get((group, NOT_ANSWERED), 0) + invited - answered
    cells = suppressor(grid, [key for key, _ in groups], [ANSWERED, NOT_ANSWERED])
    rows = []
    for key, label in [*groups, (TOTAL, "All")]:
        invited_cell, answered_cell = cells[(key, TOTAL)], cells[(key, ANSWERED)]
        shown = (invited_cell[1], answered_cell[1], _rate(answered_cell, invited_cell))
        rows.append(ResultRow(label, shown, key == TOTAL))
    return ResultTable(f"Response rate by {heading.lower()}", heading, ("Invited", "Answered", "Rate"), tuple(rows))


def _mean(values: dict[Hashable, int]) -> str:
    total = sum(values.values())
    return f"{sum(int(value) * count for value, count in values.items()) / total:.2f}"  # type: ignore[call-overload]


def _answer_table(
    counts: SurveyCounts, question: SurveyQuestion, dimension: str, heading: str, suppressor: Suppressor
) -> ResultTable:
    groups, key_of = _groups(counts, dimension)
    options = counts.options(question)
    grid: Grid = {}
    raw: dict[Hashable, dict[Hashable, int]] = {TOTAL: {}}
    for place, by_answer in counts.answers.get(question.pk, {}).items():
        group = key_of(place)
        for value, count in by_answer.items():
            grid[(group, value)] = grid.get((group, value), 0) + count
            for bucket in (raw.setdefault(group, {}), raw[TOTAL]):
                bucket[value] = bucket.get(value, 0) + count
    cells = suppressor(grid, [key for key, _ in groups], [value for value, _ in options])
    likert = question.kind == SurveyQuestion.Kind.LIKERT
    rows = []
    for key, label in [*groups, (TOTAL, "All")]:
        row = [cells[(key, value)] for value, _ in options] + [cells[(key, TOTAL)]]
        shown = [cell[1] for cell in row]
        if likert:
            # A mean with a hidden count beside it could give that count away (with two answers
            # given, the mean and the total pin down both), so it needs every count shown.
            complete = row[-1][0] > 0 and not any(cell[2] for cell in row)
            shown.append(_mean(raw[key]) if complete else "–")
        rows.append(ResultRow(label, tuple(shown), key == TOTAL))
    columns = (*(text for _, text in options), RESPONSES, *(("Mean (1 to 5)",) if likert else ()))
    return ResultTable(f"By {heading.lower()}", heading, columns, tuple(rows))


def _text_table(
    counts: SurveyCounts, question: SurveyQuestion, dimension: str, heading: str, suppressor: Suppressor
) -> ResultTable:
    groups, key_of = _groups(counts, dimension)
    grid: Grid = {}
    for place, count in counts.texts.get(question.pk, {}).items():
        group = key_of(place)
        grid[(group, RESPONSES)] = grid.get((group, RESPONSES), 0) + count
    cells = suppressor(grid, [key for key, _ in groups], [RESPONSES])
    rows = [ResultRow(label, (cells[(key, TOTAL)][1],), key == TOTAL) for key, label in [*groups, (TOTAL, "All")]]
    return ResultTable(f"Answers by {heading.lower()}", heading, ("Answers",), tuple(rows))


def survey_result_tables(
    counts: SurveyCounts, suppressor: Suppressor
) -> tuple[list[ResultTable], list[QuestionResults]]:
    """The response rates, and each question's answers, by area and by wave, as the suppressor allows.

    A rate is shown only where both its numbers are; a mean only where every count of its row is.
    """
    rates = [_response_table(counts, dimension, heading, suppressor) for dimension, heading in DIMENSIONS]
    questions = []
    for question in counts.questions:
        if question.kind == SurveyQuestion.Kind.TEXT:
            tables = tuple(
                _text_table(counts, question, dimension, heading, suppressor) for dimension, heading in DIMENSIONS
            )
        else:
            tables = tuple(
                _answer_table(counts, question, dimension, heading, suppressor) for dimension, heading in DIMENSIONS
            )
        questions.append(QuestionResults(question, tables))
    return rates, questions
