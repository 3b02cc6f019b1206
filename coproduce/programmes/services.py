"""Changes to the programme's structure: organisations, memberships, staff and their roles."""

from collections.abc import Iterable
from typing import Any

import rules
from django.db import transaction

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.models import User, normalise_mobile, normalise_uk_phone
from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.programmes.addresses import normalise_postcode
from coproduce.programmes.models import Organisation, Partnership, PartnershipMembership, StaffMember, StaffRole
from coproduce.programmes.org_ids import normalise_org_id
from coproduce.programmes.standing import standing_of

# Roles a partnership manager may give to staff in their area. Funder, evaluator and
# administrator accounts are programme-wide and made by administrators.
ROLES_A_MANAGER_GIVES = (Role.KEYWORKER, Role.PARTNER_WORKER, Role.PARTNERSHIP_MANAGER)
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "charity_number",
    "company_number",
    "website",
    "description",
    # What 360Giving data says of a grant's recipient (coproduce/programmes/giving.py).
    "org_id",
    "street_address",
    "address_locality",
    "postal_code",
)


def _audit(actor: ActingUser, action: str, record: Any, changed: Iterable[str]) -> None:
    record_event(
        actor=actor,
        action=action,
        record=record,
        participant_id=None,
        changed_fields=changed,
    )


def _managed_partnership(actor: ActingUser) -> Partnership:
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        raise NotAllowed("Only a partnership manager can change the partnership.")
    return Partnership.objects.get(pk=standing.partnership_id)


def update_partnership(
    *,
    actor: ActingUser,
    partnership_id: int,
    expected_version: int,
    caseload_limit: int,
) -> Partnership:
    """The partnership manager sets their area's caseload limit."""
    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().filter(pk=partnership_id).first()
        if partnership is None:
            raise NotFound("No such partnership.")
        if not rules.has_perm("programmes.change_partnership", actor, partnership):
            raise NotAllowed("Only this partnership's manager can change it.")
        partnership.check_version(expected_version)
        if not 1 <= caseload_limit <= 200:
            raise InvalidInput({"caseload_limit": ["A caseload limit is a whole number from 1 to 200."]})
        if partnership.caseload_limit == caseload_limit:
            return partnership
        partnership.caseload_limit = caseload_limit
        partnership.bump_version()
        partnership.save()
        _audit(actor, AuditEvent.Action.CHANGE, partnership, ["caseload_limit"])
    return partnership


def add_organisation_to_partnership(
    *,
    actor: ActingUser,
    name: str,
    kind: str,
    membership_role: str = PartnershipMembership.Role.MEMBER,
    charity_number: str = "",
    company_number: str = "",
    website: str = "",
    description: str = "",
) -> PartnershipMembership:
    """Add an organisation (new, or already known by exact name) to the manager's partnership."""
    partnership = _managed_partnership(actor)
    if membership_role not in PartnershipMembership.Role.values:
        raise InvalidInput({"membership_role": ["Choose co-lead or member."]})
    with transaction.atomic():
        organisation = Organisation.objects.filter(name__iexact=name.strip()).first()
        if organisation is None:
            organisation = Organisation(
                name=name.strip(),
                kind=kind,
                charity_number=charity_number.strip().upper(),
                company_number=company_number.strip().upper(),
                website=website.strip(),
                description=description.strip(),
            )
            validate_model(organisation)
            organisation.save()
            _audit(actor, AuditEvent.Action.CREATE, organisation, ORGANISATION_FIELDS)
        if PartnershipMembership.objects.filter(partnership=partnership, organisation=organisation).exists():
            raise DomainError(f"{organisation.name} is already in this partnership.")
        membership = PartnershipMembership.objects.create(
            partnership=partnership, organisation=organisation, role=membership_role
        )
        _audit(actor, AuditEvent.Action.CREATE, membership, ["organisation", "role"])
    return membership


def tidy_giving_details(changes: dict[str, str]) -> dict[str, str]:
    """Spaces trimmed, an org-id.guide identifier's list code and a postcode written the usual way."""
    tidy = {name: value.strip() for name, value in changes.items()}
    if "org_id" in tidy:
        tidy["org_id"] = normalise_org_id(tidy["org_id"])
    if "postal_code" in tidy:
        tidy["postal_code"] = normalise_postcode(tidy["postal_code"])
    return tidy


def update_organisation(
    *,
    actor: ActingUser,
    organisation_id: int,
    expected_version: int,
    changes: dict[str, str],
) -> Organisation:
    """A partnership manager keeps the details of an organisation in their partnership current."""
    partnership = _managed_partnership(actor)
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    with transaction.atomic():
        organisation = (
            Organisation.objects.select_for_update()
            .filter(pk=organisation_id, memberships__partnership=partnership)
            .first()
        )
        if organisation is None:
            raise NotFound("No such organisation in your partnership.")
        organisation.check_version(expected_version)
        changed = []
        for name, value in tidy_giving_details(changes).items():
            if getattr(organisation, name) != value:
                setattr(organisation, name, value)
                changed.append(name)
        if not changed:
            return organisation
        validate_model(organisation)
        organisation.bump_version()
        organisation.save()
        _audit(actor, AuditEvent.Action.CHANGE, organisation, changed)
    return organisation


def set_membership_role(
    *,
    actor: ActingUser,
    membership_id: int,
    role: str,
) -> PartnershipMembership:
    partnership = _managed_partnership(actor)
    if role not in PartnershipMembership.Role.values:
        raise InvalidInput({"role": ["Choose co-lead or member."]})
    with transaction.atomic():
        membership = (
            PartnershipMembership.objects.select_for_update().filter(pk=membership_id, partnership=partnership).first()
        )
        if membership is None:
            raise NotFound("No such membership in your partnership.")
        if membership.role != role:
            membership.role = role
            membership.save()
            _audit(actor, AuditEvent.Action.CHANGE, membership, ["role"])
    return membership


def add_staff_member(
    *,
    actor: ActingUser,
    display_name: str,
    organisation_id: int,
    roles: Iterable[str],
    email: str = "",
    mobile: str = "",
    job_title: str = "",
) -> StaffMember:
    """A partnership manager adds a member of staff working in their area.

    The account has no password: the manager gives the person a set-password link.
    """
    partnership = _managed_partnership(actor)
    chosen = _check_roles(roles)
    email = email.strip().lower()
    mobile = normalise_mobile(mobile)
    errors: dict[str, list[str]] = {}
    if not display_name.strip():
        errors["display_name"] = ["Enter the person's name."]
    if not email and not mobile:
        errors["email"] = ["Give an email address or a mobile number: it is how they sign in."]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["Another account already uses this email address."]
    if mobile and User.objects.filter(mobile=mobile).exists():
        errors["mobile"] = ["Another account already uses this mobile number."]
    if not PartnershipMembership.objects.filter(partnership=partnership, organisation_id=organisation_id).exists():
        errors["organisation"] = ["Choose an organisation in your partnership."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        user = User(
            username=(email or mobile),
            email=email,
            mobile=mobile,
            display_name=display_name.strip(),
        )
        user.set_unusable_password()
        validate_model(user, exclude=["password"])
        user.save()
        staff = StaffMember.objects.create(
            user=user, organisation_id=organisation_id, partnership=partnership, job_title=job_title.strip()
        )
        StaffRole.objects.bulk_create([StaffRole(staff_member=staff, role=role) for role in chosen])
        _audit(actor, AuditEvent.Action.CREATE, staff, ["user", "organisation", "roles"])
    return staff


def set_staff_roles(
    *,
    actor: ActingUser,
    staff_member_id: int,
    roles: Iterable[str],
    is_active: bool = True,
) -> StaffMember:
    """Change what a member of staff in the manager's area may do, or stop their access."""
    partnership = _managed_partnership(actor)
    chosen = _check_roles(roles)
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update().filter(pk=staff_member_id, partnership=partnership).first()
        if staff is None:
            raise NotFound("No such member of staff in your partnership.")
        if staff.user_id == actor.pk and Role.PARTNERSHIP_MANAGER not in chosen:
            raise DomainError("You cannot remove your own manager role; ask another manager or an administrator.")
        if not is_active and Role.KEYWORKER in chosen and staff.caseload.exists():
            raise DomainError("Move this keyworker's participants to another keyworker before stopping their access.")
        current = set(staff.roles.values_list("role", flat=True))
        wanted = {role.value for role in chosen}
        changed = []
        if current != wanted:
            staff.roles.exclude(role__in=wanted).delete()
            StaffRole.objects.bulk_create([StaffRole(staff_member=staff, role=role) for role in wanted - current])
            changed.append("roles")
        if staff.is_active != is_active:
            staff.is_active = is_active
            staff.save()
            changed.append("is_active")
        if changed:
            _audit(actor, AuditEvent.Action.CHANGE, staff, changed)
    return staff


def set_work_contact(*, actor: ActingUser, work_phone: str, work_email: str) -> StaffMember:
    """A member of staff sets their own work phone and work email, which their participants see.

    Only their own: nobody sets another person's. Blank clears a detail.
    """
    own = standing_of(actor).staff_member
    if own is None or not own.is_active:
        raise NotAllowed("Only staff of an organisation have work contact details.")
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update().get(pk=own.pk)
        before = {"work_phone": staff.work_phone, "work_email": staff.work_email}
        staff.work_phone = normalise_uk_phone(work_phone)
        staff.work_email = work_email.strip().lower()
        validate_model(staff, exclude=["user", "organisation", "partnership"])
        changed = [name for name, old in before.items() if getattr(staff, name) != old]
        if changed:
            staff.save(update_fields=[*changed, "updated_at"])
            _audit(actor, AuditEvent.Action.CHANGE, staff, changed)
    return staff


def _check_roles(roles: Iterable[str]) -> list[Role]:
    chosen = []
    for value in roles:
        if value not in {role.value for role in ROLES_A_MANAGER_GIVES}:
            raise InvalidInput({"roles": ["Choose keyworker, partner worker or partnership manager."]})
        chosen.append(Role(value))
    if not chosen:
        raise InvalidInput({"roles": ["Choose at least one role."]})
    return chosen


def issue_staff_sign_in_link(*, actor: ActingUser, staff_member_id: int) -> tuple[str, str]:
    """Make a one-time "set your password" link for a member of staff in the manager's area: (uidb64, token).

    The manager passes it on. The token stops working once the password is set (it is derived
    from the password hash) or after PASSWORD_RESET_TIMEOUT. Audited; the link itself is not kept.
    """
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    partnership = _managed_partnership(actor)
    staff = StaffMember.objects.select_related("user").filter(pk=staff_member_id, partnership=partnership).first()
    if staff is None:
        raise NotFound("No such member of staff in your partnership.")
    if not staff.is_active or not staff.user.is_active:
        raise DomainError("Their access is stopped. Start it again before giving them a sign-in link.")
    link = (urlsafe_base64_encode(force_bytes(staff.user.pk)), default_token_generator.make_token(staff.user))
    _audit(actor, AuditEvent.Action.CHANGE, staff, ["sign_in_link"])
    return link
