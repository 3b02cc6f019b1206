"""Every change about retention and erasure, one function each, each audited.

- `apply_retention`: the daily run (`manage.py apply_retention`, the task in tasks.py). It
  anonymises closed cases past their years, people whose erasure was kept until a date now
  passed and enquiries that never became participants; removes unredacted transcript originals
  past their time, ended API tokens, expired sessions, old sign-in logs and expired copies
  prepared for subject access requests. `dry_run` counts
  and changes nothing. Batches are bounded and idempotent (see anonymise.py).
- `record_erasure_request` / `decide_erasure_request`: the area's manager records a request and
  decides: anonymise now, or keep for now for a lawful reason until a date.
- `confirm_partner_deletion`: a partner organisation says it deleted what a referral gave it.
- `update_retention_schedule`: an administrator sets a programme's schedule (from the admin).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import rules
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.accounts.models import ApiToken
from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.models import Programme
from coproduce.retention.anonymise import (
    ERASURE_REQUEST,
    RETENTION,
    anonymise_enquiries,
    anonymise_participants,
    remove_transcript_originals,
)
from coproduce.retention.models import ErasureRequest, PartnerDeletionNotice, RetentionSchedule
from coproduce.retention.selectors import (
    account_rules,
    closed_cases_due,
    closed_on_or_before,
    deletion_notices_visible_to,
    enquiries_due,
    enquiries_made_before,
    erasure_requests_visible_to,
    erasures_due,
    expired_subject_access_copies,
    originals_uploaded_before,
    schedules,
    transcript_originals_due,
)
from coproduce.subject_access.services import delete_expired_copies

BATCH_SIZE = 500
# The name of the lock that lets one retention run at a time (coproduce/core/locks.py): the daily
# cron job and a task on a worker.
RETENTION_RUN = "coproduce.retention.run"


# ----- The daily run ------------------------------------------------------------------------


@dataclass
class ProgrammeRetention:
    """What the run did (or, in a dry run, would do) for one programme."""

    programme: str
    closed_on_or_before: datetime.date
    closed_cases: int = 0
    enquiries_made_before: datetime.datetime | None = None
    enquiries: int = 0
    originals_uploaded_before: datetime.datetime | None = None
    transcript_originals: int = 0


@dataclass
class RetentionReport:
    today: datetime.date
    dry_run: bool
    programmes: list[ProgrammeRetention] = field(default_factory=list)
    erasures: int = 0
    referrals_withdrawn: int = 0
    deletion_notices: int = 0
    api_tokens: int = 0
    # None where the session store cannot count its expired sessions (anything but the database).
    sessions: int | None = 0
    sign_in_logs: int = 0
    subject_access_copies: int = 0

    def as_counts(self) -> dict[str, int | None]:
        return {
            "erasures": self.erasures,
            "closed_cases": sum(programme.closed_cases for programme in self.programmes),
            "enquiries": sum(programme.enquiries for programme in self.programmes),
            "transcript_originals": sum(programme.transcript_originals for programme in self.programmes),
            "referrals_withdrawn": self.referrals_withdrawn,
            "deletion_notices": self.deletion_notices,
            "api_tokens": self.api_tokens,
            "sessions": self.sessions,
            "sign_in_logs": self.sign_in_logs,
            "subject_access_copies": self.subject_access_copies,
        }

    def lines(self) -> list[str]:
        """The report in plain English, one line each, as the command prints it."""
        would = "would be" if self.dry_run else "were"
        rules_now = account_rules()
        lines = [
            f"Retention {'dry run (nothing was changed)' if self.dry_run else 'run'} for {self.today:%-d %B %Y}.",
            f"People whose erasure was kept until a date now passed: {self.erasures} {would} anonymised.",
        ]
        for programme in self.programmes:
            lines.append(
                f"{programme.programme}: {programme.closed_cases} case(s) closed on or before "
                f"{programme.closed_on_or_before:%-d %B %Y} {would} anonymised; {programme.enquiries} enquir"
                f"{'y' if programme.enquiries == 1 else 'ies'} that never became participants {would} "
                f"anonymised; {programme.transcript_originals} unredacted transcript original(s) {would} removed."
            )
        if not self.dry_run:
            lines.append(
                f"Open referrals withdrawn: {self.referrals_withdrawn}; partner organisations told to delete "
                f"what a referral gave them: {self.deletion_notices}."
            )
        sessions = "cleared by the session store" if self.sessions is None else str(self.sessions)
        lines += [
            f"API tokens revoked or expired more than {rules_now.ended_api_token_days} days ago: "
            f"{self.api_tokens} {would} deleted.",
            f"Expired sessions: {sessions} {would} deleted.",
            f"Sign-in log entries older than {rules_now.sign_in_log_days} days: {self.sign_in_logs} {would} deleted.",
            f"Prepared copies of people's data (subject access) past their time: {self.subject_access_copies} "
            f"{would} deleted.",
        ]
        return lines


def apply_retention(
    *, today: datetime.date | None = None, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> RetentionReport:
    """Apply every programme's retention schedule and the account rules, as of `today`.

    The system acts (audit events have no actor, purpose "Retention" or "Erasure request").
    With `dry_run`, only counts: nothing is changed and nothing is audited. Each batch of at most
    `batch_size` is its own transaction, so a run stopped half-way has done whole batches, and
    the next run carries on; a second run the same day finds nothing left to do.
    """
    if batch_size < 1:
        raise DomainError("The batch size must be at least 1.")
    today = today or timezone.localdate()
    report = RetentionReport(today=today, dry_run=dry_run)
    with audit_context(purpose=RETENTION):
        _erasures(report, today, dry_run, batch_size)
        for schedule in schedules():
            report.programmes.append(_programme(report, schedule, today, dry_run, batch_size))
        _accounts(report, dry_run)
        _subject_access_copies(report, dry_run)
    return report


def _each_batch(rows: QuerySet[Any], batch_size: int, column: str = "pk") -> Iterator[list[int]]:
    """Yield the ids of the first `batch_size` of `rows`, again and again until none are left.

    Whatever is done to a batch must take its rows out of `rows` (anonymised rows no longer
    match), which is what makes the run idempotent and lets it stop and carry on; a batch that
    took nothing out ends the loop rather than spin.
    """
    seen: set[int] = set()
    while True:
        ids = list(rows.order_by(column).values_list(column, flat=True).distinct()[:batch_size])
        if not ids or seen.issuperset(ids):
            return
        seen.update(ids)
        yield ids


def _erasures(report: RetentionReport, today: datetime.date, dry_run: bool, batch_size: int) -> None:
    due = erasures_due(today)
    if dry_run:
        report.erasures = due.count()
        return
    for participant_ids in _each_batch(due, batch_size, "participant_id"):
        done = anonymise_participants(participant_ids=participant_ids, actor=None, purpose=ERASURE_REQUEST, today=today)
        report.erasures += len(done.participant_ids)
        report.referrals_withdrawn += done.referrals_withdrawn
        report.deletion_notices += done.deletion_notices


def _programme(
    report: RetentionReport, schedule: RetentionSchedule, today: datetime.date, dry_run: bool, batch_size: int
) -> ProgrammeRetention:
    result = ProgrammeRetention(
        programme=schedule.programme.name,
        closed_on_or_before=closed_on_or_before(schedule, today),
        enquiries_made_before=enquiries_made_before(schedule, today),
        originals_uploaded_before=originals_uploaded_before(schedule, today),
    )
    cases, enquiries, originals = (
        closed_cases_due(schedule, today),
        enquiries_due(schedule, today),
        transcript_originals_due(schedule, today),
    )
    if dry_run:
        result.closed_cases, result.enquiries, result.transcript_originals = (
            cases.count(),
            enquiries.count(),
            originals.count(),
        )
        return result
    for participant_ids in _each_batch(cases, batch_size):
        done = anonymise_participants(participant_ids=participant_ids, actor=None, purpose=RETENTION, today=today)
        result.closed_cases += len(done.participant_ids)
        report.referrals_withdrawn += done.referrals_withdrawn
        report.deletion_notices += done.deletion_notices
    for enquiry_ids in _each_batch(enquiries, batch_size):
        result.enquiries += len(anonymise_enquiries(enquiry_ids=enquiry_ids, purpose=RETENTION))
    for transcript_ids in _each_batch(originals, batch_size):
        result.transcript_originals += len(
            remove_transcript_originals(transcript_ids=transcript_ids, purpose=RETENTION)
        )
    return result


def _accounts(report: RetentionReport, dry_run: bool) -> None:
    """API tokens revoked or expired long enough ago, expired sessions, and old sign-in logs."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = timezone.now()
    rules_now = account_rules()
    token_cutoff = now - datetime.timedelta(days=rules_now.ended_api_token_days)
    tokens = ApiToken.objects.filter(Q(revoked_at__lt=token_cutoff) | Q(expires_at__lt=token_cutoff))
    log_cutoff = now - datetime.timedelta(days=rules_now.sign_in_log_days)
    logs = [log.objects.filter(attempt_time__lt=log_cutoff) for log in (AccessLog, AccessFailureLog, AccessAttempt)]
    stored_in_database = settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    sessions = Session.objects.filter(expire_date__lt=now)
    if dry_run:
        report.api_tokens = tokens.count()
        report.sign_in_logs = sum(log.count() for log in logs)
        report.sessions = sessions.count() if stored_in_database else None
        return
    with transaction.atomic():
        report.api_tokens = tokens.delete()[0]
        report.sign_in_logs = sum(log.delete()[1].get(log.model._meta.label, 0) for log in logs)
        if stored_in_database:
            report.sessions = sessions.delete()[0]
        else:
            report.sessions = None
            import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def _subject_access_copies(report: RetentionReport, dry_run: bool) -> None:
    """Copies prepared for subject access requests are kept only until they expire."""
    now = timezone.now()
    if dry_run:
        report.subject_access_copies = expired_subject_access_copies(now).count()
    else:
        report.subject_access_copies = delete_expired_copies(now=now)


# ----- Erasure on request ---------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def record_erasure_request(
    *, actor: ActingUser, participant_id: int, received_on: datetime.date, how_made: str
) -> ErasureRequest:
    """The manager of the person's area records that they asked for their data to be erased.

    One open request per person at a time; a request about someone already anonymised is
    refused (there is nothing left to erase). The decision is recorded next.
    """
    if how_made not in ErasureRequest.HowMade.values:
        raise InvalidInput({"how_made": ["Say how the request was made."]})
    if received_on > _today():
        raise InvalidInput({"received_on": ["The date the request was received must be today or in the past."]})
    with transaction.atomic():
        participant = participants_visible_to(actor).select_for_update().filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if participant.anonymised_at is not None:
            raise DomainError("This person's record has already been anonymised: there is nothing left to erase.")
        if not rules.has_perm("retention.record_erasure_request", actor, participant):
            raise NotAllowed("Only the manager of the person's partnership records an erasure request.")
        if ErasureRequest.objects.filter(participant=participant, status__in=ErasureRequest.OPEN_STATUSES).exists():
            raise DomainError("There is already an erasure request for this person. Decide on that one instead.")
        request = ErasureRequest.objects.create(
            participant=participant, received_on=received_on, how_made=how_made, recorded_by=signed_in(actor)
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=request,
            participant_id=participant.pk,
            changed_fields=["received_on", "how_made"],
            purpose=ERASURE_REQUEST,
        )
    return request


ERASE_NOW = "erase_now"
KEEP_FOR_NOW = "keep"
DECISIONS = (ERASE_NOW, KEEP_FOR_NOW)


def decide_erasure_request(
    *,
    actor: ActingUser,
    request_id: int,
    expected_version: int,
    decision: str,
    keep_reason: str = "",
    keep_detail: str = "",
    keep_until: datetime.date | None = None,
) -> ErasureRequest:
    """The manager decides: anonymise the person now, or keep their data for now for a lawful reason.

    Keeping needs the reason (and what it is, for "another lawful reason") and the date it ends,
    after today; the daily run anonymises them the day after that date. A kept request can be
    decided again (the date moved, or anonymise now). Anonymising is irreversible and audited
    with the purpose "Erasure request".
    """
    if decision not in DECISIONS:
        raise InvalidInput({"decision": ["Choose whether to anonymise their record now or keep it for now."]})
    keep_detail = (keep_detail or "").strip()
    if decision == KEEP_FOR_NOW:
        errors: dict[str, list[str]] = {}
        if keep_reason not in ErasureRequest.KeepReason.values:
            errors["keep_reason"] = ["Choose the lawful reason to keep their data for now."]
        elif keep_reason == ErasureRequest.KeepReason.OTHER and not keep_detail:
            errors["keep_detail"] = ["Say what the lawful reason is."]
        if keep_until is None:
            errors["keep_until"] = ["Enter the date the reason to keep their data ends."]
        elif keep_until <= _today():
            errors["keep_until"] = ["The date the reason ends must be after today."]
        if errors:
            raise InvalidInput(errors)
    with transaction.atomic():
        request = (
            erasure_requests_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("participant")
            .filter(pk=request_id)
            .first()
        )
        if request is None:
            raise NotFound("No such erasure request.")
        if not rules.has_perm("retention.decide_erasure_request", actor, request):
            raise NotAllowed("Only the manager of the person's partnership decides on an erasure request.")
        request.check_version(expected_version)
        if request.status == ErasureRequest.Status.DONE:
            raise ConflictError("This person's record has already been anonymised.")
        request.decided_by = signed_in(actor)
        request.decided_at = timezone.now()
        changed = ["decided_by", "decided_at"]
        if decision == KEEP_FOR_NOW:
            request.status = ErasureRequest.Status.KEPT
            request.keep_reason = keep_reason
            request.keep_detail = keep_detail
            request.keep_until = keep_until
            changed += ["status", "keep_reason", "keep_until", *(["keep_detail"] if keep_detail else [])]
        request.bump_version()
        request.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=request,
            participant_id=request.participant_id,
            changed_fields=changed,
            purpose=ERASURE_REQUEST,
        )
        if decision == ERASE_NOW:
            # Marks the request done as well (anonymise.py), in this transaction.
            anonymise_participants(
                participant_ids=[request.participant_id], actor=actor, purpose=ERASURE_REQUEST, today=_today()
            )
            request.refresh_from_db()
    return request


# ----- Partners' deletions --------------------------------------------------------------------


def confirm_partner_deletion(*, actor: ActingUser, notice_id: int, expected_version: int) -> PartnerDeletionNotice:
    """A worker of the partner organisation records that it deleted what the referral gave it."""
    with transaction.atomic():
        notice = (
            deletion_notices_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("referral")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None:
            raise NotFound("No such notice.")
        if not rules.has_perm("retention.confirm_deletion", actor, notice):
            raise NotAllowed("Only staff of the organisation that received the referral can record this.")
        notice.check_version(expected_version)
        if notice.deleted_at is not None:
            raise ConflictError("Someone at your organisation has already recorded this as deleted.")
        notice.deleted_at = timezone.now()
        notice.deleted_by = signed_in(actor)
        notice.bump_version()
        notice.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=notice,
            participant_id=notice.referral.participant_id,
            changed_fields=["deleted_at", "deleted_by"],
        )
    return notice


# ----- The schedule -----------------------------------------------------------------------------


def update_retention_schedule(
    *,
    actor: ActingUser,
    programme_id: int,
    expected_version: int,
    closed_case_years: int,
    enquiry_months: int,
    transcript_original_months: int,
) -> RetentionSchedule:
    """An administrator sets how long a programme keeps what it holds. `expected_version` is 0 while
    the programme still uses the defaults (no schedule saved)."""
    if not rules.has_perm("retention.change_schedule", actor):
        raise NotAllowed("Only an administrator sets the retention schedule.")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
        if programme is None:
            raise NotFound("No such programme.")
        schedule = RetentionSchedule.objects.select_for_update().filter(programme=programme).first()
        action = AuditEvent.Action.CHANGE
        if schedule is None:
            if expected_version != 0:
                raise ConflictError(
                    "Someone else changed this schedule while you were editing it. Nothing was saved: reload "
                    "to see their change, then make yours again."
                )
            schedule = RetentionSchedule(programme=programme)
            action = AuditEvent.Action.CREATE
        else:
            schedule.check_version(expected_version)
            schedule.bump_version()
        values = {
            "closed_case_years": closed_case_years,
            "enquiry_months": enquiry_months,
            "transcript_original_months": transcript_original_months,
        }
        changed = [name for name, value in values.items() if getattr(schedule, name) != value or schedule.pk is None]
        for name, value in values.items():
            setattr(schedule, name, value)
        schedule.changed_by = signed_in(actor)
        validate_model(schedule)
        schedule.save()
        record_event(actor=actor, action=action, record=schedule, participant_id=None, changed_fields=changed)
    return schedule
