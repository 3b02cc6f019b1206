"""A refused caller is refused whatever they send: the refusal comes before any complaint about the body.

ninja checks a request's body against the route's schema before the route's code runs, and some
services check a value (a date, a reason) before they check who is asking. Left alone, someone
who may not see a record would be told "version: Enter a whole number." (400) for one body and
"No such participant." (404) for another. So every write route names here the check its service
makes before it acts: the record the path (or, for a new record, the body) names, looked up
through the same visibility function, and the same `rules` permission or role.

`refuse_before_complaining` wraps every operation of the API: when a request is about to be
answered 400, 409 or 422, the route's check is made, and a caller it refuses gets that refusal
(404, or 403 where the service says 403) instead. Nothing was changed either way (a service
raises before it writes, inside its transaction). The check runs only on the way to such an
answer, so a good request costs no extra query, and the answer is the one a check made first
would give. tests/access/test_refusals_ignore_the_body.py sends malformed bodies to every write
route as every role the access matrix refuses.
"""

import functools
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import rules
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.budgets.selectors import pots_visible_to, spends_visible_to
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.directory.selectors import services_editable_by
from coproduce.outcomes.selectors import outcomes_visible_to, sustainment_checks_visible_to
from coproduce.participants.models import Consent
from coproduce.participants.selectors import enquiries_visible_to, participants_visible_to
from coproduce.plans.models import Appointment, Goal, JobSearchEntry, Step
from coproduce.plans.selectors.contacts import contacts_visible_to
from coproduce.programmes.selectors.funding import (
    funder_users,
    grants_visible_to,
    partnerships_for_funding,
    target_side,
    targets_visible_to,
)
from coproduce.programmes.standing import standing_of
from coproduce.referrals.selectors import referrals_visible_to
from coproduce.research.models import SurveyInvitation, Theme
from coproduce.research.selectors import (
    codebooks_visible_to,
    codes_visible_to,
    interviews_visible_to,
    quotes_visible_to,
    segments_visible_to,
    stakeholders_visible_to,
    surveys_visible_to,
    transcripts_visible_to,
    waves_visible_to,
)
from coproduce.voice.selectors import group_sessions_visible_to

# (the caller, the path's parameters as the URL gave them, the request) → None, or a refusal raised.
Check = Callable[[ActingUser, Mapping[str, Any], HttpRequest], None]

# Answers that complain about what was sent; a refusal, if due, is given instead.
REVISITED = frozenset({400, 409, 422})
REFUSED = "You cannot do this."


def _number(params: Mapping[str, Any], name: str, what: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise NotFound(f"No such {what}.") from None


def _one(rows: QuerySet[Any], pk: object, what: str) -> Any:
    row = rows.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"No such {what}.")
    return row


def _may(permission: str, actor: ActingUser, obj: object = None) -> None:
    if not rules.has_perm(permission, actor, obj):
        raise NotAllowed(REFUSED)


def record(
    param: str,
    visible: Callable[[ActingUser], QuerySet[Any]],
    what: str,
    permission: str | None = None,
    of: Callable[[Any], object] = lambda row: row,
) -> Check:
    """The record `param` names must be among `visible(caller)` (404), and `permission` hold on `of(it)` (403)."""

    def check(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
        row = _one(visible(actor), _number(params, param, what), what)
        if permission is not None:
            _may(permission, actor, of(row))

    return check


def allowed(permission: str) -> Check:
    """A permission of the caller's roles, with no record (403)."""

    def check(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
        _may(permission, actor)

    return check


def both(*checks: Check) -> Check:
    def check(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
        for each in checks:
            each(actor, params, request)

    return check


def _body_number(request: HttpRequest, field: str) -> int | None:
    """`field` of a JSON object body when it is a whole number; None for any other body."""
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):
        return None
    value = body.get(field) if isinstance(body, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def named_in_body(
    field: str,
    visible: Callable[[ActingUser], QuerySet[Any]],
    what: str,
    permission: str,
    roles: tuple[Role, ...],
) -> Check:
    """For a new record: the one `field` of the body names (as `record`), or, when the body names
    none, whether the caller sees any such record (404) and holds one of `roles` (403)."""

    def check(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
        pk = _body_number(request, field)
        if pk is not None:
            _may(permission, actor, _one(visible(actor), pk, what))
            return
        if not visible(actor).exists():
            raise NotFound(f"No such {what}.")
        if not any(standing_of(actor).has(role) for role in roles):
            raise NotAllowed(REFUSED)

    return check


def _service_uuid(params: Mapping[str, Any]) -> uuid.UUID:
    try:
        return uuid.UUID(str(params["service_id"]))
    except (KeyError, ValueError):
        raise NotFound("No such service.") from None


def editable_service(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
    # The directory is public, but a service someone may not edit "does not exist" for editing.
    service = _one(services_editable_by(actor), _service_uuid(params), "service")
    if not rules.has_perm("directory.change_service", actor, service):
        raise NotFound("No such service.")


def new_step(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
    """The participant suggests a step on their own goal; staff who work on the plan offer one."""
    goal = _one(_of_visible_participants(Goal, actor), _number(params, "goal_id", "goal"), "goal")
    if standing_of(actor).participant_id != goal.participant_id:
        _may("plans.work_on_plan", actor, goal.participant)


def agreeable_target(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
    """A target is agreed by the other side from the one that proposed it."""
    target = _one(targets_visible_to(actor), _number(params, "target_id", "target"), "target")
    _may("programmes.agree_target", actor, target)
    proposer_side = "funder" if funder_users([target.proposed_by_id]) else "partnership"
    if target.agreed_at is None and target_side(actor) == proposer_side:
        raise NotAllowed(REFUSED)


def own_participant(permission: str) -> Check:
    """Something a participant does for themselves (a request, feedback)."""

    def check(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
        participant_id = standing_of(actor).participant_id
        participant = participants_visible_to(actor).filter(pk=participant_id).first() if participant_id else None
        if participant is None:
            raise NotAllowed(REFUSED)
        _may(permission, actor, participant)

    return check


def research_consent_of(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
    participant = _one(participants_visible_to(actor), _number(params, "participant_id", "participant"), "participant")
    if not rules.has_perm("research.record_research_consent", actor, participant):
        raise NotFound("No such participant.")


def own_invitation(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
    invitation = SurveyInvitation.objects.filter(pk=_number(params, "invitation_id", "survey invitation")).first()
    if invitation is None or not rules.has_perm("research.answer_survey", actor, invitation):
        raise NotFound("No such survey invitation.")


def _of_visible_participants(model: type[Model], actor: ActingUser, through: str = "participant") -> QuerySet[Any]:
    return model.objects.filter(**{f"{through}__in": participants_visible_to(actor)})  # type: ignore[attr-defined]


def _sharing_consents(actor: ActingUser) -> QuerySet[Consent]:
    return _of_visible_participants(Consent, actor)


def _appointments(actor: ActingUser) -> QuerySet[Appointment]:
    return _of_visible_participants(Appointment, actor)


def _goals(actor: ActingUser) -> QuerySet[Goal]:
    return _of_visible_participants(Goal, actor)


def _steps(actor: ActingUser) -> QuerySet[Step]:
    return _of_visible_participants(Step, actor, through="goal__participant")


def _job_search_entries(actor: ActingUser) -> QuerySet[JobSearchEntry]:
    return _of_visible_participants(JobSearchEntry, actor)


def _themes(actor: ActingUser) -> QuerySet[Theme]:
    return Theme.objects.filter(codebook__in=codebooks_visible_to(actor))


def _participant(row: Any) -> Any:
    return row.participant


EVALUATOR = allowed("research.work_on_evaluation")


def evaluator(param: str, visible: Callable[[ActingUser], QuerySet[Any]], what: str) -> Check:
    """Evaluators only (403), then the evaluation record `param` names (404)."""
    return both(EVALUATOR, record(param, visible, what))


def survey_part(param: str, part: str, what: str) -> Check:
    """A question or point of a survey the evaluator may see."""

    def check(actor: ActingUser, params: Mapping[str, Any], request: HttpRequest) -> None:
        survey = _one(surveys_visible_to(actor), _number(params, "survey_id", "survey"), "survey")
        _one(getattr(survey, part).all(), _number(params, param, what), what)

    return both(EVALUATOR, check)


def _participant_record(permission: str) -> Check:
    return record("participant_id", participants_visible_to, "participant", permission)


_CASEWORK = (Role.KEYWORKER,)
_REFERRAL_CHANGES = {
    "agree_to_referral": "referrals.agree",
    "send_referral": "referrals.send",
    "accept_referral": "referrals.answer",
    "decline_referral": "referrals.answer",
    "start_referral": "referrals.answer",
    "complete_referral": "referrals.answer",
    "referral_did_not_start": "referrals.answer",
    "withdraw_referral": "referrals.withdraw",
}
_SPEND_CHANGES = {
    "answer_spend": "budgets.answer_spend",
    "approve_spend": "budgets.approve_spend",
    "decline_spend": "budgets.decline_spend",
    "cancel_spend": "budgets.cancel_spend",
    "attach_receipt": "budgets.attach_receipt",
}
_STEP_ANSWERS = ("agree_step", "decline_step", "talk_step", "change_answer_step", "complete_step", "stop_step")
_SURVEY_CHANGES = (
    "update_research_survey",
    "open_research_survey",
    "close_research_survey",
    "add_research_survey_question",
    "reorder_research_survey_questions",
    "add_research_survey_point",
)
_TRANSCRIPT_CHANGES = (
    "rename_research_transcript",
    "delete_research_transcript",
    "apply_research_transcript_redactions",
    "redact_research_transcript_passage",
    "research_transcript_ready",
    "leave_in_research_transcript_suggestions",
    "create_research_segments",
    "settle_research_consensus",
)
_EVALUATION_ONLY = (
    "create_research_quote",
    "create_research_codebook",
    "create_research_wave",
    "create_research_stakeholder",
    "create_research_interview",
    "research_sampling_proposal",
    "research_sampling_accept",
    "create_research_survey",
    "upload_research_transcript",
    "set_research_transcript_policy",
)

# Every write route of the API by its name, with the check its service makes before it acts.
CHECKS: dict[str, Check] = {
    # Participants and enquiries.
    "register_participant": allowed("participants.register_participant"),
    "update_participant": _participant_record("participants.change_participant"),
    "allocate_enquiry": record("enquiry_id", enquiries_visible_to, "enquiry", "participants.allocate_enquiry"),
    # The directory.
    "update_service": editable_service,
    "mark_service_checked": editable_service,
    "import_directory": allowed("directory.import_hsds"),
    # Referrals and consent to share.
    "propose_referral": named_in_body(
        "participant_id", participants_visible_to, "participant", "referrals.propose", (Role.PARTICIPANT, *_CASEWORK)
    ),
    "record_signposting": named_in_body(
        "participant_id", participants_visible_to, "participant", "referrals.signpost", _CASEWORK
    ),
    **{
        name: record("referral_id", referrals_visible_to, "referral", permission)
        for name, permission in _REFERRAL_CHANGES.items()
    },
    "withdraw_sharing_consent": record(
        "consent_id", _sharing_consents, "consent", "referrals.withdraw_consent", _participant
    ),
    # Budgets.
    "create_budget_pot": allowed("budgets.create_pot"),
    "update_budget_pot": record("pot_id", pots_visible_to, "budget pot", "budgets.change_pot"),
    "request_spend": named_in_body(
        "participant_id", participants_visible_to, "participant", "budgets.request_spend", _CASEWORK
    ),
    **{name: record("spend_id", spends_visible_to, "spend", permission) for name, permission in _SPEND_CHANGES.items()},
    # Contacts and appointments.
    "record_contact": _participant_record("plans.record_contact"),
    "update_contact": record("contact_id", contacts_visible_to, "contact", "plans.record_contact", _participant),
    "book_appointment": _participant_record("plans.manage_appointments"),
    "update_appointment": record(
        "appointment_id", _appointments, "appointment", "plans.manage_appointments", _participant
    ),
    "rearrange_appointment": record(
        "appointment_id", _appointments, "appointment", "plans.ask_to_rearrange", _participant
    ),
    # Funding.
    "propose_target": named_in_body(
        "partnership_id",
        partnerships_for_funding,
        "partnership",
        "programmes.propose_target",
        (Role.FUNDER, Role.PARTNERSHIP_MANAGER),
    ),
    "agree_target": agreeable_target,
    "record_grant": allowed("programmes.manage_grants"),
    "update_grant": both(allowed("programmes.manage_grants"), record("grant_id", grants_visible_to, "grant")),
    "set_labour_market": allowed("programmes.manage_labour_market"),
    # Outcomes.
    "record_outcome": _participant_record("outcomes.record_outcome"),
    "update_outcome": record("outcome_id", outcomes_visible_to, "outcome", "outcomes.record_outcome", _participant),
    "answer_sustainment_check": record(
        "check_id",
        sustainment_checks_visible_to,
        "sustainment check",
        "outcomes.answer_sustainment_check",
        lambda check: check.outcome.participant,
    ),
    # Plans, progress and the job-search log.
    "record_assessment": _participant_record("plans.work_on_plan"),
    "add_goal": _participant_record("plans.add_own_goal"),
    "update_goal": record("goal_id", _goals, "goal", "plans.add_own_goal", _participant),
    "add_step": new_step,
    **{
        name: record("step_id", _steps, "step", "plans.answer_step", lambda step: step.goal.participant)
        for name in _STEP_ANSWERS
    },
    "record_progress_check": _participant_record("plans.record_progress_check"),
    "add_job_search_entry": _participant_record("plans.log_job_search"),
    "update_job_search_entry": record(
        "entry_id", _job_search_entries, "job-search entry", "plans.log_job_search", _participant
    ),
    "delete_job_search_entry": record(
        "entry_id", _job_search_entries, "job-search entry", "plans.remove_job_search_entry"
    ),
    # Participants' voice.
    "make_request": own_participant("voice.make_request"),
    "give_feedback": own_participant("voice.give_feedback"),
    "create_group_session": allowed("voice.run_group_sessions"),
    "update_group_session": record(
        "group_session_id", group_sessions_visible_to, "group session", "voice.manage_group_session"
    ),
    "invite_requesters": record(
        "group_session_id", group_sessions_visible_to, "group session", "voice.manage_group_session"
    ),
    # Research consent (the participant's, their keyworker's or manager's) and survey answers.
    "give_research_consent": research_consent_of,
    "withdraw_research_consent": research_consent_of,
    "answer_research_survey": own_invitation,
    # The evaluation: evaluators only, then the record.
    **dict.fromkeys(_EVALUATION_ONLY, EVALUATOR),
    "update_research_quote": evaluator("quote_id", quotes_visible_to, "quote"),
    "delete_research_quote": evaluator("quote_id", quotes_visible_to, "quote"),
    "update_research_codebook": evaluator("codebook_id", codebooks_visible_to, "codebook"),
    "create_research_theme": evaluator("codebook_id", codebooks_visible_to, "codebook"),
    "reorder_research_themes": evaluator("codebook_id", codebooks_visible_to, "codebook"),
    "create_research_code": evaluator("codebook_id", codebooks_visible_to, "codebook"),
    "import_research_project_qdpx": evaluator("codebook_id", codebooks_visible_to, "codebook"),
    "update_research_theme": evaluator("theme_id", _themes, "theme"),
    "update_research_code": evaluator("code_id", codes_visible_to, "code"),
    "delete_research_segment": evaluator("segment_id", segments_visible_to, "coded segment"),
    **{name: evaluator("transcript_id", transcripts_visible_to, "transcript") for name in _TRANSCRIPT_CHANGES},
    "update_research_wave": evaluator("wave_id", waves_visible_to, "wave"),
    "update_research_stakeholder": evaluator("stakeholder_id", stakeholders_visible_to, "stakeholder"),
    "withdraw_research_stakeholder": evaluator("stakeholder_id", stakeholders_visible_to, "stakeholder"),
    "update_research_interview": evaluator("interview_id", interviews_visible_to, "interview"),
    **{name: evaluator("survey_id", surveys_visible_to, "survey") for name in _SURVEY_CHANGES},
    "update_research_survey_question": survey_part("question_id", "questions", "question in this survey"),
    "remove_research_survey_question": survey_part("question_id", "questions", "question in this survey"),
    "update_research_survey_point": survey_part("point_id", "points", "point in this survey"),
    "remove_research_survey_point": survey_part("point_id", "points", "point in this survey"),
}
# Write routes that need no check here: open to anyone, or reading their body only after checking
# the caller themselves (coproduce/api/v1/subject_access.py).
NO_CHECK_NEEDED = frozenset({"submit_enquiry", "request_subject_access", "request_own_subject_access"})


def refuse_before_complaining(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps an operation's `run` (ninja's "view" decorators): see the module docstring."""
    operation = getattr(run, "__self__", None)
    check = CHECKS.get(getattr(operation, "url_name", "") or "")
    if operation is None or check is None:
        return run

    @functools.wraps(run)
    def run_refusing_first(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = run(request, *args, **kwargs)
        actor: ActingUser | None = getattr(request, "auth", None)  # set by api_auth once the caller is known
        if response.status_code not in REVISITED or actor is None:
            return response
        try:
            check(actor, kwargs, request)
        except DomainError as refusal:
            return operation.api.on_exception(request, refusal)
        return response

    return run_refusing_first
