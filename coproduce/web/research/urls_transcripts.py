"""The evaluator's transcripts: list, upload, redaction, ready for coding, originals and policy."""

from django.urls import path

from coproduce.web.research import transcript_views as views

urlpatterns = [
    path("research/transcripts/", views.research_transcripts, name="research_transcripts"),
    path("research/transcripts/upload/", views.research_transcript_upload, name="research_transcript_upload"),
    path("research/transcripts/policy/", views.research_transcript_policy, name="research_transcript_policy"),
    path("research/transcripts/<int:pk>/", views.research_transcript, name="research_transcript"),
    path("research/transcripts/<int:pk>/redact/", views.research_transcript_redact, name="research_transcript_redact"),
    path(
        "research/transcripts/<int:pk>/redact-passage/",
        views.research_transcript_redact_passage,
        name="research_transcript_redact_passage",
    ),
    path("research/transcripts/<int:pk>/ready/", views.research_transcript_ready, name="research_transcript_ready"),
    path("research/transcripts/<int:pk>/title/", views.research_transcript_rename, name="research_transcript_rename"),
    path("research/transcripts/<int:pk>/delete/", views.research_transcript_delete, name="research_transcript_delete"),
    path(
        "research/transcripts/<int:pk>/original/",
        views.research_transcript_original,
        name="research_transcript_original",
    ),
]
