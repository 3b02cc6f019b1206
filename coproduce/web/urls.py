"""Pages, by audience. Every name lives in the `web` namespace."""

from django.urls import include, path

app_name = "web"
urlpatterns = [
    path("", include("coproduce.web.public.urls")),
    path("", include("coproduce.web.participant.urls")),
    path("", include("coproduce.web.participant.research_urls")),
    path("", include("coproduce.web.participant.survey_urls")),
    path("", include("coproduce.web.keyworker.urls")),
    path("", include("coproduce.web.keyworker.research_urls")),
    path("", include("coproduce.web.partnership.urls")),
    path("", include("coproduce.web.funder.urls")),
    path("", include("coproduce.web.research.urls")),
    path("", include("coproduce.web.partner.urls")),
    path("", include("coproduce.web.directory.urls")),
    path("", include("coproduce.web.messages_urls")),
]
