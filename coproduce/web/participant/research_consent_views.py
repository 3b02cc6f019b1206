"""The participant's own research consent, at /me/research/: what each part means in plain words,
agreeing or changing what they agree to, and stopping taking part in one step."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.research.models import ResearchConsent
from coproduce.research.selectors import research_consents_visible_to
from coproduce.research.services.consent import (
    ELEMENT_WORDS,
    ELEMENTS,
    give_research_consent,
    withdraw_research_consent,
)
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_sends_back
from coproduce.web.forms import submitting
from coproduce.web.research_consent_forms import ResearchConsentForm


def _own(request: HttpRequest) -> tuple[Participant, ResearchConsent | None]:
    participant_id = standing_of(request.user).participant_id
    participant = participants_visible_to(request.user).filter(pk=participant_id).first() if participant_id else None
    if participant is None:
        raise Http404("No participant record.")
    scope = research_consents_visible_to(request.user).select_related("consent").filter(participant=participant).first()
    return participant, scope


def _initial(scope: ResearchConsent | None) -> dict[str, object]:
    if scope is None or not scope.is_in_force:
        return {"version": scope.version if scope else None}
    return {**{name: getattr(scope, name) for name in ELEMENTS}, "version": scope.version}


def _render(
    request: HttpRequest, form: ResearchConsentForm, scope: ResearchConsent | None, status: int = 200
) -> HttpResponse:
    context = {
        "page_title": _("Taking part in the evaluation research"),
        "form": form,
        "scope": scope,
        "in_force": scope is not None and scope.is_in_force,
        "elements": [(ELEMENT_WORDS[name][0], getattr(scope, name)) for name in ELEMENTS] if scope else [],
    }
    return render(request, "web/participant/research_consent.html", context, status=status)


@require_roles(Role.PARTICIPANT)
@conflict_sends_back("web:my_research_consent")
def my_research_consent(request: HttpRequest) -> HttpResponse:
    participant, scope = _own(request)
    if request.method != "POST":
        record_participant_view(actor=request.user, participant=participant)
        return _render(request, ResearchConsentForm(initial=_initial(scope), ask_how=False), scope)
    form = ResearchConsentForm(request.POST, ask_how=False)
    if form.is_valid():
        data = form.cleaned_data
        with submitting(form) as submission:
            give_research_consent(
                actor=request.user,
                participant_id=participant.pk,
                how=Consent.How.ONLINE,
                expected_version=data.get("version"),
                **{name: data[name] for name in ELEMENTS},
            )
        if submission.ok:
            messages.success(request, _("Thank you. What you agreed to is saved."))
            return redirect("web:my_research_consent")
    return _render(request, form, scope, status=400)


@require_roles(Role.PARTICIPANT)
@require_POST
def my_research_consent_stop(request: HttpRequest) -> HttpResponse:
    """Stop taking part, in one step: the researchers see nothing more of you from now on."""
    participant, _scope = _own(request)
    with submitting(request) as submission:
        withdraw_research_consent(actor=request.user, participant_id=participant.pk, how=Consent.How.ONLINE)
    if submission.ok:
        messages.success(
            request,
            _("You have stopped taking part in the research. The researchers can no longer see anything about you."),
        )
    return redirect("web:my_research_consent")
