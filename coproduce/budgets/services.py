"""Every change to budget pots and spend. One function per change, audited.

A pot can never be overspent. `approve_spend` locks the pot row (`select_for_update`) before it
adds up what is already approved, so a second approval at the same moment waits for the first
to commit, then sees it, and is refused with a plain DomainError if the pot would go below zero.
Locks are always taken pot first, then spend, so two approvals cannot deadlock.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import rules
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.budgets.selectors import pots_for_request, pots_visible_to, spends_visible_to
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Goal
from coproduce.programmes.models import PartnershipMembership
from coproduce.programmes.standing import standing_of

POT_FIELDS = ("name", "starts_on", "ends_on", "amount", "keyworker_limit")
RECEIPT_MAX_BYTES = 5 * 1024 * 1024
# What a receipt may be, told by its first bytes as well as its name.
RECEIPT_KINDS = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def _money(value: Any) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _approved_total(pot_id: int) -> Decimal:
    total = Spend.objects.filter(pot_id=pot_id, state=Spend.State.APPROVED).aggregate(total=Sum("amount"))["total"]
    return _money(total or 0)


def create_pot(
    *,
    actor: ActingUser,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    amount: Decimal,
    keyworker_limit: Decimal = Decimal("100.00"),
    organisation_id: int | None = None,
) -> BudgetPot:
    """A partnership manager opens a pot for their partnership, or for one of its member organisations."""
    standing = standing_of(actor)
    if not rules.has_perm("budgets.create_pot", actor) or standing.partnership_id is None:
        raise NotAllowed("Only partnership managers can open budget pots.")
    if (
        organisation_id is not None
        and not PartnershipMembership.objects.filter(
            partnership_id=standing.partnership_id, organisation_id=organisation_id
        ).exists()
    ):
        raise InvalidInput({"organisation": ["Choose an organisation in your partnership."]})
    with transaction.atomic():
        pot = BudgetPot(
            partnership_id=None if organisation_id is not None else standing.partnership_id,
            organisation_id=organisation_id,
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            amount=amount,
            keyworker_limit=keyworker_limit,
        )
        validate_model(pot)
        pot.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=pot,
            participant_id=None,
            changed_fields=[*POT_FIELDS, "organisation" if organisation_id else "partnership"],
        )
    return pot


def update_pot(
    *,
    actor: ActingUser,
    pot_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> BudgetPot:
    """Change a pot's name, period, amount or keyworker limit. The amount never drops below what is approved."""
    unknown = sorted(set(changes) - set(POT_FIELDS))
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in unknown})
    with transaction.atomic():
        pot = pots_visible_to(actor).select_for_update().filter(pk=pot_id).first()
        if pot is None:
            raise NotFound("No such budget pot.")
        if not rules.has_perm("budgets.change_pot", actor, pot):
            raise NotAllowed("Only the partnership's manager can change this pot.")
        pot.check_version(expected_version)
        changed = []
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(pot, name) != value:
                setattr(pot, name, value)
                changed.append(name)
        if not changed:
            return pot
        validate_model(pot)
        approved = _approved_total(pot.pk)
        if pot.amount < approved:
            raise DomainError(f"£{approved} is already approved from this pot: it cannot hold less.", field="amount")
        pot.bump_version()
        pot.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=pot,
            participant_id=None,
            changed_fields=changed,
        )
    return pot


def request_spend(
    *,
    actor: ActingUser,
    participant_id: int,
    pot_id: int,
    category: str,
    amount: Decimal,
    description: str,
    goal_id: int | None = None,
    no_goal_reason: str = "",
    today: datetime.date | None = None,
) -> Spend:
    """The participant's keyworker proposes money from a pot of their partnership or organisation.

    The spend is for one of their goals, or the keyworker says why it is not. It waits for the
    participant's answer (`answer_spend`) before anyone may approve it.
    """
    today = today or timezone.localdate()
    participant = participants_visible_to(actor).filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("No such participant.")
    if not rules.has_perm("budgets.request_spend", actor, participant):
        raise NotAllowed("Only their keyworker can ask for money for them.")
    errors: dict[str, list[str]] = {}
    pot = pots_for_request(actor, today).filter(pk=pot_id).first()
    if pot is None:
        errors["pot"] = ["Choose a pot of your partnership or organisation that is open today."]
    if category not in Spend.Category.values:
        errors["category"] = ["Choose what the money is for."]
    goal = None
    if goal_id is not None:
        goal = Goal.objects.filter(pk=goal_id, participant_id=participant.pk).first()
        if goal is None:
            errors["goal"] = ["Choose one of their goals."]
    elif not no_goal_reason.strip():
        errors["goal"] = ["Choose the goal it is for, or say why it is not for one of their goals."]
    if not description.strip():
        errors["description"] = ["Say what it is for, in plain words."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        spend = Spend(
            pot=pot,
            participant=participant,
            goal=goal,
            category=category,
            amount=amount,
            description=description.strip(),
            no_goal_reason="" if goal is not None else no_goal_reason.strip(),
            requested_by=signed_in(actor),
            requested_at=timezone.now(),
        )
        validate_model(spend, exclude=["receipt"])
        spend.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=spend,
            participant_id=participant.pk,
            changed_fields=["pot", "category", "amount", "description", "goal" if goal else "no_goal_reason"],
        )
    return spend


def _locked_spend(actor: ActingUser, spend_id: int, *, lock_pot: bool = False) -> Spend:
    """The spend, locked; with `lock_pot`, its pot is locked first (always pot, then spend)."""
    pot_id = spends_visible_to(actor).filter(pk=spend_id).values_list("pot_id", flat=True).first()
    if pot_id is None:
        raise NotFound("No such spend.")
    if lock_pot:
        list(BudgetPot.objects.select_for_update().filter(pk=pot_id))
    spend = Spend.objects.select_for_update().filter(pk=spend_id).first()
    if spend is None:
        raise NotFound("No such spend.")
    return spend


def _decide(actor: ActingUser, spend: Any, expected_version: int) -> None:
    spend.check_version(expected_version)
    if spend.state != Spend.State.REQUESTED:
        raise DomainError(f"This request is already {spend.get_state_display().lower()}.")


STAFF_ANSWERS = (Spend.AnsweredHow.IN_PERSON, Spend.AnsweredHow.PHONE, Spend.AnsweredHow.MESSAGE)


def _require_their_yes(spend: Spend) -> None:
    """A spend is a shared decision: nobody approves it before the participant has said yes."""
    if spend.participant_answer == Spend.Answer.NO:
        raise DomainError(
            "They said no thanks to this, so it cannot be approved. Cancel the request, "
            "or talk it through with them and record their new answer."
        )
    if spend.participant_answer != Spend.Answer.YES:
        raise DomainError(
            "They have not said yes to this yet, so it cannot be approved. "
            "Ask them first: they answer on their own page, or record the answer they gave you."
        )


def answer_spend(
    *, actor: ActingUser, spend_id: int, expected_version: int, answer: str, answered_how: str = ""
) -> Spend:
    """The participant says yes or no thanks to a spend proposed for them.

    Given by them on their own page, or recorded by their keyworker (or the area's manager), who
    says how it was given. They may change their mind while the spend is still waiting for a decision.
    """
    if answer not in (Spend.Answer.YES, Spend.Answer.NO):
        raise InvalidInput({"answer": ["Choose yes or no thanks."]})
    with transaction.atomic():
        spend = _locked_spend(actor, spend_id)
        if not rules.has_perm("budgets.answer_spend", actor, spend):
            raise NotAllowed("Only the person it is for, or their keyworker recording their answer, can answer.")
        if standing_of(actor).participant_id == spend.participant_id:
            how = Spend.AnsweredHow.THEMSELVES  # their own answer is always recorded as given by them
        elif answered_how in STAFF_ANSWERS:
            how = Spend.AnsweredHow(answered_how)
        else:
            raise InvalidInput(
                {"answered_how": ["Say how they gave their answer: in person, on the phone or by message."]}
            )
        spend.check_version(expected_version)
        if spend.state != Spend.State.REQUESTED:
            raise DomainError(f"This request is already {spend.get_state_display().lower()}: it cannot change now.")
        spend.participant_answer = answer
        spend.answered_at = timezone.now()
        spend.answered_how = how
        spend.answer_recorded_by = signed_in(actor)
        validate_model(spend, exclude=["receipt"])
        spend.bump_version()
        spend.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=spend,
            participant_id=spend.participant_id,
            changed_fields=["participant_answer", "answered_how"],
        )
    return spend


def approve_spend(*, actor: ActingUser, spend_id: int, expected_version: int) -> Spend:
    """Approve a request. A keyworker up to the pot's limit for their own caseload; above it the area manager.

    Refused, with nothing changed, if it would take the pot below zero.
    """
    with transaction.atomic():
        spend = _locked_spend(actor, spend_id, lock_pot=True)
        if not rules.has_perm("budgets.approve_spend", actor, spend):
            if rules.has_perm("budgets.cancel_spend", actor, spend):
                raise NotAllowed(
                    f"This is more than the £{spend.pot.keyworker_limit} a keyworker can approve: "
                    "the partnership manager decides it."
                )
            raise NotAllowed("Only their keyworker or the partnership manager can approve this.")
        _decide(actor, spend, expected_version)
        _require_their_yes(spend)
        left = spend.pot.amount - _approved_total(spend.pot_id)
        if spend.amount > left:
            raise DomainError(f"There is not enough left in {spend.pot.name}: £{left} left, £{spend.amount} asked.")
        spend.state = Spend.State.APPROVED
        spend.decided_by = signed_in(actor)
        spend.decided_at = timezone.now()
        spend.bump_version()
        spend.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=spend,
            participant_id=spend.participant_id,
            changed_fields=["state", "decided_by", "decided_at"],
        )
    return spend


def decline_spend(*, actor: ActingUser, spend_id: int, expected_version: int, reason: str) -> Spend:
    """Decline a request, saying why. The same people who may approve it may decline it."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput({"reason": ["Say why, so the keyworker can tell them."]})
    with transaction.atomic():
        spend = _locked_spend(actor, spend_id)
        if not rules.has_perm("budgets.decline_spend", actor, spend):
            raise NotAllowed("Only the person who may approve this can decline it.")
        _decide(actor, spend, expected_version)
        spend.state = Spend.State.DECLINED
        spend.decline_reason = reason
        spend.decided_by = signed_in(actor)
        spend.decided_at = timezone.now()
        validate_model(spend, exclude=["receipt"])
        spend.bump_version()
        spend.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=spend,
            participant_id=spend.participant_id,
            changed_fields=["state", "decline_reason", "decided_by", "decided_at"],
        )
    return spend


def cancel_spend(*, actor: ActingUser, spend_id: int, expected_version: int) -> Spend:
    """Withdraw a request that has not been decided (their keyworker or the area manager)."""
    with transaction.atomic():
        spend = _locked_spend(actor, spend_id)
        if not rules.has_perm("budgets.cancel_spend", actor, spend):
            raise NotAllowed("Only their keyworker or the partnership manager can cancel this.")
        _decide(actor, spend, expected_version)
        spend.state = Spend.State.CANCELLED
        spend.bump_version()
        spend.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=spend,
            participant_id=spend.participant_id,
            changed_fields=["state"],
        )
    return spend


def check_receipt(upload: UploadedFile) -> str:
    """A PDF, JPEG or PNG of at most 5 MB, by name and by content. Returns the lower-case extension."""
    name = (upload.name or "").lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in RECEIPT_KINDS:
        raise InvalidInput({"receipt": ["The receipt must be a PDF, JPG or PNG file."]})
    if upload.size is None or upload.size > RECEIPT_MAX_BYTES:
        raise InvalidInput({"receipt": ["The receipt must be smaller than 5 MB."]})
    if upload.size == 0:
        raise InvalidInput({"receipt": ["The file is empty."]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in RECEIPT_KINDS[extension]):
        raise InvalidInput({"receipt": [f"The file is not a real {extension[1:].upper()}."]})
    return extension


def attach_receipt(*, actor: ActingUser, spend_id: int, expected_version: int, upload: UploadedFile) -> Spend:
    """Keep the receipt of an approved spend (replacing an earlier one), in the default storage."""
    extension = check_receipt(upload)
    with transaction.atomic():
        spend = _locked_spend(actor, spend_id)
        if not rules.has_perm("budgets.attach_receipt", actor, spend):
            raise NotAllowed("Only their keyworker or the partnership manager can add a receipt.")
        spend.check_version(expected_version)
        if spend.state != Spend.State.APPROVED:
            raise DomainError("Only an approved spend has a receipt.")
        spend.receipt.save(f"spend-{spend.pk}{extension}", upload, save=False)
        spend.receipt_uploaded_at = timezone.now()
        spend.bump_version()
        spend.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=spend,
            participant_id=spend.participant_id,
            changed_fields=["receipt"],
        )
    return spend
