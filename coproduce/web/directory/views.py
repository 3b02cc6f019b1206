"""The services directory: search it (anyone), keep entries current (the people who run them),
import and export it as HSDS (partnership managers).

The directory is public information with nothing about participants in it, so searching it and
reading a service need no sign-in — the HSDS API at /hsds/ publishes the same.
"""

import json
import uuid
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.directory.coordinates import outside_uk
from coproduce.directory.hsds import limits
from coproduce.directory.hsds.exporter import export_directory
from coproduce.directory.hsds.importer import ImportRefused, ImportResult, import_file
from coproduce.directory.models import DirectoryOrganisation, Service
from coproduce.directory.selectors import (
    DAY_CODES,
    DAY_NAMES,
    directory_areas,
    editable_service,
    first_address_location,
    needs_checking,
    organisations_editable_by,
    search_services,
    services_editable_by,
    visible_service,
    with_listing_details,
)
from coproduce.directory.services import (
    create_service,
    mark_service_checked,
    set_opening_times,
    set_service_address,
    update_directory_organisation,
    update_service,
)
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.directory.forms import (
    SPARE_TIME_ROWS,
    AddressForm,
    DirectorySearchForm,
    ImportForm,
    OpeningTimesForm,
    OrganisationEntryForm,
    ServiceDetailsForm,
    ServiceEditForm,
)
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate

SERVICES_PER_PAGE = 20
EDITORS = (Role.PARTNERSHIP_MANAGER, Role.PARTNER_WORKER, Role.KEYWORKER)
# Refused entries listed after an import; the rest are counted.
REFUSALS_SHOWN = 20
EDITABLE_FIELDS = (
    "name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "url",
    "email",
    "minimum_age",
    "maximum_age",
    "childcare_on_site",
    "takes_referrals",
    "places_available",
    "response_working_days",
    "status",
)


def _when_open(service: Service) -> list[str]:
    """Opening times in words: "Monday, Wednesday 09:30–12:30"."""
    lines = []
    for schedule in getattr(service, "open_times", []):
        days = [DAY_NAMES[code] for code in DAY_CODES if code in schedule.byday]
        hours = (
            f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}" if schedule.opens_at and schedule.closes_at else ""
        )
        text = " ".join(part for part in (", ".join(days), hours) if part) or schedule.description
        if text:
            lines.append(text)
    return lines


def _where(service: Service) -> str:
    location = first_address_location(service)
    if location is None:
        return ""
    addresses = list(location.addresses.all())
    if addresses:
        address = addresses[0]
        return ", ".join(part for part in (location.name, address.address_1, address.city, address.postal_code) if part)
    return location.name or location.get_location_type_display()


def _row(service: Service, *, today: Any) -> dict[str, Any]:
    return {
        "service": service,
        "needs": [attribute.taxonomy_term.name for attribute in getattr(service, "need_tags", [])],
        "when": _when_open(service),
        "where": _where(service),
        "needs_checking": needs_checking(service, today=today),
    }


def directory_search(request: HttpRequest) -> HttpResponse:
    """Find services by words, need, area, childcare, day and time. Open to anyone."""
    areas = [(partnership.pk, partnership.area_name) for partnership in directory_areas()]
    form = DirectorySearchForm(request.GET or None, areas=areas)
    filters: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    services = search_services(
        text=filters.get("text", ""),
        need=filters.get("need", ""),
        partnership_id=filters.get("area"),
        childcare=filters.get("childcare", False),
        day=filters.get("day") or None,
        time=filters.get("time"),
    )
    pages = paginate(request, services, SERVICES_PER_PAGE)
    today = timezone.localdate()
    context = {
        "page_title": _("Find a service"),
        "form": form,
        "filtered": any(value not in (None, "", False) for value in filters.values()),
        "rows": [_row(service, today=today) for service in pages.page],
        "pages": pages,
        "can_edit": request.user.is_authenticated and any(standing_of(request.user).has(role) for role in EDITORS),
    }
    return render(request, "web/directory/search.html", context, status=400 if form.errors else 200)


def service_detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = visible_service(service_id)
    context = {
        "page_title": service.name,
        "row": _row(service, today=timezone.localdate()),
        "service": service,
        "can_edit": rules.has_perm("directory.change_service", request.user, service),
    }
    return render(request, "web/directory/service_detail.html", context)


def _require_staff(request: HttpRequest) -> HttpResponse | None:
    """The editing pages: signed-in staff; which entries they may edit is decided per record."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if standing_of(request.user).staff_member is None:
        raise PermissionDenied("Only the people who run a service can change its entry.")
    return None


def _editable_or_404(request: HttpRequest, service_id: uuid.UUID) -> Service:
    return editable_service(request.user, service_id)


def _organisation_or_404(request: HttpRequest, organisation_id: uuid.UUID) -> DirectoryOrganisation:
    organisation = organisations_editable_by(request.user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def your_services(request: HttpRequest) -> HttpResponse:
    """The entries this person keeps current, oldest checked first flagged."""
    if (refusal := _require_staff(request)) is not None:
        return refusal
    today = timezone.localdate()
    services = with_listing_details(services_editable_by(request.user))
    pages = paginate(request, services, SERVICES_PER_PAGE)
    context = {
        "page_title": _("Your services in the directory"),
        "rows": [_row(service, today=today) for service in pages.page],
        "pages": pages,
        "organisations": list(organisations_editable_by(request.user)),
        "can_import": rules.has_perm("directory.import_hsds", request.user),
    }
    return render(request, "web/directory/your_services.html", context)


def _service_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"web/directory/{template}", context, status=status)


@conflict_back_label("See the service as it is now")
def service_edit(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    if (refusal := _require_staff(request)) is not None:
        return refusal
    service = _editable_or_404(request, service_id)
    initial = {name: getattr(service, name) for name in EDITABLE_FIELDS}
    initial["needs"] = [attribute.taxonomy_term.code for attribute in service.need_tags]  # type: ignore[attr-defined]
    initial["version"] = service.version
    form = ServiceEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            service = update_service(
                actor=request.user,
                service_id=service.pk,
                expected_version=form.cleaned_data["version"],
                **form.fields_for_service(),
            )
        if submission.ok:
            messages.success(request, f"The details of {service.name} are saved.")
            return redirect("web:directory_your_services")
    context = {"page_title": f"Change {service.name}", "service": service, "form": form}
    return _service_page(request, "service_edit.html", context, 400 if request.method == "POST" else 200)


def service_add(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    if (refusal := _require_staff(request)) is not None:
        return refusal
    organisation = _organisation_or_404(request, organisation_id)
    form = ServiceDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            service = create_service(actor=request.user, organisation_id=organisation.pk, **form.fields_for_service())
        if submission.ok:
            messages.success(request, f"{service.name} is in the directory. Add its opening times and address.")
            return redirect("web:directory_service_edit", service_id=service.pk)
    context = {"page_title": f"Add a service of {organisation.name}", "organisation": organisation, "form": form}
    return _service_page(request, "service_add.html", context, 400 if request.method == "POST" else 200)


@conflict_back_label("See the opening times as they are now")
def service_opening_times(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    if (refusal := _require_staff(request)) is not None:
        return refusal
    service = _editable_or_404(request, service_id)
    existing = service.open_times  # type: ignore[attr-defined]
    initial: dict[str, Any] = {"version": service.version}
    for number, schedule in enumerate(existing, start=1):
        initial[f"days_{number}"] = [code for code in DAY_CODES if code in schedule.byday]
        initial[f"opens_{number}"] = schedule.opens_at
        initial[f"closes_{number}"] = schedule.closes_at
    form = OpeningTimesForm(request.POST or None, initial=initial, rows=len(existing) + SPARE_TIME_ROWS)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            service = set_opening_times(
                actor=request.user,
                service_id=service.pk,
                expected_version=form.cleaned_data["version"],
                rows=form.opening_times(),
            )
        if submission.ok:
            messages.success(request, f"The opening times of {service.name} are saved.")
            return redirect("web:directory_service_edit", service_id=service.pk)
    context = {"page_title": f"Opening times of {service.name}", "service": service, "form": form}
    return _service_page(request, "service_opening_times.html", context, 400 if request.method == "POST" else 200)


@conflict_back_label("See the address as it is now")
def service_address(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    if (refusal := _require_staff(request)) is not None:
        return refusal
    service = _editable_or_404(request, service_id)
    location = first_address_location(service)
    address = location.addresses.all()[0] if location is not None and location.addresses.all() else None
    initial: dict[str, Any] = {
        "version": service.version,
        "location_name": location.name if location else "",
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
    }
    if address is not None:
        initial.update(
            address_1=address.address_1, address_2=address.address_2, city=address.city, postal_code=address.postal_code
        )
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        with submitting(form) as submission:
            service = set_service_address(actor=request.user, service_id=service.pk, expected_version=version, **data)
        if submission.ok:
            messages.success(request, f"The address of {service.name} is saved.")
            if outside_uk(data["latitude"], data["longitude"]):
                # Kept as entered (a service may be abroad); a swapped pair or a lost minus sign is the usual slip.
                messages.warning(
                    request,
                    "That point is outside the UK. If the service is in the UK, check that the latitude and "
                    "longitude are not swapped and that a minus sign is not missing.",
                )
            return redirect("web:directory_service_edit", service_id=service.pk)
    context = {"page_title": f"Where to find {service.name}", "service": service, "form": form}
    return _service_page(request, "service_address.html", context, 400 if request.method == "POST" else 200)


@conflict_back_label("See the service as it is now")
@require_POST
def service_checked(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """ "Mark as checked today": the details on the page are right as they are."""
    if (refusal := _require_staff(request)) is not None:
        return refusal
    service = _editable_or_404(request, service_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    service = mark_service_checked(actor=request.user, service_id=service.pk, expected_version=version)
    messages.success(request, f"{service.name} is marked as checked today.")
    return redirect("web:directory_your_services")


@conflict_back_label("See the entry as it is now")
def organisation_edit(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    if (refusal := _require_staff(request)) is not None:
        return refusal
    organisation = _organisation_or_404(request, organisation_id)
    initial = {
        "version": organisation.version,
        **{name: getattr(organisation, name) for name in ("name", "alternate_name", "description", "email", "website")},
    }
    form = OrganisationEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            organisation = update_directory_organisation(
                actor=request.user,
                organisation_id=organisation.pk,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        if submission.ok:
            messages.success(request, f"The directory entry of {organisation.name} is saved.")
            return redirect("web:directory_your_services")
    context = {"page_title": f"Change the entry of {organisation.name}", "organisation": organisation, "form": form}
    return _service_page(request, "organisation_edit.html", context, 400 if request.method == "POST" else 200)


def _entries(number: int) -> str:
    return f"{number} entry" if number == 1 else f"{number} entries"


def _say_what_was_imported(request: HttpRequest, result: ImportResult) -> None:
    created, updated = sum(result.created.values()), sum(result.updated.values())
    unchanged = sum(result.unchanged.values())
    messages.success(request, f"Imported: {created} records added, {updated} changed and {unchanged} unchanged.")
    refused = result.refused
    if refused:
        one = len(refused) == 1
        messages.warning(
            request,
            f"{_entries(len(refused))} {'was' if one else 'were'} left as {'it was' if one else 'they were'}: "
            f"your import may not change {'it' if one else 'them'}.",
        )
        by_reason: dict[str, list[str]] = {}
        for refusal in refused:
            by_reason.setdefault(refusal.reason, []).append(refusal.name)
        for reason, names in by_reason.items():
            more = len(names) - REFUSALS_SHOWN
            listed = "; ".join(names[:REFUSALS_SHOWN]) + (f"; and {more} more" if more > 0 else "")
            messages.warning(request, f"{reason.removesuffix('.')}: {listed}.")
    for warning in result.warnings[:10]:
        messages.info(request, warning)


@require_roles(Role.PARTNERSHIP_MANAGER)
def directory_import(request: HttpRequest) -> HttpResponse:
    """Upload an HSDS JSON file or a zipped tabular data package. A refused file changes nothing; entries
    the manager may not change are left as they were and listed (coproduce/directory/hsds/scope.py)."""
    if not rules.has_perm("directory.import_hsds", request.user):
        raise PermissionDenied("Only a partnership manager can import the directory.")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with submitting(form) as submission:
            try:
                if upload.size > limits.MAX_IMPORT_BYTES:
                    raise ImportRefused([limits.TOO_BIG])
                result = import_file(upload.name, upload.read(), actor=request.user)
            except ImportRefused as error:
                problems = error.problems
                form.add_error(
                    "file", _("The file was not imported: nothing was changed. The problems are listed below.")
                )
        if submission.ok and not problems:
            _say_what_was_imported(request, result)
            return redirect("web:directory_import")
    context = {"page_title": _("Import services"), "form": form, "problems": problems}
    return render(request, "web/directory/import.html", context, status=400 if request.method == "POST" else 200)


@require_roles(Role.PARTNERSHIP_MANAGER)
def directory_export(request: HttpRequest) -> HttpResponse:
    """The whole directory as one HSDS 3.0 JSON document, to download."""
    if not rules.has_perm("directory.export_hsds", request.user):
        raise PermissionDenied("Only a partnership manager can export the directory.")
    document = export_directory()
    response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="directory-hsds-{timezone.localdate():%Y-%m-%d}.json"'
    return response
