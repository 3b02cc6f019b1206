"""Engagement targets, proposed by one side and agreed by the other: the pages the funder's and
the partnership manager's routes share (`TargetRoutes` names the URLs of each)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coproduce.programmes.funding import agree_target, propose_target
from coproduce.programmes.models import Programme
from coproduce.programmes.selectors.funding import partnerships_for_funding, target_grid, targets_visible_to
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import GovukForm, VersionedForm, submitting

PARTICIPANTS_ERRORS = {
    "required": "Enter the number of participants to engage.",
    "invalid": "A target is a whole number of participants, 1 or more.",
    "min_value": "A target is a whole number of participants, 1 or more.",
    "max_value": "A target is at most 100,000 participants.",
}


class TargetForm(GovukForm):
    partnership = forms.TypedChoiceField(
        label="Area", coerce=int, error_messages={"required": "Choose an area.", "invalid_choice": "Choose an area."}
    )
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year.",
            "invalid": "Enter a year like 2015.",
            "min_value": "Enter a year from 2000 to 2100.",
            "max_value": "Enter a year from 2000 to 2100.",
        },
    )
    participants = forms.IntegerField(
        label="Participants to engage",
        min_value=1,
        max_value=100_000,
        help_text="How many people should join in the year.",
        error_messages=PARTICIPANTS_ERRORS,
    )

    def __init__(self, *args: Any, partnerships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partnership"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose an area"), *((p.pk, p.area_name) for p in partnerships)]


class TargetChangeForm(VersionedForm):
    participants = forms.IntegerField(
        label="Participants to engage",
        min_value=1,
        max_value=100_000,
        help_text="Changing an agreed target sends it back for the other side to agree.",
        error_messages=PARTICIPANTS_ERRORS,
    )


class AgreeForm(VersionedForm):
    pass


@dataclass(frozen=True)
class TargetRoutes:
    home: str
    new: str
    change: str
    agree: str
    back_label: str


def targets_page(
    request: HttpRequest, routes: TargetRoutes, *, caption: str, programme_id: int | None = None
) -> HttpResponse:
    """The grid of targets; the funder's is of one programme (`programme_id`), a manager's of their area."""
    grid = target_grid(request.user, programme_id=programme_id)
    context = {
        "page_title": "Engagement targets",
        "caption": caption,
        "grid": grid,
        "routes": routes,
        "other_side": "the partnership" if grid.side == "funder" else "the funder",
    }
    return render(request, "web/partnership/target_list.html", context)


def target_propose_page(
    request: HttpRequest, routes: TargetRoutes, *, programme: Programme | None = None
) -> HttpResponse:
    """Propose a target for an area: the funder chooses among the areas of `programme`."""
    partnerships = list(partnerships_for_funding(request.user, programme.pk if programme else None))
    initial = {"partnership": partnerships[0].pk} if len(partnerships) == 1 else {}
    form = TargetForm(request.POST or None, partnerships=partnerships, initial=initial)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            target = propose_target(
                actor=request.user,
                partnership_id=form.cleaned_data["partnership"],
                year=form.cleaned_data["year"],
                participants=form.cleaned_data["participants"],
            )
        if submission.ok:
            messages.success(
                request,
                f"You proposed {target.participants} participants for {target.partnership.area_name} in "
                f"{target.year}. It is agreed when the other side agrees it.",
            )
            return redirect(routes.home)
    context = {"page_title": "Propose a target", "form": form, "routes": routes, "programme": programme}
    status = 400 if request.method == "POST" else 200
    return render(request, "web/partnership/target_form.html", context, status=status)


def _target(request: HttpRequest, pk: int) -> Any:
    target = targets_visible_to(request.user).filter(pk=pk).first()
    if target is None:
        raise Http404("No such target.")
    return target


@conflict_back_label("See the target as it is now")
def target_change_page(request: HttpRequest, pk: int, routes: TargetRoutes) -> HttpResponse:
    target = _target(request, pk)
    form = TargetChangeForm(
        request.POST or None, initial={"participants": target.participants, "version": target.version}
    )
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            target = propose_target(
                actor=request.user,
                partnership_id=target.partnership_id,
                year=target.year,
                participants=form.cleaned_data["participants"],
                expected_version=form.cleaned_data["version"],
            )
        if submission.ok:
            messages.success(request, f"The target for {target.partnership.area_name} in {target.year} is saved.")
            return redirect(routes.home)
    context = {
        "page_title": f"Change the {target.year} target for {target.partnership.area_name}",
        "form": form,
        "routes": routes,
        "target": target,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "web/partnership/target_form.html", context, status=status)


@conflict_back_label("See the targets as they are")
def target_agree_page(request: HttpRequest, pk: int, routes: TargetRoutes) -> HttpResponse:
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date: look at the target again before agreeing it.")
        return redirect(routes.home)
    with submitting(request) as submission:
        target = agree_target(actor=request.user, target_id=pk, expected_version=form.cleaned_data["version"])
    if submission.failed:
        return redirect(routes.home)
    messages.success(
        request, f"The target of {target.participants} for {target.partnership.area_name} in {target.year} is agreed."
    )
    return redirect(routes.home)
