"""Your work contact details: the work phone and work email a member of staff's participants see."""

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coproduce.accounts.models import normalise_uk_phone, validate_uk_phone
from coproduce.accounts.roles import STAFF_ROLES
from coproduce.programmes.services import set_work_contact
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.forms import GovukForm, submitting


class WorkContactForm(GovukForm):
    work_phone = forms.CharField(
        label="Work phone",
        help_text="A UK number, like 01632 960123 or 07700 900123. Leave it empty if you have none.",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "work tel"}),
    )
    work_email = forms.EmailField(
        label="Work email",
        help_text="Leave it empty if you have none.",
        required=False,
        error_messages={"invalid": "Enter a work email address, like name@example.org."},
        widget=forms.EmailInput(attrs={"autocomplete": "work email", "spellcheck": "false"}),
    )

    def clean_work_phone(self) -> str:
        phone = normalise_uk_phone(self.cleaned_data["work_phone"])
        validate_uk_phone(phone)
        return phone


@require_roles(*STAFF_ROLES)
def work_contact(request: HttpRequest) -> HttpResponse:
    """A member of staff's own work phone and work email. Only work ones: the participants they work with see them."""
    staff = standing_of(request.user).staff_member
    if staff is None:
        raise PermissionDenied("Only staff of an organisation have work contact details.")
    initial = {"work_phone": staff.work_phone_for_people, "work_email": staff.work_email}
    form = WorkContactForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                set_work_contact(
                    actor=request.user,
                    work_phone=form.cleaned_data["work_phone"],
                    work_email=form.cleaned_data["work_email"],
                )
            if submission.ok:
                flash.success(request, "Your work contact details are saved.")
                return redirect("web:work_contact")
        status = 400
    context = {"page_title": "Your work contact details", "form": form}
    return render(request, "web/public/work_contact.html", context, status=status)
