"""Access cases for the evaluator's outcome analytics: the page, its CSV downloads and the API.

Evaluators only (DESIGN.md §3). The figures are aggregates, so no participant's read is audited;
refused roles get none of the figures, and nobody gets a pseudonym, name or reference.
"""

from django.urls import reverse

from tests.access.matrix import AccessCase, roles
from tests.personas import Personas

EVALUATOR = roles("evaluator")


def secrets(p: Personas) -> list[str]:
    return [
        p.research.pat_consent.pseudonym,
        p.participant.reference,
        p.glasgow_participant.full_name,
        "Time from joining to first job",
        "Paid-work rate",
    ]


def api_secrets(p: Personas) -> list[str]:
    return [*secrets(p), '"odds_ratios"', '"by_area"', '"all_areas"']


CASES = [
    AccessCase(
        route="web:research_analytics",
        url=lambda p: reverse("web:research_analytics"),
        allowed=EVALUATOR,
        secrets=secrets,
    ),
    AccessCase(
        route="web:research_analytics_csv",
        url=lambda p: reverse("web:research_analytics_csv", args=["rates-by-area"]),
        allowed=EVALUATOR,
        secrets=secrets,
    ),
    AccessCase(
        route="api-v1:research_analytics_time_to_work",
        url=lambda p: reverse("api-v1:research_analytics_time_to_work"),
        allowed=EVALUATOR,
        api=True,
        secrets=api_secrets,
    ),
    AccessCase(
        route="api-v1:research_analytics_paid_work_model",
        url=lambda p: reverse("api-v1:research_analytics_paid_work_model"),
        allowed=EVALUATOR,
        api=True,
        secrets=api_secrets,
    ),
    AccessCase(
        route="api-v1:research_analytics_rates",
        url=lambda p: reverse("api-v1:research_analytics_rates"),
        allowed=EVALUATOR,
        api=True,
        secrets=api_secrets,
    ),
]
