"""The codebook, coding transcripts, comparing coders and settling the consensus."""

from django.urls import path

from coproduce.web.research import coding_views

urlpatterns = [
    path("research/codebook/", coding_views.codebook, name="research_codebook"),
    path("research/codebook/add/", coding_views.codebook_add, name="research_codebook_add"),
    path("research/codebook/<int:pk>/edit/", coding_views.codebook_edit, name="research_codebook_edit"),
    path("research/codebook/<int:pk>/themes/add/", coding_views.theme_add, name="research_theme_add"),
    path("research/codebook/<int:pk>/codes/add/", coding_views.code_add, name="research_code_add"),
    path("research/themes/<int:pk>/edit/", coding_views.theme_edit, name="research_theme_edit"),
    path("research/themes/<int:pk>/move/", coding_views.theme_move, name="research_theme_move"),
    path("research/codes/<int:pk>/edit/", coding_views.code_edit, name="research_code_edit"),
    path("research/coding/", coding_views.coding_list, name="research_coding"),
    path("research/transcripts/<int:pk>/code/", coding_views.transcript_code, name="research_transcript_code"),
    path("research/transcripts/<int:pk>/compare/", coding_views.transcript_compare, name="research_transcript_compare"),
    path("research/segments/<int:pk>/remove/", coding_views.segment_remove, name="research_segment_remove"),
]
