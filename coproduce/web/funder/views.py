"""The funder's view of a programme: counts by area, with small numbers suppressed. No records."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.reporting.statistics import read_programme_statistics
from coproduce.reporting.suppression import THRESHOLD
from coproduce.reporting.tables import funder_home_report
from coproduce.web.access import require_roles
from coproduce.web.programme_choice import current_programme


@require_roles(Role.FUNDER)
def funder_home(request: HttpRequest) -> HttpResponse:
    """The programme chosen with the switcher (else the one that started last), never two added together."""
    programme = current_programme(request)
    reports = []
    stats = None
    if programme is not None:
        stats = read_programme_statistics(actor=request.user, today=timezone.localdate(), programme_id=programme.pk)
        reports = [funder_home_report(stats)] if stats.areas else []
    context = {
        "page_title": "The programme in numbers",
        "programme": programme,
        "reports": reports,
        "as_of_label": stats.as_of_label if stats is not None else "",
        "threshold": THRESHOLD,
    }
    return render(request, "web/funder/home.html", context)
