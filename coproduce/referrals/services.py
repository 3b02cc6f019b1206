"""Every change to referrals and signposting. One function per change, each audited.

The workflow (DESIGN.md §4, issue 4):

    proposed ──agree──▶ agreed ──send──▶ sent ──accept──▶ accepted ──start──▶ started ──complete──▶ completed
                                          └──decline──▶ declined      └──did not start──▶ did_not_start
    proposed, agreed, sent, accepted, started ──withdraw──▶ withdrawn

Proposing: the participant or their keyworker. Agreeing: only with the participant's consent
to share named fields with that one organisation — given online by the participant, or
recorded by their keyworker in person or by phone. Sending: the keyworker. Answering,
starting and ending: a partner worker of the receiving organisation, only while the consent
is in force. Withdrawing the sharing consent withdraws every open referral that relies on it,
and from that moment the partner sees nothing.
"""

import datetime
from collections.abc import Iterable, Sequence

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_events, record_participant_reads
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.directory.models import Service
from coproduce.notifications import events as notify
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Goal
from coproduce.programmes.standing import standing_of
from coproduce.referrals.models import Referral, ReferralMessage, ServiceRating, SharedField
from coproduce.referrals.selectors import (
    may_use_referral_thread,
    referrals_visible_to,
    working_days_after,
)

State = Referral.State

# Which state each action may start from, and the state it leads to.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "agree": ((State.PROPOSED,), State.AGREED),
    "send": ((State.AGREED,), State.SENT),
    "accept": ((State.SENT,), State.ACCEPTED),
    "decline": ((State.SENT,), State.DECLINED),
    "start": ((State.ACCEPTED,), State.STARTED),
    "complete": ((State.STARTED,), State.COMPLETED),
    "did_not_start": ((State.ACCEPTED,), State.DID_NOT_START),
    "withdraw": (tuple(Referral.OPEN_STATES), State.WITHDRAWN),
}

WRONG_STATE = {
    "agree": "Only a proposed referral can be agreed.",
    "send": "Only a referral the participant has agreed to can be sent.",
    "accept": "Only a sent referral that has not been answered can be accepted.",
    "decline": "Only a sent referral that has not been answered can be declined.",
    "start": "Only an accepted referral can be started.",
    "complete": "Only a started referral can be completed.",
    "did_not_start": "Only an accepted referral can be recorded as not started.",
    "withdraw": "This referral has already ended, so it cannot be withdrawn.",
}


# --- Helpers ---------------------------------------------------------------------------------


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: [message]})
    return value


def _locked_referral(actor: ActingUser, referral_id: int, perm: str, refusal: str) -> Referral:
    """The referral, locked for the change, if this person may see it and do `perm` to it."""
    referral = (
        referrals_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("participant", "service", "consent")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound("No such referral.")
    if not rules.has_perm(perm, actor, referral):
        raise NotAllowed(refusal)
    return referral


def _move(referral: Referral, action: str, expected_version: int) -> None:
    """Check the version and that `action` may happen in the referral's state; then set the new state."""
    referral.check_version(expected_version)
    allowed_from, to = TRANSITIONS[action]
    if referral.kind != Referral.Kind.REFERRAL or referral.state not in allowed_from:
        raise DomainError(WRONG_STATE[action])
    referral.state = to


def _save(*, actor: ActingUser, referral: Referral, changed: Sequence[str], action: str = "change") -> Referral:
    referral.bump_version()
    referral.save()
    record_event(
        actor=actor,
        action=action,
        record=referral,
        participant_id=referral.participant_id,
        changed_fields=changed,
    )
    return referral


def _check_how(actor: ActingUser, participant_id: int, how: str) -> None:
    """The participant answers for themselves online; a keyworker records what was said in person or by phone."""
    if how not in Consent.How.values:
        raise InvalidInput({"how": ["Say how the participant gave their answer."]})
    by_the_participant = standing_of(actor).participant_id == participant_id
    if by_the_participant and how != Consent.How.ONLINE:
        raise InvalidInput({"how": ["When you answer yourself, you answer online."]})
    if not by_the_participant and how == Consent.How.ONLINE:
        raise InvalidInput({"how": ["Record whether the participant told you in person or on the phone."]})


def _clean_shared_fields(shared_fields: Iterable[str]) -> list[str]:
    chosen = list(shared_fields)
    unknown = sorted({value for value in chosen if value not in SharedField.values})
    if unknown:
        raise InvalidInput({"shared_fields": ["Choose only from the information listed."]})
    if SharedField.NAME not in chosen:
        raise InvalidInput(
            {"shared_fields": ["The organisation needs at least the participant's name to act on a referral."]}
        )
    return [value for value in SharedField.values if value in chosen]


def _today() -> datetime.date:
    return timezone.localdate()


# --- Proposing and signposting ---------------------------------------------------------------


def _visible_participant(actor: ActingUser, participant: Participant) -> Participant:
    found = participants_visible_to(actor).filter(pk=participant.pk).first()
    if found is None:
        raise NotFound("No such participant.")
    return found


def _check_goal(goal: Goal | None, participant: Participant) -> None:
    if goal is not None and goal.participant_id != participant.pk:
        raise InvalidInput({"goal": ["Choose one of the participant's own goals."]})


def propose_referral(
    *,
    actor: ActingUser,
    participant: Participant,
    service: Service,
    reason: str,
    goal: Goal | None = None,
) -> Referral:
    """The participant, or their keyworker, proposes a referral to a partner agency's service.

    Nothing is shared yet: the participant still has to agree, and say exactly what may be shared.
    """
    participant = _visible_participant(actor, participant)
    if not rules.has_perm("referrals.propose", actor, participant):
        raise NotAllowed("Only the participant or their keyworker can propose a referral.")
    if participant.status == Participant.Status.CLOSED:
        raise DomainError("This participant's case is closed.")
    organisation = service.organization.member if service.organization_id and service.organization else None
    if not service.takes_referrals or organisation is None:
        raise DomainError(
            "This service does not take referrals through Coproduce. You can record it as signposting instead."
        )
    if service.status != Service.Status.ACTIVE:
        raise DomainError("This service is not running at the moment.")
    reason = _required_text(reason, "reason", "Say, in plain words, why this referral would help.")
    _check_goal(goal, participant)
    by_the_participant = standing_of(actor).participant_id == participant.pk
    with transaction.atomic():
        referral = Referral(
            participant=participant,
            kind=Referral.Kind.REFERRAL,
            service=service,
            organisation=organisation,
            goal=goal,
            reason=reason,
            state=State.PROPOSED,
            proposed_by=Referral.ProposedBy.PARTICIPANT if by_the_participant else Referral.ProposedBy.KEYWORKER,
            proposed_by_user=signed_in(actor),
            proposed_at=timezone.now(),
        )
        validate_model(referral)
        referral.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=referral,
            participant_id=participant.pk,
            changed_fields=["service", "organisation", "reason", "state", *(["goal"] if goal else [])],
        )
    return referral


def record_signposting(
    *,
    actor: ActingUser,
    participant: Participant,
    reason: str,
    service: Service | None = None,
    outside_service_name: str = "",
    outside_service_details: str = "",
    goal: Goal | None = None,
) -> Referral:
    """Record that the participant was told about a service. Nothing about them is shared with anyone."""
    participant = _visible_participant(actor, participant)
    if not rules.has_perm("referrals.signpost", actor, participant):
        raise NotAllowed("Only the participant's keyworker can record signposting.")
    outside_service_name = outside_service_name.strip()
    if service is None and not outside_service_name:
        raise InvalidInput({"outside_service_name": ["Name the service you told them about."]})
    if service is not None and outside_service_name:
        raise InvalidInput({"outside_service_name": ["Choose a service from the directory or name another, not both."]})
    reason = _required_text(reason, "reason", "Say, in plain words, why this service would help.")
    _check_goal(goal, participant)
    with transaction.atomic():
        referral = Referral(
            participant=participant,
            kind=Referral.Kind.SIGNPOSTING,
            service=service,
            organisation=None,
            consent=None,
            shared_fields=[],
            outside_service_name=outside_service_name,
            outside_service_details=outside_service_details.strip(),
            goal=goal,
            reason=reason,
            state=State.SIGNPOSTED,
            proposed_by=Referral.ProposedBy.KEYWORKER,
            proposed_by_user=signed_in(actor),
            proposed_at=timezone.now(),
        )
        validate_model(referral)
        referral.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=referral,
            participant_id=participant.pk,
            changed_fields=[
                name
                for name in ("service", "outside_service_name", "outside_service_details", "reason", "goal")
                if getattr(referral, name) not in ("", None)
            ]
            + ["state"],
        )
    return referral


# --- The participant agrees; the keyworker sends ---------------------------------------------


def agree_to_referral(
    *,
    actor: ActingUser,
    referral_id: int,
    expected_version: int,
    shared_fields: list[str],
    how: str,
) -> Referral:
    """The participant agrees, consenting to share exactly `shared_fields` with that organisation for this referral.

    Given online by the participant, or recorded by their keyworker (`how` in person or phone).
    """
    with transaction.atomic():
        referral = _locked_referral(
            actor, referral_id, "referrals.agree", "Only the participant, or their keyworker for them, can agree."
        )
        _move(referral, "agree", expected_version)
        _check_how(actor, referral.participant_id, how)
        fields = _clean_shared_fields(shared_fields)
        service_name = referral.service.name if referral.service else ""
        labels = ", ".join(SharedField(value).label.lower() for value in fields)
        consent = Consent(
            participant_id=referral.participant_id,
            purpose=Consent.Purpose.SHARE_WITH_ORGANISATION,
            organisation_id=referral.organisation_id,
            detail=f"Referral {referral.pk} to {service_name}, sharing: {labels}"[:300],
            given_at=timezone.now(),
            given_by=signed_in(actor),
            given_how=how,
        )
        validate_model(consent)
        consent.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CONSENT_GIVEN,
            record=consent,
            participant_id=referral.participant_id,
            changed_fields=["purpose", "organisation", "detail"],
        )
        referral.consent = consent
        referral.shared_fields = fields
        referral.agreed_at = consent.given_at
        return _save(
            actor=actor,
            referral=referral,
            changed=["state", "consent", "shared_fields", "agreed_at"],
        )


def send_referral(*, actor: ActingUser, referral_id: int, expected_version: int) -> Referral:
    """The keyworker sends the agreed referral; the partner must answer within the service's working days."""
    with transaction.atomic():
        referral = _locked_referral(
            actor, referral_id, "referrals.send", "Only the participant's keyworker can send it."
        )
        _move(referral, "send", expected_version)
        if referral.consent is None or referral.consent.withdrawn_at is not None:
            raise DomainError("The participant's consent to share has been withdrawn.")
        service = referral.service
        if service is None or not service.takes_referrals:
            raise DomainError("This service no longer takes referrals through Coproduce.")
        now = timezone.now()
        referral.sent_at = now
        referral.sent_by = signed_in(actor)
        referral.answer_due_on = working_days_after(timezone.localdate(now), service.response_working_days)
        sent = _save(
            actor=actor,
            referral=referral,
            changed=["state", "sent_at", "sent_by", "answer_due_on"],
        )
        notify.referral_sent(actor=actor, referral=sent)
        return sent


# --- The partner answers ----------------------------------------------------------------------

PARTNER_ONLY = "Only staff of the organisation the referral was sent to can do this."


def accept_referral(*, actor: ActingUser, referral_id: int, expected_version: int) -> Referral:
    """The partner accepts: they will get in touch and offer the service."""
    with transaction.atomic():
        referral = _locked_referral(actor, referral_id, "referrals.answer", PARTNER_ONLY)
        _move(referral, "accept", expected_version)
        referral.answered_at = timezone.now()
        referral.answered_by = signed_in(actor)
        accepted = _save(actor=actor, referral=referral, changed=["state", "answered_at", "answered_by"])
        notify.referral_answered(actor=actor, referral=accepted, accepted=True)
        return accepted


def decline_referral(
    *,
    actor: ActingUser,
    referral_id: int,
    expected_version: int,
    reason: str,
    detail: str = "",
) -> Referral:
    """The partner declines, with a reason the keyworker and participant will see."""
    if reason not in Referral.DeclineReason.values:
        raise InvalidInput({"reason": ["Choose why you cannot take this referral."]})
    detail = (detail or "").strip()
    if reason == Referral.DeclineReason.OTHER and not detail:
        raise InvalidInput({"detail": ["Say what the reason is."]})
    with transaction.atomic():
        referral = _locked_referral(actor, referral_id, "referrals.answer", PARTNER_ONLY)
        _move(referral, "decline", expected_version)
        referral.answered_at = timezone.now()
        referral.answered_by = signed_in(actor)
        referral.decline_reason = reason
        referral.decline_detail = detail
        declined = _save(
            actor=actor,
            referral=referral,
            changed=["state", "answered_at", "answered_by", "decline_reason", *(["decline_detail"] if detail else [])],
        )
        notify.referral_answered(actor=actor, referral=declined, accepted=False)
        return declined


def start_referral(
    *,
    actor: ActingUser,
    referral_id: int,
    expected_version: int,
    started_on: datetime.date,
) -> Referral:
    """The participant has started with the partner's service."""
    with transaction.atomic():
        referral = _locked_referral(actor, referral_id, "referrals.answer", PARTNER_ONLY)
        _move(referral, "start", expected_version)
        if started_on > _today():
            raise InvalidInput({"started_on": ["The start date must be today or in the past."]})
        if referral.sent_at is not None and started_on < timezone.localdate(referral.sent_at):
            raise InvalidInput({"started_on": ["The start date must be on or after the day the referral was sent."]})
        referral.started_on = started_on
        return _save(actor=actor, referral=referral, changed=["state", "started_on"])


def complete_referral(
    *,
    actor: ActingUser,
    referral_id: int,
    expected_version: int,
    ended_on: datetime.date,
    delivered: str,
    outcome_note: str,
) -> Referral:
    """The partner records what they delivered and how it ended."""
    delivered = _required_text(delivered, "delivered", "Say what you delivered.")
    outcome_note = _required_text(outcome_note, "outcome_note", "Say what the outcome was.")
    with transaction.atomic():
        referral = _locked_referral(actor, referral_id, "referrals.answer", PARTNER_ONLY)
        _move(referral, "complete", expected_version)
        if ended_on > _today():
            raise InvalidInput({"ended_on": ["The end date must be today or in the past."]})
        if referral.started_on is not None and ended_on < referral.started_on:
            raise InvalidInput({"ended_on": ["The end date must be on or after the start date."]})
        referral.ended_on = ended_on
        referral.delivered = delivered
        referral.outcome_note = outcome_note
        return _save(
            actor=actor,
            referral=referral,
            changed=["state", "ended_on", "delivered", "outcome_note"],
        )


def record_did_not_start(*, actor: ActingUser, referral_id: int, expected_version: int, outcome_note: str) -> Referral:
    """The partner accepted, but the participant did not start; the note says why."""
    outcome_note = _required_text(outcome_note, "outcome_note", "Say why it did not start.")
    with transaction.atomic():
        referral = _locked_referral(actor, referral_id, "referrals.answer", PARTNER_ONLY)
        _move(referral, "did_not_start", expected_version)
        referral.outcome_note = outcome_note
        return _save(actor=actor, referral=referral, changed=["state", "outcome_note"])


# --- Withdrawing ------------------------------------------------------------------------------


def withdraw_referral(*, actor: ActingUser, referral_id: int, expected_version: int, reason: str = "") -> Referral:
    """The participant, or their keyworker, withdraws a referral that has not ended. The partner no longer sees it."""
    with transaction.atomic():
        referral = _locked_referral(
            actor, referral_id, "referrals.withdraw", "Only the participant or their keyworker can withdraw it."
        )
        _move(referral, "withdraw", expected_version)
        referral.withdrawn_at = timezone.now()
        referral.withdrawn_reason = (reason or "").strip()[:200]
        return _save(
            actor=actor,
            referral=referral,
            changed=["state", "withdrawn_at", *(["withdrawn_reason"] if referral.withdrawn_reason else [])],
        )


CONSENT_WITHDRAWN_REASON = "The participant withdrew their consent to share."


def withdraw_sharing_consent(*, actor: ActingUser, consent_id: int, how: str) -> Consent:
    """In one step: withdraw the consent to share with an organisation, and every open referral relying on it.

    From that moment the organisation's staff see nothing of the participant (pages and API).
    """
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update(of=("self",))
            .filter(
                pk=consent_id,
                purpose=Consent.Purpose.SHARE_WITH_ORGANISATION,
                participant__in=participants_visible_to(actor),
            )
            .select_related("participant")
            .first()
        )
        if consent is None:
            raise NotFound("No such consent.")
        if not rules.has_perm("referrals.withdraw_consent", actor, consent.participant):
            raise NotAllowed("Only the participant, or their keyworker for them, can withdraw this consent.")
        if consent.withdrawn_at is not None:
            raise DomainError("This consent was already withdrawn.")
        _check_how(actor, consent.participant_id, how)
        now = timezone.now()
        consent.withdrawn_at = now
        consent.withdrawn_by = signed_in(actor)
        consent.withdrawn_how = how
        consent.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CONSENT_WITHDRAWN,
            record=consent,
            participant_id=consent.participant_id,
            changed_fields=["withdrawn_at", "withdrawn_by", "withdrawn_how"],
        )
        open_referrals = Referral.objects.select_for_update().filter(consent=consent, state__in=Referral.OPEN_STATES)
        for referral in open_referrals.order_by("pk"):
            referral.state = State.WITHDRAWN
            referral.withdrawn_at = now
            referral.withdrawn_reason = CONSENT_WITHDRAWN_REASON
            _save(
                actor=actor,
                referral=referral,
                changed=["state", "withdrawn_at", "withdrawn_reason"],
            )
    return consent


# --- Messages about a referral -------------------------------------------------------------------

MESSAGE_LENGTH = 2000


def post_referral_message(*, actor: ActingUser, referral_id: int, text: str) -> ReferralMessage:
    """Add a message to a referral's thread, written by staff of the referring keyworker's organisation or of
    the receiving partner (`may_use_referral_thread`). Audited as a change to the participant's data."""
    text = _required_text(text, "text", "Write your message.")
    if len(text) > MESSAGE_LENGTH:
        raise InvalidInput({"text": [f"Write your message in {MESSAGE_LENGTH} characters or fewer."]})
    with transaction.atomic():
        referral = (
            referrals_visible_to(actor)
            .select_related("sent_by__staff_member")
            .select_for_update(of=("self",))
            .filter(pk=referral_id)
            .first()
        )
        if referral is None:
            raise NotFound("No such referral.")
        if not may_use_referral_thread(actor, referral):
            raise NotAllowed("Only staff of the keyworker's organisation and of the partner can write about this.")
        organisation_id = standing_of(actor).organisation_id
        assert organisation_id is not None  # may_use_referral_thread checked it
        message = ReferralMessage.objects.create(
            referral=referral,
            author=signed_in(actor),
            author_organisation_id=organisation_id,
            written_at=timezone.now(),
            text=text,
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=message,
            participant_id=referral.participant_id,
            changed_fields=["text"],
        )
    return message


def record_referral_thread_read(*, actor: ActingUser, referral: Referral, messages: Sequence[ReferralMessage]) -> None:
    """Audit that a referral's messages were shown: one event per message, one query (none if there are none)."""
    if not messages:
        return
    record_events(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        records=[(ReferralMessage._meta.label, message.pk, referral.participant_id) for message in messages],
    )


# --- Ratings of services ------------------------------------------------------------------------


def rate_referral(
    *,
    actor: ActingUser,
    referral_id: int,
    score: int,
    comment: str = "",
    anonymous: bool = False,
    expected_version: int | None = None,
) -> ServiceRating:
    """The participant rates the service a completed referral of theirs was to (1 to 5, and a sentence).

    Only the participant themself, only once the referral has completed. One rating per referral:
    rating again changes it (naming the `version` they saw, so two tabs do not overwrite each other).
    `anonymous` keeps their name from the partner. Audited.
    """
    if score not in range(1, 6):
        raise InvalidInput({"score": ["Choose a score from 1 to 5."]})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise InvalidInput({"comment": ["Write 500 characters or fewer."]})
    with transaction.atomic():
        referral = referrals_visible_to(actor).select_for_update(of=("self",)).filter(pk=referral_id).first()
        if referral is None:
            raise NotFound("No such referral.")
        if standing_of(actor).participant_id != referral.participant_id:
            raise NotAllowed("Only the person who was referred can rate the service.")
        if referral.kind != Referral.Kind.REFERRAL or referral.state != Referral.State.COMPLETED:
            raise DomainError("You can rate a service once your referral to it has finished.")
        rating = ServiceRating.objects.select_for_update().filter(referral=referral).first()
        if rating is None:
            assert referral.service_id is not None  # a referral (not signposting) always names its service
            rating = ServiceRating(
                referral=referral, service_id=referral.service_id, participant_id=referral.participant_id
            )
            action = AuditEvent.Action.CREATE
        else:
            rating.check_version(expected_version if expected_version is not None else -1)
            rating.bump_version()
            action = AuditEvent.Action.CHANGE
        rating.score, rating.comment, rating.anonymous = score, comment, anonymous
        rating.save()
        record_event(
            actor=actor,
            action=action,
            record=rating,
            participant_id=referral.participant_id,
            changed_fields=["score", "comment", "anonymous"],
        )
    return rating


# --- Reads that must be audited ---------------------------------------------------------------


def record_referral_view(*, actor: ActingUser, referral: Referral) -> None:
    """Audit that the participant's data on a referral (for a partner: the shared fields) was shown."""
    record_event(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        record=referral,
        participant_id=referral.participant_id,
    )


def record_referral_list_view(*, actor: ActingUser, referrals: Iterable[Referral]) -> None:
    """Audit that participants' names were shown in a list of referrals (an inbox), one event each, one query."""
    record_participant_reads(
        actor=actor,
        participant_ids=sorted({referral.participant_id for referral in referrals}),
        action=AuditEvent.Action.LIST,
    )
