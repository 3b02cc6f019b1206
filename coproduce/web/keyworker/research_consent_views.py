"""A participant's research consent, recorded by their keyworker or their area's manager at
/participants/<pk>/research/: what they agreed to, how they said so, and stopping in one step."""

from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.participants.models import Participant
from coproduce.participants.services import record_participant_view
from coproduce.research.models import ResearchConsent
from coproduce.research.selectors import research_consents_visible_to
from coproduce.research.services.consent import (
    ELEMENT_WORDS,
    ELEMENTS,
    give_research_consent,
    withdraw_research_consent,
)
from coproduce.web.access import require_roles, visible_participant_or_404
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.research_consent_forms import ResearchConsentForm, StopTakingPartForm


def _participant_and_scope(request: HttpRequest, pk: int) -> tuple[Participant, ResearchConsent | None]:
    participant = visible_participant_or_404(request, pk)
    if not rules.has_perm("research.record_research_consent", request.user, participant):
        raise PermissionDenied("Only their keyworker or their area's manager can record this.")
    scope = research_consents_visible_to(request.user).select_related("consent").filter(participant=participant).first()
    return participant, scope


def _render(
    request: HttpRequest,
    participant: Participant,
    scope: ResearchConsent | None,
    form: ResearchConsentForm,
    stop_form: StopTakingPartForm,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "page_title": f"Research consent for {participant.full_name}",
        "participant": participant,
        "scope": scope,
        "in_force": scope is not None and scope.is_in_force,
        "elements": [(ELEMENT_WORDS[name][0], getattr(scope, name)) for name in ELEMENTS] if scope else [],
        "form": form,
        "stop_form": stop_form,
    }
    return render(request, "web/keyworker/research_consent.html", context, status=status)


def _initial(scope: ResearchConsent | None) -> dict[str, Any]:
    if scope is None or not scope.is_in_force:
        return {"version": scope.version if scope else None}
    return {**{name: getattr(scope, name) for name in ELEMENTS}, "version": scope.version}


@conflict_back_label("See their research consent as it is now")
@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def participant_research_consent(request: HttpRequest, pk: int) -> HttpResponse:
    participant, scope = _participant_and_scope(request, pk)
    stop_form = StopTakingPartForm(initial={"version": scope.version if scope else None}, prefix="stop")
    if request.method != "POST":
        record_participant_view(actor=request.user, participant=participant)
        return _render(request, participant, scope, ResearchConsentForm(initial=_initial(scope)), stop_form)
    form = ResearchConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submission:
            give_research_consent(
                actor=request.user,
                participant_id=participant.pk,
                how=data["how"],
                expected_version=data.get("version"),
                **{name: data[name] for name in ELEMENTS},
            )
        if submission.ok:
            messages.success(request, f"{participant.full_name}’s research consent is saved.")
            return redirect("web:participant_research_consent", pk=participant.pk)
    return _render(request, participant, scope, form, stop_form, status=400)


@conflict_back_label("See their research consent as it is now")
@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
@require_POST
def participant_research_consent_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that they stopped taking part, in one step, with how they said so."""
    participant, scope = _participant_and_scope(request, pk)
    stop_form = StopTakingPartForm(request.POST, prefix="stop")
    if stop_form.is_valid():
        with submitting(stop_form) as submission:
            withdraw_research_consent(
                actor=request.user,
                participant_id=participant.pk,
                how=stop_form.cleaned_data["how"],
                expected_version=stop_form.cleaned_data.get("version"),
            )
        if submission.ok:
            messages.success(request, f"{participant.full_name} has stopped taking part in the research.")
            return redirect("web:participant_research_consent", pk=participant.pk)
    form = ResearchConsentForm(initial=_initial(scope))
    return _render(request, participant, scope, form, stop_form, status=400)
