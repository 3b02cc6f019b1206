"""The funder's grants as 360Giving open data: a page to check them, and the file to download.

Both are of one programme, the one chosen with the switcher (else the one that started last). The
page lists the grants that go into the file and says whether the file passes the official
360Giving schema; the download is the export itself (audited). Grants name organisations and
areas, never a participant.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.core.errors import DomainError, NotFound
from coproduce.programmes.giving import (
    data_license,
    export_grants_360giving,
    giving_prefix,
    giving_prefix_is_set,
    grant_identifier,
    grants_package,
    grants_to_export,
    validate_package,
)
from coproduce.programmes.models import Grant, Programme
from coproduce.web.access import require_roles
from coproduce.web.programme_choice import current_programme


@dataclass(frozen=True)
class GrantRow:
    grant: Grant
    identifier: str


def _programme(request: HttpRequest) -> Programme:
    programme = current_programme(request)
    if programme is None:
        raise Http404("You do not oversee a programme.")
    return programme


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    programme = _programme(request)
    grants = list(grants_to_export(request.user, programme.pk))
    problems = validate_package(grants_package(grants, publisher=grants[0].funder)) if grants else []
    context = {
        "page_title": "Grants as open data (360Giving)",
        "programme": programme,
        "rows": [GrantRow(grant, grant_identifier(grant)) for grant in grants],
        "total": sum((grant.amount for grant in grants), Decimal(0)),
        "problems": problems,
        "error": error,
        "prefix": giving_prefix(),
        "prefix_is_set": giving_prefix_is_set(),
        "license": data_license(),
    }
    return render(request, "web/funder/giving.html", context, status=status)


@require_roles(Role.FUNDER)
def funder_giving(request: HttpRequest) -> HttpResponse:
    return _page(request)


@audited_as_export
@require_roles(Role.FUNDER)
def funder_giving_download(request: HttpRequest) -> HttpResponse:
    """The grants as one 360Giving JSON data package, to download (the export is audited)."""
    programme = _programme(request)
    try:
        package = export_grants_360giving(actor=request.user, programme_id=programme.pk)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        return _page(request, error=error.message, status=400)
    response = HttpResponse(json.dumps(package, indent=2, ensure_ascii=False), content_type="application/json")
    name = f"grants-360giving-{slugify(programme.name) or 'programme'}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
