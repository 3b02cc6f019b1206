"""The `programme` query parameter of the evaluation's endpoints: which programme a list, a table or an
analysis is of. Same meaning as on every programme-wide endpoint (docs: the API's programme convention).

Absent: the programme that started last among those the evaluator oversees. A programme they do not
oversee, or one that does not exist: 404 with the usual `{"detail": ...}` body, exactly as for a record
they may not see, so that nobody learns which other programmes exist.
"""

from typing import Any

from ninja import Query

from coproduce.accounts.acting import ActingUser
from coproduce.programmes.standing import standing_of
from coproduce.research.selectors import evaluation_programme

PROGRAMME_HELP = (
    "The programme (its id) whose evaluation data to return; one programme's data are never mixed with "
    "another's. Absent: the programme that started last among those you oversee. A programme you do not "
    "oversee, or one that does not exist, answers 404."
)


def programme_query() -> Any:
    """The parameter's declaration, for a route's signature: `programme: int | None = programme_query()`."""
    return Query(None, description=PROGRAMME_HELP)


def research_programme_id(actor: ActingUser, programme: int | None) -> int:
    """The id of the programme an evaluation list is of: `programme` if the caller oversees it (else 404), when
    absent the latest of theirs. A caller who oversees none gets the id of no programme (their lists are
    empty) rather than 404, as a list of records they may not see is empty."""
    if programme is None and not standing_of(actor).programmes:
        return 0
    return evaluation_programme(actor, programme).pk


def programme_fields(actor: ActingUser, programme: int | None) -> dict[str, Any]:
    """`programme_id` and `programme` (its name) for a response about one programme."""
    chosen = evaluation_programme(actor, programme)
    return {"programme_id": chosen.pk, "programme": chosen.name}
