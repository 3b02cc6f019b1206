"""Inter-coder agreement, the quote bank and the exports to other tools (issue 6, items 8 to 10)."""

from django.urls import path

from coproduce.web.research import agreement_views, project_views, quote_views

urlpatterns = [
    path("research/agreement/", agreement_views.research_agreement, name="research_agreement"),
    path("research/agreement.csv", agreement_views.research_agreement_csv, name="research_agreement_csv"),
    path(
        "research/transcripts/<int:pk>/agreement/",
        agreement_views.research_transcript_agreement,
        name="research_transcript_agreement",
    ),
    path("research/segments.csv", agreement_views.research_segments_csv, name="research_segments_csv"),
    path(
        "research/codebooks/<int:pk>/codebook.qdc", agreement_views.research_codebook_qdc, name="research_codebook_qdc"
    ),
    path("research/codebooks/<int:pk>/project.qdpx", project_views.research_project_qdpx, name="research_project_qdpx"),
    path("research/codebooks/<int:pk>/import/", project_views.research_project_import, name="research_project_import"),
    path("research/quotes/", quote_views.research_quotes, name="research_quotes"),
    path("research/quotes.csv", quote_views.research_quotes_csv, name="research_quotes_csv"),
    path("research/quotes.xlsx", quote_views.research_quotes_xlsx, name="research_quotes_xlsx"),
    path("research/segments/<int:pk>/quote/", quote_views.research_quote_add, name="research_quote_add"),
    path("research/quotes/<int:pk>/note/", quote_views.research_quote_note, name="research_quote_note"),
    path("research/quotes/<int:pk>/remove/", quote_views.research_quote_remove, name="research_quote_remove"),
]
