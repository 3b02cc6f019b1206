"""The evaluator's page: what they may see today, and how many people agreed to the research."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.accounts.roles import Role
from coproduce.reporting.selectors import research_consent_counts
from coproduce.reporting.suppression import THRESHOLD
from coproduce.reporting.tables import area_report
from coproduce.web.access import require_roles


@require_roles(Role.EVALUATOR)
def research_home(request: HttpRequest) -> HttpResponse:
    reports = [
        area_report(counts, "Agreed to take part in the research") for counts in research_consent_counts(request.user)
    ]
    context = {"page_title": "Evaluation", "reports": reports, "threshold": THRESHOLD}
    return render(request, "web/research/home.html", context)
