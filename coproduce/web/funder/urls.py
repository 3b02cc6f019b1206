from django.urls import path

from coproduce.web.funder import dashboard, views

urlpatterns = [path("funder/", views.funder_home, name="funder_home")]

# The funder dashboard, its tables as CSV or XLSX, and the funder report PDF.
urlpatterns += [
    path("funder/dashboard/", dashboard.funder_dashboard, name="funder_dashboard"),
    path(
        "funder/dashboard/<slug:table>.<slug:file_format>",
        dashboard.funder_dashboard_download,
        name="funder_dashboard_download",
    ),
    path("funder/report.pdf", dashboard.funder_report_pdf, name="funder_report_pdf"),
]

# Targets, grants and labour-market context (funding_views.py).
from coproduce.web.funder import funding_views  # noqa: E402

urlpatterns += [
    path("funder/targets/", funding_views.funder_targets, name="funder_targets"),
    path("funder/targets/new/", funding_views.funder_target_propose, name="funder_target_propose"),
    path("funder/targets/<int:pk>/change/", funding_views.funder_target_change, name="funder_target_change"),
    path("funder/targets/<int:pk>/agree/", funding_views.funder_target_agree, name="funder_target_agree"),
    path("funder/grants/", funding_views.funder_grants, name="funder_grants"),
    path("funder/grants/new/", funding_views.funder_grant_add, name="funder_grant_add"),
    path("funder/grants/<int:pk>/edit/", funding_views.funder_grant_edit, name="funder_grant_edit"),
    path("funder/labour-market/", funding_views.funder_labour_market, name="funder_labour_market"),
    path("funder/labour-market/new/", funding_views.funder_labour_market_add, name="funder_labour_market_add"),
    path(
        "funder/labour-market/<int:pk>/edit/",
        funding_views.funder_labour_market_edit,
        name="funder_labour_market_edit",
    ),
    path(
        "funder/labour-market/import/",
        funding_views.funder_labour_market_import,
        name="funder_labour_market_import",
    ),
]

# The grants as 360Giving open data (giving_views.py).
from coproduce.web.funder import giving_views  # noqa: E402

urlpatterns += [
    path("funder/360giving/", giving_views.funder_giving, name="funder_giving"),
    path("funder/360giving/download/", giving_views.funder_giving_download, name="funder_giving_download"),
    path("funder/360giving/organisation/", giving_views.funder_giving_organisation, name="funder_giving_organisation"),
    path(
        "funder/360giving/classification/",
        giving_views.funder_giving_classification,
        name="funder_giving_classification",
    ),
]
