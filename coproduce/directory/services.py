"""Every change to the services directory. One function per change, audited."""

import datetime
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.directory.coordinates import coordinate_errors
from coproduce.directory.models import (
    Address,
    Attribute,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from coproduce.directory.selectors import (
    BARRIER_NAMESPACE,
    BARRIER_TAXONOMY_ID,
    DAY_CODES,
    organisations_editable_by,
    services_editable_by,
)
from coproduce.plans.models import Barrier
from coproduce.programmes.standing import standing_of

BARRIER_TAXONOMY_NAME = "Coproduce barriers and needs"
BARRIER_TAXONOMY_DESCRIPTION = (
    "The barriers to work that people in the programme tell us about, used to match them with services "
    "that can help. A service tagged with a term helps with that barrier."
)
BARRIER_DESCRIPTIONS: dict[str, str] = {
    Barrier.CHILDCARE: "Finding or paying for childcare, or fitting work around the children.",
    Barrier.SKILLS: "Gaining skills, training or qualifications for work.",
    Barrier.WORK_HISTORY_GAPS: "Explaining or filling gaps in a work history.",
    Barrier.CONFIDENCE: "Building confidence and self-esteem.",
    Barrier.MENTAL_HEALTH: "Support with mental health and wellbeing.",
    Barrier.PHYSICAL_HEALTH: "Support with physical health, illness or disability.",
    Barrier.MONEY_AND_DEBT: "Money advice, benefits and debt.",
    Barrier.HOUSING: "Finding, keeping or sorting out a home.",
    Barrier.TRANSPORT: "Getting to work, training or appointments.",
    Barrier.SOCIAL_ISOLATION: "Meeting people and feeling less alone.",
    Barrier.CARING: "Support for people who care for someone.",
    Barrier.LANGUAGE: "Learning English or getting help in another language.",
    Barrier.DIGITAL: "Using computers, phones and the internet, and getting online.",
}


def barrier_term_id(code: str) -> uuid.UUID:
    """The fixed id of the taxonomy term for one `Barrier` value."""
    return uuid.uuid5(BARRIER_NAMESPACE, f"term:{code}")


def ensure_barrier_taxonomy() -> Taxonomy:
    """Publish `plans.Barrier` as an HSDS taxonomy, one term per barrier; idempotent, same ids everywhere."""
    with transaction.atomic():
        taxonomy, _ = Taxonomy.objects.get_or_create(
            id=BARRIER_TAXONOMY_ID,
            defaults={"name": BARRIER_TAXONOMY_NAME, "description": BARRIER_TAXONOMY_DESCRIPTION},
        )
        existing = set(TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy).values_list("code", flat=True))
        missing = [
            TaxonomyTerm(
                id=barrier_term_id(barrier.value),
                taxonomy_detail=taxonomy,
                taxonomy_name=BARRIER_TAXONOMY_NAME,
                code=barrier.value,
                name=str(barrier.label),
                description=BARRIER_DESCRIPTIONS[barrier],
                language="en",
            )
            for barrier in Barrier
            if barrier.value not in existing
        ]
        if missing:
            TaxonomyTerm.objects.bulk_create(missing)
    return taxonomy


# What update_service may change (and what the edit page shows). The rest is HSDS data kept as imported.
SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "application_process",
    "eligibility_description",
    "fees_description",
    "minimum_age",
    "maximum_age",
    "childcare_on_site",
    "takes_referrals",
    "places_available",
    "response_working_days",
)
TEXT_FIELDS = {
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "application_process",
    "eligibility_description",
    "fees_description",
}
ORGANISATION_FIELDS = ("name", "alternate_name", "description", "email", "website")
UK_POSTCODE = re.compile(r"^(GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$")


@dataclass(frozen=True)
class OpeningTimes:
    """One row of opening times: these days, from `opens_at` to `closes_at`."""

    days: tuple[str, ...]
    opens_at: datetime.time
    closes_at: datetime.time
    description: str = ""


def _audit(actor: ActingUser, action: str, record: Any, changed: Iterable[str]) -> None:
    record_event(
        actor=actor,
        action=action,
        record=record,
        participant_id=None,
        changed_fields=changed,
    )


def _service_uuid(service_id: uuid.UUID | str) -> uuid.UUID:
    try:
        return service_id if isinstance(service_id, uuid.UUID) else uuid.UUID(str(service_id))
    except ValueError as error:
        raise NotFound("No such service.") from error


def _locked_service(actor: ActingUser, service_id: uuid.UUID | str, expected_version: int) -> Service:
    """The service, locked, if this person may edit it and nobody changed it since `version`."""
    service = (
        # Only the service row is locked: PostgreSQL refuses FOR UPDATE on the outer-joined organisation.
        Service.objects.select_for_update(of=("self",))
        .filter(pk__in=services_editable_by(actor).filter(pk=_service_uuid(service_id)).values("pk"))
        .select_related("organization")
        .first()
    )
    if service is None or not rules.has_perm("directory.change_service", actor, service):
        raise NotFound("No such service.")
    service.check_version(expected_version)
    return service


def _check_needs(needs: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(needs))
    unknown = [need for need in chosen if need not in Barrier.values]
    if unknown:
        raise InvalidInput({"needs": ["Choose needs from the list."]})
    return chosen


def _service_problems(service: Service) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not service.name.strip():
        errors["name"] = ["Enter the name of the service."]
    if service.status not in Service.Status.values:
        errors["status"] = ["Choose whether the service is running."]
    if (
        service.minimum_age is not None
        and service.maximum_age is not None
        and service.minimum_age > service.maximum_age
    ):
        errors["maximum_age"] = ["The oldest age must be the same as or more than the youngest age."]
    if service.response_working_days is not None and not 1 <= service.response_working_days <= 30:
        errors["response_working_days"] = ["Enter a number of working days from 1 to 30."]
    return errors


def _validate_service(service: Service) -> None:
    errors = _service_problems(service)
    if errors:
        raise InvalidInput(errors)
    validate_model(service, exclude=["organization", "last_checked_by"])


def _set_needs(service: Service, needs: list[str]) -> bool:
    """Tag the service with exactly these barrier terms; True when something changed."""
    taxonomy = ensure_barrier_taxonomy()
    current = dict(
        Attribute.objects.filter(service=service, taxonomy_term__taxonomy_detail=taxonomy).values_list(
            "taxonomy_term__code", "pk"
        )
    )
    to_remove = [pk for code, pk in current.items() if code not in needs]
    to_add = [code for code in needs if code not in current]
    if to_remove:
        Attribute.objects.filter(pk__in=to_remove).delete()
    Attribute.objects.bulk_create(
        Attribute(
            taxonomy_term_id=barrier_term_id(code),
            service=service,
            link_id=service.pk,
            link_entity="service",
        )
        for code in to_add
    )
    return bool(to_remove or to_add)


def create_service(
    *,
    actor: ActingUser,
    organisation_id: uuid.UUID | str,
    name: str,
    description: str = "",
    needs: Iterable[str] = (),
    **fields: Any,
) -> Service:
    """Add a service to an organisation's entry. It joins the actor's partnership, and counts as checked today."""
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise InvalidInput({field: ["This cannot be set here."] for field in sorted(unknown)})
    chosen_needs = _check_needs(needs)
    try:
        organisation = DirectoryOrganisation.objects.filter(pk=organisation_id).first()
    except (ValueError, ValidationError) as error:
        raise NotFound("No such organisation.") from error
    if organisation is None or not rules.has_perm("directory.add_service", actor, organisation):
        raise NotFound("No such organisation.")
    with transaction.atomic():
        service = Service(
            organization=organisation,
            name=name.strip(),
            description=description.strip(),
            last_checked_on=timezone.localdate(),
            last_checked_by=signed_in(actor),
            last_modified=timezone.now(),
        )
        for field, value in fields.items():
            setattr(service, field, value.strip() if field in TEXT_FIELDS else value)
        if fields.get("places_available") is not None:
            service.capacity_updated_at = timezone.now()
        _validate_service(service)
        service.save()
        partnership_id = standing_of(actor).partnership_id
        if partnership_id is not None:
            service.partnerships.add(partnership_id)
        _set_needs(service, chosen_needs)
        _audit(actor, AuditEvent.Action.CREATE, service, ["name", "description", *fields, "needs"])
    return service


def update_service(
    *,
    actor: ActingUser,
    service_id: uuid.UUID | str,
    expected_version: int,
    **fields: Any,
) -> Service:
    """Change a service's details (and, with `needs`, the barriers it helps with).

    Only the fields in SERVICE_FIELDS (plus `needs`) can be changed; the rest of an imported
    HSDS record is kept as it was. A stale `version` raises ConflictError and saves nothing.
    """
    needs = fields.pop("needs", None)
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise InvalidInput({field: ["This cannot be changed here."] for field in sorted(unknown)})
    chosen_needs = _check_needs(needs) if needs is not None else None
    with transaction.atomic():
        service = _locked_service(actor, service_id, expected_version)
        changed = []
        for field, value in fields.items():
            value = value.strip() if field in TEXT_FIELDS and isinstance(value, str) else value
            if getattr(service, field) != value:
                setattr(service, field, value)
                changed.append(field)
        if "places_available" in changed:
            service.capacity_updated_at = timezone.now()
        if chosen_needs is not None and _set_needs(service, chosen_needs):
            changed.append("needs")
        if not changed:
            return service
        _validate_service(service)
        service.last_modified = timezone.now()
        service.bump_version()
        service.save()
        _audit(actor, AuditEvent.Action.CHANGE, service, changed)
    return service


def mark_service_checked(*, actor: ActingUser, service_id: uuid.UUID | str, expected_version: int) -> Service:
    """Someone who keeps the entry confirms its details are right today."""
    with transaction.atomic():
        service = _locked_service(actor, service_id, expected_version)
        service.last_checked_on = timezone.localdate()
        service.last_checked_by = signed_in(actor)
        service.bump_version()
        service.save()
        _audit(actor, AuditEvent.Action.CHANGE, service, ["last_checked_on", "last_checked_by"])
    return service


def set_opening_times(
    *,
    actor: ActingUser,
    service_id: uuid.UUID | str,
    expected_version: int,
    rows: Sequence[OpeningTimes],
) -> Service:
    """Replace the service's own weekly opening times with these rows.

    Schedules attached to a location or a service-at-location (from an import) are left alone.
    """
    errors: dict[str, list[str]] = {}
    for number, row in enumerate(rows, start=1):
        if not row.days:
            errors.setdefault("rows", []).append(f"Row {number}: choose at least one day.")
        elif any(day not in DAY_CODES for day in row.days):
            errors.setdefault("rows", []).append(f"Row {number}: choose days from the list.")
        if row.closes_at <= row.opens_at:
            errors.setdefault("rows", []).append(f"Row {number}: the closing time must be after the opening time.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        service = _locked_service(actor, service_id, expected_version)
        service.schedules.all().delete()
        Schedule.objects.bulk_create(
            Schedule(
                service=service,
                freq=Schedule.Frequency.WEEKLY,
                byday=",".join(code for code in DAY_CODES if code in row.days),
                opens_at=row.opens_at,
                closes_at=row.closes_at,
                description=row.description.strip(),
            )
            for row in rows
        )
        service.last_modified = timezone.now()
        service.bump_version()
        service.save()
        _audit(actor, AuditEvent.Action.CHANGE, service, ["schedules"])
    return service


def normalise_postcode(postcode: str) -> str:
    """A UK postcode in capitals with one space before the last three characters."""
    compact = "".join(postcode.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def set_service_address(
    *,
    actor: ActingUser,
    service_id: uuid.UUID | str,
    expected_version: int,
    address_1: str,
    city: str,
    postal_code: str,
    address_2: str = "",
    location_name: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Service:
    """Where people go for the service: edits its first physical location's address, or adds one,
    and sets the location's point on the map (both or neither; None and None: no point)."""
    postal_code = normalise_postcode(postal_code)
    errors: dict[str, list[str]] = coordinate_errors(latitude, longitude)
    if not address_1.strip():
        errors["address_1"] = ["Enter the first line of the address."]
    if not city.strip():
        errors["city"] = ["Enter the town or city."]
    if not UK_POSTCODE.match(postal_code):
        errors["postal_code"] = ["Enter a full UK postcode, like KY1 1XX."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        service = _locked_service(actor, service_id, expected_version)
        link = (
            service.service_at_locations.select_related("location")
            .filter(location__location_type=Location.LocationType.PHYSICAL)
            .order_by("id")
            .first()
        )
        if link is None:
            location = Location.objects.create(
                organization=service.organization,
                location_type=Location.LocationType.PHYSICAL,
                name=location_name.strip(),
                latitude=latitude,
                longitude=longitude,
            )
            ServiceAtLocation.objects.create(service=service, location=location)
            moved = latitude is not None
        else:
            location = link.location
            moved = (location.latitude, location.longitude) != (latitude, longitude)
            changed = moved
            location.latitude, location.longitude = latitude, longitude
            if location_name.strip() and location.name != location_name.strip():
                location.name = location_name.strip()
                changed = True
            if changed:
                # The columns are the point now: a value an import kept in `extra` is replaced.
                location.extra = {k: v for k, v in location.extra.items() if k not in ("latitude", "longitude")}
                location.bump_version()
                location.save()
        address = location.addresses.order_by("id").first() or Address(
            location=location, country="GB", address_type=Location.LocationType.PHYSICAL
        )
        address.address_1 = address_1.strip()
        address.address_2 = address_2.strip()
        address.city = city.strip()
        address.postal_code = postal_code
        address.state_province = address.state_province or "Scotland"
        validate_model(address, exclude=["location"])
        if address.pk is not None:
            address.bump_version()
        address.save()
        service.last_modified = timezone.now()
        service.bump_version()
        service.save()
        _audit(actor, AuditEvent.Action.CHANGE, service, ["address", *(["latitude", "longitude"] if moved else [])])
    return service


def update_directory_organisation(
    *,
    actor: ActingUser,
    organisation_id: uuid.UUID | str,
    expected_version: int,
    **fields: str,
) -> DirectoryOrganisation:
    """Change an organisation's directory entry (name, description, how to reach it)."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise InvalidInput({field: ["This cannot be changed here."] for field in sorted(unknown)})
    with transaction.atomic():
        try:
            organisation = (
                DirectoryOrganisation.objects.select_for_update()
                .filter(pk__in=organisations_editable_by(actor).filter(pk=organisation_id).values("pk"))
                .first()
            )
        except (ValueError, ValidationError) as error:
            raise NotFound("No such organisation.") from error
        if organisation is None or not rules.has_perm("directory.change_organisation", actor, organisation):
            raise NotFound("No such organisation.")
        organisation.check_version(expected_version)
        changed = []
        for field, value in fields.items():
            value = value.strip()
            if getattr(organisation, field) != value:
                setattr(organisation, field, value)
                changed.append(field)
        if not changed:
            return organisation
        errors: dict[str, list[str]] = {}
        if not organisation.name:
            errors["name"] = ["Enter the name of the organisation."]
        if not organisation.description:
            errors["description"] = ["Say in a sentence or two what the organisation does."]
        if errors:
            raise InvalidInput(errors)
        validate_model(organisation, exclude=["parent_organization", "member"])
        organisation.bump_version()
        organisation.save()
        _audit(actor, AuditEvent.Action.CHANGE, organisation, changed)
    return organisation
