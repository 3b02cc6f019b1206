"""The evaluator's waves, stakeholders, interviews, sampling assistant and Table 1."""

from django.urls import path

from coproduce.web.research import interview_views as views

urlpatterns = [
    path("research/waves/", views.research_waves, name="research_waves"),
    path("research/waves/new/", views.research_wave_add, name="research_wave_add"),
    path("research/waves/<int:pk>/", views.research_wave_edit, name="research_wave_edit"),
    path("research/stakeholders/", views.research_stakeholders, name="research_stakeholders"),
    path("research/stakeholders/new/", views.research_stakeholder_add, name="research_stakeholder_add"),
    path("research/stakeholders/<int:pk>/", views.research_stakeholder_edit, name="research_stakeholder_edit"),
    path(
        "research/stakeholders/<int:pk>/withdraw/",
        views.research_stakeholder_withdraw,
        name="research_stakeholder_withdraw",
    ),
    path("research/interviews/", views.research_interviews, name="research_interviews"),
    path("research/interviews/new/", views.research_interview_add, name="research_interview_add"),
    path("research/interviews/<int:pk>/", views.research_interview_detail, name="research_interview_detail"),
    path("research/interviews/<int:pk>/edit/", views.research_interview_edit, name="research_interview_edit"),
    path("research/table1/", views.research_table1, name="research_table1"),
    path("research/table1.<slug:file_format>", views.research_table1_download, name="research_table1_download"),
    path("research/sampling/", views.research_sampling, name="research_sampling"),
    path("research/sampling/invite/", views.research_sampling_invite, name="research_sampling_invite"),
]
