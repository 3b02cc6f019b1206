"""Access cases for importing HSDS through the API: partnership managers only (Mo), as on the page.

A refused caller's file (the official example organisation) changes nothing in the directory.
"""

import io
from typing import Any

from django.urls import reverse

from coproduce.directory.hsds.validate import STANDARD_DIR
from coproduce.directory.models import DirectoryOrganisation, Service
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas

EXAMPLE = STANDARD_DIR / "hsds-3.0" / "examples" / "organization_full.json"


def hsds_file(p: Personas) -> dict[str, Any]:
    file = io.BytesIO(EXAMPLE.read_bytes())
    file.name = "organization_full.json"
    return {"file": file}


def directory_snapshot(p: Personas) -> tuple[object, ...]:
    return (
        tuple(DirectoryOrganisation.objects.order_by("pk").values_list("name", "version")),
        tuple(Service.objects.order_by("pk").values_list("name", "version")),
    )


CASES = [
    AccessCase(
        route="api-v1:import_directory",
        url=lambda p: reverse("api-v1:import_directory"),
        method="POST",
        data=hsds_file,
        allowed=roles("partnership_manager"),
        api=True,
        snapshot=directory_snapshot,
    ),
]
