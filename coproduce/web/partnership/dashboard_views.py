"""The partnership dashboard: the area's figures for its manager and its lived-experience board members.

Only counts and sums are shown (no one's name or record); board members see them with small
numbers suppressed (reporting/partnership.py decides who sees what).
"""

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.reporting.partnership import Dashboard, partnership_dashboard, table_csv, table_xlsx
from coproduce.reporting.suppression import THRESHOLD
from coproduce.web.access import View

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dashboard(request: HttpRequest) -> Dashboard:
    """The dashboard for the signed-in person; 403 for anyone who may not see one."""
    return partnership_dashboard(request.user)


def _signed_in(view: View) -> View:
    """Anonymous people are sent to sign in; who then sees what is the reporting rule's to say."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


@_signed_in
def partnership_dashboard_page(request: HttpRequest) -> HttpResponse:
    dashboard = _dashboard(request)
    by_slug = {
        table.slug: {
            "table": table,
            "chart": table.chart,
            # Each value with its column's header, which the cell carries as data-label for phones.
            "rows": [(row, list(zip(table.columns[1:], row.values, strict=True))) for row in table.rows],
        }
        for table in dashboard.tables
    }
    context = {
        "page_title": f"{dashboard.partnership.area_name} partnership dashboard",
        "dashboard": dashboard,
        "partnership": dashboard.partnership,
        "threshold": THRESHOLD,
        "activity": [by_slug[slug] for slug in ("engagement", "caseloads", "referrals", "outcomes")],
        "budgets": [by_slug[slug] for slug in ("spend", "pots")],
        "voice": [by_slug[slug] for slug in ("requests", "sessions")],
        "gaps": [by_slug[slug] for slug in ("barrier-gaps", "capacity-declines", "unanswered")],
        "outreach": [by_slug[slug] for slug in ("outreach", "outreach-over-time")],
    }
    return render(request, "web/partnership/dashboard.html", context)


@_signed_in
def partnership_dashboard_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One table of the dashboard as CSV or XLSX, exactly as the page shows it."""
    dashboard = _dashboard(request)
    found = dashboard.table(table)
    if found is None or fmt not in ("csv", "xlsx"):
        raise Http404("No such table.")
    filename = f"{dashboard.partnership.short_code or dashboard.partnership.pk}-{found.slug}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(table_csv(found), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table_xlsx(found), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
