"""Everything held about one participant, gathered into one plain dictionary: the copy's data.json.

The rows are read through the apps' visibility functions for the person the copy is prepared
for (the participant themselves, or the manager handling a request made to staff); the DPO's
command reads as the system, which sees every row. Whoever reads, one rule is applied here:
a note restricted for a safeguarding reason is in the copy only where a manager decided, for
this request, that the serious-harm exemption does not apply to it. Otherwise the note, its
history and every audit event about it are left out, so the copy does not show that it exists.

Survey answers are never included: they are stored without any link to the person, so nobody
(not even this builder) can tell which were theirs. The shape is documented in
docs/subject-access.md and checked against schema/data.schema.json; FORMAT_VERSION changes only
if a key is removed or changes meaning.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.audit.selectors import events_shown_to_the_participant
from coproduce.budgets.models import Spend
from coproduce.budgets.selectors import spends_visible_to
from coproduce.core.errors import NotFound
from coproduce.notifications.models import Channel, Message
from coproduce.notifications.selectors import messages_visible_to
from coproduce.notifications.templates import render as render_message
from coproduce.outcomes.models import ContractType, Outcome, Sector, SustainmentCheck, WorkWish
from coproduce.outcomes.selectors import outcomes_visible_to, work_wishes_visible_to
from coproduce.participants.models import AvailabilitySlot, Child, Consent, CoverShare, Enquiry, Participant
from coproduce.participants.selectors import consents_visible_to, participants_visible_to
from coproduce.plans.models import (
    Appointment,
    Assessment,
    AssessmentBarrier,
    Contact,
    Goal,
    JobSearchEntry,
    ProgressArea,
    ProgressCheck,
    ProgressCheckDraft,
    ProgressScore,
    Step,
)
from coproduce.plans.selectors.contacts import appointments_visible_to, contacts_visible_to
from coproduce.plans.selectors.job_search import job_search_entries_visible_to
from coproduce.plans.selectors.plan import goals_visible_to
from coproduce.plans.selectors.progress import progress_checks_visible_to, progress_drafts_visible_to
from coproduce.programmes.models import StaffMember
from coproduce.referrals.models import Referral, ReferralMessage, ServiceRating, SharedField
from coproduce.referrals.selectors import referrals_visible_to
from coproduce.research.models import Interview, Quote, ResearchConsent, SurveyInvitation, Transcript
from coproduce.research.selectors import research_consents_visible_to
from coproduce.subject_access.wording import record_name, role_name
from coproduce.voice.models import Feedback, Invitation, Request, Topic
from coproduce.voice.selectors import feedback_visible_to, invitations_visible_to, requests_visible_to

FORMAT_VERSION = "2"

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class CopyScope:
    """Whose data, read as whom, and which restricted notes a manager decided to release."""

    participant_id: int
    # The person the rows are read for, through their visibility functions; None for the system
    # (the DPO's command on the server), which reads every row of the participant.
    reader: Any | None
    released_note_ids: frozenset[int] = frozenset()
    request: Any | None = None  # the SubjectAccessRequest, if the copy answers one
    # Set for a record copied inside a person's whole copy: it does not list their other records again.
    one_record_only: bool = False


@dataclass(frozen=True)
class BuiltCopy:
    data: dict[str, Any]
    restricted_note_ids: list[int]
    withheld_note_ids: list[int]
    contents: dict[str, int] = field(default_factory=dict)


# ---- how values are written ------------------------------------------------------------------


def when(value: datetime.datetime | None) -> str | None:
    """A moment in UK time with its offset (ISO 8601), or None."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else None


def day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def money(value: Decimal | None) -> str | None:
    """Pounds as a string with two decimals, so that no reader rounds it as a float."""
    return f"{value:.2f}" if value is not None else None


def number(value: Decimal | None) -> str | None:
    return f"{value.normalize():f}" if value is not None else None


def choice(value: str | int | None, choices: Any) -> dict[str, Any] | None:
    """A coded value with its plain-English label: {"code": "phone", "label": "Phone"}; None if blank."""
    if value in (None, ""):
        return None
    labels = dict(choices)
    return {"code": value, "label": str(labels.get(value, value))}


def person(user: User | None) -> str | None:
    return str(user) if user is not None else None


CHANGE_NAMES = {"+": "created", "~": "changed", "-": "deleted"}


def change(history_row: Any) -> dict[str, Any]:
    """When and how a history row changed the record, and by whom."""
    return {
        "changed_at": when(history_row.history_date),
        "change": CHANGE_NAMES.get(history_row.history_type, "changed"),
        "changed_by": person(history_row.history_user),
    }


# ---- reading ---------------------------------------------------------------------------------


class Reader:
    """Rows of one participant, through the reader's visibility functions (or every row, for the system)."""

    def __init__(self, scope: CopyScope) -> None:
        self.scope = scope
        self.user = scope.reader

    def rows(
        self, visible_to: Callable[[Any], QuerySet[Row]], model: type[Row], **by_participant: Any
    ) -> QuerySet[Row]:
        rows = visible_to(self.user) if self.user is not None else model._default_manager.all()
        return rows.filter(**by_participant)

    def participant(self) -> Participant:
        participants = (
            participants_visible_to(self.user) if self.user is not None else Participant.objects.all()
        ).select_related("partnership__programme", "keyworker__user", "user")
        participant = participants.filter(pk=self.scope.participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        return participant


def build_copy(scope: CopyScope, *, now: datetime.datetime | None = None) -> BuiltCopy:
    """Everything held about the participant, as `data.json` holds it (see docs/subject-access.md)."""
    now = now or timezone.now()
    reader = Reader(scope)
    participant = reader.participant()
    pid = participant.pk
    restricted = list(
        Contact.objects.filter(participant_id=pid, restricted_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    withheld = [note for note in restricted if note not in scope.released_note_ids]
    staff_names = _staff_names()
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "about": _about(participant, scope, now),
        "details": _details(participant),
        "details_history": _details_history(pid, staff_names),
        "account": _account(participant),
        "household": _household(pid),
        "availability": _availability(pid),
        "enquiry": _enquiry(pid),
        "consents": _consents(reader, pid),
        "assessments": _assessments(pid),
        "goals": _goals(reader, pid),
        "contacts": _contacts(reader, pid, withheld),
        "appointments": _appointments(reader, pid),
        "progress_checks": _progress_checks(reader, pid),
        "unfinished_progress_check": _unfinished_progress_check(reader, pid),
        "job_search_log": _job_search_log(reader, pid),
        "work_wish": _work_wish(reader, pid),
        "requests": _requests(reader, pid),
        "feedback": _feedback(reader, pid),
        "group_session_invitations": _group_session_invitations(reader, pid),
        "referrals": _referrals(reader, pid),
        "outcomes": _outcomes(reader, pid),
        "money_spent": _money_spent(reader, pid),
        "cover": _cover(pid),
        "research": _research(reader, pid),
        "survey_invitations": _survey_invitations(pid),
        "messages_sent": _messages_sent(reader, pid, participant.language),
        "who_looked": _who_looked(participant, withheld),
    }
    data["other_records"] = _other_records(participant, now) if _covers_the_whole_person(scope) else []
    contents = {key: len(value) for key, value in data.items() if isinstance(value, list)}
    return BuiltCopy(data=data, restricted_note_ids=restricted, withheld_note_ids=withheld, contents=contents)


def _covers_the_whole_person(scope: CopyScope) -> bool:
    """A person's own copy (and the DPO's) covers every programme they took part in. A copy made by an
    area's manager covers that area's record only: the manager sees no other programme's record."""
    request = scope.request
    return not scope.one_record_only and (request is None or request.kind == request.Kind.OWN_DOWNLOAD)


def _other_records(participant: Participant, now: datetime.datetime) -> list[dict[str, Any]]:
    """The person's records in their other programmes, each in full, earliest programme first.

    Read as the system: the person may see all of their own data, and their current programme's
    visibility rules do not reach an earlier programme's record. Restricted notes stay withheld, since
    no manager of that programme decided to release them.
    """
    if participant.user_id is None:
        return []
    others = (
        Participant.objects.filter(user_id=participant.user_id, anonymised_at__isnull=True)
        .exclude(pk=participant.pk)
        .select_related("partnership__programme")
        .order_by("partnership__programme__starts_on", "joined_on", "pk")
    )
    return [
        {
            "programme": other.partnership.programme.name,
            "participant_reference": other.reference,
            "copy": build_copy(CopyScope(participant_id=other.pk, reader=None, one_record_only=True), now=now).data,
        }
        for other in others
    ]


def _staff_names() -> dict[int, str]:
    """Staff members' names by id, for history rows that name a keyworker by id (one query)."""
    return {staff.pk: str(staff.user) for staff in StaffMember.objects.select_related("user")}


# ---- sections --------------------------------------------------------------------------------


def _about(participant: Participant, scope: CopyScope, now: datetime.datetime) -> dict[str, Any]:
    request = scope.request
    return {
        "made_at": when(now),
        "participant_reference": participant.reference,
        "programme": participant.partnership.programme.name,
        "partnership": participant.partnership.area_name,
        "request": None
        if request is None
        else {
            "reference": request.reference,
            "kind": choice(request.kind, request.Kind.choices),
            "how_made": choice(request.how_made, request.HowMade.choices),
            "received_on": day(request.received_on),
        },
    }


DETAIL_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "email",
    "mobile",
    "address",
    "postcode",
)


def _detail_values(row: Any, keyworker: str | None, partnership: str | None) -> dict[str, Any]:
    return {
        **{name: getattr(row, name) for name in DETAIL_FIELDS},
        "partnership": partnership,
        "keyworker": keyworker,
        "status": choice(row.status, Participant.Status.choices),
        "status_since": day(row.status_since),
        "joined_on": day(row.joined_on),
        "heard_about": choice(row.heard_about, Participant._meta.get_field("heard_about").choices),
        "heard_about_detail": row.heard_about_detail,
        "language": choice(row.language, Participant._meta.get_field("language").choices),
        "interpreter_language": row.interpreter_language,
    }


def _details(participant: Participant) -> dict[str, Any]:
    keyworker = str(participant.keyworker.user) if participant.keyworker is not None else None
    return {
        "reference": participant.reference,
        **_detail_values(participant, keyworker, participant.partnership.area_name),
    }


def _details_history(pid: int, staff_names: dict[int, str]) -> list[dict[str, Any]]:
    rows = (
        Participant.history.filter(id=pid).select_related("history_user", "partnership").order_by("history_date", "pk")
    )
    return [
        {
            **change(row),
            "values": _detail_values(
                row,
                staff_names.get(row.keyworker_id) if row.keyworker_id else None,
                row.partnership.area_name if row.partnership_id else None,
            ),
        }
        for row in rows
    ]


def _account(participant: Participant) -> dict[str, Any] | None:
    user = participant.user
    if user is None:
        return None
    return {
        "sign_in_name": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "mobile": user.mobile,
        "created_at": when(user.date_joined),
        "last_signed_in_at": when(user.last_login),
        "active": user.is_active,
    }


def _household(pid: int) -> dict[str, Any]:
    children = Child.objects.filter(participant_id=pid).order_by("birth_year", "pk")
    history = Child.history.filter(participant_id=pid).select_related("history_user").order_by("history_date", "pk")
    return {
        "children": [{"birth_year": child.birth_year} for child in children],
        "history": [{**change(row), "birth_year": row.birth_year} for row in history],
    }


def _availability(pid: int) -> list[dict[str, Any]]:
    slots = AvailabilitySlot.objects.filter(participant_id=pid).order_by("weekday", "part_of_day")
    return [
        {
            "weekday": choice(slot.weekday, AvailabilitySlot.Weekday.choices),
            "part_of_day": choice(slot.part_of_day, AvailabilitySlot.PartOfDay.choices),
        }
        for slot in slots
    ]


def _enquiry(pid: int) -> dict[str, Any] | None:
    enquiry = Enquiry.objects.filter(participant_id=pid).first()
    if enquiry is None:
        return None
    return {
        "received_at": when(enquiry.created_at),
        "name": enquiry.name,
        "email": enquiry.email,
        "mobile": enquiry.mobile,
        "contact_by": choice(enquiry.contact_by, Enquiry.ContactBy.choices),
        "best_time": enquiry.best_time,
        "postcode": enquiry.postcode,
        "message": enquiry.message,
        "heard_about": choice(enquiry.heard_about, Enquiry._meta.get_field("heard_about").choices),
        "status": choice(enquiry.status, Enquiry.Status.choices),
    }


def _consent_values(row: Any) -> dict[str, Any]:
    return {
        "purpose": choice(row.purpose, Consent.Purpose.choices),
        "organisation": row.organisation.name if row.organisation_id else None,
        "detail": row.detail,
        "given_at": when(row.given_at),
        "given_by": person(row.given_by),
        "given_how": choice(row.given_how, Consent.How.choices),
        "withdrawn_at": when(row.withdrawn_at),
        "withdrawn_by": person(row.withdrawn_by),
        "withdrawn_how": choice(row.withdrawn_how, Consent.How.choices),
    }


def _consents(reader: Reader, pid: int) -> list[dict[str, Any]]:
    consents = list(
        reader.rows(consents_visible_to, Consent, participant_id=pid)
        .select_related("organisation", "given_by", "withdrawn_by")
        .order_by("given_at", "pk")
    )
    history = Consent.history.filter(id__in=[consent.pk for consent in consents]).select_related(
        "history_user", "organisation", "given_by", "withdrawn_by"
    )
    by_consent: dict[int, list[Any]] = {}
    for row in history.order_by("history_date", "pk"):
        by_consent.setdefault(row.id, []).append(row)
    return [
        {
            **_consent_values(consent),
            "history": [{**change(row), **_consent_values(row)} for row in by_consent.get(consent.pk, [])],
        }
        for consent in consents
    ]


def _assessments(pid: int) -> list[dict[str, Any]]:
    # Read by the participant's id: the participant was found through participants_visible_to,
    # and assessments have no rule of their own (as plans.selectors.record.record_about reads them).
    assessments = (
        Assessment.objects.filter(participant_id=pid)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("barriers", queryset=AssessmentBarrier.objects.order_by("-importance", "barrier")))
        .order_by("assessed_on", "pk")
    )
    return [
        {
            "assessed_on": day(assessment.assessed_on),
            "recorded_by": person(assessment.recorded_by),
            "strengths": assessment.strengths,
            "aspirations": assessment.aspirations,
            "barriers": [
                {
                    "barrier": choice(barrier.barrier, barrier._meta.get_field("barrier").choices),
                    "importance": choice(barrier.importance, AssessmentBarrier.Importance.choices),
                    "own_words": barrier.own_words,
                }
                for barrier in assessment.barriers.all()
            ],
        }
        for assessment in assessments
    ]


ANSWER_FIELDS = ("state", "answered_how", "wants_to_talk", "decline_reason", "answer_recorded_by_id")


def _goals(reader: Reader, pid: int) -> list[dict[str, Any]]:
    steps = Step.objects.select_related("proposed_by_user", "answer_recorded_by").order_by("created_at", "pk")
    goals = list(
        reader.rows(goals_visible_to, Goal, participant_id=pid)
        .select_related("created_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("created_at", "pk")
    )
    step_ids = [step.pk for goal in goals for step in goal.steps.all()]
    answers: dict[int, list[dict[str, Any]]] = {}
    last_answer: dict[int, tuple[Any, ...]] = {}
    history = Step.history.filter(id__in=step_ids).select_related("history_user", "answer_recorded_by")
    for row in history.order_by("history_date", "history_id"):
        # Every answer and change of state, once each: history rows that changed something else
        # (the wording of the step) are not answers.
        answer = tuple(getattr(row, name) for name in ANSWER_FIELDS)
        if last_answer.get(row.id) == answer:
            continue
        last_answer[row.id] = answer
        answers.setdefault(row.id, []).append(
            {
                "at": when(row.history_date),
                "state": choice(row.state, Step.State.choices),
                "answered_how": choice(row.answered_how, Step.AnsweredHow.choices),
                "wants_to_talk": row.wants_to_talk,
                "decline_reason": row.decline_reason,
                "recorded_by": person(row.answer_recorded_by) or person(row.history_user),
            }
        )
    return [
        {
            "title": goal.title,
            "details": goal.details,
            "status": choice(goal.status, Goal.Status.choices),
            "added_by_participant": goal.added_by_participant,
            "created_at": when(goal.created_at),
            "created_by": person(goal.created_by),
            "steps": [
                {
                    "description": step.description,
                    "proposed_by": choice(step.proposed_by, Step.ProposedBy.choices),
                    "proposed_by_person": person(step.proposed_by_user),
                    "proposed_at": when(step.created_at),
                    "state": choice(step.state, Step.State.choices),
                    "wants_to_talk": step.wants_to_talk,
                    "answered_at": when(step.answered_at),
                    "answered_how": choice(step.answered_how, Step.AnsweredHow.choices),
                    "answer_recorded_by": person(step.answer_recorded_by),
                    "decline_reason": step.decline_reason,
                    "finished_at": when(step.finished_at),
                    "answers": answers.get(step.pk, []),
                }
                for step in goal.steps.all()
            ],
        }
        for goal in goals
    ]


def _contacts(reader: Reader, pid: int, withheld: list[int]) -> list[dict[str, Any]]:
    contacts = (
        reader.rows(contacts_visible_to, Contact, participant_id=pid)
        .exclude(pk__in=withheld)
        .select_related("recorded_by")
        .order_by("happened_on", "pk")
    )
    return [
        {
            "happened_on": day(contact.happened_on),
            "kind": choice(contact.kind, Contact.Kind.choices),
            "duration_minutes": contact.duration_minutes,
            "notes": contact.notes,
            "recorded_by": person(contact.recorded_by),
        }
        for contact in contacts
    ]


def _appointments(reader: Reader, pid: int) -> list[dict[str, Any]]:
    appointments = (
        reader.rows(appointments_visible_to, Appointment, participant_id=pid)
        .select_related("keyworker__user")
        .order_by("starts_at", "pk")
    )
    return [
        {
            "starts_at": when(appointment.starts_at),
            "duration_minutes": appointment.duration_minutes,
            "place": choice(appointment.place, Appointment.Place.choices),
            "place_details": appointment.place_details,
            "childcare_needed": appointment.childcare_needed,
            "childcare_notes": appointment.childcare_notes,
            "status": choice(appointment.status, Appointment.Status.choices),
            "rearrange_request": appointment.rearrange_request,
            "with": person(appointment.keyworker.user),
        }
        for appointment in appointments
    ]


def _progress_checks(reader: Reader, pid: int) -> list[dict[str, Any]]:
    checks = (
        reader.rows(progress_checks_visible_to, ProgressCheck, participant_id=pid)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("scores", queryset=ProgressScore.objects.order_by("area")))
        .order_by("checked_on", "pk")
    )
    return [
        {
            "checked_on": day(check.checked_on),
            "reader": choice(check.reader, check.Reader.choices),
            "recorded_by": person(check.recorded_by),
            "scores": [
                {
                    "area": choice(score.area, score._meta.get_field("area").choices),
                    "score": score.score,
                    "comment": score.comment,
                }
                for score in check.scores.all()
            ],
        }
        for check in checks
    ]


def _unfinished_progress_check(reader: Reader, pid: int) -> dict[str, Any] | None:
    """The progress check they started and have not sent: the answers kept so far, and when (one query)."""
    draft = reader.rows(progress_drafts_visible_to, ProgressCheckDraft, participant_id=pid).first()
    if draft is None:
        return None
    return {
        "started_at": when(draft.created_at),
        "last_saved_at": when(draft.updated_at),
        # In the scale's order; a skipped area has no score and no comment.
        "answers": [
            {
                "area": choice(area.value, ProgressArea.choices),
                "score": draft.answers[area.value].get("score"),
                "comment": draft.answers[area.value].get("comment", ""),
            }
            for area in ProgressArea
            if area.value in draft.answers
        ],
    }


def _job_search_log(reader: Reader, pid: int) -> list[dict[str, Any]]:
    entries = (
        reader.rows(job_search_entries_visible_to, JobSearchEntry, participant_id=pid)
        .select_related("recorded_by")
        .order_by("searched_on", "pk")
    )
    return [
        {
            "searched_on": day(entry.searched_on),
            "action": choice(entry.action, JobSearchEntry.Action.choices),
            "employer": entry.employer,
            "role": entry.role,
            "what_i_did": entry.what_i_did,
            "outcome": entry.outcome,
            "recorded_by": person(entry.recorded_by),
        }
        for entry in entries
    ]


def _work_wish(reader: Reader, pid: int) -> dict[str, Any] | None:
    wish = reader.rows(work_wishes_visible_to, WorkWish, participant_id=pid).select_related("recorded_by").first()
    if wish is None:
        return None
    return {
        "min_hours": number(wish.min_hours),
        "max_hours": number(wish.max_hours),
        "contract_types": [choice(value, ContractType.choices) for value in wish.contract_types or []],
        "note": wish.note,
        "recorded_by": person(wish.recorded_by),
    }


def _requests(reader: Reader, pid: int) -> list[dict[str, Any]]:
    requests = (
        reader.rows(requests_visible_to, Request, participant_id=pid)
        .select_related("group_session")
        .order_by("created_at", "pk")
    )
    return [
        {
            "made_at": when(request.created_at),
            "kind": choice(request.kind, Request.Kind.choices),
            "topic": choice(request.topic, Topic.choices),
            "text": request.text,
            "status": choice(request.status, Request.Status.choices),
            "answered_by_group_session": None
            if request.group_session is None
            else {
                "title": request.group_session.title,
                "starts_at": when(request.group_session.starts_at),
                "you_said_we_did": request.group_session.you_said_we_did,
            },
        }
        for request in requests
    ]


def _feedback(reader: Reader, pid: int) -> list[dict[str, Any]]:
    feedback = reader.rows(feedback_visible_to, Feedback, participant_id=pid).order_by("created_at", "pk")
    return [
        {"given_at": when(item.created_at), "text": item.text, "anonymous_to_keyworker": item.anonymous_to_keyworker}
        for item in feedback
    ]


def _group_session_invitations(reader: Reader, pid: int) -> list[dict[str, Any]]:
    invitations = (
        reader.rows(invitations_visible_to, Invitation, participant_id=pid)
        .select_related("group_session")
        .order_by("group_session__starts_at", "pk")
    )
    return [
        {
            "session": invitation.group_session.title,
            "starts_at": when(invitation.group_session.starts_at),
            "place": invitation.group_session.place,
            "response": choice(invitation.response, Invitation.Response.choices),
            "attended": invitation.attended,
        }
        for invitation in invitations
    ]


def _fields(values: Iterable[str] | None) -> list[dict[str, Any] | None]:
    chosen = set(values or [])
    return [choice(value, SharedField.choices) for value in SharedField.values if value in chosen]


def _received_by_organisation(referral: Referral) -> dict[str, Any] | None:
    """Which fields the organisation received and when: from the moment the referral was sent
    (shared fields are fixed when the participant agrees, before it is sent) until the consent
    to share was withdrawn or the referral withdrawn, whichever came first."""
    if referral.kind != Referral.Kind.REFERRAL or referral.sent_at is None or referral.organisation_id is None:
        return None
    endings = [
        moment
        for moment in (referral.consent.withdrawn_at if referral.consent is not None else None, referral.withdrawn_at)
        if moment is not None and moment >= referral.sent_at
    ]
    return {
        "organisation": referral.organisation.name,  # type: ignore[union-attr]
        "received_at": when(referral.sent_at),
        "fields": _fields(referral.shared_fields),
        "access_ended_at": when(min(endings)) if endings else None,
    }


def _referrals(reader: Reader, pid: int) -> list[dict[str, Any]]:
    referrals = list(
        reader.rows(referrals_visible_to, Referral, participant_id=pid)
        .select_related("service", "organisation", "consent", "goal", "proposed_by_user", "rating")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ReferralMessage.objects.select_related("author", "author_organisation").order_by(
                    "written_at", "pk"
                ),
            )
        )
        .order_by("proposed_at", "pk")
    )
    history = Referral.history.filter(id__in=[referral.pk for referral in referrals]).select_related("history_user")
    states: dict[int, list[dict[str, Any]]] = {}
    last_state: dict[int, str] = {}
    for row in history.order_by("history_date", "history_id"):
        if last_state.get(row.id) == row.state:
            continue
        last_state[row.id] = row.state
        states.setdefault(row.id, []).append(
            {
                "at": when(row.history_date),
                "state": choice(row.state, Referral.State.choices),
                "by": person(row.history_user),
            }
        )
    return [
        {
            "kind": choice(referral.kind, Referral.Kind.choices),
            "service": referral.service_name,
            "organisation": referral.organisation.name if referral.organisation is not None else None,
            "reason": referral.reason,
            "goal": referral.goal.title if referral.goal is not None else None,
            "state": choice(referral.state, Referral.State.choices),
            "proposed_by": choice(referral.proposed_by, Referral.ProposedBy.choices),
            "proposed_by_person": person(referral.proposed_by_user),
            "proposed_at": when(referral.proposed_at),
            "agreed_at": when(referral.agreed_at),
            "sent_at": when(referral.sent_at),
            "shared_fields": _fields(referral.shared_fields),
            "received_by_organisation": _received_by_organisation(referral),
            "answered_at": when(referral.answered_at),
            "decline_reason": choice(referral.decline_reason, Referral.DeclineReason.choices),
            "decline_detail": referral.decline_detail,
            "started_on": day(referral.started_on),
            "ended_on": day(referral.ended_on),
            "delivered": referral.delivered,
            "outcome_note": referral.outcome_note,
            "withdrawn_at": when(referral.withdrawn_at),
            "withdrawn_reason": referral.withdrawn_reason,
            "history": states.get(referral.pk, []),
            # Staff of the two organisations wrote these about the participant: their data too.
            "messages": [
                {
                    "at": when(message.written_at),
                    "by": person(message.author),
                    "organisation": message.author_organisation.name,
                    "text": message.text,
                }
                for message in referral.messages.all()
            ],
            "your_rating": _rating(getattr(referral, "rating", None)),
        }
        for referral in referrals
    ]


def _rating(rating: ServiceRating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {
        "score": rating.score,
        "comment": rating.comment,
        "anonymous": rating.anonymous,
        "at": when(rating.updated_at),
    }


def _outcomes(reader: Reader, pid: int) -> list[dict[str, Any]]:
    outcomes = (
        reader.rows(outcomes_visible_to, Outcome, participant_id=pid)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("sustainment_checks", queryset=SustainmentCheck.objects.order_by("weeks")))
        .order_by("achieved_on", "pk")
    )
    return [
        {
            "kind": choice(outcome.kind, Outcome.Kind.choices),
            "achieved_on": day(outcome.achieved_on),
            "description": outcome.description,
            "employer_sector": choice(outcome.employer_sector, Sector.choices),
            "hours_per_week": number(outcome.hours_per_week),
            "contract_type": choice(outcome.contract_type, ContractType.choices),
            "hourly_pay": money(outcome.hourly_pay),
            "evidence": choice(outcome.evidence, Outcome.Evidence.choices),
            "evidence_note": outcome.evidence_note,
            "recorded_by": person(outcome.recorded_by),
            "sustainment_checks": [
                {
                    "weeks": check.weeks,
                    "due_on": day(check.due_on),
                    "status": choice(check.status, SustainmentCheck.Status.choices),
                    "checked_on": day(check.checked_on),
                    "note": check.note,
                }
                for check in outcome.sustainment_checks.all()
            ],
        }
        for outcome in outcomes
    ]


def _money_spent(reader: Reader, pid: int) -> list[dict[str, Any]]:
    spends = (
        reader.rows(spends_visible_to, Spend, participant_id=pid)
        .select_related("pot", "goal", "requested_by", "decided_by")
        .order_by("requested_at", "pk")
    )
    return [
        {
            "requested_at": when(spend.requested_at),
            "requested_by": person(spend.requested_by),
            "category": choice(spend.category, Spend.Category.choices),
            "amount": money(spend.amount),
            "description": spend.description,
            "goal": spend.goal.title if spend.goal is not None else None,
            "not_for_a_goal_because": spend.no_goal_reason,
            "your_answer": choice(spend.participant_answer, Spend.Answer.choices),
            "answered_how": choice(spend.answered_how, Spend.AnsweredHow.choices),
            "answered_at": when(spend.answered_at),
            "from_budget": spend.pot.name,
            "state": choice(spend.state, Spend.State.choices),
            "decided_at": when(spend.decided_at),
            "decided_by": person(spend.decided_by),
            "decline_reason": spend.decline_reason,
            "receipt_kept": bool(spend.receipt),
        }
        for spend in spends
    ]


def _cover(pid: int) -> list[dict[str, Any]]:
    covers = (
        CoverShare.objects.filter(participant_id=pid)
        .select_related("covering_keyworker__user", "granted_by")
        .order_by("starts_on", "pk")
    )
    return [
        {
            "covering_keyworker": person(cover.covering_keyworker.user),
            "starts_on": day(cover.starts_on),
            "ends_on": day(cover.ends_on),
            "reason": cover.reason,
            "arranged_by": person(cover.granted_by),
            "ended_early_at": when(cover.ended_early_at),
        }
        for cover in covers
    ]


def _research(reader: Reader, pid: int) -> dict[str, Any]:
    research_consent = (
        reader.rows(research_consents_visible_to, ResearchConsent, participant_id=pid).select_related("consent").first()
    )
    if research_consent is None:
        return {"consent": None, "pseudonym": None, "interviews": [], "quotes": []}
    history = (
        ResearchConsent.history.filter(id=research_consent.pk).select_related("history_user").order_by("history_date")
    )
    # Interviews, transcripts and quotes are the evaluation's, which no casework role reads; they
    # are this person's data all the same (ADR 0006 keeps them for a data-protection request), so
    # they are read by their research consent, found above through the reader's visibility.
    interviews = (
        Interview.objects.filter(research_consent=research_consent)
        .select_related("wave", "partnership")
        .order_by("wave__starts_on", "pk")
    )
    transcripts = {
        transcript.interview_id: transcript
        for transcript in Transcript.objects.filter(interview__research_consent=research_consent)
    }
    quotes = Quote.objects.filter(transcript__interview__research_consent=research_consent).order_by(
        "transcript", "start"
    )
    return {
        "consent": {
            "given_at": when(research_consent.consent.given_at),
            "withdrawn_at": when(research_consent.consent.withdrawn_at),
            **{element: getattr(research_consent, element) for element in ResearchConsent.ELEMENTS},
            "history": [
                {**change(row), **{element: getattr(row, element) for element in ResearchConsent.ELEMENTS}}
                for row in history
            ],
        },
        "pseudonym": research_consent.pseudonym,
        "interviews": [
            {
                "wave": interview.wave.name,
                "partnership": interview.partnership.area_name,
                "status": choice(interview.status, Interview.Status.choices),
                "scheduled_for": when(interview.scheduled_for),
                "held_on": day(interview.held_on),
                "recorded": interview.recorded,
                "transcript": _transcript(transcripts.get(interview.pk)),
            }
            for interview in interviews
        ],
        "quotes": [{"text": quote.text, "attribution": quote.attribution} for quote in quotes],
    }


def _transcript(transcript: Transcript | None) -> dict[str, Any] | None:
    if transcript is None:
        return None
    # The redacted text: the names of other people (children, staff) and places are taken out.
    return {
        "title": transcript.title,
        "status": choice(transcript.status, Transcript.Status.choices),
        "text": transcript.text,
    }


def _survey_invitations(pid: int) -> list[dict[str, Any]]:
    # Whether they were asked and answered, never what they answered: answers are not linked to anyone.
    invitations = (
        SurveyInvitation.objects.filter(participant_id=pid).select_related("survey", "point").order_by("sent_on", "pk")
    )
    return [
        {
            "survey": invitation.survey.title,
            "when_asked": invitation.point.label,
            "sent_on": day(invitation.sent_on),
            "answered": invitation.answered,
        }
        for invitation in invitations
    ]


def _messages_sent(reader: Any, pid: int, language: str) -> list[dict[str, Any]]:
    """Every text and email to them: what it said (as they read it), where to, and how it got on."""
    sent = reader.rows(messages_visible_to, Message, participant_id=pid).order_by("created_at", "pk")
    copies = []
    for message in sent:
        subject, body = render_message(message.template, message.personalisation, language)
        copies.append(
            {
                "channel": choice(message.channel, Channel.choices),
                "to": message.to,
                "template": message.template,
                "template_version": message.template_version,
                "subject": subject,
                "text": body,
                "queued_at": when(message.created_at),
                "sent_at": when(message.sent_at),
                "status": choice(message.status, Message.Status.choices),
            }
        )
    return copies


def _who_looked(participant: Participant, withheld: list[int]) -> list[dict[str, Any]]:
    """Every read and change of their record, oldest first, as their "who looked" page shows it:
    without the events about a withheld note, which would tell them it exists."""
    events = events_shown_to_the_participant(participant.pk, {Contact._meta.label: withheld}).order_by("at", "pk")
    own_user_id = participant.user_id
    return [
        {
            "at": when(event.at),
            "who": _who(event, own_user_id),
            "role": "" if own_user_id is not None and event.actor_id == own_user_id else role_name(event.actor_role),
            "action": choice(event.action, AuditEvent.Action.choices),
            "record": record_name(event.record_type),
            "changed_fields": list(event.changed_fields or []),
            "purpose": event.purpose,
            "channel": choice(event.channel, AuditEvent.Channel.choices),
        }
        for event in events
    ]


def _who(event: AuditEvent, own_user_id: int | None) -> str:
    if own_user_id is not None and event.actor_id == own_user_id:
        return "You"
    if event.actor is not None:
        return str(event.actor)
    if event.actor_role == "public":
        return "Someone asking for help"
    return "The system"
