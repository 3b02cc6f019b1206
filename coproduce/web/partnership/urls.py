from django.urls import path

from coproduce.web.partnership import (
    board_views,
    budget_views,
    dashboard_views,
    enquiries,
    organisations,
    participants,
    rating_views,
    staff,
    views,
    voice,
)

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
    path("partnership/service-ratings/", rating_views.service_ratings, name="service_ratings"),
    path("partnership/dashboard/", dashboard_views.partnership_dashboard_page, name="partnership_dashboard"),
    path(
        "partnership/dashboard/<slug:table>.<slug:fmt>",
        dashboard_views.partnership_dashboard_export,
        name="partnership_dashboard_export",
    ),
    path("board/", board_views.board_home, name="board_home"),
    path("board/documents/<int:pk>/", board_views.board_document_download, name="board_document_download"),
    path("partnership/board/", board_views.board_page, name="board"),
    path("partnership/board/meetings/new/", board_views.board_meeting_add, name="board_meeting_add"),
    path("partnership/board/meetings/<int:pk>/edit/", board_views.board_meeting_edit, name="board_meeting_edit"),
    path("partnership/board/decisions/new/", board_views.board_decision_add, name="board_decision_add"),
    path("partnership/board/decisions/<int:pk>/edit/", board_views.board_decision_edit, name="board_decision_edit"),
    path("partnership/board/documents/new/", board_views.board_document_add, name="board_document_add"),
    path("partnership/board/members/new/", board_views.board_member_add, name="board_member_add"),
    path("partnership/board/members/<int:pk>/edit/", board_views.board_member_edit, name="board_member_edit"),
]

# Engagement targets (propose/agree) and the area's grants, read-only (target_views.py).
from coproduce.web.partnership import target_views  # noqa: E402

urlpatterns += [
    path("partnership/targets/", target_views.area_targets, name="area_targets"),
    path("partnership/targets/new/", target_views.area_target_propose, name="area_target_propose"),
    path("partnership/targets/<int:pk>/change/", target_views.area_target_change, name="area_target_change"),
    path("partnership/targets/<int:pk>/agree/", target_views.area_target_agree, name="area_target_agree"),
    path("partnership/grants/", target_views.area_grants, name="area_grants"),
    path("partnership/budgets/", budget_views.area_budgets, name="area_budgets"),
    path("partnership/budgets/new/", budget_views.budget_pot_add, name="budget_pot_add"),
    path("partnership/budgets/<int:pk>/edit/", budget_views.budget_pot_edit, name="budget_pot_edit"),
]

# Requests made to staff for a copy of someone's data (subject access, subject_access_views.py).
from coproduce.web.partnership import subject_access_views  # noqa: E402

urlpatterns += [
    path("partnership/subject-access/", subject_access_views.subject_access_list, name="subject_access_list"),
    path(
        "participants/<int:pk>/subject-access/new/", subject_access_views.subject_access_add, name="subject_access_add"
    ),
    path("subject-access/<int:pk>/", subject_access_views.subject_access_detail, name="subject_access_detail"),
    path(
        "subject-access/<int:pk>/prepare/", subject_access_views.subject_access_prepare, name="subject_access_prepare"
    ),
    path(
        "subject-access/<int:pk>/notes/<int:note_pk>/",
        subject_access_views.subject_access_note_decision,
        name="subject_access_note_decision",
    ),
    path("subject-access/<int:pk>/extend/", subject_access_views.subject_access_extend, name="subject_access_extend"),
    path(
        "subject-access/<int:pk>/release/", subject_access_views.subject_access_release, name="subject_access_release"
    ),
    path(
        "subject-access/<int:pk>/download/",
        subject_access_views.subject_access_download,
        name="subject_access_download",
    ),
]

# Keeping and erasing personal data: the schedule, erasure requests (retention_views.py).
from coproduce.web.partnership import retention_views  # noqa: E402

urlpatterns += [
    path("partnership/retention/", retention_views.retention_overview, name="retention"),
    path("participants/<int:pk>/erasure-request/", retention_views.erasure_request_add, name="erasure_request_add"),
    path(
        "partnership/erasure-requests/<int:pk>/",
        retention_views.erasure_request_detail,
        name="erasure_request_detail",
    ),
    path(
        "partnership/erasure-requests/<int:pk>/decide/",
        retention_views.erasure_request_decide,
        name="erasure_request_decide",
    ),
]
