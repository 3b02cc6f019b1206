"""The staff who work in the manager's area: adding them, their roles, and a link to set a password."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.programmes.models import StaffMember
from coproduce.programmes.selectors import staff_visible_to
from coproduce.programmes.services import add_staff_member, issue_staff_sign_in_link, set_staff_roles
from coproduce.web.access import require_roles
from coproduce.web.forms import submitting
from coproduce.web.partnership.common import managed_partnership
from coproduce.web.partnership.forms import StaffAddForm, StaffRolesForm


def _staff_in_partnership(request: HttpRequest, pk: int) -> StaffMember:
    partnership = managed_partnership(request)
    staff = staff_visible_to(request.user).filter(pk=pk, partnership=partnership).first()
    if staff is None:
        raise Http404("No such member of staff in your partnership.")
    return staff


@require_roles(Role.PARTNERSHIP_MANAGER)
def staff_list(request: HttpRequest) -> HttpResponse:
    partnership = managed_partnership(request)
    staff = staff_visible_to(request.user).filter(partnership=partnership).order_by("-is_active", "user__display_name")
    context = {
        "page_title": f"Staff in the {partnership.area_name} partnership",
        "partnership": partnership,
        "staff": staff,
    }
    return render(request, "web/partnership/staff_list.html", context)


@require_roles(Role.PARTNERSHIP_MANAGER)
def staff_add(request: HttpRequest) -> HttpResponse:
    partnership = managed_partnership(request)
    organisations = [membership.organisation for membership in partnership.memberships.all()]
    form = StaffAddForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submission:
            staff = add_staff_member(
                actor=request.user,
                display_name=data["display_name"],
                organisation_id=data["organisation"],
                roles=data["roles"],
                email=data["email"],
                mobile=data["mobile"],
                job_title=data["job_title"],
            )
        if submission.ok:
            messages.success(
                request, f"{staff.user} is added. Give them a sign-in link so that they can set a password."
            )
            return redirect("web:staff_list")
    context = {"page_title": "Add a member of staff", "partnership": partnership, "form": form}
    return render(request, "web/partnership/staff_add.html", context, status=400 if request.method == "POST" else 200)


@require_roles(Role.PARTNERSHIP_MANAGER)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff_in_partnership(request, pk)
    initial = {"roles": [staff_role.role for staff_role in staff.roles.all()], "is_active": staff.is_active}
    form = StaffRolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            staff = set_staff_roles(
                actor=request.user,
                staff_member_id=staff.pk,
                roles=form.cleaned_data["roles"],
                is_active=form.cleaned_data["is_active"],
            )
        if submission.ok:
            messages.success(request, f"What {staff.user} can do is saved.")
            return redirect("web:staff_list")
    context = {"page_title": f"Change what {staff.user} can do", "staff": staff, "form": form}
    return render(request, "web/partnership/staff_edit.html", context, status=400 if request.method == "POST" else 200)


@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
@never_cache
def staff_sign_in_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a one-time link to set a password. It is shown once and never stored."""
    staff = _staff_in_partnership(request, pk)
    with submitting() as submission:
        uidb64, token = issue_staff_sign_in_link(actor=request.user, staff_member_id=staff.pk)
    if submission.failed:
        context = {"page_title": "No sign-in link", "staff": staff, "error": submission.message}
        return render(request, "web/partnership/staff_sign_in_link.html", context, status=400)
    link = request.build_absolute_uri(reverse("web:set_password", args=[uidb64, token]))
    context = {
        "page_title": f"Sign-in link for {staff.user}",
        "staff": staff,
        "link": link,
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    return render(request, "web/partnership/staff_sign_in_link.html", context)
