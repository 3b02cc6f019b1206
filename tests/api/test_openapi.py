"""The OpenAPI schema and the documentation page, which must work offline."""

import re
import typing
from collections import defaultdict
from typing import Any

from django.test import Client
from django.urls import reverse
from pydantic import BaseModel

from coproduce.api.v1.api import api
from tests.personas import Personas

OPERATIONS = {
    ("get", "/api/v1/participants"): "list_participants",
    ("post", "/api/v1/participants"): "register_participant",
    ("get", "/api/v1/participants/{participant_id}"): "participant_detail",
    ("patch", "/api/v1/participants/{participant_id}"): "update_participant",
    ("get", "/api/v1/enquiries"): "list_enquiries",
    ("post", "/api/v1/enquiries"): "submit_enquiry",
    ("get", "/api/v1/enquiries/{enquiry_id}"): "enquiry_detail",
    ("post", "/api/v1/enquiries/{enquiry_id}/allocate"): "allocate_enquiry",
    ("get", "/api/v1/partnerships"): "list_partnerships",
    ("get", "/api/v1/partnerships/{partnership_id}"): "partnership_detail",
    ("get", "/api/v1/organisations"): "list_organisations",
    ("get", "/api/v1/organisations/{organisation_id}"): "organisation_detail",
    ("get", "/api/v1/staff"): "list_staff",
    ("get", "/api/v1/requests"): "list_requests",
    ("post", "/api/v1/requests"): "make_request",
    ("get", "/api/v1/requests/board"): "requests_board",
    ("get", "/api/v1/group-sessions"): "list_group_sessions",
    ("post", "/api/v1/group-sessions"): "create_group_session",
    ("get", "/api/v1/group-sessions/{group_session_id}"): "group_session_detail",
    ("patch", "/api/v1/group-sessions/{group_session_id}"): "update_group_session",
    ("post", "/api/v1/group-sessions/{group_session_id}/invite"): "invite_requesters",
    ("post", "/api/v1/feedback"): "give_feedback",
    ("get", "/api/v1/participants/{participant_id}/contacts"): "list_contacts",
    ("post", "/api/v1/participants/{participant_id}/contacts"): "record_contact",
    ("patch", "/api/v1/contacts/{contact_id}"): "update_contact",
    ("get", "/api/v1/participants/{participant_id}/appointments"): "list_appointments",
    ("post", "/api/v1/participants/{participant_id}/appointments"): "book_appointment",
    ("patch", "/api/v1/appointments/{appointment_id}"): "update_appointment",
    ("post", "/api/v1/appointments/{appointment_id}/rearrange"): "rearrange_appointment",
    ("get", "/api/v1/participants/{participant_id}/assessments"): "list_assessments",
    ("post", "/api/v1/participants/{participant_id}/assessments"): "record_assessment",
    ("get", "/api/v1/participants/{participant_id}/goals"): "list_goals",
    ("post", "/api/v1/participants/{participant_id}/goals"): "add_goal",
    ("patch", "/api/v1/goals/{goal_id}"): "update_goal",
    ("post", "/api/v1/goals/{goal_id}/steps"): "add_step",
    ("post", "/api/v1/steps/{step_id}/agree"): "agree_step",
    ("post", "/api/v1/steps/{step_id}/decline"): "decline_step",
    ("post", "/api/v1/steps/{step_id}/talk"): "talk_step",
    ("post", "/api/v1/steps/{step_id}/change-answer"): "change_answer_step",
    ("post", "/api/v1/steps/{step_id}/complete"): "complete_step",
    ("post", "/api/v1/steps/{step_id}/stop"): "stop_step",
    ("get", "/api/v1/participants/{participant_id}/progress-checks"): "list_progress_checks",
    ("post", "/api/v1/participants/{participant_id}/progress-checks"): "record_progress_check",
    ("get", "/api/v1/participants/{participant_id}/job-search"): "list_job_search_entries",
    ("post", "/api/v1/participants/{participant_id}/job-search"): "add_job_search_entry",
    ("patch", "/api/v1/job-search/{entry_id}"): "update_job_search_entry",
    ("delete", "/api/v1/job-search/{entry_id}"): "delete_job_search_entry",
    ("get", "/api/v1/directory/services"): "list_services",
    ("get", "/api/v1/directory/services/{service_id}"): "service_detail",
    ("patch", "/api/v1/directory/services/{service_id}"): "update_service",
    ("post", "/api/v1/directory/services/{service_id}/checked"): "mark_service_checked",
    ("post", "/api/v1/directory/import"): "import_directory",
    ("get", "/api/v1/participants/{participant_id}/suggestions"): "participant_suggestions",
    ("get", "/api/v1/referrals"): "list_referrals",
    ("post", "/api/v1/referrals"): "propose_referral",
    ("get", "/api/v1/referrals/{referral_id}"): "referral_detail",
    ("post", "/api/v1/signposting"): "record_signposting",
    ("post", "/api/v1/referrals/{referral_id}/agree"): "agree_to_referral",
    ("post", "/api/v1/referrals/{referral_id}/send"): "send_referral",
    ("post", "/api/v1/referrals/{referral_id}/accept"): "accept_referral",
    ("post", "/api/v1/referrals/{referral_id}/decline"): "decline_referral",
    ("post", "/api/v1/referrals/{referral_id}/start"): "start_referral",
    ("post", "/api/v1/referrals/{referral_id}/complete"): "complete_referral",
    ("post", "/api/v1/referrals/{referral_id}/did-not-start"): "referral_did_not_start",
    ("post", "/api/v1/referrals/{referral_id}/withdraw"): "withdraw_referral",
    ("get", "/api/v1/me/data-holders"): "my_data_holders",
    ("post", "/api/v1/consents/{consent_id}/withdraw-sharing"): "withdraw_sharing_consent",
    ("get", "/api/v1/grants/360giving"): "grants_360giving",
    ("get", "/api/v1/targets"): "list_targets",
    ("post", "/api/v1/targets"): "propose_target",
    ("post", "/api/v1/targets/{target_id}/agree"): "agree_target",
    ("get", "/api/v1/grants"): "list_grants",
    ("post", "/api/v1/grants"): "record_grant",
    ("get", "/api/v1/grants/{grant_id}"): "grant_detail",
    ("patch", "/api/v1/grants/{grant_id}"): "update_grant",
    ("get", "/api/v1/labour-market"): "list_labour_market",
    ("post", "/api/v1/labour-market"): "set_labour_market",
    ("get", "/api/v1/participants/{participant_id}/outcomes"): "list_outcomes",
    ("post", "/api/v1/participants/{participant_id}/outcomes"): "record_outcome",
    ("get", "/api/v1/outcomes/{outcome_id}"): "get_outcome",
    ("patch", "/api/v1/outcomes/{outcome_id}"): "update_outcome",
    ("post", "/api/v1/sustainment-checks/{check_id}/answer"): "answer_sustainment_check",
    ("get", "/api/v1/sustainment-checks/due"): "due_sustainment_checks",
    ("get", "/api/v1/stats/programme"): "programme_stats",
    ("get", "/api/v1/budget-pots"): "list_budget_pots",
    ("post", "/api/v1/budget-pots"): "create_budget_pot",
    ("get", "/api/v1/budget-pots/{pot_id}"): "budget_pot_detail",
    ("patch", "/api/v1/budget-pots/{pot_id}"): "update_budget_pot",
    ("get", "/api/v1/spends"): "list_spends",
    ("post", "/api/v1/spends"): "request_spend",
    ("get", "/api/v1/me/spends"): "my_spends",
    ("get", "/api/v1/spends/{spend_id}"): "spend_detail",
    ("post", "/api/v1/spends/{spend_id}/answer"): "answer_spend",
    ("post", "/api/v1/spends/{spend_id}/approve"): "approve_spend",
    ("post", "/api/v1/spends/{spend_id}/decline"): "decline_spend",
    ("post", "/api/v1/spends/{spend_id}/cancel"): "cancel_spend",
    ("post", "/api/v1/spends/{spend_id}/receipt"): "attach_receipt",
    ("get", "/api/v1/research/consents/participants/{participant_id}"): "get_research_consent",
    ("put", "/api/v1/research/consents/participants/{participant_id}"): "give_research_consent",
    ("delete", "/api/v1/research/consents/participants/{participant_id}"): "withdraw_research_consent",
    ("get", "/api/v1/research/waves"): "list_research_waves",
    ("post", "/api/v1/research/waves"): "create_research_wave",
    ("get", "/api/v1/research/waves/{wave_id}"): "research_wave_detail",
    ("patch", "/api/v1/research/waves/{wave_id}"): "update_research_wave",
    ("get", "/api/v1/research/stakeholders"): "list_research_stakeholders",
    ("post", "/api/v1/research/stakeholders"): "create_research_stakeholder",
    ("get", "/api/v1/research/stakeholders/{stakeholder_id}"): "research_stakeholder_detail",
    ("patch", "/api/v1/research/stakeholders/{stakeholder_id}"): "update_research_stakeholder",
    ("post", "/api/v1/research/stakeholders/{stakeholder_id}/withdraw"): "withdraw_research_stakeholder",
    ("get", "/api/v1/research/interviews"): "list_research_interviews",
    ("post", "/api/v1/research/interviews"): "create_research_interview",
    ("get", "/api/v1/research/interviews/{interview_id}"): "research_interview_detail",
    ("patch", "/api/v1/research/interviews/{interview_id}"): "update_research_interview",
    ("get", "/api/v1/research/table1"): "research_table1",
    ("post", "/api/v1/research/sampling/proposal"): "research_sampling_proposal",
    ("post", "/api/v1/research/sampling/accept"): "research_sampling_accept",
    ("get", "/api/v1/research/transcripts"): "list_research_transcripts",
    ("post", "/api/v1/research/transcripts"): "upload_research_transcript",
    ("get", "/api/v1/research/transcripts/policy"): "research_transcript_policy",
    ("put", "/api/v1/research/transcripts/policy"): "set_research_transcript_policy",
    ("get", "/api/v1/research/transcripts/{transcript_id}"): "research_transcript_detail",
    ("patch", "/api/v1/research/transcripts/{transcript_id}"): "rename_research_transcript",
    ("delete", "/api/v1/research/transcripts/{transcript_id}"): "delete_research_transcript",
    ("get", "/api/v1/research/transcripts/{transcript_id}/suggestions"): "research_transcript_suggestions",
    ("post", "/api/v1/research/transcripts/{transcript_id}/redactions"): "apply_research_transcript_redactions",
    ("post", "/api/v1/research/transcripts/{transcript_id}/redact-passage"): "redact_research_transcript_passage",
    ("post", "/api/v1/research/transcripts/{transcript_id}/ready"): "research_transcript_ready",
    ("post", "/api/v1/research/transcripts/{transcript_id}/suggestions/left-in"): (
        "leave_in_research_transcript_suggestions"
    ),
    ("get", "/api/v1/research/transcripts/{transcript_id}/original"): "research_transcript_original",
    ("get", "/api/v1/research/codebooks"): "list_research_codebooks",
    ("post", "/api/v1/research/codebooks"): "create_research_codebook",
    ("get", "/api/v1/research/codebooks/{codebook_id}"): "research_codebook_detail",
    ("patch", "/api/v1/research/codebooks/{codebook_id}"): "update_research_codebook",
    ("post", "/api/v1/research/codebooks/{codebook_id}/themes"): "create_research_theme",
    ("put", "/api/v1/research/codebooks/{codebook_id}/theme-order"): "reorder_research_themes",
    ("patch", "/api/v1/research/themes/{theme_id}"): "update_research_theme",
    ("post", "/api/v1/research/codebooks/{codebook_id}/codes"): "create_research_code",
    ("patch", "/api/v1/research/codes/{code_id}"): "update_research_code",
    ("get", "/api/v1/research/transcripts/{transcript_id}/segments"): "list_research_segments",
    ("post", "/api/v1/research/transcripts/{transcript_id}/segments"): "create_research_segments",
    ("delete", "/api/v1/research/segments/{segment_id}"): "delete_research_segment",
    ("post", "/api/v1/research/transcripts/{transcript_id}/consensus"): "settle_research_consensus",
    ("get", "/api/v1/research/agreement"): "research_agreement",
    ("get", "/api/v1/research/quotes"): "list_research_quotes",
    ("post", "/api/v1/research/quotes"): "create_research_quote",
    ("patch", "/api/v1/research/quotes/{quote_id}"): "update_research_quote",
    ("delete", "/api/v1/research/quotes/{quote_id}"): "delete_research_quote",
    ("get", "/api/v1/research/exports/quotes"): "export_research_quotes",
    ("get", "/api/v1/research/exports/segments"): "export_research_segments",
    ("get", "/api/v1/research/exports/codebooks/{codebook_id}"): "export_research_codebook_qdc",
    ("get", "/api/v1/research/exports/codebooks/{codebook_id}/project"): "export_research_project_qdpx",
    ("post", "/api/v1/research/imports/codebooks/{codebook_id}/project"): "import_research_project_qdpx",
    ("get", "/api/v1/research/analytics/time-to-work"): "research_analytics_time_to_work",
    ("get", "/api/v1/research/analytics/paid-work-model"): "research_analytics_paid_work_model",
    ("get", "/api/v1/research/analytics/rates"): "research_analytics_rates",
    ("get", "/api/v1/research/surveys"): "list_research_surveys",
    ("post", "/api/v1/research/surveys"): "create_research_survey",
    ("get", "/api/v1/research/surveys/{survey_id}"): "research_survey_detail",
    ("patch", "/api/v1/research/surveys/{survey_id}"): "update_research_survey",
    ("post", "/api/v1/research/surveys/{survey_id}/open"): "open_research_survey",
    ("post", "/api/v1/research/surveys/{survey_id}/close"): "close_research_survey",
    ("post", "/api/v1/research/surveys/{survey_id}/questions"): "add_research_survey_question",
    ("patch", "/api/v1/research/surveys/{survey_id}/questions/{question_id}"): "update_research_survey_question",
    ("post", "/api/v1/research/surveys/{survey_id}/questions/{question_id}/remove"): "remove_research_survey_question",
    ("post", "/api/v1/research/surveys/{survey_id}/question-order"): "reorder_research_survey_questions",
    ("post", "/api/v1/research/surveys/{survey_id}/points"): "add_research_survey_point",
    ("patch", "/api/v1/research/surveys/{survey_id}/points/{point_id}"): "update_research_survey_point",
    ("post", "/api/v1/research/surveys/{survey_id}/points/{point_id}/remove"): "remove_research_survey_point",
    ("get", "/api/v1/research/surveys/{survey_id}/results"): "research_survey_results_api",
    ("get", "/api/v1/research/my-surveys"): "my_research_surveys",
    ("post", "/api/v1/research/my-surveys/{invitation_id}/answers"): "answer_research_survey",
    ("post", "/api/v1/participants/{participant_id}/subject-access"): "request_subject_access",
    ("post", "/api/v1/me/subject-access"): "request_own_subject_access",
    ("get", "/api/v1/subject-access/{request_id}"): "get_subject_access_request",
    ("get", "/api/v1/subject-access/{request_id}/download"): "download_subject_access_copy",
}


def test_the_schema_lists_every_route_by_its_url_name(db: None) -> None:
    schema = Client().get(reverse("api-v1:openapi-json")).json()

    found = {
        (method, path): operation["operationId"]
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert found == OPERATIONS
    for (method, path), name in OPERATIONS.items():
        assert schema["paths"][path][method]["summary"], f"{name} has no summary"


def test_only_asking_for_help_is_public(db: None) -> None:
    schema = Client().get(reverse("api-v1:openapi-json")).json()

    public = {
        (method, path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if not operation.get("security")
    }
    assert public == {("post", "/api/v1/enquiries")}
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "Session"}


def test_inputs_list_their_allowed_values(db: None) -> None:
    schema = Client().get(reverse("api-v1:openapi-json")).json()

    update = schema["components"]["schemas"]["ParticipantUpdateIn"]
    assert update["required"] == ["version"]
    assert update["additionalProperties"] is False
    assert update["properties"]["status"]["enum"] == ["active", "paused", "closed"]


def test_the_docs_page_lists_every_operation_and_needs_no_other_host(personas: Personas) -> None:
    response = Client().get(reverse("api-v1:openapi-view"))

    assert response.status_code == 200
    page = response.content.decode()
    for method, path in OPERATIONS:
        assert f"<code>{method.upper()} {path}</code>" in page
    assert '<html lang="en-GB">' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "the docs page loads something from another host"
    assert "cdn" not in page.lower()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert '"validatorUrl": null' in page


def _schemas_reachable_from(annotation: Any, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _schemas_reachable_from(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _schemas_reachable_from(argument, found)


def test_no_two_schemas_share_a_name() -> None:
    # django-ninja names a component after its class and silently keeps one of two same-named
    # classes, so the spec would describe one route's body or answer with another's shape.
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _schemas_reachable_from(model, found)
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in found:
        if not schema.__module__.startswith("ninja."):  # ninja's own wrappers, flattened away
            by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")

    assert len(by_name) > 100
    assert {name: sorted(where) for name, where in by_name.items() if len(where) > 1} == {}
