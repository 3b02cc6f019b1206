"""Every change to subject access requests: one function per change, each checked and audited.

The rules (docs/subject-access.md):

- A participant asks for their own copy on their own page. It is prepared in the background and
  is theirs to download as soon as it is ready; notes restricted for a safeguarding reason are
  always left out, without a trace.
- A request made to staff is logged by the partnership manager of the participant's area, with
  when it was received, how, by whom (the participant or someone acting for them) and how their
  identity was checked. Its due date is one calendar month, extendable once or twice by up to two
  further months in all, with a reason, while the first month runs.
- The manager prepares the copy, decides note by note whether the serious-harm exemption applies
  to each restricted note (a note is withheld only where it does), and releases the copy. A
  decision made after the copy was prepared puts it out of date: it must be prepared again, so
  a released copy always follows every decision.
- A copy is kept for COPY_KEPT_DAYS days after it is ready (a request made to staff: after it is
  released), then deleted by `delete_expired_copies`.
"""

import datetime
import logging
from collections.abc import Callable

import rules
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Contact
from coproduce.programmes.standing import standing_of
from coproduce.subject_access.builder import CopyScope, build_copy
from coproduce.subject_access.deadlines import MOST_MONTHS_OF_EXTENSION, due_date
from coproduce.subject_access.models import NoteDecision, PreparedCopy, SubjectAccessRequest
from coproduce.subject_access.package import Package, make_package
from coproduce.subject_access.selectors import requests_visible_to

logger = logging.getLogger(__name__)

PURPOSE = "Subject access request"
COPY_KEPT_DAYS = 30
# A preparation still unfinished after this long is taken to have been lost (a worker stopped).
PREPARATION_LOST_AFTER = datetime.timedelta(minutes=10)

Status = SubjectAccessRequest.Status
Kind = SubjectAccessRequest.Kind
HowMade = SubjectAccessRequest.HowMade
MadeBy = SubjectAccessRequest.MadeBy
IdentityCheck = SubjectAccessRequest.IdentityCheck

# A request made to staff reached them some way other than the participant's own page.
STAFF_HOW_MADE = [value for value in HowMade.values if value != HowMade.ONLINE]
STAFF_IDENTITY_CHECKS = [value for value in IdentityCheck.values if value != IdentityCheck.SIGNED_IN]


class CopyNotReady(DomainError):
    """There is no copy to hand over yet (or any more): nothing to download."""

    status_code = 409


def _audit(
    actor: ActingUser | None, action: str, request: SubjectAccessRequest, changed_fields: list[str] | None = None
) -> None:
    record_event(
        actor=actor,
        action=action,
        record=request,
        participant_id=request.participant_id,
        changed_fields=changed_fields or [],
        purpose=PURPOSE,
    )


def _prepare_on_commit(request: SubjectAccessRequest) -> None:
    # Imported here: subject_access/tasks.py imports this module, and the worker finds a queued task by
    # its path (coproduce.subject_access.tasks.prepare_subject_access_copy),
    # so the task stays there and queueing it is the one call back.
    from coproduce.subject_access.tasks import prepare_subject_access_copy

    request_id, number = request.pk, request.preparation_number
    transaction.on_commit(lambda: prepare_subject_access_copy.enqueue(request_id, number))


def _is_lost(request: SubjectAccessRequest, now: datetime.datetime) -> bool:
    asked_at = request.preparation_asked_at
    return request.status == Status.PREPARING and (asked_at is None or now - asked_at > PREPARATION_LOST_AFTER)


# ---- the participant's own copy ---------------------------------------------------------------


def ask_for_own_copy(*, actor: ActingUser) -> SubjectAccessRequest:
    """The participant asks for a copy of everything held about them, prepared in the background.

    Asking again while a copy is being prepared gives that one, not a second. Restricted notes
    are always left out of this copy (see the module's rules).
    """
    participant_id = _own_participant_id(actor)
    now = timezone.now()
    with transaction.atomic():
        # Locking the participant makes two quick clicks ask for one copy, not two.
        participant = participants_visible_to(actor).select_for_update().filter(pk=participant_id).first()
        if participant is None or not rules.has_perm("subject_access.ask_for_own_copy", actor, participant):
            raise NotAllowed("Only a participant can ask for a copy of their own data.")
        waiting = (
            SubjectAccessRequest.objects.select_for_update()
            .filter(participant=participant, kind=Kind.OWN_DOWNLOAD, status=Status.PREPARING)
            .order_by("-pk")
            .first()
        )
        if waiting is not None and not _is_lost(waiting, now):
            return waiting
        if waiting is not None:
            _mark_failed(waiting)
        today = timezone.localdate()
        request = SubjectAccessRequest.objects.create(
            participant=participant,
            kind=Kind.OWN_DOWNLOAD,
            how_made=HowMade.ONLINE,
            made_by=MadeBy.PARTICIPANT,
            identity_checked=IdentityCheck.SIGNED_IN,
            received_on=today,
            due_on=due_date(today),
            logged_by=signed_in(actor),
            status=Status.PREPARING,
            preparation_number=1,
            preparation_asked_by=signed_in(actor),
            preparation_asked_at=now,
        )
        _audit(actor, AuditEvent.Action.CREATE, request)
        _prepare_on_commit(request)
    return request


def _own_participant_id(actor: ActingUser) -> int:
    participant_id = standing_of(actor).participant_id
    if participant_id is None:
        raise NotAllowed("Only a participant can ask for a copy of their own data.")
    return participant_id


def _mark_failed(request: SubjectAccessRequest) -> None:
    request.status = Status.FAILED
    request.bump_version()
    request.save(update_fields=["status", "version", "updated_at"])


# ---- a request made to staff ------------------------------------------------------------------


def log_request(
    *,
    actor: ActingUser,
    participant_id: int,
    received_on: datetime.date,
    how_made: str,
    identity_checked: str,
    identity_note: str = "",
    made_by: str = MadeBy.PARTICIPANT,
    representative_name: str = "",
    representative_authority: str = "",
) -> SubjectAccessRequest:
    """The area's manager logs a request made to staff; its due date is worked out from `received_on`.

    Someone acting for the participant must be named, with how their authority was checked.
    """
    participant = participants_visible_to(actor).filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("No such participant.")
    if not rules.has_perm("subject_access.handle_request", actor, participant):
        raise NotAllowed("Requests for a copy of someone's data are logged by their partnership's manager.")
    representative_name, representative_authority = representative_name.strip(), representative_authority.strip()
    errors = _request_details_errors(
        received_on=received_on,
        how_made=how_made,
        identity_checked=identity_checked,
        made_by=made_by,
        representative_name=representative_name,
        representative_authority=representative_authority,
    )
    if errors:
        raise InvalidInput(errors)
    if made_by == MadeBy.PARTICIPANT:
        representative_name = representative_authority = ""
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            participant=participant,
            kind=Kind.MADE_TO_STAFF,
            how_made=how_made,
            made_by=made_by,
            representative_name=representative_name,
            representative_authority=representative_authority,
            identity_checked=identity_checked,
            identity_note=identity_note.strip(),
            received_on=received_on,
            due_on=due_date(received_on),
            logged_by=signed_in(actor),
            status=Status.RECEIVED,
        )
        _audit(actor, AuditEvent.Action.CREATE, request)
    return request


def _request_details_errors(
    *,
    received_on: datetime.date,
    how_made: str,
    identity_checked: str,
    made_by: str,
    representative_name: str,
    representative_authority: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if received_on > timezone.localdate():
        errors["received_on"] = ["The date it was received cannot be in the future."]
    if how_made not in STAFF_HOW_MADE:
        errors["how_made"] = ["Choose how the request was made: in person, by letter, by email or on the phone."]
    if identity_checked not in STAFF_IDENTITY_CHECKS:
        errors["identity_checked"] = ["Choose how you checked who they are."]
    if made_by not in MadeBy.values:
        errors["made_by"] = ["Choose who made the request."]
    elif made_by == MadeBy.REPRESENTATIVE:
        if not representative_name:
            errors["representative_name"] = ["Give the name of the person acting for them."]
        if not representative_authority:
            errors["representative_authority"] = ["Say how you checked they may act for the participant."]
    return errors


def _locked_request(actor: ActingUser, request_id: int, expected_version: int) -> SubjectAccessRequest:
    """The request, locked, if this person may handle it and nobody changed it since they read it."""
    request = (
        requests_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("participant")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("No such request.")
    if not rules.has_perm("subject_access.handle_request", actor, request.participant):
        raise NotFound("No such request.")
    if request.kind != Kind.MADE_TO_STAFF:
        raise DomainError("The participant asked for this copy on their own page: there is nothing to handle.")
    request.check_version(expected_version)
    if request.status == Status.RELEASED:
        raise DomainError(
            "This copy has been released, so the request can no longer change. If they ask again, log a new request."
        )
    return request


def prepare_copy(*, actor: ActingUser, request_id: int, expected_version: int) -> SubjectAccessRequest:
    """Ask for the copy to be prepared (again) in the background, with the decisions made so far.

    Restricted notes with no decision yet are left out until one is made.
    """
    now = timezone.now()
    with transaction.atomic():
        request = _locked_request(actor, request_id, expected_version)
        if request.status == Status.PREPARING and not _is_lost(request, now):
            raise DomainError("The copy is already being prepared. Wait a moment, then look at the request again.")
        PreparedCopy.objects.filter(request=request).delete()
        request.status = Status.PREPARING
        request.preparation_number += 1
        request.preparation_asked_by = signed_in(actor)
        request.preparation_asked_at = now
        request.prepared_at = None
        request.bump_version()
        request.save()
        _audit(actor, AuditEvent.Action.CHANGE, request, ["status"])
        _prepare_on_commit(request)
    return request


def record_note_decision(
    *,
    actor: ActingUser,
    request_id: int,
    expected_version: int,
    contact_id: int,
    exemption_applies: bool,
    reason: str,
) -> NoteDecision:
    """Decide whether giving one restricted note would be likely to cause serious harm (the note
    is then withheld) or not (it goes in the copy). The reason, who and when are kept.

    A copy prepared before the decision no longer follows it, so it is deleted: prepare it again.
    """
    reason = reason.strip()
    if not reason:
        raise InvalidInput({"reason": ["Give the reason for your decision."]})
    now = timezone.now()
    with transaction.atomic():
        request = _locked_request(actor, request_id, expected_version)
        contact = Contact.objects.filter(
            pk=contact_id, participant_id=request.participant_id, restricted_at__isnull=False
        ).first()
        if contact is None:
            raise NotFound("No such restricted note.")
        decision, _ = NoteDecision.objects.update_or_create(
            request=request,
            contact=contact,
            defaults={"exemption_applies": exemption_applies, "reason": reason, "decided_by": actor, "decided_at": now},
        )
        if request.status != Status.RECEIVED:
            PreparedCopy.objects.filter(request=request).delete()
            request.status = Status.RECEIVED
            request.prepared_at = None
        request.bump_version()
        request.save()
        # Recorded against the note, so that the participant's "who looked" never shows that a
        # note kept from them exists (their list leaves out events about restricted notes).
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=contact,
            participant_id=request.participant_id,
            changed_fields=["serious_harm_decision"],
            purpose=PURPOSE,
        )
    return decision


def extend_deadline(
    *, actor: ActingUser, request_id: int, expected_version: int, months: int, reason: str
) -> SubjectAccessRequest:
    """Extend the due date by one or two further months in all, with the reason (a complex request,
    or several from the same person). Only while the first month runs, when the person must be told."""
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if months not in range(1, MOST_MONTHS_OF_EXTENSION + 1):
        errors["months"] = ["A request can be extended by one or two months in all."]
    if not reason:
        errors["reason"] = ["Give the reason for the extension: you must tell the person why."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        request = _locked_request(actor, request_id, expected_version)
        first_due_on = due_date(request.received_on)
        if timezone.localdate() > first_due_on:
            raise DomainError(
                "The deadline can only be extended within the first month, which ended on "
                f"{first_due_on.day} {first_due_on:%B %Y}."
            )
        if months <= request.extended_by_months:
            raise InvalidInput(
                {
                    "months": [
                        f"It is already extended by {request.extended_by_months} month(s): choose more, or leave it."
                    ]
                }
            )
        request.extended_by_months = months
        request.extension_reason = reason
        request.extended_at = timezone.now()
        request.extended_by = signed_in(actor)
        request.due_on = due_date(request.received_on, extended_by_months=months)
        request.bump_version()
        request.save()
        _audit(actor, AuditEvent.Action.CHANGE, request, ["due_on", "extended_by_months", "extension_reason"])
    return request


def release_copy(*, actor: ActingUser, request_id: int, expected_version: int) -> SubjectAccessRequest:
    """Release the prepared copy: the manager may then download it to hand over, and the
    participant finds it on their own page if they have an account.

    Only a copy that follows a decision on every note restricted now, and was prepared with the
    same notes restricted as now.
    """
    now = timezone.now()
    with transaction.atomic():
        request = _locked_request(actor, request_id, expected_version)
        copy = PreparedCopy.objects.select_for_update().filter(request=request).defer("content").first()
        if request.status != Status.PREPARED or copy is None or copy.expires_at <= now:
            raise DomainError("Prepare the copy first, then release it.")
        restricted = set(
            Contact.objects.filter(participant_id=request.participant_id, restricted_at__isnull=False).values_list(
                "pk", flat=True
            )
        )
        decided = set(NoteDecision.objects.filter(request=request).values_list("contact_id", flat=True))
        if restricted - decided:
            raise DomainError("Decide on every restricted note before releasing the copy.")
        if restricted != set(copy.restricted_note_ids):
            raise DomainError(
                "Notes have been restricted or unrestricted since the copy was prepared. "
                "Prepare it again, then release it."
            )
        request.status = Status.RELEASED
        request.released_at = now
        request.released_by = signed_in(actor)
        request.bump_version()
        request.save()
        copy.expires_at = now + datetime.timedelta(days=COPY_KEPT_DAYS)
        copy.save(update_fields=["expires_at"])
        _audit(actor, AuditEvent.Action.CHANGE, request, ["status"])
    return request


# ---- preparing (in the background) ------------------------------------------------------------


def store_prepared_copy(*, request_id: int, preparation_number: int) -> SubjectAccessRequest | None:
    """Build the copy asked for by preparation `preparation_number` and store it, unless a newer
    preparation or a decision overtook it meanwhile (then nothing is stored). Run by the task.

    The rows are read as the person who asked for the preparation: the participant for their own
    copy, the manager for a request made to staff. Returns the request, or None if overtaken.
    """
    request = _still_wanted(request_id, preparation_number)
    if request is None:
        return None
    released_notes: frozenset[int] = frozenset()
    if request.kind == Kind.MADE_TO_STAFF:
        released_notes = frozenset(
            NoteDecision.objects.filter(request=request, exemption_applies=False).values_list("contact_id", flat=True)
        )
    asked_by = request.preparation_asked_by_id
    reader = get_user_model().objects.filter(pk=asked_by, is_active=True).first() if asked_by else None
    now = timezone.now()
    try:
        if reader is None:
            raise NotFound("The person who asked for the copy can no longer sign in.")
        built = build_copy(
            CopyScope(
                participant_id=request.participant_id,
                reader=reader,
                released_note_ids=released_notes,
                request=request,
            ),
            now=now,
        )
        package = make_package(
            built.data, name=request.participant.full_name, made_at=now, language=request.participant.language
        )
    except Exception:
        logger.exception("Could not prepare the copy for subject access request %s", request_id)
        with transaction.atomic():
            failed = _still_wanted(request_id, preparation_number, lock=True)
            if failed is not None:
                _mark_failed(failed)
        raise
    with transaction.atomic():
        request = _still_wanted(request_id, preparation_number, lock=True)
        if request is None:
            return None
        _store(request, package, built.contents, built.restricted_note_ids, built.withheld_note_ids, now)
        _audit(reader, AuditEvent.Action.CREATE, request, ["copy"])
    return request


def _still_wanted(request_id: int, preparation_number: int, *, lock: bool = False) -> SubjectAccessRequest | None:
    requests = SubjectAccessRequest.objects.select_related("participant")
    if lock:
        requests = requests.select_for_update(of=("self",))
    return requests.filter(pk=request_id, status=Status.PREPARING, preparation_number=preparation_number).first()


def _store(
    request: SubjectAccessRequest,
    package: Package,
    contents: dict[str, int],
    restricted_note_ids: list[int],
    withheld_note_ids: list[int],
    now: datetime.datetime,
) -> None:
    PreparedCopy.objects.filter(request=request).delete()
    PreparedCopy.objects.create(
        request=request,
        preparation_number=request.preparation_number,
        made_at=now,
        expires_at=now + datetime.timedelta(days=COPY_KEPT_DAYS),
        content=package.content,
        size=package.size,
        sha256=package.sha256,
        contents=contents,
        restricted_note_ids=restricted_note_ids,
        withheld_note_ids=withheld_note_ids,
    )
    request.prepared_at = now
    if request.kind == Kind.OWN_DOWNLOAD:
        # The participant's own copy is theirs at once; an older own copy is now out of date.
        request.status = Status.RELEASED
        request.released_at = now
        request.released_by = request.preparation_asked_by
        PreparedCopy.objects.filter(
            request__participant_id=request.participant_id, request__kind=Kind.OWN_DOWNLOAD
        ).exclude(request=request).delete()
    else:
        request.status = Status.PREPARED
    request.bump_version()
    request.save()


# ---- handing over -----------------------------------------------------------------------------


def copy_for_download(*, actor: ActingUser, request_id: int) -> tuple[SubjectAccessRequest, PreparedCopy]:
    """The released copy, for the participant it is about, or for the manager handing over the copy
    of a request made to staff. Audited as an export (views wrap the call in
    `audit_context(channel=EXPORT)`)."""
    request = requests_visible_to(actor).select_related("participant").filter(pk=request_id).first()
    if request is None:
        raise NotFound("No such request.")

    is_theirs = standing_of(actor).participant_id == request.participant_id
    # A manager hands over copies of requests made to staff; a participant's own download is theirs alone.
    hands_it_over = request.kind == Kind.MADE_TO_STAFF and rules.has_perm(
        "subject_access.handle_request", actor, request.participant
    )
    if not is_theirs and not hands_it_over:
        raise NotFound("No such request.")
    if request.status != Status.RELEASED:
        raise CopyNotReady("The copy is not ready to download yet.")
    copy = PreparedCopy.objects.filter(request=request, expires_at__gt=timezone.now()).first()
    if copy is None:
        raise CopyNotReady(f"This copy was deleted: copies are kept for {COPY_KEPT_DAYS} days. Ask for a new one.")
    _audit(actor, AuditEvent.Action.EXPORT, request)
    return request, copy


def dpo_copy(*, participant_reference: str, write: Callable[[bytes], None]) -> Participant:
    """The copy the participant would get of their own (no restricted notes), for the Data
    Protection Officer, read as the system. `write` receives the ZIP; once it has been written,
    the export is audited (actor: the system, purpose "Subject access request")."""
    participant = Participant.objects.filter(reference=participant_reference.strip().upper()).first()
    if participant is None:
        raise NotFound(f"No participant has the reference {participant_reference!r}.")
    now = timezone.now()
    built = build_copy(CopyScope(participant_id=participant.pk, reader=None), now=now)
    package = make_package(built.data, name=participant.full_name, made_at=now, language=participant.language)
    write(package.content)
    with audit_context(channel=AuditEvent.Channel.EXPORT, purpose=PURPOSE):
        record_event(
            actor=None,
            action=AuditEvent.Action.EXPORT,
            record=participant,
            participant_id=participant.pk,
            purpose=PURPOSE,
        )
    return participant


# ---- keeping copies only for a while ----------------------------------------------------------


def delete_expired_copies(*, now: datetime.datetime | None = None) -> int:
    """Delete every prepared copy past its `expires_at` (the request itself is kept). Returns how
    many. For the daily retention run (coproduce/retention) and the task of the same name here."""
    now = now or timezone.now()
    expired = list(PreparedCopy.objects.filter(expires_at__lte=now).select_related("request").defer("content"))
    if not expired:
        return 0
    with transaction.atomic(), audit_context(purpose=PURPOSE):
        PreparedCopy.objects.filter(pk__in=[copy.pk for copy in expired]).delete()
        for copy in expired:
            _audit(None, AuditEvent.Action.CHANGE, copy.request, ["copy_deleted"])
    return len(expired)
