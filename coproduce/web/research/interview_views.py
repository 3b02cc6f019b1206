"""The evaluator's pages for waves, stakeholders, interviews, the sampling assistant and Table 1.

Rows come from coproduce/research/selectors.py; changes from coproduce/research/services/interviews.py.
Participants appear only by pseudonym; every list or page showing a participant's interview or
research consent is audited, one event per participant shown.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.core.validation import InvalidInput
from coproduce.programmes.models import StaffMember
from coproduce.programmes.selectors import organisations_visible_to, partnerships_visible_to
from coproduce.reporting.exports import CONTENT_TYPES, CSV, XLSX, ExportTable, to_csv, to_xlsx
from coproduce.research.models import Interview, Stakeholder
from coproduce.research.sampling import SPREAD_LABELS, Spread, propose_sample
from coproduce.research.selectors import (
    interviews_visible_to,
    research_consents_visible_to,
    stakeholders_visible_to,
    waves_visible_to,
)
from coproduce.research.services.interviews import (
    create_interview,
    create_stakeholder,
    create_wave,
    interview_contact_details,
    invite_for_interview,
    record_interview_reads,
    record_research_consent_reads,
    update_interview,
    update_stakeholder,
    update_wave,
    withdraw_stakeholder,
)
from coproduce.research.table1 import table_one
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.research.interview_forms import (
    InterviewEditForm,
    InterviewFilterForm,
    InterviewForm,
    SamplingForm,
    StakeholderEditForm,
    StakeholderForm,
    WaveEditForm,
    WaveForm,
)
from coproduce.web.research.scope import programme_context, programme_id_of

PER_PAGE = 25
evaluators_only = require_roles(Role.EVALUATOR)


def _wave_choices(request: HttpRequest) -> list[tuple[Any, str]]:
    waves = waves_visible_to(request.user, programme_id=programme_id_of(request))
    return [(wave.pk, wave.name) for wave in waves.order_by("year", "pk")]


def _area_choices(request: HttpRequest) -> list[tuple[Any, str]]:
    """The areas of the programme the page shows."""
    areas = partnerships_visible_to(request.user).filter(programme_id=programme_id_of(request))
    return list(areas.order_by("area_name", "pk").values_list("pk", "area_name"))


def _interviewer_choices() -> list[tuple[Any, str]]:
    staff = StaffMember.objects.filter(is_active=True, roles__role=Role.EVALUATOR).select_related("user")
    return [(member.user_id, str(member.user)) for member in staff.order_by("user__display_name", "pk")]


def _save_edit(form: Any, update: Callable[[int, dict[str, Any]], object]) -> None:
    """Save a versioned edit form through `update(version, changes)`.

    Afterwards `form.is_valid()` says whether it saved (a service's refusal is put on the form).
    If someone else saved first, the ConflictError reaches the conflict page (DomainErrorMiddleware).
    """
    if form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        with submitting(form):
            update(version, changes)


# ---- waves --------------------------------------------------------------------------------------


@evaluators_only
def research_waves(request: HttpRequest) -> HttpResponse:
    waves = waves_visible_to(request.user, programme_id=programme_id_of(request)).order_by("year")
    context = {"page_title": "Waves", "waves": waves, **programme_context(request)}
    return render(request, "web/research/interviews/waves.html", context)


@evaluators_only
def research_wave_add(request: HttpRequest) -> HttpResponse:
    form = WaveForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with submitting(form) as submission:
                wave = create_wave(actor=request.user, programme_id=programme_id_of(request), **form.cleaned_data)
            status = submission.status
            if submission.ok:
                messages.success(request, f"{wave.name} is added.")
                return redirect("web:research_waves")
    context = {
        "page_title": "Add a wave",
        "form": form,
        "back": reverse("web:research_waves"),
        **programme_context(request),
    }
    return render(request, "web/research/interviews/form.html", context, status=status)


@conflict_back_label("See the wave as it is now")
@evaluators_only
def research_wave_edit(request: HttpRequest, pk: int) -> HttpResponse:
    wave = waves_visible_to(request.user).filter(pk=pk).first()
    if wave is None:
        raise Http404("No such wave.")
    initial = {name: getattr(wave, name) for name in ("year", "name", "starts_on", "ends_on", "version")}
    form = WaveEditForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        _save_edit(
            form,
            lambda version, changes: update_wave(
                actor=request.user,
                wave_id=wave.pk,
                expected_version=version,
                changes=changes,
            ),
        )
        if form.is_valid():
            messages.success(request, "Saved.")
            return redirect("web:research_waves")
        status = 400
    context = {"page_title": f"Change {wave.name}", "form": form, "back": reverse("web:research_waves")}
    return render(request, "web/research/interviews/form.html", context, status=status)


# ---- stakeholders -------------------------------------------------------------------------------


def _organisation_choices(request: HttpRequest) -> list[tuple[Any, str]]:
    return list(organisations_visible_to(request.user).order_by("name", "pk").values_list("pk", "name"))


@evaluators_only
def research_stakeholders(request: HttpRequest) -> HttpResponse:
    stakeholders = stakeholders_visible_to(request.user, programme_id=programme_id_of(request)).select_related(
        "partnership", "organisation"
    )
    pages = paginate(request, stakeholders.order_by("name", "pk"), PER_PAGE)
    context = {
        "page_title": "Stakeholders",
        "pages": pages,
        "stakeholders": pages.page.object_list,
        **programme_context(request),
    }
    return render(request, "web/research/interviews/stakeholders.html", context)


@evaluators_only
def research_stakeholder_add(request: HttpRequest) -> HttpResponse:
    form = StakeholderForm(
        request.POST if request.method == "POST" else None,
        areas=_area_choices(request),
        organisations=_organisation_choices(request),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with submitting(form) as submission:
                saved = create_stakeholder(
                    actor=request.user, programme_id=programme_id_of(request), **form.cleaned_data
                )
            status = submission.status
            if submission.ok:
                messages.success(request, f"{saved.name} is added.")
                return redirect("web:research_stakeholders")
    context = {
        "page_title": "Add a stakeholder",
        "form": form,
        "back": reverse("web:research_stakeholders"),
        **programme_context(request),
    }
    return render(request, "web/research/interviews/form.html", context, status=status)


def _stakeholder(request: HttpRequest, pk: int) -> Stakeholder:
    stakeholder = stakeholders_visible_to(request.user).filter(pk=pk).first()
    if stakeholder is None:
        raise Http404("No such stakeholder.")
    return stakeholder


@conflict_back_label("See them as they are now")
@evaluators_only
def research_stakeholder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = _stakeholder(request, pk)
    fields = StakeholderEditForm.base_fields
    initial = {name: getattr(stakeholder, name) for name in fields}
    form = StakeholderEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        areas=_area_choices(request),
        organisations=_organisation_choices(request),
    )
    status = 200
    if request.method == "POST":
        _save_edit(
            form,
            lambda version, changes: update_stakeholder(
                actor=request.user,
                stakeholder_id=stakeholder.pk,
                expected_version=version,
                changes=changes,
            ),
        )
        if form.is_valid():
            messages.success(request, "Saved.")
            return redirect("web:research_stakeholders")
        status = 400
    context = {
        "page_title": f"Change {stakeholder.name}",
        "form": form,
        "back": reverse("web:research_stakeholders"),
        "stakeholder": stakeholder,
    }
    return render(request, "web/research/interviews/stakeholder_edit.html", context, status=status)


@conflict_back_label("See them again")
@evaluators_only
@require_POST
def research_stakeholder_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = _stakeholder(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    withdraw_stakeholder(actor=request.user, stakeholder_id=stakeholder.pk, expected_version=version)
    messages.success(request, f"{stakeholder.name} has stopped taking part. Their interviews are no longer shown.")
    return redirect("web:research_stakeholders")


# ---- interviews ---------------------------------------------------------------------------------


def _interviews(request: HttpRequest) -> QuerySet[Interview]:
    return interviews_visible_to(request.user).select_related(
        "wave", "partnership", "research_consent", "stakeholder", "interviewer"
    )


@evaluators_only
def research_interviews(request: HttpRequest) -> HttpResponse:
    filters = InterviewFilterForm(request.GET or None, waves=_wave_choices(request), areas=_area_choices(request))
    interviews = _interviews(request).filter(wave__programme_id=programme_id_of(request))
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("wave"):
            interviews = interviews.filter(wave_id=data["wave"])
        if data.get("area"):
            interviews = interviews.filter(partnership_id=data["area"])
        if data.get("kind"):
            interviews = interviews.filter(kind=data["kind"])
        if data.get("status"):
            interviews = interviews.filter(status=data["status"])
    pages = paginate(request, interviews.order_by("-wave__year", "partnership__area_name", "pk"), PER_PAGE)
    shown = list(pages.page.object_list)
    record_interview_reads(actor=request.user, interviews=shown)
    context = {
        "page_title": "Interviews",
        "filters": filters,
        "pages": pages,
        "interviews": shown,
        **programme_context(request),
    }
    return render(request, "web/research/interviews/interviews.html", context)


@evaluators_only
def research_interview_add(request: HttpRequest) -> HttpResponse:
    programme_id = programme_id_of(request)
    scopes = list(
        research_consents_visible_to(request.user, programme_id=programme_id)
        .filter(interview=True)
        .order_by("pseudonym")
        .values_list("pseudonym", "participant_id")
    )
    pseudonyms = [(pseudonym, pseudonym) for pseudonym, _ in scopes]
    record_research_consent_reads(actor=request.user, participant_ids=[pk for _, pk in scopes])
    stakeholders = (
        stakeholders_visible_to(request.user, programme_id=programme_id)
        .filter(agreed_to_interview=True)
        .order_by("name", "pk")
    )
    form = InterviewForm(
        request.POST if request.method == "POST" else None,
        initial={"wave_id": request.GET.get("wave")},
        waves=_wave_choices(request),
        pseudonyms=pseudonyms,
        stakeholders=[(s.pk, str(s)) for s in stakeholders],
        areas=_area_choices(request),
        interviewers=_interviewer_choices(),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with submitting(form) as submission:
                saved = create_interview(actor=request.user, **form.cleaned_data)
            status = submission.status
            if submission.ok:
                messages.success(request, "The interview is added.")
                return redirect("web:research_interview_detail", pk=saved.pk)
    context = {
        "page_title": "Add an interview",
        "form": form,
        "back": reverse("web:research_interviews"),
        **programme_context(request),
    }
    return render(request, "web/research/interviews/form.html", context, status=status)


def _interview(request: HttpRequest, pk: int) -> Interview:
    interview = _interviews(request).filter(pk=pk).first()
    if interview is None:
        raise Http404("No such interview.")
    return interview


@evaluators_only
def research_interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One interview. A participant interviewee's first name, email and mobile are shown only here,
    and only if they agreed to be contacted about interviews (audited)."""
    interview = _interview(request, pk)
    record_interview_reads(actor=request.user, interviews=[interview], action=AuditEvent.Action.VIEW)
    contact = interview_contact_details(actor=request.user, interview=interview)
    context = {"page_title": str(interview), "interview": interview, "contact": contact}
    return render(request, "web/research/interviews/interview_detail.html", context)


@conflict_back_label("See the interview as it is now")
@evaluators_only
def research_interview_edit(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview(request, pk)
    fields = InterviewEditForm.base_fields
    initial = {name: getattr(interview, name) for name in fields}
    form = InterviewEditForm(
        request.POST if request.method == "POST" else None, initial=initial, interviewers=_interviewer_choices()
    )
    status = 200
    if request.method == "POST":
        _save_edit(
            form,
            lambda version, changes: update_interview(
                actor=request.user,
                interview_id=interview.pk,
                expected_version=version,
                changes=changes,
            ),
        )
        if form.is_valid():
            messages.success(request, "Saved.")
            return redirect("web:research_interview_detail", pk=interview.pk)
        status = 400
    else:
        record_interview_reads(actor=request.user, interviews=[interview], action=AuditEvent.Action.VIEW)
    back = reverse("web:research_interview_detail", args=[interview.pk])
    context = {"page_title": "Change the interview", "form": form, "back": back, "interview": interview}
    return render(request, "web/research/interviews/form.html", context, status=status)


# ---- Table 1 ------------------------------------------------------------------------------------


def _table_programme(request: HttpRequest) -> int | None:
    """The programme the page shows; None for an evaluator with none (the table then answers not found)."""
    programme_id = programme_id_of(request)
    return programme_id or None


def _slug(name: str) -> str:
    return slugify(name) or "programme"


@evaluators_only
def research_table1(request: HttpRequest) -> HttpResponse:
    table = table_one(request.user, programme_id=_table_programme(request))
    by_area = table.by_area()
    rows = [
        {"area": area, "cells": [(year, table.cell(area, year)) for year in table.years], "total": by_area[area]}
        for area in table.areas
    ]
    context = {
        "page_title": "Interviews undertaken (Table 1)",
        "table": table,
        "rows": rows,
        "by_wave": list(table.by_wave().items()),
        "overall": table.overall(),
        **programme_context(request),
    }
    return render(request, "web/research/interviews/table1.html", context)


@evaluators_only
def research_table1_download(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in (CSV, XLSX):
        raise Http404("No such format.")
    table = table_one(request.user, programme_id=_table_programme(request))
    columns, rows = table.flat()
    export = ExportTable(slug="table-1-interviews", title="Interviews undertaken", columns=columns, rows=rows)
    content = to_csv(export) if file_format == CSV else to_xlsx(export)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{export.slug}-{_slug(table.programme)}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


# ---- sampling -----------------------------------------------------------------------------------


@evaluators_only
def research_sampling(request: HttpRequest) -> HttpResponse:
    """Stateless: the form (GET) gives a proposal with every person ticked; "Invite these" posts the
    ticked ones to research_sampling_invite."""
    areas = _area_choices(request)
    form = SamplingForm(request.GET or None, waves=_wave_choices(request), areas=areas)
    proposals = None
    wave = None
    status = 200
    if request.GET:
        if form.is_valid():
            try:
                sample = propose_sample(
                    request.user,
                    wave_id=form.cleaned_data["wave"],
                    quotas=form.quotas(),
                    spreads={Spread(value) for value in form.cleaned_data["spreads"]},
                )
            except InvalidInput as error:
                form.add_domain_error(error)
                status = 400
            else:
                wave, proposals = sample.wave, sample.areas
        else:
            status = 400
    context = {
        "page_title": "Sampling assistant",
        "form": form,
        "quota_fields": [form[f"quota_{pk}"] for pk, _ in areas],
        "proposals": proposals,
        "wave": wave,
        "spread_labels": SPREAD_LABELS,
        **programme_context(request),
    }
    return render(request, "web/research/interviews/sampling.html", context, status=status)


@evaluators_only
@require_POST
def research_sampling_invite(request: HttpRequest) -> HttpResponse:
    try:
        wave_id = int(request.POST.get("wave", ""))
        chosen = [int(value) for value in request.POST.getlist("research_consent")]
    except ValueError as error:
        raise Http404("No such wave.") from error
    wave = waves_visible_to(request.user).filter(pk=wave_id).first()
    if wave is None:
        raise Http404("No such wave.")
    if not chosen:
        messages.error(request, "Nobody was ticked, so nobody was invited.")
        return redirect("web:research_sampling")
    with submitting(request) as submission:
        made, skipped = invite_for_interview(actor=request.user, wave_id=wave.pk, research_consent_ids=chosen)
    if submission.failed:
        return redirect("web:research_sampling")
    note = f" {len(skipped)} already had an interview in this wave." if skipped else ""
    messages.success(request, f"{len(made)} invited to {wave.name}.{note}")
    return redirect(f"{reverse('web:research_interviews')}?wave={wave.pk}&status=invited")
