"""Which programme the evaluator's pages show: the one chosen with the programme switcher, else the one of
theirs that started last (coproduce/web/programme_choice.py). Lists, tables and analytics show that
programme alone and name it; records of another programme the evaluator oversees open from their own
links, and those of a programme they do not oversee are not found (coproduce/research/selectors.py).
"""

from typing import Any

from django.http import HttpRequest

from coproduce.programmes.models import Programme
from coproduce.web.programme_choice import current_programme, programme_years

# The id of no programme, for an evaluator who oversees none: their lists are empty.
NO_PROGRAMME = 0


def evaluation_programme_of(request: HttpRequest) -> Programme | None:
    return current_programme(request)


def programme_id_of(request: HttpRequest) -> int:
    programme = current_programme(request)
    return programme.pk if programme is not None else NO_PROGRAMME


def programme_context(request: HttpRequest) -> dict[str, Any]:
    """For the template's caption (web/research/programme_caption.html): which programme the page shows."""
    programme = current_programme(request)
    return {
        "evaluation_programme": programme,
        "evaluation_programme_years": programme_years(programme) if programme is not None else "",
    }
