"""Access cases for the `programme` parameter of the evaluation's API (issue 13 §2): the evaluator may ask
for a programme she oversees; a programme she does not oversee is refused (404, as for a record they may
not see), and nothing of it is given away.

Making It Work Together is a second programme in Fife which Eve does not oversee, with a transcript whose
title must never appear.
"""

import datetime
from typing import Any

from django.urls import reverse

from coproduce.programmes.models import Programme
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas
from tests.programmes.factories import PartnershipFactory, ProgrammeFactory
from tests.research.factories import TranscriptFactory

EVALUATOR = roles("evaluator")
NOBODY = roles()
# These lists answer everyone signed in, empty for all but evaluators; the programme must still be one the
# caller may see (an administrator sees every programme, and gets an empty list).
OPEN_LISTS = {"list_research_waves", "list_research_stakeholders", "list_research_interviews"}
OTHER_TITLE = "Interview in a programme Eve does not oversee"

ROUTES = [
    "list_research_waves",
    "list_research_stakeholders",
    "list_research_interviews",
    "research_table1",
    "list_research_transcripts",
    "list_research_codebooks",
    "list_research_surveys",
    "research_agreement",
    "list_research_quotes",
    "export_research_quotes",
    "research_analytics_time_to_work",
    "research_analytics_paid_work_model",
    "research_analytics_rates",
]


def other_programme(p: Personas) -> Programme:
    """Made once per test (the factories get or create it by name)."""
    programme: Programme = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    if not programme.partnerships.exists():
        fife = PartnershipFactory(programme=programme, area_name="Fife", gss_code="S12000047", short_code="FIF")
        TranscriptFactory(
            interview__research_consent__participant__keyworker__partnership=fife,
            title=OTHER_TITLE,
        )
    return programme


def secrets(p: Personas) -> list[str]:
    return [OTHER_TITLE, "Making It Work Together"]


def _url(route: str, programme: Any) -> Any:
    return lambda p: f"{reverse(f'api-v1:{route}')}?programme={programme(p).pk}"


CASES = [
    case
    for route in ROUTES
    for case in (
        AccessCase(
            route=f"api-v1:{route}",
            url=_url(route, lambda p: p.research and p.fife.programme),
            allowed=EVERYONE_SIGNED_IN if route in OPEN_LISTS else EVALUATOR,
            api=True,
            label="of a programme she oversees",
        ),
        AccessCase(
            route=f"api-v1:{route}",
            url=_url(route, other_programme),
            allowed=roles("administrator") if route in OPEN_LISTS else NOBODY,
            api=True,
            secrets=secrets,
            label="of a programme she does not oversee",
        ),
    )
]
