"""The evaluator's workspace, at /research/, by area of work."""

from django.urls import include, path

from coproduce.web.research import views

urlpatterns = [
    path("research/", views.research_home, name="research_home"),
    path("", include("coproduce.web.research.urls_interviews")),
    path("", include("coproduce.web.research.urls_transcripts")),
    path("", include("coproduce.web.research.urls_coding")),
    path("", include("coproduce.web.research.urls_agreement")),
    path("", include("coproduce.web.research.urls_analytics")),
    path("", include("coproduce.web.research.urls_surveys")),
]
