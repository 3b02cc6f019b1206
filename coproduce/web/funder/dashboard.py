"""The funder's dashboard: one programme, all its areas and each area, aggregates only, small numbers
suppressed. The programme is the one chosen with the switcher (`current_programme`), else the one that
started last; its name is on the page, in the file names and in the PDF.

Every table on the page downloads as CSV and XLSX, and the whole dashboard prints as a PDF
report. Each read is audited as a read of aggregates (it names the programme, no participant).
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.audit.models import AuditEvent
from coproduce.reporting.charts import Bar, Series, line_chart, rate_bar_chart
from coproduce.reporting.exports import CONTENT_TYPES, CSV, XLSX, ExportTable, to_csv, to_xlsx
from coproduce.reporting.statistics import ProgrammeStats, dashboard_tables, read_programme_statistics
from coproduce.reporting.suppression import THRESHOLD
from coproduce.web.access import require_roles
from coproduce.web.pdf import pdf_response, render_pdf
from coproduce.web.programme_choice import current_programme


def _context(stats: ProgrammeStats) -> dict[str, Any]:
    tables = {table.slug: table for table in dashboard_tables(stats)}
    rows = (*stats.areas, stats.programme)
    rate_chart = rate_bar_chart(
        title="Participants in paid work, by area, with 95% intervals",
        bars=[
            Bar(
                label=row.area_name,
                value=row.paid_work.rate,
                low=row.paid_work.ci_low,
                high=row.paid_work.ci_high,
                note="not shown: small numbers" if row.paid_work.rate is None else "",
                text=row.paid_work.label,
            )
            for row in rows
        ],
    )
    engagement = stats.programme.engagement
    engagement_chart = line_chart(
        title="People who joined each year, against the agreed targets (all areas)",
        x_labels=[str(item.year) for item in engagement],
        series=[
            Series("Joined", [item.joined.value for item in engagement]),
            Series("Agreed target", [item.target for item in engagement], dashed=True),
        ],
    )
    return {
        "stats": stats,
        "tables": tables,
        "rate_chart": rate_chart,
        "engagement_chart": engagement_chart,
        "spread": stats.spread,
        "threshold": THRESHOLD,
    }


def _statistics(request: HttpRequest, action: str = AuditEvent.Action.VIEW) -> ProgrammeStats:
    programme = current_programme(request)
    if programme is None:
        raise Http404("You do not oversee a programme.")
    return read_programme_statistics(
        actor=request.user, today=timezone.localdate(), programme_id=programme.pk, action=action
    )


def _file_stem(stats: ProgrammeStats) -> str:
    """Like "making-it-work-2026-12-04": two programmes' files never share a name."""
    return f"{slugify(stats.programme_name) or 'programme'}-{stats.today.isoformat()}"


@require_roles(Role.FUNDER)
def funder_dashboard(request: HttpRequest) -> HttpResponse:
    stats = _statistics(request)
    context = {"page_title": "Funder dashboard", **_context(stats)}
    return render(request, "web/funder/dashboard.html", context)


@audited_as_export
@require_roles(Role.FUNDER)
def funder_dashboard_download(request: HttpRequest, table: str, file_format: str) -> HttpResponse:
    """One of the dashboard's tables as CSV or XLSX (404 for any other table or format)."""
    if file_format not in (CSV, XLSX):
        raise Http404("No such format.")
    stats = _statistics(request, AuditEvent.Action.EXPORT)
    chosen: ExportTable | None = next((t for t in dashboard_tables(stats) if t.slug == table), None)
    if chosen is None:
        raise Http404("No such table.")
    content = to_csv(chosen) if file_format == CSV else to_xlsx(chosen)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{chosen.slug}-{_file_stem(stats)}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


@audited_as_export
@require_roles(Role.FUNDER)
def funder_report_pdf(request: HttpRequest) -> HttpResponse:
    """The dashboard as a printable report."""
    stats = _statistics(request, AuditEvent.Action.EXPORT)
    # The report's words are written in British English only, so its PDF says so (<html lang>), whatever the page's
    # language: a screen reader must not read English with a Polish or Arabic voice.
    content = render_pdf("web/funder/dashboard_report.pdf.html", _context(stats), language="en-gb")
    return pdf_response(content, f"funder-report-{_file_stem(stats)}.pdf")
