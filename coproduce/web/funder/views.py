"""The funder's view of the programme: counts by area, with small numbers suppressed. No records."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.accounts.roles import Role
from coproduce.reporting.selectors import programme_counts
from coproduce.reporting.suppression import THRESHOLD
from coproduce.reporting.tables import programme_report
from coproduce.web.access import require_roles


@require_roles(Role.FUNDER)
def funder_home(request: HttpRequest) -> HttpResponse:
    reports = [programme_report(counts) for counts in programme_counts(request.user)]
    context = {"page_title": "The programme in numbers", "reports": reports, "threshold": THRESHOLD}
    return render(request, "web/funder/home.html", context)
