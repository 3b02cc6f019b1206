"""Which programme a person's programme-wide pages show, when they oversee more than one.

A funder or an evaluator may oversee successive or overlapping programmes on one Coproduce (Making It
Work, 2013–2017, and the programme running now). Their dashboards, statistics, targets, grants, 360Giving
data and evaluation pages show one programme at a time: the one they chose on /programme/ (kept in their
session), else the one that started last. Staff of one area work in their area's programme and have no
choice to make.
"""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from coproduce.accounts.roles import Role
from coproduce.programmes.models import Programme
from coproduce.programmes.selectors import chosen_programme
from coproduce.programmes.standing import PROGRAMME_WIDE_ROLES, standing_of
from coproduce.web.access import require_roles
from coproduce.web.forms import GovukForm

SESSION_KEY = "coproduce_programme_id"


def current_programme(request: HttpRequest) -> Programme | None:
    """The programme the page shows: the one chosen in this session if the person may see it, else the one
    that started last. None for someone with no programme."""
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return chosen_programme(request.user, wanted if isinstance(wanted, int) else None)


def programme_years(programme: Programme) -> str:
    ends = f"{programme.ends_on.year}" if programme.ends_on else "now"
    return f"{programme.starts_on.year} to {ends}"


class ProgrammeChoiceForm(GovukForm):
    programme = forms.TypedChoiceField(
        label="Show the figures and pages of",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the programmes you oversee."},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, programmes: tuple[Programme, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(programme.pk, f"{programme.name} ({programme_years(programme)})") for programme in programmes]


@require_roles(*PROGRAMME_WIDE_ROLES, Role.ADMINISTRATOR)
def choose_programme(request: HttpRequest) -> HttpResponse:
    """Choose the programme; a choice of one the person does not oversee is refused and changes nothing."""
    programmes = standing_of(request.user).programmes
    current = current_programme(request)
    form = ProgrammeChoiceForm(
        request.POST or None,
        programmes=programmes,
        initial={"programme": current.pk if current else None, "next": request.GET.get("next", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            request.session[SESSION_KEY] = form.cleaned_data["programme"]
            target = form.cleaned_data["next"]
            if target and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return redirect(target)
            return redirect("web:home")
        status = 400
    context = {"page_title": "Choose a programme", "form": form, "programmes": programmes}
    return render(request, "web/programme_choice.html", context, status=status)


def programme_switcher(request: HttpRequest) -> dict[str, Any]:
    """For a funder, evaluator or administrator who oversees more than one programme: which one the page
    shows, and a way to change it on every page. Nobody else pays a query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    standing = standing_of(user)
    if not (standing.roles & PROGRAMME_WIDE_ROLES or standing.has(Role.ADMINISTRATOR)):
        return {}
    if len(standing.programmes) < 2:
        return {}
    current = current_programme(request)
    return {
        "programme_switcher": {
            "current": current,
            "years": programme_years(current) if current else "",
            "choices": [
                (programme.pk, programme.name, programme_years(programme)) for programme in standing.programmes
            ],
            "next": request.get_full_path(),
        }
    }
