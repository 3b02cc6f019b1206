from django.urls import path

from coproduce.web.participant import (
    appointments,
    budget_views,
    outcome_views,
    plan,
    progress,
    referral_views,
    views,
    voice,
)

urlpatterns = [
    path("me/", views.my_page, name="my_page"),
    path("me/who-looked/", views.my_record_views, name="my_record_views"),
    path("me/appointments/", appointments.my_appointments, name="my_appointments"),
    path("appointments/<int:pk>/rearrange/", appointments.appointment_rearrange, name="appointment_rearrange"),
    path("me/requests/", voice.my_requests_page, name="my_requests"),
    path("me/requests/new/", voice.request_add, name="request_add"),
    path("me/feedback/", voice.feedback_add, name="feedback_add"),
    path("invitations/<int:pk>/respond/", voice.invitation_respond, name="invitation_respond"),
    path("me/plan/", plan.my_plan, name="my_plan"),
    path("me/progress/", progress.my_progress, name="my_progress"),
    path("me/progress/new/", progress.my_progress_add, name="my_progress_add"),
    path("me/job-search/", progress.my_job_search, name="my_job_search"),
    path("me/job-search/new/", progress.my_job_search_add, name="my_job_search_add"),
    path("me/job-search.pdf", progress.my_job_search_pdf, name="my_job_search_pdf"),
    path("me/record/", progress.my_record, name="my_record"),
    path("me/referrals/", referral_views.my_referrals, name="my_referrals"),
    path("me/referrals/new/", referral_views.my_referral_propose, name="my_referral_propose"),
    path("me/suggestions/", referral_views.my_suggestions, name="my_suggestions"),
    path("me/who-holds-my-information/", referral_views.my_data_holders, name="my_data_holders"),
    path("me/availability/", referral_views.my_availability, name="my_availability"),
    path("me/achievements/", outcome_views.my_achievements, name="my_achievements"),
    path("me/money/", budget_views.my_money, name="my_money"),
]
