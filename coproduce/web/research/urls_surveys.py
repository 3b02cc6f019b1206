"""The evaluator's surveys, at /research/surveys/."""

from django.urls import path

from coproduce.web.research import survey_views as views

urlpatterns = [
    path("research/surveys/", views.research_surveys, name="research_surveys"),
    path("research/surveys/new/", views.research_survey_add, name="research_survey_add"),
    path("research/surveys/<int:pk>/", views.research_survey, name="research_survey"),
    path("research/surveys/<int:pk>/edit/", views.research_survey_edit, name="research_survey_edit"),
    path("research/surveys/<int:pk>/open/", views.research_survey_open, name="research_survey_open"),
    path("research/surveys/<int:pk>/close/", views.research_survey_close, name="research_survey_close"),
    path(
        "research/surveys/<int:pk>/questions/add/",
        views.research_survey_question_add,
        name="research_survey_question_add",
    ),
    path(
        "research/surveys/<int:pk>/questions/<int:question_pk>/edit/",
        views.research_survey_question_edit,
        name="research_survey_question_edit",
    ),
    path(
        "research/surveys/<int:pk>/questions/<int:question_pk>/remove/",
        views.research_survey_question_remove,
        name="research_survey_question_remove",
    ),
    path(
        "research/surveys/<int:pk>/questions/<int:question_pk>/move/",
        views.research_survey_question_move,
        name="research_survey_question_move",
    ),
    path("research/surveys/<int:pk>/points/add/", views.research_survey_point_add, name="research_survey_point_add"),
    path(
        "research/surveys/<int:pk>/points/<int:point_pk>/edit/",
        views.research_survey_point_edit,
        name="research_survey_point_edit",
    ),
    path(
        "research/surveys/<int:pk>/points/<int:point_pk>/remove/",
        views.research_survey_point_remove,
        name="research_survey_point_remove",
    ),
    path("research/surveys/<int:pk>/results/", views.research_survey_results, name="research_survey_results"),
    path(
        "research/surveys/<int:pk>/results.csv", views.research_survey_results_csv, name="research_survey_results_csv"
    ),
    path(
        "research/surveys/<int:pk>/questions/<int:question_pk>/answers/",
        views.research_survey_text_answers,
        name="research_survey_text_answers",
    ),
    path(
        "research/surveys/<int:pk>/questions/<int:question_pk>/send-to-coding/",
        views.research_survey_send_to_coding,
        name="research_survey_send_to_coding",
    ),
]
