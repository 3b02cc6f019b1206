from django.urls import path

from coproduce.web.partnership import enquiries, organisations, participants, staff, views, voice

urlpatterns = [
    path("partnership/", views.area_overview, name="area_overview"),
    path("partnership/settings/", views.partnership_settings, name="partnership_settings"),
    path("partnership/enquiries/", enquiries.enquiry_list, name="enquiry_list"),
    path("enquiries/<int:pk>/", enquiries.enquiry_detail, name="enquiry_detail"),
    path("enquiries/<int:pk>/allocate/", enquiries.enquiry_allocate, name="enquiry_allocate"),
    path("enquiries/<int:pk>/close/", enquiries.enquiry_close, name="enquiry_close"),
    path("partnership/participants/", participants.area_participants, name="area_participants"),
    path("participants/<int:pk>/reallocate/", participants.participant_reallocate, name="participant_reallocate"),
    path("participants/<int:pk>/who-looked/", participants.participant_audit, name="participant_audit"),
    path("partnership/organisations/", organisations.organisation_list, name="organisation_list"),
    path("partnership/organisations/new/", organisations.organisation_add, name="organisation_add"),
    path("partnership/organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("partnership/memberships/<int:pk>/role/", organisations.membership_role, name="membership_role"),
    path("partnership/staff/", staff.staff_list, name="staff_list"),
    path("partnership/staff/new/", staff.staff_add, name="staff_add"),
    path("partnership/staff/<int:pk>/edit/", staff.staff_edit, name="staff_edit"),
    path("partnership/staff/<int:pk>/sign-in-link/", staff.staff_sign_in_link, name="staff_sign_in_link"),
    path("partnership/group-sessions/", voice.group_session_list, name="group_session_list"),
    path("partnership/group-sessions/new/", voice.group_session_add, name="group_session_add"),
    path("group-sessions/<int:pk>/", voice.group_session_detail_page, name="group_session_detail"),
    path("group-sessions/<int:pk>/invite/", voice.group_session_invite, name="group_session_invite"),
    path("group-sessions/<int:pk>/attendance/", voice.group_session_attendance, name="group_session_attendance"),
    path("group-sessions/<int:pk>/answer/", voice.group_session_answer, name="group_session_answer"),
    path("partnership/feedback/", voice.feedback_list, name="feedback_list"),
]
