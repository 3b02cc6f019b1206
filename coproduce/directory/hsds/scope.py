"""Which records an HSDS import may change: those its importer may edit, and nothing else.

The rule is the directory's own (permissions.py, `organisations_editable_by` and
`services_editable_by` in selectors.py). For a partnership manager's import:

- an organisation's entry, or a service, that is already in the directory changes only if it is
  one they may edit (their partnership's members' entries, and services of their partnership);
- a new service may be added to an organisation they may edit, or to one the same file adds; it
  is put in their partnership's directory (`x_coproduce.partnerships` may name only theirs), so
  that it is theirs to keep. An import never adds or removes another partnership's link;
- a location, and everything that belongs to an entry (phones, contacts, opening times, service
  areas, addresses, attributes, a service's places), follows the entry it belongs to;
- the taxonomy is every partnership's: an import may add taxonomies and terms, never change one;
- anything that needs a refused new record is refused with it.

A record the file holds exactly as the directory has it is no change and needs no permission,
so importing a whole export of the directory changes (and refuses) nothing. What is refused is
left as it was, reported by name with why, and the rest of the file is imported.

The system (`actor` None: `manage.py import_hsds` without `--as`) may change anything: it is
the operator's tool, run by whoever runs the server. It still reports what it changed, and whose.
"""

import uuid
from dataclasses import dataclass

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.directory.models import Contact, Location, ServiceAtLocation
from coproduce.directory.selectors import organisations_editable_by, services_editable_by
from coproduce.programmes.standing import standing_of

NOT_YOURS = "It is not one of your partnership's entries."
SHARED = "Every partnership shares the taxonomy: an import may add to it, and only the operator's changes it."
OTHER_PARTNERSHIPS = "It would change which other partnerships' directories it is in."
NAMED_KINDS = ("organization", "service", "location", "taxonomy", "taxonomy_term")
VOCABULARY = ("taxonomy", "taxonomy_term")
# The foreign keys that say which entry a record belongs to (its others are references).
OWNERS: dict[str, tuple[tuple[str, str], ...]] = {
    "service_at_location": (("service_id", "service"),),
    "contact": (
        ("organization_id", "organization"),
        ("service_id", "service"),
        ("service_at_location_id", "service_at_location"),
        ("location_id", "location"),
    ),
    "phone": (
        ("organization_id", "organization"),
        ("service_id", "service"),
        ("location_id", "location"),
        ("contact_id", "contact"),
        ("service_at_location_id", "service_at_location"),
    ),
    "schedule": (
        ("service_id", "service"),
        ("location_id", "location"),
        ("service_at_location_id", "service_at_location"),
    ),
    "service_area": (("service_id", "service"),),
    "address": (("location_id", "location"),),
    "attribute": (("service_id", "service"), ("organization_id", "organization"), ("location_id", "location")),
}
KIND_WORDS = {
    "service_at_location": "place",
    "contact": "contact",
    "phone": "phone",
    "schedule": "set of opening times",
    "service_area": "service area",
    "address": "address",
    "attribute": "attribute",
}


def added_to(name: str) -> str:
    return f"It would be added to {name}, which is not one of your partnership's entries."


def belongs_to(name: str) -> str:
    return f"It belongs to {name}, which is not one of your partnership's entries."


def needs(name: str) -> str:
    return f"It needs {name}, which was refused."


@dataclass(frozen=True)
class Refused:
    kind: str  # the HSDS object, like "service"
    id: uuid.UUID
    name: str  # the entry's name as the directory has it, or "a phone of <its entry>"
    reason: str


@dataclass
class Change:
    """One record of the file, as it would be written: what the importer decides on."""

    kind: str
    id: uuid.UUID
    name: str
    created: bool
    changes: bool  # created, or different from the directory
    owners_before: dict[str, uuid.UUID | None]  # foreign key attname → what it is now (existing rows)
    owners_after: dict[str, uuid.UUID | None]  # … and what the file makes it
    references: dict[str, tuple[str, uuid.UUID | None]]  # every foreign key: attname → (kind, target)
    other_partnerships_change: bool = False  # a service's links to partnerships not the importer's


class Scope:
    """What one importer may change; `actor` None is the system, which may change anything."""

    def __init__(self, actor: ActingUser | None) -> None:
        self.actor = actor
        standing = standing_of(actor) if actor is not None else None
        self.partnership_id: int | None = (
            standing.partnership_id if standing is not None and standing.has(Role.PARTNERSHIP_MANAGER) else None
        )
        self._organisations: set[uuid.UUID] | None = None
        self._services: set[uuid.UUID] | None = None

    @property
    def everything(self) -> bool:
        return self.actor is None

    def may_edit_organisation(self, organisation_id: uuid.UUID) -> bool:
        if self.actor is None:
            return True
        if self._organisations is None:
            self._organisations = set(organisations_editable_by(self.actor).values_list("pk", flat=True))
        return organisation_id in self._organisations

    def may_edit_service(self, service_id: uuid.UUID) -> bool:
        if self.actor is None:
            return True
        if self._services is None:
            self._services = set(services_editable_by(self.actor).values_list("pk", flat=True))
        return service_id in self._services

    def refusals(
        self, changes: list[Change], names: dict[tuple[str, uuid.UUID], str]
    ) -> dict[tuple[str, uuid.UUID], Refused]:
        """The changes this importer may not make, in the order given (every record after those it
        needs). `names` are the names of records outside the file that messages may mention."""
        if self.everything:
            return {}
        by_key = {(change.kind, change.id): change for change in changes}
        refused: dict[tuple[str, uuid.UUID], Refused] = {}
        writable = _Writable(self, by_key, refused)
        for change in changes:
            if not change.changes:
                continue
            reason = self._reason(change, writable, names, by_key)
            if reason is None:
                reason = next(
                    (
                        needs(by_key[(kind, target)].name)
                        for kind, target in change.references.values()
                        if target is not None and (kind, target) in refused and by_key[(kind, target)].created
                    ),
                    None,
                )
            if reason is not None:
                refused[(change.kind, change.id)] = Refused(change.kind, change.id, change.name, reason)
        return refused

    def _reason(
        self,
        change: Change,
        writable: "_Writable",
        names: dict[tuple[str, uuid.UUID], str],
        by_key: dict[tuple[str, uuid.UUID], Change],
    ) -> str | None:
        def name_of(kind: str, target: uuid.UUID) -> str:
            return by_key[(kind, target)].name if (kind, target) in by_key else names.get((kind, target), str(target))

        if change.kind in VOCABULARY:
            return None if change.created else SHARED
        if change.kind == "organization":
            return None if change.created or self.may_edit_organisation(change.id) else NOT_YOURS
        if change.kind == "service":
            if not change.created and not self.may_edit_service(change.id):
                return NOT_YOURS
            organisation = change.owners_after.get("organization_id")
            if change.created and organisation is not None and not writable("organization", organisation):
                return added_to(name_of("organization", organisation))
            return OTHER_PARTNERSHIPS if change.other_partnerships_change else None
        if change.kind == "location":
            if not change.created and not writable.existing("location", change.id):
                return NOT_YOURS
            organisation = change.owners_after.get("organization_id")
            moved = organisation != change.owners_before.get("organization_id")
            if (change.created or moved) and organisation is not None and not writable("organization", organisation):
                return added_to(name_of("organization", organisation))
            return None
        owners = [
            (kind, target)
            for attname, kind in OWNERS[change.kind]
            for target in {change.owners_before.get(attname), change.owners_after.get(attname)}
            if target is not None
        ]
        for kind, target in owners:
            if not writable(kind, target):
                return belongs_to(name_of(kind, target))
        # One that belongs to no entry is nobody's to change but the operator's.
        return None if owners or change.created else NOT_YOURS


class _Writable:
    """May the importer write to this record: one the file adds (and was not refused), or an
    existing one they may edit (a location, contact or place: as the entry it belongs to)."""

    def __init__(
        self,
        scope: Scope,
        by_key: dict[tuple[str, uuid.UUID], Change],
        refused: dict[tuple[str, uuid.UUID], Refused],
    ) -> None:
        self.scope = scope
        self.by_key = by_key
        self.refused = refused
        self.memo: dict[tuple[str, uuid.UUID], bool] = {}

    def __call__(self, kind: str, target: uuid.UUID) -> bool:
        key = (kind, target)
        if key in self.refused:
            return False
        change = self.by_key.get(key)
        if change is not None and change.created:
            return True
        return self.existing(kind, target)

    def existing(self, kind: str, target: uuid.UUID) -> bool:
        """As the directory has it now, whatever the file says."""
        key = (kind, target)
        if key not in self.memo:
            self.memo[key] = self._existing(kind, target)
        return self.memo[key]

    def _existing(self, kind: str, target: uuid.UUID) -> bool:
        if kind == "organization":
            return self.scope.may_edit_organisation(target)
        if kind == "service":
            return self.scope.may_edit_service(target)
        if kind == "location":
            location = Location.objects.filter(pk=target).values("organization_id").first()
            if location is None:
                return False
            if location["organization_id"] is not None:
                return self("organization", location["organization_id"])
            services = list(ServiceAtLocation.objects.filter(location_id=target).values_list("service_id", flat=True))
            return bool(services) and all(self("service", service) for service in services)
        if kind == "service_at_location":
            service = ServiceAtLocation.objects.filter(pk=target).values_list("service_id", flat=True).first()
            return service is not None and self("service", service)
        if kind == "contact":
            row = Contact.objects.filter(pk=target).values(*(attname for attname, _ in OWNERS["contact"])).first()
            owners = [(owner_kind, row[attname]) for attname, owner_kind in OWNERS["contact"]] if row else []
            present = [(owner_kind, value) for owner_kind, value in owners if value is not None]
            return bool(present) and all(self(owner_kind, value) for owner_kind, value in present)
        return False


def label(kind: str, name: str, owner: str | None) -> str:
    """How a refused record is named: its own name, or what it is of which entry."""
    if kind in NAMED_KINDS:
        return name
    word = KIND_WORDS[kind]
    article = "an" if word[0] in "aeiou" else "a"
    return f"{article} {word} of {owner}" if owner else f"{article} {word}"
