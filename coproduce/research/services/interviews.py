"""Waves, stakeholders and interviews: every change, and the audited reads of interviews.

Only evaluators (`research.work_on_evaluation`) do any of this. A participant is interviewed
only while their research consent is in force and covers interviews, and is known here only by
their pseudonym; a stakeholder only if they agreed to be interviewed. An interview moves
invited → scheduled → done or declined (done needs the day it was held); it is recorded only
if the interviewee agreed to recording.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_events, record_participant_reads
from coproduce.core.errors import NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.participants.models import Participant
from coproduce.programmes.models import Organisation, Partnership, Programme, StaffMember
from coproduce.programmes.standing import standing_of
from coproduce.research.models import Interview, ResearchConsent, Stakeholder, StakeholderRole, Wave
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import (
    interviews_visible_to,
    research_consents_visible_to,
    stakeholders_visible_to,
    waves_visible_to,
)

WAVE_FIELDS = ("year", "name", "starts_on", "ends_on")
STAKEHOLDER_FIELDS = (
    "name",
    "role",
    "partnership_id",
    "organisation_id",
    "email",
    "phone",
    "agreed_to_interview",
    "agreed_to_recording",
    "agreed_to_quotation",
    "consent_recorded_on",
)
INTERVIEW_FIELDS = (
    "status",
    "scheduled_for",
    "held_on",
    "interviewer_id",
    "consent_confirmed",
    "recorded",
    "notes",
)
# Where an interview may go next. Declined can be invited again; done is done.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    Interview.Status.INVITED: frozenset({Interview.Status.SCHEDULED, Interview.Status.DONE, Interview.Status.DECLINED}),
    Interview.Status.SCHEDULED: frozenset({Interview.Status.INVITED, Interview.Status.DONE, Interview.Status.DECLINED}),
    Interview.Status.DONE: frozenset(),
    Interview.Status.DECLINED: frozenset({Interview.Status.INVITED}),
}


NOT_EVALUATOR = "Only evaluators work on the evaluation."


def _programme(actor: ActingUser, programme_id: int | None) -> Programme:
    """The programme named, if the evaluator oversees it, or the only one they oversee. A programme they do
    not oversee is refused exactly as one that does not exist."""
    programmes = standing_of(actor).programmes
    if programme_id is not None:
        programme = next((programme for programme in programmes if programme.pk == programme_id), None)
        if programme is None:
            raise InvalidInput({"programme": ["Choose a programme."]})
        return programme
    if len(programmes) != 1:
        raise InvalidInput({"programme": ["Choose a programme."]})
    return programmes[0]


def _apply(row: Any, changes: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in unknown})
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name.removesuffix("_id"))
    return changed


def _audit(actor: ActingUser, action: str, record: Any, participant_id: int | None, fields: Any) -> None:
    record_event(
        actor=actor,
        action=action,
        record=record,
        participant_id=participant_id,
        changed_fields=fields,
    )


# ---- waves --------------------------------------------------------------------------------------


def _check_wave(wave: Wave) -> None:
    errors: dict[str, list[str]] = {}
    if wave.starts_on and wave.ends_on and wave.ends_on < wave.starts_on:
        errors["ends_on"] = ["The wave must end on or after the day it starts."]
    if Wave.objects.filter(programme_id=wave.programme_id, year=wave.year).exclude(pk=wave.pk).exists():
        errors["year"] = [f"There is already a wave for {wave.year}."]
    if errors:
        raise InvalidInput(errors)
    validate_model(wave, exclude=["programme"])


def create_wave(
    *,
    actor: ActingUser,
    year: int,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    programme_id: int | None = None,
) -> Wave:
    """An evaluator opens a wave: one a year per programme, ending on or after it starts."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    with transaction.atomic():
        wave = Wave(
            programme=_programme(actor, programme_id),
            year=year,
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        _check_wave(wave)
        wave.save()
        _audit(actor, AuditEvent.Action.CREATE, wave, None, WAVE_FIELDS)
    return wave


def update_wave(*, actor: ActingUser, wave_id: int, expected_version: int, changes: Mapping[str, Any]) -> Wave:
    """Change a wave's year, name or dates. A stale `version` changes nothing (ConflictError)."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    with transaction.atomic():
        wave = waves_visible_to(actor).select_for_update().filter(pk=wave_id).first()
        if wave is None:
            raise NotFound("No such wave.")
        wave.check_version(expected_version)
        changed = _apply(wave, changes, WAVE_FIELDS)
        if not changed:
            return wave
        _check_wave(wave)
        wave.bump_version()
        wave.save()
        _audit(actor, AuditEvent.Action.CHANGE, wave, None, changed)
    return wave


# ---- stakeholders -------------------------------------------------------------------------------


def _check_stakeholder(stakeholder: Stakeholder) -> None:
    errors: dict[str, list[str]] = {}
    if not stakeholder.name:
        errors["name"] = ["Enter their name."]
    if stakeholder.role not in StakeholderRole.values:
        errors["role"] = ["Choose their role."]
    if (
        stakeholder.partnership_id is not None
        and not Partnership.objects.filter(
            pk=stakeholder.partnership_id, programme_id=stakeholder.programme_id
        ).exists()
    ):
        errors["partnership"] = ["Choose an area of the programme."]
    if (
        stakeholder.organisation_id is not None
        and not Organisation.objects.filter(pk=stakeholder.organisation_id).exists()
    ):
        errors["organisation"] = ["Choose an organisation."]
    if (stakeholder.agreed_to_recording or stakeholder.agreed_to_quotation) and not stakeholder.agreed_to_interview:
        errors["agreed_to_interview"] = ["Recording and quotation need agreement to the interview too."]
    if errors:
        raise InvalidInput(errors)
    validate_model(stakeholder, exclude=["programme", "partnership", "organisation", "staff_member"])


def create_stakeholder(
    *,
    actor: ActingUser,
    name: str,
    role: str,
    partnership_id: int | None = None,
    organisation_id: int | None = None,
    email: str = "",
    phone: str = "",
    agreed_to_interview: bool = False,
    agreed_to_recording: bool = False,
    agreed_to_quotation: bool = False,
    consent_recorded_on: datetime.date | None = None,
    programme_id: int | None = None,
) -> Stakeholder:
    """An evaluator records someone to interview for what they do (keyworker, partner staff…),
    with what they agreed to. They gave their contact details to the evaluators themselves."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    with transaction.atomic():
        if programme_id is None and partnership_id is not None:
            programme_id = Partnership.objects.filter(pk=partnership_id).values_list("programme_id", flat=True).first()
        stakeholder = Stakeholder(
            programme=_programme(actor, programme_id),
            name=name.strip(),
            role=role,
            partnership_id=partnership_id,
            organisation_id=organisation_id,
            email=email.strip().lower(),
            phone=phone.strip(),
            agreed_to_interview=agreed_to_interview,
            agreed_to_recording=agreed_to_recording,
            agreed_to_quotation=agreed_to_quotation,
            consent_recorded_on=consent_recorded_on,
        )
        _check_stakeholder(stakeholder)
        stakeholder.save()
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            stakeholder,
            None,
            [f.removesuffix("_id") for f in STAKEHOLDER_FIELDS],
        )
    return stakeholder


def _locked_stakeholder(actor: ActingUser, stakeholder_id: int, expected_version: int) -> Stakeholder:
    stakeholder = stakeholders_visible_to(actor).select_for_update().filter(pk=stakeholder_id).first()
    if stakeholder is None:
        raise NotFound("No such stakeholder.")
    stakeholder.check_version(expected_version)
    return stakeholder


def update_stakeholder(
    *, actor: ActingUser, stakeholder_id: int, expected_version: int, changes: Mapping[str, Any]
) -> Stakeholder:
    """Change a stakeholder's details or what they agreed to. A stale `version` changes nothing."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    with transaction.atomic():
        stakeholder = _locked_stakeholder(actor, stakeholder_id, expected_version)
        if "email" in changes and isinstance(changes["email"], str):
            changes = {**changes, "email": changes["email"].strip().lower()}
        changed = _apply(stakeholder, changes, STAKEHOLDER_FIELDS)
        if not changed:
            return stakeholder
        _check_stakeholder(stakeholder)
        stakeholder.bump_version()
        stakeholder.save()
        _audit(actor, AuditEvent.Action.CHANGE, stakeholder, None, changed)
    return stakeholder


def withdraw_stakeholder(
    *,
    actor: ActingUser,
    stakeholder_id: int,
    expected_version: int,
    on: datetime.date | None = None,
) -> Stakeholder:
    """A stakeholder stops taking part: they and their interviews leave every evaluator's view
    (Table 1 still counts interviews done)."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    with transaction.atomic():
        stakeholder = _locked_stakeholder(actor, stakeholder_id, expected_version)
        stakeholder.withdrawn_on = on or datetime.date.today()
        stakeholder.bump_version()
        stakeholder.save()
        _audit(actor, AuditEvent.Action.CHANGE, stakeholder, None, ["withdrawn_on"])
    return stakeholder


# ---- interviews ---------------------------------------------------------------------------------


def _interviewer_ok(user_id: int | None) -> bool:
    if user_id is None:
        return True
    return StaffMember.objects.filter(user_id=user_id, is_active=True, roles__role=Role.EVALUATOR).exists()


def _check_interview(interview: Interview, *, allows_recording: bool) -> None:
    errors: dict[str, list[str]] = {}
    if interview.status not in Interview.Status.values:
        errors["status"] = ["Choose a status."]
    if interview.status == Interview.Status.DONE and interview.held_on is None:
        errors["held_on"] = ["Enter the day the interview was held."]
    if interview.held_on is not None and interview.status != Interview.Status.DONE:
        errors["held_on"] = ["Enter the day it was held only once the interview is done."]
    if interview.recorded and not allows_recording:
        errors["recorded"] = ["They did not agree to be recorded."]
    if interview.recorded and interview.status != Interview.Status.DONE:
        errors["recorded"] = ["Only an interview that was done can have been recorded."]
    if not _interviewer_ok(interview.interviewer_id):
        errors["interviewer"] = ["Choose an evaluator."]
    if errors:
        raise InvalidInput(errors)


def create_interview(
    *,
    actor: ActingUser,
    wave_id: int,
    pseudonym: str = "",
    stakeholder_id: int | None = None,
    partnership_id: int | None = None,
    status: str = Interview.Status.INVITED,
    scheduled_for: datetime.datetime | None = None,
    held_on: datetime.date | None = None,
    interviewer_id: int | None = None,
    consent_confirmed: bool = False,
    recorded: bool = False,
    notes: str = "",
) -> Interview:
    """An interview with a participant (named by pseudonym: research consent in force, covering
    interviews) or a stakeholder (who agreed to be interviewed), in a wave and an area of its
    programme (by default the interviewee's own area)."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    errors: dict[str, list[str]] = {}
    wave = waves_visible_to(actor).filter(pk=wave_id).first()
    if wave is None:
        errors["wave"] = ["Choose a wave."]
    scope: ResearchConsent | None = None
    stakeholder: Stakeholder | None = None
    if bool(pseudonym.strip()) == (stakeholder_id is not None):
        errors["__all__"] = ["Choose one interviewee: a participant by pseudonym, or a stakeholder."]
    elif pseudonym.strip():
        # The interviewee must take part in the wave's programme (a person has one record per programme).
        scope = (
            research_consents_visible_to(actor, programme_id=wave.programme_id if wave else None)
            .filter(pseudonym=pseudonym.strip().upper(), interview=True)
            .select_related("participant")
            .first()
        )
        if scope is None:
            errors["pseudonym"] = ["Choose a participant who agreed to be interviewed."]
    elif stakeholder_id is not None:
        stakeholder = (
            stakeholders_visible_to(actor, programme_id=wave.programme_id if wave else None)
            .filter(pk=stakeholder_id, agreed_to_interview=True)
            .first()
        )
        if stakeholder is None:
            errors["stakeholder"] = ["Choose a stakeholder who agreed to be interviewed."]
    if partnership_id is None:
        if scope is not None:
            partnership_id = scope.participant.partnership_id
        elif stakeholder is not None:
            partnership_id = stakeholder.partnership_id
    if (
        wave is not None
        and (scope is not None or stakeholder is not None)
        and (
            partnership_id is None
            or not Partnership.objects.filter(pk=partnership_id, programme_id=wave.programme_id).exists()
        )
    ):
        errors["partnership"] = ["Choose an area of the wave's programme."]
    if errors:
        raise InvalidInput(errors)
    assert wave is not None
    assert partnership_id is not None
    with transaction.atomic():
        interview = Interview(
            wave=wave,
            partnership_id=partnership_id,
            kind=Interview.Kind.PARTICIPANT if scope is not None else Interview.Kind.STAKEHOLDER,
            research_consent=scope,
            stakeholder=stakeholder,
            status=status,
            scheduled_for=scheduled_for,
            held_on=held_on,
            interviewer_id=interviewer_id,
            consent_confirmed=consent_confirmed,
            recorded=recorded,
            notes=notes.strip(),
        )
        _check_interview(interview, allows_recording=_allows_recording(interview))
        validate_model(interview, exclude=["wave", "partnership", "research_consent", "stakeholder", "interviewer"])
        interview.save()
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            interview,
            scope.participant_id if scope is not None else None,
            ["wave", "partnership", "kind", "interviewee", *INTERVIEW_FIELDS],
        )
    return interview


def _allows_recording(interview: Interview) -> bool:
    if interview.research_consent is not None:
        return interview.research_consent.recording
    return interview.stakeholder is not None and interview.stakeholder.agreed_to_recording


def update_interview(
    *, actor: ActingUser, interview_id: int, expected_version: int, changes: Mapping[str, Any]
) -> Interview:
    """Change an interview's status, dates, interviewer, checks or arrangements. The status moves
    invited → scheduled → done or declined (declined may be invited again; done stays done)."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    with transaction.atomic():
        interview = (
            interviews_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("research_consent", "stakeholder")
            .filter(pk=interview_id)
            .first()
        )
        if interview is None:
            raise NotFound("No such interview.")
        interview.check_version(expected_version)
        before = interview.status
        changed = _apply(interview, changes, INTERVIEW_FIELDS)
        if not changed:
            return interview
        if interview.status != before and interview.status not in NEXT_STATUSES.get(before, frozenset()):
            raise InvalidInput(
                {"status": [f"An interview that is {Interview.Status(before).label.lower()} cannot become that."]}
            )
        _check_interview(interview, allows_recording=_allows_recording(interview))
        interview.bump_version()
        interview.save()
        _audit(
            actor,
            AuditEvent.Action.CHANGE,
            interview,
            interview.research_consent.participant_id if interview.research_consent else None,
            changed,
        )
    return interview


def invite_for_interview(
    *, actor: ActingUser, wave_id: int, research_consent_ids: Iterable[int]
) -> tuple[list[Interview], list[int]]:
    """Invite the chosen participants (from the sampling assistant) to an interview in the wave.

    Only those whose research consent is in force and covers interviews, in the wave's
    programme. Anyone who already has an interview in the wave is skipped. Returns the
    interviews made and the ids skipped.
    """
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    wanted = sorted(set(research_consent_ids))
    with transaction.atomic():
        wave = waves_visible_to(actor).select_for_update().filter(pk=wave_id).first()
        if wave is None:
            raise InvalidInput({"wave": ["Choose a wave."]})
        scopes = {
            scope.pk: scope
            for scope in research_consents_visible_to(actor)
            .filter(pk__in=wanted, interview=True, participant__partnership__programme_id=wave.programme_id)
            .select_related("participant")
        }
        unknown = [pk for pk in wanted if pk not in scopes]
        if unknown:
            raise InvalidInput({"research_consent_ids": ["Choose only participants who agreed to be interviewed."]})
        already = set(
            Interview.objects.filter(wave=wave, research_consent_id__in=wanted).values_list(
                "research_consent_id", flat=True
            )
        )
        made: list[Interview] = []
        for pk in wanted:
            if pk in already:
                continue
            scope = scopes[pk]
            interview = Interview.objects.create(
                wave=wave,
                partnership_id=scope.participant.partnership_id,
                kind=Interview.Kind.PARTICIPANT,
                research_consent=scope,
                status=Interview.Status.INVITED,
            )
            _audit(
                actor,
                AuditEvent.Action.CREATE,
                interview,
                scope.participant_id,
                ["wave", "partnership", "kind", "interviewee", "status"],
            )
            made.append(interview)
    return made, sorted(already)


# ---- audited reads ------------------------------------------------------------------------------


def record_interview_reads(
    *,
    actor: ActingUser,
    interviews: Iterable[Interview],
    action: str = AuditEvent.Action.LIST,
) -> None:
    """Audit that these interviews were shown: one event each, with the participant interviewee's
    id (none for stakeholders), in one query."""
    record_events(
        actor=actor,
        action=action,
        records=(
            (
                "research.Interview",
                interview.pk,
                interview.research_consent.participant_id if interview.research_consent_id else None,  # type: ignore[union-attr]
            )
            for interview in interviews
        ),
    )


def record_research_consent_reads(
    *, actor: ActingUser, participant_ids: Iterable[int], action: str = AuditEvent.Action.LIST
) -> None:
    """Audit that pseudonymised participants (with what the evaluators know of them) were shown."""
    record_participant_reads(
        actor=actor,
        participant_ids=participant_ids,
        action=action,
        record_type="research.ResearchConsent",
    )


@dataclass(frozen=True)
class ContactDetails:
    given_name: str
    email: str
    mobile: str


def interview_contact_details(*, actor: ActingUser, interview: Interview) -> ContactDetails | None:
    """The participant interviewee's first name, email and mobile, only if their research consent
    (in force) lets the evaluators contact them about interviews. Each read is audited."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    scope = interview.research_consent
    if interview.kind != Interview.Kind.PARTICIPANT or scope is None or not scope.contact_for_interview:
        return None
    if not research_consents_visible_to(actor).filter(pk=scope.pk).exists():
        return None
    row = (
        Participant.objects.filter(pk=scope.participant_id)
        .values("given_name", "preferred_name", "email", "mobile")
        .first()
    )
    if row is None:
        return None
    record_event(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        record=scope,
        participant_id=scope.participant_id,
        changed_fields=[],
    )
    return ContactDetails(
        given_name=row["preferred_name"] or row["given_name"], email=row["email"], mobile=row["mobile"]
    )
