from django.urls import path

from coproduce.web.keyworker import views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("participants/new/", views.participant_register, name="participant_register"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/consents/new/", views.participant_consent_add, name="participant_consent_add"),
    path("participants/<int:pk>/sign-in-link/", views.participant_sign_in_link, name="participant_sign_in_link"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
