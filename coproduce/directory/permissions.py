"""Who may do what with the services directory, as `rules` predicates.

The directory is public information: anyone may read active services (selectors.py). Keeping
entries current is for the people who run them:

- a partnership manager edits the services linked to their partnership (`Service.partnerships`)
  and the entries (and services) of the organisations that are members of their partnership;
- any staff member of an organisation (a partner worker, usually) edits their own
  organisation's entry and its services (`DirectoryOrganisation.member` is their organisation);
- only a partnership manager imports or exports the directory as HSDS.
"""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.participants.permissions import is_partnership_manager
from coproduce.programmes.models import PartnershipMembership
from coproduce.programmes.standing import standing_of


def _managed_partnership_id(actor: ActingUser) -> int | None:
    standing = standing_of(actor)
    if not standing.has(Role.PARTNERSHIP_MANAGER):
        return None
    return standing.partnership_id


def _member_of_managed_partnership(actor: ActingUser, organisation: Any) -> bool:
    partnership_id = _managed_partnership_id(actor)
    if organisation is None or organisation.member_id is None or partnership_id is None:
        return False
    return PartnershipMembership.objects.filter(
        partnership_id=partnership_id, organisation_id=organisation.member_id
    ).exists()


@rules.predicate
def manages_organisation_entry(actor: ActingUser, organisation: Any) -> bool:
    """A partnership manager, for an organisation that is a member of their partnership."""
    return _member_of_managed_partnership(actor, organisation)


@rules.predicate
def works_for_organisation(actor: ActingUser, organisation: Any) -> bool:
    """Any staff member of the partner agency this directory entry is."""
    standing = standing_of(actor)
    return (
        organisation is not None
        and organisation.member_id is not None
        and standing.staff_member is not None
        and standing.organisation_id == organisation.member_id
    )


@rules.predicate
def manages_service(actor: ActingUser, service: Any) -> bool:
    """A partnership manager, for a service of their partnership or of a member organisation."""
    partnership_id = _managed_partnership_id(actor)
    if service is None or partnership_id is None:
        return False
    if service.partnerships.filter(pk=partnership_id).exists():
        return True
    return _member_of_managed_partnership(actor, service.organization)


@rules.predicate
def works_for_service_organisation(actor: ActingUser, service: Any) -> bool:
    return service is not None and works_for_organisation(actor, service.organization)


can_edit_organisation = manages_organisation_entry | works_for_organisation
can_edit_service = manages_service | works_for_service_organisation

rules.add_perm("directory.change_organisation", can_edit_organisation)
# Adding a service to an organisation's entry: whoever may edit that entry.
rules.add_perm("directory.add_service", can_edit_organisation)
rules.add_perm("directory.change_service", can_edit_service)
rules.add_perm("directory.import_hsds", is_partnership_manager)
rules.add_perm("directory.export_hsds", is_partnership_manager)
