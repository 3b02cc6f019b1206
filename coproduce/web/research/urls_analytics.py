"""Outcome analytics for evaluators: /research/analytics/ and its tables as CSV."""

from django.urls import path

from coproduce.web.research import analytics_views

urlpatterns = [
    path("research/analytics/", analytics_views.research_analytics, name="research_analytics"),
    path(
        "research/analytics/<slug:table>.csv",
        analytics_views.research_analytics_csv,
        name="research_analytics_csv",
    ),
]
