"""The organisations in the manager's partnership: who they are and their part in it."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.programmes.models import PartnershipMembership
from coproduce.programmes.selectors import organisations_visible_to
from coproduce.programmes.services import (
    ORGANISATION_FIELDS,
    add_organisation_to_partnership,
    set_membership_role,
    update_organisation,
)
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.partnership.common import managed_partnership
from coproduce.web.partnership.forms import MembershipRoleForm, OrganisationAddForm, OrganisationEditForm


@require_roles(Role.PARTNERSHIP_MANAGER)
def organisation_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request)


def _render_list(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    partnership = managed_partnership(request)
    context = {
        "page_title": f"Organisations in the {partnership.area_name} partnership",
        "partnership": partnership,
        "memberships": partnership.memberships.all(),
        "role_choices": PartnershipMembership.Role.choices,
        "error": error,
    }
    return render(request, "web/partnership/organisation_list.html", context, status=status)


@require_roles(Role.PARTNERSHIP_MANAGER)
def organisation_add(request: HttpRequest) -> HttpResponse:
    partnership = managed_partnership(request)
    form = OrganisationAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            membership = add_organisation_to_partnership(actor=request.user, **form.cleaned_data)
        if submission.ok:
            messages.success(
                request,
                f"{membership.organisation.name} is now a {membership.get_role_display().lower()} of the partnership.",
            )
            return redirect("web:organisation_list")
    context = {"page_title": "Add an organisation", "partnership": partnership, "form": form}
    return render(
        request, "web/partnership/organisation_add.html", context, status=400 if request.method == "POST" else 200
    )


@conflict_back_label("See the organisation as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = managed_partnership(request)
    organisation = organisations_visible_to(request.user).filter(pk=pk, memberships__partnership=partnership).first()
    if organisation is None:
        raise Http404("No such organisation in your partnership.")
    initial = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
    form = OrganisationEditForm(request.POST or None, initial={**initial, "version": organisation.version})
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in ORGANISATION_FIELDS}
        with submitting(form) as submission:
            organisation = update_organisation(
                actor=request.user,
                organisation_id=organisation.pk,
                expected_version=form.cleaned_data["version"],
                changes=changes,
            )
        if submission.ok:
            messages.success(request, f"The details of {organisation.name} are saved.")
            return redirect("web:organisation_list")
    context = {"page_title": f"Change the details of {organisation.name}", "organisation": organisation, "form": form}
    return render(
        request, "web/partnership/organisation_edit.html", context, status=400 if request.method == "POST" else 200
    )


@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        return _render_list(request, error="Choose co-lead or member.", status=400)
    with submitting() as submission:
        membership = set_membership_role(actor=request.user, membership_id=pk, role=form.cleaned_data["role"])
    if submission.failed:
        return _render_list(request, error=submission.message, status=400)
    messages.success(request, f"{membership.organisation.name} is now a {membership.get_role_display().lower()}.")
    return redirect(reverse("web:organisation_list"))
