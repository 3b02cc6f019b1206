"""A participant's research consent, recorded by their keyworker or area manager."""

from django.urls import path

from coproduce.web.keyworker import research_consent_views as views

urlpatterns = [
    path("participants/<int:pk>/research/", views.participant_research_consent, name="participant_research_consent"),
    path(
        "participants/<int:pk>/research/stop/",
        views.participant_research_consent_stop,
        name="participant_research_consent_stop",
    ),
]
