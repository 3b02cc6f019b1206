"""Every change to participants, consents and enquiries. One function per change, each audited."""

import datetime
from collections.abc import Iterable
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.accounts.models import User, normalise_mobile
from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_events, record_participant_reads
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.notifications import events as notify
from coproduce.notifications.services import queue_sign_in_link
from coproduce.participants.models import (
    AvailabilitySlot,
    Child,
    Consent,
    CoverShare,
    Enquiry,
    HeardAbout,
    Participant,
)
from coproduce.participants.selectors import enquiries_visible_to, participants_visible_to
from coproduce.programmes.models import Partnership, StaffMember
from coproduce.programmes.selectors import public_partnerships
from coproduce.programmes.standing import standing_of

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "email",
    "mobile",
    "address",
    "postcode",
    "status",
    "heard_about",
    "heard_about_detail",
    "language",
    "interpreter_language",
)


class OverCaseloadLimit(InvalidInput):
    """The keyworker would go over the partnership's caseload limit: done only when confirmed."""

    def __init__(self, keyworker: StaffMember, active: int, limit: int) -> None:
        self.active = active
        self.limit = limit
        super().__init__(
            {
                "over_limit_confirmed": [
                    f"{keyworker.user} already supports {active} active "
                    f"{'person' if active == 1 else 'people'}: the caseload limit is {limit}. "
                    "Choose someone else, or confirm that they can take one more."
                ]
            }
        )


def _check_caseload_limit(partnership_id: int, keyworker: StaffMember, *, confirmed: bool) -> None:
    """Refuse to add an active person to a keyworker at or over the partnership's limit, unless confirmed."""
    if confirmed:
        return
    limit = Partnership.objects.filter(pk=partnership_id).values_list("caseload_limit", flat=True).first()
    if limit is None:
        return
    active = Participant.objects.filter(keyworker=keyworker, status=Participant.Status.ACTIVE).count()
    if active + 1 > limit:
        raise OverCaseloadLimit(keyworker, active, limit)


def _keyworker_in(partnership_id: int, staff_member_id: int) -> StaffMember:
    keyworker = (
        StaffMember.objects.filter(
            pk=staff_member_id, partnership_id=partnership_id, is_active=True, roles__role=Role.KEYWORKER
        )
        .select_related("user")
        .first()
    )
    if keyworker is None:
        raise InvalidInput({"keyworker": ["Choose a keyworker who works in this partnership."]})
    return keyworker


def _normalise_contact(email: str, mobile: str) -> tuple[str, str]:
    return email.strip().lower(), normalise_mobile(mobile)


def _next_reference(partnership: Partnership) -> str:
    prefix = f"{partnership.programme.reference_prefix}-{partnership.short_code}-"
    last = (
        Participant.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _check_account_is_free(email: str, *, except_user_id: int | None = None) -> None:
    """An email address signs in one person. A mobile number may be shared (families share phones):
    signing in by it finds the person by their password, or asks who is signing in once a text
    has proved the phone is theirs (coproduce/accounts/shared_mobile.py)."""
    others = User.objects.exclude(pk=except_user_id) if except_user_id else User.objects.all()
    if email and others.filter(email__iexact=email).exists():
        raise InvalidInput({"email": ["Another account already uses this email address."]})


def _returning_person(email: str, given_name: str, family_name: str, programme_id: int) -> User | None:
    """The account of someone who took part in another programme and is joining this one: one person,
    one account, one record per programme.

    Only a participant's own account (no staff role, no administration) whose email address and name
    are those of the new record, and which holds no record in this programme. An account that matches
    but may not take the record is refused with a message; no match is None (a new account is made).
    """
    if not email:
        return None
    account = User.objects.filter(email__iexact=email, is_active=True).first()
    if account is None:
        return None
    records = Participant.objects.filter(user=account, anonymised_at__isnull=True)
    same_person = records.filter(given_name__iexact=given_name.strip(), family_name__iexact=family_name.strip())
    if not same_person.exists():
        return None  # someone else's address: the caller's "already used" rule applies
    if account.is_staff or account.is_superuser or StaffMember.objects.filter(user=account).exists():
        raise InvalidInput({"email": ["This email address signs in a member of staff. Give the person's own address."]})
    if records.filter(partnership__programme_id=programme_id).exists():
        raise InvalidInput({"email": ["This person already has a record in this programme. Find them instead."]})
    return account


def register_participant(
    *,
    actor: ActingUser,
    given_name: str,
    family_name: str,
    consent_how: str,
    preferred_name: str = "",
    email: str = "",
    mobile: str = "",
    address: str = "",
    postcode: str = "",
    keyworker_id: int | None = None,
    joined_on: datetime.date | None = None,
    heard_about: str = "",
    heard_about_detail: str = "",
    children_birth_years: Iterable[int] = (),
    create_account: bool = True,
    enquiry_id: int | None = None,
    language: str | None = None,
    interpreter_language: str | None = None,
) -> Participant:
    """Register a participant with their consent to the service recorded.

    A keyworker registers people onto their own caseload; a partnership manager onto any
    keyworker's in their area. Nobody is registered without consent to receive the service.
    Registered from an enquiry, they keep the language (and interpreter) they asked for there
    unless another is given.
    """
    standing = standing_of(actor)
    if not rules.has_perm("participants.register_participant", actor):
        raise NotAllowed("Only keyworkers and partnership managers can register participants.")
    if consent_how not in Consent.How.values:
        raise InvalidInput({"consent_how": ["Record how the participant gave their consent."]})
    staff = standing.staff_member
    if staff is None or staff.partnership_id is None:
        raise NotAllowed("Only staff working in a partnership can register participants.")
    if standing.has(Role.PARTNERSHIP_MANAGER) and keyworker_id is not None:
        keyworker = _keyworker_in(staff.partnership_id, keyworker_id)
    elif standing.has(Role.KEYWORKER) and keyworker_id in (None, staff.pk):
        keyworker = staff
    else:
        raise InvalidInput({"keyworker": ["Choose a keyworker who works in this partnership."]})
    email, mobile = _normalise_contact(email, mobile)
    today = timezone.localdate()
    joined_on = joined_on or today
    years = list(children_birth_years)
    for year in years:
        if not 1990 <= year <= today.year:
            raise InvalidInput({"children": [f"{year} is not a possible year of birth for a child."]})

    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().select_related("programme").get(pk=staff.partnership_id)
        enquiry = None
        if enquiry_id is not None:
            enquiry = enquiries_visible_to(actor).select_for_update().filter(pk=enquiry_id).first()
            if enquiry is None:
                raise NotFound("No such enquiry.")
            if enquiry.participant_id is not None:
                raise DomainError("This enquiry has already been registered as a participant.")
        participant = Participant(
            reference=_next_reference(partnership),
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            preferred_name=preferred_name.strip(),
            email=email,
            mobile=mobile,
            address=address.strip(),
            postcode=postcode.strip().upper(),
            partnership=partnership,
            keyworker=keyworker,
            status=Participant.Status.ACTIVE,
            status_since=joined_on,
            joined_on=joined_on,
            heard_about=heard_about,
            heard_about_detail=heard_about_detail.strip(),
            language=language if language is not None else (enquiry.language if enquiry else "en-gb"),
            interpreter_language=(
                interpreter_language
                if interpreter_language is not None
                else (enquiry.interpreter_language if enquiry else "")
            ).strip(),
        )
        validate_model(participant, exclude=["user"])
        returning = (
            _returning_person(email, given_name, family_name, partnership.programme_id) if create_account else None
        )
        if returning is not None:
            participant.user = returning
        elif create_account and (email or mobile):
            _check_account_is_free(email)
            user = User(
                username=f"participant-{participant.reference.lower()}",
                email=email,
                mobile=mobile,
                display_name=participant.full_name,
            )
            user.set_unusable_password()
            user.save()
            participant.user = user
        try:
            participant.save()
        except IntegrityError as error:
            raise DomainError("That participant could not be saved; please try again.") from error
        Child.objects.bulk_create([Child(participant=participant, birth_year=year) for year in years])
        Consent.objects.create(
            participant=participant,
            purpose=Consent.Purpose.SERVICE,
            given_at=timezone.now(),
            given_by=signed_in(actor),
            given_how=consent_how,
        )
        if enquiry is not None:
            enquiry.participant = participant
            enquiry.status = Enquiry.Status.REGISTERED
            enquiry.bump_version()
            enquiry.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=participant,
            participant_id=participant.pk,
            changed_fields=[name for name in EDITABLE_FIELDS if getattr(participant, name)],
        )
    return participant


def update_participant(
    *,
    actor: ActingUser,
    participant_id: int,
    expected_version: int,
    changes: dict[str, Any],
    children_birth_years: list[int] | None = None,
) -> Participant:
    """Change a participant's details. Fails with ConflictError if someone else changed them first."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    with transaction.atomic():
        participant = participants_visible_to(actor).select_for_update().filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if not rules.has_perm("participants.change_participant", actor, participant):
            raise NotAllowed("You can see this record but not change it.")
        participant.check_version(expected_version)
        changed = []
        for name, value in changes.items():
            if name in {"email", "mobile"}:
                value = normalise_mobile(value) if name == "mobile" else (value or "").strip().lower()
            elif isinstance(value, str):
                value = value.strip()
            if name == "postcode":
                value = value.upper()
            if getattr(participant, name) != value:
                setattr(participant, name, value)
                changed.append(name)
        if "status" in changed:
            participant.status_since = timezone.localdate()
            changed.append("status_since")
        if children_birth_years is not None:
            today = timezone.localdate()
            for year in children_birth_years:
                if not 1990 <= year <= today.year:
                    raise InvalidInput({"children": [f"{year} is not a possible year of birth for a child."]})
            current = sorted(participant.children.values_list("birth_year", flat=True))
            if current != sorted(children_birth_years):
                participant.children.all().delete()
                Child.objects.bulk_create(
                    [Child(participant=participant, birth_year=year) for year in children_birth_years]
                )
                changed.append("children")
        if not changed:
            return participant
        validate_model(participant, exclude=["user"])
        if participant.user_id and ({"email", "mobile"} & set(changed)):
            _check_account_is_free(participant.email, except_user_id=participant.user_id)
            User.objects.filter(pk=participant.user_id).update(email=participant.email, mobile=participant.mobile)
        participant.bump_version()
        participant.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=participant,
            participant_id=participant.pk,
            changed_fields=changed,
        )
    return participant


def choose_language(*, actor: ActingUser, participant_id: int, expected_version: int, language: str) -> Participant:
    """The language a participant's pages, texts, emails and PDFs are written in.

    The participant chooses it themselves, or their keyworker (or area manager) with them.
    Fails with ConflictError if the record changed since it was read.
    """
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput({"language": ["Choose one of the languages."]})
    with transaction.atomic():
        participant = participants_visible_to(actor).select_for_update().filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if not rules.has_perm("participants.choose_language", actor, participant):
            raise NotAllowed("You cannot change this person's language.")
        participant.check_version(expected_version)
        if participant.language == language:
            return participant
        participant.language = language
        participant.bump_version()
        participant.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=participant,
            participant_id=participant.pk,
            changed_fields=["language"],
        )
    return participant


def reallocate_participant(
    *,
    actor: ActingUser,
    participant_id: int,
    expected_version: int,
    keyworker_id: int,
    over_limit_confirmed: bool = False,
) -> Participant:
    """A partnership manager moves a participant to another keyworker in the same area.

    Moving an active participant to a keyworker at the caseload limit raises OverCaseloadLimit
    unless `over_limit_confirmed`.
    """
    with transaction.atomic():
        participant = participants_visible_to(actor).select_for_update().filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if not rules.has_perm("participants.reallocate_participant", actor, participant):
            raise NotAllowed("Only the partnership manager can move participants between keyworkers.")
        participant.check_version(expected_version)
        keyworker = _keyworker_in(participant.partnership_id, keyworker_id)
        if participant.keyworker_id == keyworker.pk:
            return participant
        if participant.status == Participant.Status.ACTIVE:
            _check_caseload_limit(participant.partnership_id, keyworker, confirmed=over_limit_confirmed)
        participant.keyworker = keyworker
        participant.bump_version()
        participant.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.ALLOCATE,
            record=participant,
            participant_id=participant.pk,
            changed_fields=["keyworker"],
        )
    return participant


def record_consent(
    *,
    actor: ActingUser,
    participant_id: int,
    purpose: str,
    how: str,
    organisation_id: int | None = None,
) -> Consent:
    """Record a consent the participant gave, for one purpose (and organisation, for sharing)."""
    with transaction.atomic():
        participant = participants_visible_to(actor).filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if not rules.has_perm("participants.record_consent", actor, participant):
            raise NotAllowed("Only the participant's keyworker or partnership manager can record consent.")
        consent = Consent(
            participant=participant,
            purpose=purpose,
            organisation_id=organisation_id,
            given_at=timezone.now(),
            given_by=signed_in(actor),
            given_how=how,
        )
        validate_model(consent)
        already = Consent.objects.filter(
            participant=participant, purpose=purpose, organisation=consent.organisation, withdrawn_at__isnull=True
        ).exists()
        if already:
            raise DomainError("This consent is already recorded and has not been withdrawn.")
        consent.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CONSENT_GIVEN,
            record=consent,
            participant_id=participant.pk,
            changed_fields=["purpose"],
        )
    return consent


def _visible_consent_for_update(actor: ActingUser, consent_id: int) -> Consent:
    """The consent, locked, if its participant is visible to the actor; NotFound otherwise."""
    consent = (
        Consent.objects.select_for_update()
        .filter(pk=consent_id, participant__in=participants_visible_to(actor))
        .select_related("participant")
        .first()
    )
    if consent is None:
        raise NotFound("No such consent.")
    return consent


def withdraw_consent(*, actor: ActingUser, consent_id: int, how: str) -> Consent:
    """Withdraw a consent. Takes effect at once; the participant can always do this themselves."""
    standing = standing_of(actor)
    if how not in Consent.How.values:
        raise InvalidInput({"how": ["Record how the participant withdrew their consent."]})
    with transaction.atomic():
        consent = _visible_consent_for_update(actor, consent_id)
        participant = consent.participant
        if not (
            rules.has_perm("participants.record_consent", actor, participant)
            or standing.participant_id == participant.pk
        ):
            raise NotAllowed("You cannot withdraw this consent.")
        if consent.withdrawn_at is not None:
            raise DomainError("This consent was already withdrawn.")
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = signed_in(actor)
        consent.withdrawn_how = how
        consent.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CONSENT_WITHDRAWN,
            record=consent,
            participant_id=participant.pk,
            changed_fields=["withdrawn_at"],
        )
    return consent


def give_consent_again(*, actor: ActingUser, consent_id: int, how: str = "") -> Consent:
    """The participant gives again a consent they withdrew: a new consent from now, the old one kept.

    The participant does this themselves, online; their keyworker or manager may record it for
    them and say how it was given. A consent to share with an organisation is given again only
    with a new referral (it names the fields shared), so it is refused here.
    """
    standing = standing_of(actor)
    with transaction.atomic():
        withdrawn = _visible_consent_for_update(actor, consent_id)
        participant = withdrawn.participant
        own = standing.participant_id == participant.pk
        if not (own or rules.has_perm("participants.record_consent", actor, participant)):
            raise NotAllowed("You cannot give this consent again.")
        if own:
            how = Consent.How.ONLINE
        elif how not in Consent.How.values:
            raise InvalidInput({"how": ["Record how the participant gave their consent."]})
        if withdrawn.withdrawn_at is None:
            raise DomainError("This consent has not been withdrawn.")
        if withdrawn.purpose == Consent.Purpose.SHARE_WITH_ORGANISATION:
            raise DomainError("Sharing with an organisation is agreed again with a new referral.")
        if Consent.objects.filter(
            participant=participant, purpose=withdrawn.purpose, withdrawn_at__isnull=True
        ).exists():
            raise DomainError("This consent is already given again.")
        consent = Consent.objects.create(
            participant=participant,
            purpose=withdrawn.purpose,
            detail=withdrawn.detail,
            given_at=timezone.now(),
            given_by=signed_in(actor),
            given_how=how,
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CONSENT_GIVEN,
            record=consent,
            participant_id=participant.pk,
            changed_fields=["purpose"],
        )
    return consent


def submit_enquiry(
    *,
    name: str,
    partnership_id: int,
    contact_by: str,
    email: str = "",
    mobile: str = "",
    best_time: str = "",
    postcode: str = "",
    message: str = "",
    heard_about: str = "",
    language: str = "en-gb",
    interpreter_language: str = "",
) -> Enquiry:
    """Someone asks for help. No account needed; the area's partnership manager allocates it.

    They say from the start which language we should use; another language than ours is
    recorded as the interpreter they need.
    """
    email, mobile = _normalise_contact(email, mobile)
    errors: dict[str, list[str]] = {}
    if not email and not mobile:
        errors["__all__"] = ["Give us an email address or a mobile number so that we can reply."]
    if contact_by == Enquiry.ContactBy.EMAIL and not email:
        errors["email"] = ["Give an email address, or choose another way for us to contact you."]
    if contact_by in (Enquiry.ContactBy.PHONE, Enquiry.ContactBy.TEXT) and not mobile:
        errors["mobile"] = ["Give a mobile number, or choose another way for us to contact you."]
    if heard_about and heard_about not in HeardAbout.values:
        errors["heard_about"] = ["Choose one of the options."]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = ["Choose one of the languages."]
    if errors:
        raise InvalidInput(errors)
    # Only the areas of a programme running today take enquiries (the page lists no others).
    partnership = public_partnerships().filter(pk=partnership_id).first()
    if partnership is None:
        raise InvalidInput({"partnership": ["Choose the area where you live."]})
    enquiry = Enquiry(
        name=name.strip(),
        email=email,
        mobile=mobile,
        contact_by=contact_by,
        best_time=best_time.strip(),
        postcode=postcode.strip().upper(),
        partnership=partnership,
        message=message.strip(),
        heard_about=heard_about,
        language=language,
        interpreter_language=interpreter_language.strip(),
    )
    validate_model(enquiry)
    with transaction.atomic():
        enquiry.save()
        record_event(
            actor=None,
            actor_role="public",
            action=AuditEvent.Action.CREATE,
            record=enquiry,
            participant_id=None,
            purpose="Asked for help",
        )
        notify.enquiry_received(enquiry=enquiry)
    return enquiry


def allocate_enquiry(
    *,
    actor: ActingUser,
    enquiry_id: int,
    expected_version: int,
    keyworker_id: int,
    over_limit_confirmed: bool = False,
) -> Enquiry:
    """The partnership manager gives an enquiry to a keyworker in the same area.

    A keyworker already at the caseload limit gets it only when `over_limit_confirmed`
    (OverCaseloadLimit otherwise): the enquirer is on their way to joining their caseload.
    """
    with transaction.atomic():
        enquiry = enquiries_visible_to(actor).select_for_update().filter(pk=enquiry_id).first()
        if enquiry is None:
            raise NotFound("No such enquiry.")
        if not rules.has_perm("participants.allocate_enquiry", actor, enquiry):
            raise NotAllowed("Only the partnership manager can allocate enquiries.")
        enquiry.check_version(expected_version)
        if enquiry.status in (Enquiry.Status.REGISTERED, Enquiry.Status.CLOSED):
            raise DomainError("This enquiry is finished and can no longer be allocated.")
        keyworker = _keyworker_in(enquiry.partnership_id, keyworker_id)
        if enquiry.allocated_to_id != keyworker.pk:
            _check_caseload_limit(enquiry.partnership_id, keyworker, confirmed=over_limit_confirmed)
        enquiry.allocated_to = keyworker
        enquiry.allocated_by = signed_in(actor)
        enquiry.allocated_at = timezone.now()
        enquiry.status = Enquiry.Status.ALLOCATED
        enquiry.bump_version()
        enquiry.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.ALLOCATE,
            record=enquiry,
            participant_id=None,
            changed_fields=["allocated_to", "status"],
        )
        notify.enquiry_allocated(actor=actor, enquiry=enquiry)
    return enquiry


def close_enquiry(
    *,
    actor: ActingUser,
    enquiry_id: int,
    expected_version: int,
    reason: str,
) -> Enquiry:
    """Close an enquiry that will not become a registration (they could not be reached, chose not to…)."""
    if not reason.strip():
        raise InvalidInput({"reason": ["Say why the enquiry is being closed."]})
    with transaction.atomic():
        enquiry = enquiries_visible_to(actor).select_for_update().filter(pk=enquiry_id).first()
        if enquiry is None:
            raise NotFound("No such enquiry.")
        if not rules.has_perm("participants.register_from_enquiry", actor, enquiry):
            raise NotAllowed("You cannot close this enquiry.")
        enquiry.check_version(expected_version)
        if enquiry.status in (Enquiry.Status.REGISTERED, Enquiry.Status.CLOSED):
            raise DomainError("This enquiry is already finished.")
        enquiry.status = Enquiry.Status.CLOSED
        enquiry.closed_reason = reason.strip()[:200]
        enquiry.bump_version()
        enquiry.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=enquiry,
            participant_id=None,
            changed_fields=["status", "closed_reason"],
        )
    return enquiry


def record_participant_view(*, actor: ActingUser, participant: Participant) -> None:
    """Audit that a participant's personal data was shown to this person."""
    record_event(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        record=participant,
        participant_id=participant.pk,
    )


def record_participant_list_view(*, actor: ActingUser, participant_ids: Iterable[int]) -> None:
    """Audit that participants' names (personal data) were shown in a list, one event each, one query."""
    record_participant_reads(
        actor=actor,
        participant_ids=participant_ids,
        action=AuditEvent.Action.LIST,
    )


SEND_SIGN_IN_LINK_BY = ("", "text", "email")


def issue_sign_in_link(*, actor: ActingUser, participant_id: int, send_by: str = "") -> tuple[str, str] | None:
    """Make a one-time "set your password" link for a participant's account: (uidb64, token).

    A participant registered without an account (or before accounts were made) gets one now,
    from the email address and mobile number on their record: the keyworker does not type
    them again. An email address another account already uses is left off the new account
    (email addresses sign in one person each); a mobile number may be shared by a family.

    `send_by` "text" or "email" sends the link at once to the record's number or address;
    "" returns it for the keyworker or manager to pass on. The token stops working once the
    password is set (it is derived from the password hash) or after PASSWORD_RESET_TIMEOUT.
    Returns None if the record has neither an email address nor a mobile number. Audited.
    """
    if send_by not in SEND_SIGN_IN_LINK_BY:
        raise InvalidInput({"send_by": ["Choose how to give them the link."]})
    with transaction.atomic():
        participant = (
            participants_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("user", "partnership")
            .filter(pk=participant_id)
            .first()
        )
        if participant is None:
            raise NotFound("No such participant.")
        if not rules.has_perm("participants.change_participant", actor, participant):
            raise NotAllowed("Only the participant's keyworker or partnership manager can make a sign-in link.")
        changed = ["sign_in_link"]
        if participant.user is None:
            if not (participant.email or participant.mobile):
                return None
            participant.user = _returning_person(
                participant.email, participant.given_name, participant.family_name, participant.partnership.programme_id
            ) or _account_from_record(participant)
            participant.save(update_fields=["user"])
            changed.insert(0, "user")
        user = participant.user
        address = {"text": user.mobile, "email": user.email}.get(send_by, "")
        if send_by and not address:
            field = "mobile number" if send_by == "text" else "email address"
            raise InvalidInput({"send_by": [f"Their account has no {field}. Choose another way."]})
        link = (urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user))
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=participant,
            participant_id=participant.pk,
            changed_fields=changed,
        )
        if send_by:
            queue_sign_in_link(
                actor=actor,
                participant=participant,
                user=user,
                channel=send_by,
                to=address,
                link=notify.link("web:set_password", *link),
            )
    return link


def _account_from_record(participant: Participant) -> User:
    """A new account for a registered participant, signing in with the contact details on their record."""
    email = participant.email
    if email and User.objects.filter(email__iexact=email).exists():
        email = ""
    if not (email or participant.mobile):
        raise InvalidInput(
            {"send_by": ["Another account already uses their email address. Add their mobile number, then try again."]}
        )
    user = User(
        username=f"participant-{participant.reference.lower()}",
        email=email,
        mobile=participant.mobile,
        first_name=participant.given_name,
        last_name=participant.family_name,
        display_name=participant.full_name,
    )
    user.set_unusable_password()
    user.save()
    return user


def record_enquiry_view(*, actor: ActingUser, enquiry: Enquiry) -> None:
    """Audit that an enquirer's details (personal data, before they are a participant) were shown."""
    record_event(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        record=enquiry,
        participant_id=enquiry.participant_id,
    )


def record_enquiry_list_view(*, actor: ActingUser, enquiries: Iterable[Enquiry]) -> None:
    """Audit that enquirers' details were shown in a list: one event each, written in one query."""
    record_events(
        actor=actor,
        action=AuditEvent.Action.LIST,
        records=((Enquiry._meta.label, enquiry.pk, enquiry.participant_id) for enquiry in enquiries),
    )


def share_for_cover(
    *,
    actor: ActingUser,
    participant_id: int,
    covering_keyworker_id: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
) -> CoverShare:
    """Let another keyworker in the same partnership see and work on a case for a period (holiday, sickness).

    Only the participant's keyworker or the area's manager can share; the share is audited.
    """
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Say why the case is being shared, for example annual leave."]
    if ends_on < starts_on:
        errors["ends_on"] = ["The last day of cover cannot be before the first."]
    elif ends_on < timezone.localdate():
        errors["ends_on"] = ["The last day of cover cannot be in the past."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        participant = participants_visible_to(actor).filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if not rules.has_perm("plans.share_for_cover", actor, participant):
            raise NotAllowed("Only the participant's keyworker or partnership manager can share a case for cover.")
        covering = _keyworker_in(participant.partnership_id, covering_keyworker_id)
        if covering.pk == participant.keyworker_id:
            raise InvalidInput({"covering_keyworker": ["Choose a keyworker other than their own."]})
        share = CoverShare(
            participant=participant,
            covering_keyworker=covering,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            granted_by=signed_in(actor),
        )
        validate_model(share)
        share.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record=share,
            participant_id=participant.pk,
            changed_fields=["covering_keyworker", "starts_on", "ends_on", "reason"],
        )
    return share


def end_cover(*, actor: ActingUser, cover_id: int) -> CoverShare:
    """End a cover share early: the covering keyworker stops seeing the case at once. Audited."""
    with transaction.atomic():
        share = (
            CoverShare.objects.select_for_update()
            .filter(pk=cover_id, participant__in=participants_visible_to(actor))
            .select_related("participant")
            .first()
        )
        if share is None:
            raise NotFound("No such cover.")
        if not rules.has_perm("plans.share_for_cover", actor, share.participant):
            raise NotAllowed("Only the participant's keyworker or partnership manager can end cover.")
        if share.ended_early_at is not None or share.ends_on < timezone.localdate():
            raise DomainError("This cover has already ended.")
        share.ended_early_at = timezone.now()
        share.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=share,
            participant_id=share.participant_id,
            changed_fields=["ended_early_at"],
        )
    return share


def set_availability(
    *,
    actor: ActingUser,
    participant_id: int,
    slots: list[tuple[int, str]],
) -> list[AvailabilitySlot]:
    """Replace when the participant says they are free: a day of the week and a part of that day each.

    The participant may say this themselves; otherwise whoever may change their record (their
    keyworker, the area's manager) records it with them. Slots that stay are kept, so each
    row's history shows when it was added and removed. Repeated slots count once; an empty
    list means "not said". Audited when anything changed.
    """
    wanted: set[tuple[int, str]] = set()
    problems: list[str] = []
    for given in slots:
        weekday, part_of_day = given if isinstance(given, tuple | list) and len(given) == 2 else (None, None)
        if isinstance(weekday, bool) or not isinstance(weekday, int) or weekday not in AvailabilitySlot.Weekday.values:
            problems.append("Choose a day of the week from Monday to Sunday.")
        elif part_of_day not in AvailabilitySlot.PartOfDay.values:
            problems.append("Choose morning, afternoon, after school or evening.")
        else:
            wanted.add((weekday, str(part_of_day)))
    if problems:
        raise InvalidInput({"slots": sorted(set(problems))})
    standing = standing_of(actor)
    with transaction.atomic():
        # Locking the participant makes two replacements at once run one after the other.
        participant = participants_visible_to(actor).select_for_update().filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("No such participant.")
        if not (
            standing.participant_id == participant.pk
            or rules.has_perm("participants.change_participant", actor, participant)
        ):
            raise NotAllowed("Only the participant, their keyworker or partnership manager can say when they are free.")
        current = {(slot.weekday, slot.part_of_day): slot for slot in participant.availability.all()}
        removed = [slot for key, slot in current.items() if key not in wanted]
        added = sorted(wanted - set(current))
        if not removed and not added:
            return _in_week_order(current.values())
        for row in removed:
            row.delete()
        kept = [slot for key, slot in current.items() if key in wanted]
        for weekday, part_of_day in added:
            kept.append(
                AvailabilitySlot.objects.create(participant=participant, weekday=weekday, part_of_day=part_of_day)
            )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record=participant,
            participant_id=participant.pk,
            changed_fields=["availability"],
        )
    return _in_week_order(kept)


def _in_week_order(slots: Iterable[AvailabilitySlot]) -> list[AvailabilitySlot]:
    parts = list(AvailabilitySlot.PartOfDay.values)
    return sorted(slots, key=lambda slot: (slot.weekday, parts.index(slot.part_of_day)))
