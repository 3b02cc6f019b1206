"""The participant's own research consent."""

from django.urls import path

from coproduce.web.participant import research_consent_views as views

urlpatterns = [
    path("me/research/", views.my_research_consent, name="my_research_consent"),
    path("me/research/stop/", views.my_research_consent_stop, name="my_research_consent_stop"),
]
