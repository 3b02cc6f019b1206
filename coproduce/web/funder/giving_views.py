"""The funder's grants as 360Giving open data: a page to check them, and the file to download.

Both are of one programme, the one chosen with the switcher (else the one that started last). The
page lists the grants that go into the file and says whether the file passes the official
360Giving schema; the download is the export itself (audited). Grants name organisations and
areas, never a participant.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.programmes.giving import (
    CLASSIFICATION_FIELDS,
    GIVING_ORGANISATION_FIELDS,
    data_license,
    export_grants_360giving,
    giving_prefix,
    giving_prefix_is_set,
    grant_identifier,
    grants_package,
    grants_to_export,
    quality_notes,
    set_programme_classification,
    update_funder_giving_details,
    validate_package,
)
from coproduce.programmes.models import Grant, Organisation, Programme
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.giving_forms import GivingOrganisationForm, ProgrammeClassificationForm
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
    package = grants_package(grants, publisher=grants[0].funder) if grants else {}
    problems = validate_package(package) if grants else []
    context = {
        "page_title": "Grants as open data (360Giving)",
        "programme": programme,
        "rows": [GrantRow(grant, grant_identifier(grant)) for grant in grants],
        "total": sum((grant.amount for grant in grants), Decimal(0)),
        "problems": problems,
        "quality_notes": quality_notes(package) if grants else [],
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
    with submitting() as submission:
        package = export_grants_360giving(actor=request.user, programme_id=programme.pk)
    if submission.failed:
        return _page(request, error=submission.message, status=400)
    response = HttpResponse(json.dumps(package, indent=2, ensure_ascii=False), content_type="application/json")
    name = f"grants-360giving-{slugify(programme.name) or 'programme'}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _own_organisation(request: HttpRequest) -> Organisation:
    staff_member = standing_of(request.user).staff_member
    if staff_member is None:
        raise Http404("No organisation.")
    return staff_member.organisation


@conflict_back_label("See your organisation as it is now")
@require_roles(Role.FUNDER)
def funder_giving_organisation(request: HttpRequest) -> HttpResponse:
    """The funder's own organisation as 360Giving data names it: its org-id.guide identifier and address."""
    organisation = _own_organisation(request)
    initial = {name: getattr(organisation, name) for name in GIVING_ORGANISATION_FIELDS}
    form = GivingOrganisationForm(request.POST or None, initial={**initial, "version": organisation.version})
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            organisation = update_funder_giving_details(
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                changes={name: form.cleaned_data[name] for name in GIVING_ORGANISATION_FIELDS},
            )
        if submission.ok:
            messages.success(request, f"{organisation.name}’s identifier and address are saved.")
            return redirect("web:funder_giving")
    context = {"page_title": "Your organisation in 360Giving data", "organisation": organisation, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "web/funder/giving_organisation.html", context, status=status)


@conflict_back_label("See the programme as it is now")
@require_roles(Role.FUNDER)
def funder_giving_classification(request: HttpRequest) -> HttpResponse:
    """What the programme on show funds, as the classification 360Giving data gives on each of its grants."""
    programme = current_programme(request)
    if programme is None:
        raise Http404("No programme.")
    initial = {name: getattr(programme, name) for name in CLASSIFICATION_FIELDS}
    initial["version"] = programme.version
    form = ProgrammeClassificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submission:
            programme = set_programme_classification(
                actor=request.user,
                programme_id=programme.pk,
                expected_version=data["version"],
                vocabulary=data["classification_vocabulary"],
                code=data["classification_code"],
                title=data["classification_title"],
            )
        if submission.ok:
            messages.success(request, f"The classification of {programme.name} is saved.")
            return redirect("web:funder_giving")
    context = {"page_title": f"What {programme.name} funds", "programme": programme, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "web/funder/giving_classification.html", context, status=status)
