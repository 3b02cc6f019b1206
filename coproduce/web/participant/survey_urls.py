"""A participant's surveys from the evaluation team, at /me/surveys/."""

from django.urls import path

from coproduce.web.participant import survey_views

urlpatterns = [
    path("me/surveys/", survey_views.my_surveys, name="my_surveys"),
    path("me/surveys/<int:pk>/", survey_views.my_survey, name="my_survey"),
]
