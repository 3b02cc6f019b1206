"""The `programme` query parameter of programme-wide endpoints (statistics, targets, grants, labour market,
360Giving): the same meaning everywhere.

Absent: the programme that started last among those the caller may see. A programme the caller does not
oversee, or that does not exist: 404 with the usual `{"detail": ...}` body, exactly as for a record they
may not see, so that nobody learns which other programmes exist.
"""

from typing import Any

from ninja import Query

from coproduce.accounts.acting import ActingUser
from coproduce.programmes.selectors import programme_for
from coproduce.programmes.standing import standing_of

PROGRAMME_HELP = (
    "The programme (its id) whose figures to return; the figures of one programme are never added to "
    "another's. Absent: the programme that started last among those you may see. A programme you do not "
    "oversee, or one that does not exist, answers 404."
)


def programme_query() -> Any:
    """The parameter's declaration, for a route's signature: `programme: int | None = programme_query()`."""
    return Query(None, description=PROGRAMME_HELP)


def programme_id_for(actor: ActingUser, programme: int | None) -> int | None:
    """The id of the programme a list is of: `programme` if the caller may see it (else NotFound), when absent
    the one that started last of theirs, or None for a caller with no programme (whose lists are empty)."""
    if programme is None and not standing_of(actor).programmes:
        return None
    return programme_for(actor, programme).pk
