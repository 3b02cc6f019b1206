"""A participant's referrals: what they asked for or agreed to, what was shared, and with whom.

They see every referral and signposting of theirs with what it shares, the services suggested
for them and why ("I'd like this" proposes one; nothing is sent until they agree and choose
what to share), every organisation that holds their information with a one-step "Stop
sharing", and when they can take part. The rules are in coproduce/referrals/services.py.
"""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.accounts.roles import Role
from coproduce.directory.selectors import visible_service, visible_service_if_any
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.referrals.models import Referral, SharedField
from coproduce.referrals.selectors import organisations_holding_data, rating_of, referrals_of
from coproduce.referrals.services import propose_referral, rate_referral
from coproduce.referrals.suggestions import suggest_services
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.referral_forms import ProposeReferralForm, RateServiceForm
from coproduce.web.referral_pages import (
    availability_page,
    goal_choices,
    goal_from,
    referable_services,
)

SUGGESTIONS_SHOWN = 10


def _own_participant(request: HttpRequest) -> Participant:
    participant_id = standing_of(request.user).participant_id
    participant = (
        participants_visible_to(request.user).filter(pk=participant_id).first() if participant_id is not None else None
    )
    if participant is None:
        raise Http404("No participant record.")
    return participant


@require_roles(Role.PARTICIPANT)
def my_referrals(request: HttpRequest) -> HttpResponse:
    participant = _own_participant(request)
    referrals = list(referrals_of(request.user, participant.pk).select_related("rating"))
    record_participant_view(actor=request.user, participant=participant)
    rows = [
        {
            "referral": referral,
            "shared": [SharedField(value).label for value in referral.shared_fields if value in SharedField.values],
            "can_agree": referral.state == Referral.State.PROPOSED and referral.kind == Referral.Kind.REFERRAL,
            "can_withdraw": referral.state in Referral.OPEN_STATES,
            "can_rate": referral.state == Referral.State.COMPLETED and referral.kind == Referral.Kind.REFERRAL,
            "rating": getattr(referral, "rating", None),
        }
        for referral in referrals
    ]
    context = {"page_title": _("My referrals"), "participant": participant, "rows": rows}
    return render(request, "web/participant/referral_list.html", context)


@conflict_back_label(gettext_lazy("See your rating as it is now"))
@require_roles(Role.PARTICIPANT)
def my_referral_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant rates a service a finished referral of theirs was to, or changes their rating."""
    participant = _own_participant(request)
    referral = referrals_of(request.user, participant.pk).filter(pk=pk).first()
    if referral is None:
        raise Http404(_("No such referral."))
    record_participant_view(actor=request.user, participant=participant)
    rating = rating_of(request.user, referral)
    initial = (
        {"score": rating.score, "comment": rating.comment, "anonymous": rating.anonymous, "version": rating.version}
        if rating
        else {}
    )
    form = RateServiceForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                rate_referral(
                    actor=request.user,
                    referral_id=referral.pk,
                    score=data["score"],
                    comment=data["comment"],
                    anonymous=data["anonymous"],
                    expected_version=data["version"],
                )
            status = submission.status
            if submission.ok:
                messages.success(request, _("Thank you. Your rating is saved. You can change it at any time."))
                return redirect("web:my_referrals")
        else:
            status = 400
    context = {
        "page_title": _("Rate %(service)s") % {"service": referral.service_name},
        "referral": referral,
        "rating": rating,
        "can_rate": referral.state == Referral.State.COMPLETED and referral.kind == Referral.Kind.REFERRAL,
        "form": form,
    }
    return render(request, "web/participant/referral_rate.html", context, status=status)


@require_roles(Role.PARTICIPANT)
def my_suggestions(request: HttpRequest) -> HttpResponse:
    participant = _own_participant(request)
    suggestions = suggest_services(participant, today=timezone.localdate(), limit=SUGGESTIONS_SHOWN)
    # Which organisation each service belongs to (and whether it is a partner agency): one query.
    prefetch_related_objects([suggestion.service for suggestion in suggestions], "organization")
    record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": _("Suggested services for me"), "participant": participant, "suggestions": suggestions}
    return render(request, "web/participant/referral_suggestions.html", context)


@require_roles(Role.PARTICIPANT)
def my_referral_propose(request: HttpRequest) -> HttpResponse:
    """ "I'd like this": the participant proposes a referral, then agrees and chooses what to share."""
    user = request.user
    participant = _own_participant(request)
    if not rules.has_perm("referrals.propose", user, participant):
        raise PermissionDenied("You cannot ask for a referral.")
    chosen = request.POST.get("service") if request.method == "POST" else request.GET.get("service", "")
    service = visible_service_if_any(chosen) if chosen else None
    form = ProposeReferralForm(
        request.POST if request.method == "POST" else None,
        services=referable_services(participant),
        goals=goal_choices(request, participant),
        own=True,
        initial={"service": str(service.pk) if service else ""},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                referral = propose_referral(
                    actor=user,
                    participant=participant,
                    service=visible_service(form.cleaned_data["service"]),
                    reason=form.cleaned_data["reason"],
                    goal=goal_from(request, participant, form.cleaned_data.get("goal")),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, _("Your keyworker can see you would like this. Now choose what to share."))
                return redirect("web:referral_agree", pk=referral.pk)
        else:
            status = 400
    context = {"page_title": _("I’d like this service"), "form": form, "service": service}
    return render(request, "web/participant/referral_propose.html", context, status=status)


@require_roles(Role.PARTICIPANT)
def my_data_holders(request: HttpRequest) -> HttpResponse:
    """Every organisation with a sharing consent in force: why, which fields, since when."""
    participant = _own_participant(request)
    holders = organisations_holding_data(participant)
    record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": _("Who holds my information"), "participant": participant, "holders": holders}
    return render(request, "web/participant/referral_data_holders.html", context)


@require_roles(Role.PARTICIPANT)
def my_availability(request: HttpRequest) -> HttpResponse:
    return availability_page(request, _own_participant(request), own=True)
