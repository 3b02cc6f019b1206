"""Access cases for the directory pages.

Searching the directory and reading a service is open to anyone (it is public information,
published by the HSDS API too). Editing: Priya keeps her agency's entry ("Money and debt
advice" of Kingdom Money Advice); Mo keeps the entries of Fife's member organisations. Nobody
else may change them. Import and export are Mo's (partnership managers').
"""

import io
from typing import Any

from django.urls import reverse

from coproduce.directory.hsds.validate import STANDARD_DIR
from coproduce.directory.models import Address, DirectoryOrganisation, Schedule, Service
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas

KEEPERS = roles("partner_worker", "partnership_manager")
MANAGER = roles("partnership_manager")
STAFF = roles("keyworker", "partner_worker", "partnership_manager", "funder", "evaluator")
EXAMPLE = STANDARD_DIR / "hsds-3.0" / "examples" / "organization_full.json"


def service_url(name: str) -> Any:
    return lambda p: reverse(name, args=[p.partner_service.pk])


def entry(p: Personas) -> DirectoryOrganisation:
    organisation = p.partner_service.organization
    assert organisation is not None
    return organisation


def service_snapshot(p: Personas) -> tuple[object, ...]:
    service = Service.objects.filter(pk=p.partner_service.pk).values_list(
        "name", "version", "last_checked_on", "last_checked_by", "places_available"
    )
    return (
        *service.get(),
        tuple(Schedule.objects.order_by("pk").values_list("byday", "opens_at", "closes_at")),
        tuple(Address.objects.order_by("pk").values_list("address_1", "postal_code")),
    )


def services_snapshot(p: Personas) -> tuple[object, ...]:
    return tuple(Service.objects.order_by("name").values_list("name", "version"))


def entry_snapshot(p: Personas) -> tuple[object, ...]:
    return DirectoryOrganisation.objects.filter(pk=entry(p).pk).values_list("name", "description", "version").get()


def directory_snapshot(p: Personas) -> tuple[object, ...]:
    return (DirectoryOrganisation.objects.count(), services_snapshot(p))


def hsds_file(p: Personas) -> dict[str, Any]:
    file = io.BytesIO(EXAMPLE.read_bytes())
    file.name = "organization_full.json"
    return {"file": file}


SERVICE_FORM = {
    "version": 1,
    "name": "Money advice (changed)",
    "status": "active",
    "response_working_days": 5,
    "takes_referrals": "on",
}

CASES = [
    # Anyone: search and read.
    AccessCase(
        route="web:directory_search",
        url=lambda p: reverse("web:directory_search") + "?need=money_and_debt&day=MO",
        allowed=EVERYONE_SIGNED_IN,
        public=True,
    ),
    AccessCase(
        route="web:directory_service",
        url=service_url("web:directory_service"),
        allowed=EVERYONE_SIGNED_IN,
        public=True,
    ),
    # Keeping entries current.
    AccessCase(
        route="web:directory_your_services", url=lambda p: reverse("web:directory_your_services"), allowed=STAFF
    ),
    AccessCase(route="web:directory_service_edit", url=service_url("web:directory_service_edit"), allowed=KEEPERS),
    AccessCase(
        route="web:directory_service_edit",
        method="POST",
        url=service_url("web:directory_service_edit"),
        data=lambda p: SERVICE_FORM,
        allowed=KEEPERS,
        allowed_status=302,
        snapshot=service_snapshot,
    ),
    AccessCase(
        route="web:directory_service_opening_times",
        url=service_url("web:directory_service_opening_times"),
        allowed=KEEPERS,
    ),
    AccessCase(
        route="web:directory_service_opening_times",
        method="POST",
        url=service_url("web:directory_service_opening_times"),
        data=lambda p: {"version": 1, "days_1": ["MO", "TU"], "opens_1": "09:00", "closes_1": "17:00"},
        allowed=KEEPERS,
        allowed_status=302,
        snapshot=service_snapshot,
    ),
    AccessCase(
        route="web:directory_service_address", url=service_url("web:directory_service_address"), allowed=KEEPERS
    ),
    AccessCase(
        route="web:directory_service_address",
        method="POST",
        url=service_url("web:directory_service_address"),
        data=lambda p: {
            "version": 1,
            "address_1": "2 Hunter Street",
            "city": "Kirkcaldy",
            "postal_code": "KY1 1XX",
            "latitude": "56.1165",
            "longitude": "-3.1584",
        },
        allowed=KEEPERS,
        allowed_status=302,
        snapshot=service_snapshot,
    ),
    AccessCase(
        route="web:directory_service_checked",
        method="POST",
        url=service_url("web:directory_service_checked"),
        data=lambda p: {"version": 1},
        allowed=KEEPERS,
        allowed_status=302,
        snapshot=service_snapshot,
    ),
    AccessCase(
        route="web:directory_service_add",
        url=lambda p: reverse("web:directory_service_add", args=[entry(p).pk]),
        allowed=KEEPERS,
    ),
    AccessCase(
        route="web:directory_service_add",
        method="POST",
        url=lambda p: reverse("web:directory_service_add", args=[entry(p).pk]),
        data=lambda p: {"name": "Benefits check", "response_working_days": 5},
        allowed=KEEPERS,
        allowed_status=302,
        snapshot=services_snapshot,
    ),
    AccessCase(
        route="web:directory_organisation_edit",
        url=lambda p: reverse("web:directory_organisation_edit", args=[entry(p).pk]),
        allowed=KEEPERS,
    ),
    AccessCase(
        route="web:directory_organisation_edit",
        method="POST",
        url=lambda p: reverse("web:directory_organisation_edit", args=[entry(p).pk]),
        data=lambda p: {"version": 1, "name": "Kingdom Money Advice", "description": "Money advice across Fife."},
        allowed=KEEPERS,
        allowed_status=302,
        snapshot=entry_snapshot,
    ),
    # Import and export: partnership managers.
    AccessCase(route="web:directory_import", url=lambda p: reverse("web:directory_import"), allowed=MANAGER),
    AccessCase(
        route="web:directory_import",
        method="POST",
        url=lambda p: reverse("web:directory_import"),
        data=hsds_file,
        allowed=MANAGER,
        allowed_status=302,
        snapshot=directory_snapshot,
    ),
    AccessCase(route="web:directory_export", url=lambda p: reverse("web:directory_export"), allowed=MANAGER),
]
