from django.urls import path

from coproduce.web.keyworker import contacts, plan, progress, referral_views, views, voice

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("participants/new/", views.participant_register, name="participant_register"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/consents/new/", views.participant_consent_add, name="participant_consent_add"),
    path("participants/<int:pk>/sign-in-link/", views.participant_sign_in_link, name="participant_sign_in_link"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("participants/<int:pk>/contacts/", contacts.contact_list, name="contact_list"),
    path("participants/<int:pk>/contacts/new/", contacts.contact_add, name="contact_add"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("participants/<int:pk>/appointments/new/", contacts.appointment_add, name="appointment_add"),
    path("appointments/<int:pk>/edit/", contacts.appointment_edit, name="appointment_edit"),
    path("appointments/<int:pk>/calendar.ics", contacts.appointment_ics, name="appointment_ics"),
    path("participants/<int:pk>/cover/new/", contacts.cover_add, name="cover_add"),
    path("cover/<int:pk>/end/", contacts.cover_end, name="cover_end"),
    path("requests/", voice.requests_board_page, name="requests_board"),
    path("feedback/", voice.my_feedback, name="my_feedback"),
    path("participants/<int:pk>/plan/", plan.participant_plan, name="participant_plan"),
    path("participants/<int:pk>/assessments/", plan.assessment_list, name="assessment_list"),
    path("participants/<int:pk>/assessments/new/", plan.assessment_add, name="assessment_add"),
    path("participants/<int:pk>/progress/", progress.participant_progress, name="participant_progress"),
    path("participants/<int:pk>/progress/new/", progress.participant_progress_add, name="participant_progress_add"),
    path("participants/<int:pk>/job-search/", progress.participant_job_search, name="participant_job_search"),
    path(
        "participants/<int:pk>/job-search.pdf", progress.participant_job_search_pdf, name="participant_job_search_pdf"
    ),
    path("participants/<int:pk>/record/", progress.participant_record, name="participant_record"),
    path("job-search/<int:pk>/edit/", progress.job_search_edit, name="job_search_edit"),
    path("participants/<int:pk>/referrals/", referral_views.participant_referrals, name="participant_referrals"),
    path("participants/<int:pk>/suggestions/", referral_views.participant_suggestions, name="participant_suggestions"),
    path("participants/<int:pk>/referrals/new/", referral_views.referral_propose, name="referral_propose"),
    path("participants/<int:pk>/signposting/new/", referral_views.signposting_add, name="signposting_add"),
    path(
        "participants/<int:pk>/availability/", referral_views.participant_availability, name="participant_availability"
    ),
    path("referrals/<int:pk>/", referral_views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/agree/", referral_views.referral_agree, name="referral_agree"),
    path("referrals/<int:pk>/send/", referral_views.referral_send, name="referral_send"),
    path("referrals/<int:pk>/withdraw/", referral_views.referral_withdraw, name="referral_withdraw"),
    path("consents/<int:pk>/stop-sharing/", referral_views.stop_sharing, name="stop_sharing"),
]
