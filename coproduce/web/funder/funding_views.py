"""The funder's targets, grants and labour-market context. Aggregates only: nothing names a participant.

Each page is of one programme: the one chosen with the switcher (`current_programme`), else the one that
started last, named at the top of the page. A row of another programme the funder oversees can still be
opened by its address (it names its area); one of a programme they do not oversee is not found.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.core.errors import DomainError
from coproduce.programmes.funding import (
    NOMIS_COLUMNS,
    NOMIS_MEASURES,
    import_labour_market_csv,
    record_grant,
    set_labour_market,
    update_grant,
)
from coproduce.programmes.models import Programme
from coproduce.programmes.selectors.funding import (
    grants_visible_to,
    labour_market_visible_to,
    lead_partners,
    partnerships_for_funding,
)
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import DateInput, GovukForm, VersionedForm, submitting
from coproduce.web.programme_choice import current_programme
from coproduce.web.target_pages import (
    TargetRoutes,
    target_agree_page,
    target_change_page,
    target_propose_page,
    targets_page,
)

FUNDER_ROUTES = TargetRoutes(
    home="web:funder_targets",
    new="web:funder_target_propose",
    change="web:funder_target_change",
    agree="web:funder_target_agree",
    back_label="Targets",
)
MAX_UPLOAD_BYTES = 2_000_000


def _programme(request: HttpRequest) -> Programme:
    programme = current_programme(request)
    if programme is None:
        raise Http404("You do not oversee a programme.")
    return programme


def _area_choices(actor: ActingUser, programme: Programme) -> list[Any]:
    return [("", "Choose an area"), *((p.pk, p.area_name) for p in partnerships_for_funding(actor, programme.pk))]


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


# ---- targets ---------------------------------------------------------------------------------


@require_roles(Role.FUNDER)
def funder_targets(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    return targets_page(request, FUNDER_ROUTES, caption=f"{programme.name}: all areas", programme_id=programme.pk)


@require_roles(Role.FUNDER)
def funder_target_propose(request: HttpRequest) -> HttpResponse:
    return target_propose_page(request, FUNDER_ROUTES, programme=_programme(request))


@require_roles(Role.FUNDER)
def funder_target_change(request: HttpRequest, pk: int) -> HttpResponse:
    return target_change_page(request, pk, FUNDER_ROUTES)


@require_roles(Role.FUNDER)
@require_POST
def funder_target_agree(request: HttpRequest, pk: int) -> HttpResponse:
    return target_agree_page(request, pk, FUNDER_ROUTES)


# ---- grants ----------------------------------------------------------------------------------

AMOUNT_ERRORS = {
    "required": "Enter the amount.",
    "invalid": "Enter the amount in pounds, like 250000.00.",
    "min_value": "The amount must be more than £0.",
    "max_decimal_places": "Enter the amount in pounds and pence, like 250000.00.",
    "max_digits": "The amount is too large.",
    "max_whole_digits": "The amount is too large.",
}


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput,
        help_text=help_text,
        error_messages={"required": f"Enter the {label.lower()}.", "invalid": "Enter a date like 2015-04-01."},
    )


class GrantDetailsForm(GovukForm):
    recipient = forms.TypedChoiceField(
        label="Paid to",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="A co-lead organisation of the partnership. Leave as it is for the lead partner "
        "(the first third-sector co-lead by name).",
        error_messages={"invalid_choice": "Choose a co-lead organisation."},
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title."})
    description = forms.CharField(
        label="What the grant is for", widget=forms.Textarea, error_messages={"required": "Say what it is for."}
    )
    amount = forms.DecimalField(
        label="Amount in pounds",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=AMOUNT_ERRORS,
    )
    awarded_on = _date("Date awarded")
    starts_on = _date("Start date")
    ends_on = _date("End date")

    def __init__(self, *args: Any, recipients: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "The lead partner"), *recipients]


class GrantAddForm(GrantDetailsForm):
    partnership = forms.TypedChoiceField(
        label="Partnership", coerce=int, error_messages={"required": "Choose a partnership."}
    )
    reference = forms.CharField(
        label="Reference",
        max_length=60,
        help_text="Unique, like MIW-FIF-2013-01. It becomes the end of the grant's 360Giving identifier.",
        error_messages={"required": "Enter a reference."},
    )
    field_order = ["partnership", "reference", "recipient"]

    def __init__(self, *args: Any, areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partnership"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = areas


class GrantEditForm(VersionedForm, GrantDetailsForm):
    pass


def _recipient_choices(partnership_ids: list[int] | None = None) -> list[Any]:
    return [
        (m.organisation_id, f"{m.organisation.name} ({m.partnership.area_name})")
        for m in lead_partners(partnership_ids)
    ]


@require_roles(Role.FUNDER)
def funder_grants(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    grants = list(grants_visible_to(request.user, programme.pk).order_by("awarded_on", "reference"))
    context = {
        "page_title": "Grants",
        "programme": programme,
        "grants": grants,
        "total": sum((g.amount for g in grants), start=0),
    }
    return render(request, "web/funder/grant_list.html", context)


@require_roles(Role.FUNDER)
def funder_grant_add(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    areas = _area_choices(request.user, programme)
    area_ids = [pk for pk, _name in areas if pk != ""]
    form = GrantAddForm(request.POST or None, areas=areas, recipients=_recipient_choices(area_ids))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submission:
            grant = record_grant(
                actor=request.user,
                partnership_id=data["partnership"],
                recipient_id=data["recipient"],
                reference=data["reference"],
                title=data["title"],
                description=data["description"],
                amount=data["amount"],
                awarded_on=data["awarded_on"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        if submission.ok:
            messages.success(request, f"Grant {grant.reference} to {grant.recipient.name} is recorded.")
            return redirect("web:funder_grants")
    context = {"page_title": "Record a grant", "form": form, "programme": programme}
    return render(request, "web/funder/grant_form.html", context, status=_status(request))


@conflict_back_label("See the grant as it is now")
@require_roles(Role.FUNDER)
def funder_grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grant = grants_visible_to(request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404("No such grant.")
    fields = ("title", "description", "amount", "awarded_on", "starts_on", "ends_on")
    initial = {name: getattr(grant, name) for name in fields}
    form = GrantEditForm(
        request.POST or None,
        initial={**initial, "recipient": grant.recipient_id, "version": grant.version},
        recipients=_recipient_choices([grant.partnership_id]),
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in fields}
        if form.cleaned_data["recipient"] is not None:
            changes["recipient_id"] = form.cleaned_data["recipient"]
        with submitting(form) as submission:
            grant = update_grant(
                actor=request.user,
                grant_id=grant.pk,
                expected_version=form.cleaned_data["version"],
                changes=changes,
            )
        if submission.ok:
            messages.success(request, f"Grant {grant.reference} is saved.")
            return redirect("web:funder_grants")
    context = {"page_title": f"Change grant {grant.reference}", "form": form, "grant": grant}
    return render(request, "web/funder/grant_form.html", context, status=_status(request))


# ---- labour-market context -------------------------------------------------------------------


class FiguresForm(GovukForm):
    claimant_rate = forms.DecimalField(
        label="Claimant rate (%)",
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        help_text="Claimant count as a percentage of residents aged 16–64, like 3.4.",
        error_messages={"invalid": "Enter a percentage like 3.4."},
    )
    job_density = forms.DecimalField(
        label="Job density",
        required=False,
        max_digits=4,
        decimal_places=2,
        min_value=0,
        help_text="Jobs per resident aged 16–64, like 0.68.",
        error_messages={"invalid": "Enter a number like 0.68."},
    )
    source = forms.CharField(
        label="Source",
        max_length=200,
        initial="ONS Nomis",
        error_messages={"required": "Say where the figures come from."},
    )


class FiguresAddForm(FiguresForm):
    partnership = forms.TypedChoiceField(label="Area", coerce=int, error_messages={"required": "Choose an area."})
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Enter the year.", "invalid": "Enter a year like 2015."},
    )
    field_order = ["partnership", "year"]

    def __init__(self, *args: Any, areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partnership"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = areas


class FiguresEditForm(VersionedForm, FiguresForm):
    pass


class ImportForm(GovukForm):
    file = forms.FileField(
        label="CSV file from Nomis",
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
    )


@require_roles(Role.FUNDER)
def funder_labour_market(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    rows = list(labour_market_visible_to(request.user, programme.pk).order_by("partnership__area_name", "year"))
    context = {"page_title": "Labour market", "programme": programme, "rows": rows}
    return render(request, "web/funder/labour_list.html", context)


@require_roles(Role.FUNDER)
def funder_labour_market_add(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    form = FiguresAddForm(request.POST or None, areas=_area_choices(request.user, programme))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submission:
            row = set_labour_market(
                actor=request.user,
                partnership_id=data["partnership"],
                year=data["year"],
                claimant_rate=data["claimant_rate"],
                job_density=data["job_density"],
                source=data["source"],
            )
        if submission.ok:
            messages.success(request, f"The figures for {row.partnership.area_name} in {row.year} are saved.")
            return redirect("web:funder_labour_market")
    context = {"page_title": "Enter labour-market figures", "form": form, "programme": programme}
    return render(request, "web/funder/labour_form.html", context, status=_status(request))


@conflict_back_label("See the figures as they are now")
@require_roles(Role.FUNDER)
def funder_labour_market_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = labour_market_visible_to(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404("No such figures.")
    initial = {
        "claimant_rate": row.claimant_rate,
        "job_density": row.job_density,
        "source": row.source,
        "version": row.version,
    }
    form = FiguresEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submission:
            row = set_labour_market(
                actor=request.user,
                partnership_id=row.partnership_id,
                year=row.year,
                claimant_rate=data["claimant_rate"],
                job_density=data["job_density"],
                source=data["source"],
                expected_version=data["version"],
            )
        if submission.ok:
            messages.success(request, f"The figures for {row.partnership.area_name} in {row.year} are saved.")
            return redirect("web:funder_labour_market")
    context = {"page_title": f"Change the {row.year} figures for {row.partnership.area_name}", "form": form, "row": row}
    return render(request, "web/funder/labour_form.html", context, status=_status(request))


@require_roles(Role.FUNDER)
def funder_labour_market_import(request: HttpRequest) -> HttpResponse:
    """Upload a Nomis CSV into the chosen programme's areas; a file with any problem is refused whole."""
    programme = _programme(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with submitting(form) as submission:
            if upload.size > MAX_UPLOAD_BYTES:
                raise DomainError("The file is larger than 2 MB: download only the areas and years you need.")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise DomainError("The file is not a CSV file in UTF-8 text.", field="file") from error
            result = import_labour_market_csv(actor=request.user, text=text, programme_id=programme.pk)
        if submission.ok:
            note = (
                f"Imported: {result.created} new and {result.updated} changed area-years. "
                f"{result.skipped_rows} rows were skipped (other measures, or areas outside the programme)."
            )
            if result.suppressed:
                figures = "1 figure was" if result.suppressed == 1 else f"{result.suppressed} figures were"
                note += f" {figures} suppressed by Nomis (no value, status Q) and skipped."
            messages.success(request, note)
            return redirect("web:funder_labour_market")
    context = {
        "page_title": "Import labour-market figures",
        "programme": programme,
        "form": form,
        "columns": NOMIS_COLUMNS,
        "measures": sorted(NOMIS_MEASURES),
    }
    return render(request, "web/funder/labour_import.html", context, status=_status(request))
