"""Referrals and signposting, as the keyworker works on them with the participant.

The keyworker (or the area's partnership manager, read-only for most of it) sees a
participant's referrals and signposting, the services suggested for them and why, and
proposes a referral, records signposting, records the participant's agreement given in person
or by phone, sends and withdraws. Nothing is referred automatically: a suggestion only opens
the form. A few pages here serve the participant too (agreeing online, withdrawing, stopping
sharing), as `consent_withdraw` does. Every rule is in coproduce/referrals/services.py.
"""

import datetime

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.directory.models import Service
from coproduce.directory.selectors import search_services, visible_service, visible_service_if_any
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import consents_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.referrals.models import Referral, SharedField
from coproduce.referrals.selectors import (
    may_use_referral_thread,
    organisations_holding_data,
    referrals_of,
    visible_referral,
)
from coproduce.referrals.services import (
    agree_to_referral,
    propose_referral,
    record_signposting,
    send_referral,
    withdraw_referral,
    withdraw_sharing_consent,
)
from coproduce.referrals.suggestions import suggest_services
from coproduce.web.access import require_roles, visible_participant_or_404
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.referral_forms import (
    AgreeToReferralForm,
    ProposeReferralForm,
    ReferralMessageForm,
    SignpostingForm,
    StopSharingForm,
    VersionForm,
    WithdrawReferralForm,
)
from coproduce.web.referral_pages import (
    availability_page,
    goal_choices,
    goal_from,
    post_message,
    referable_services,
    thread_context,
)

CASEWORK = (Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
SUGGESTIONS_SHOWN = 10


# --- Shared by the keyworker's and the participant's pages ----------------------------------


def referral_or_404(request: HttpRequest, pk: int) -> Referral:
    return visible_referral(request.user, pk)


def is_own(request: HttpRequest, participant_id: int) -> bool:
    return standing_of(request.user).participant_id == participant_id


def referrals_page_of(request: HttpRequest, referral: Referral) -> str:
    """Where to go back to: the participant's own list, or the keyworker's for that participant."""
    if is_own(request, referral.participant_id):
        return reverse("web:my_referrals")
    return reverse("web:participant_referrals", args=[referral.participant_id])


def directory_services(participant: Participant) -> list[tuple[str, str]]:
    """Every service of the participant's area in the directory, to signpost to."""
    services = search_services(partnership_id=participant.partnership_id).prefetch_related(None)
    return [
        (str(service.pk), f"{service.name} ({service.organization.name})" if service.organization else service.name)
        for service in services
    ]


def service_from(raw: str) -> Service | None:
    if not raw:
        return None
    return visible_service_if_any(raw)


def what_each_field_contains(participant: Participant, *, today: datetime.date) -> dict[str, str]:
    """What ticking each box would share, in words, so the participant chooses knowing what it is.

    Shown only to the participant and their keyworker, who may see all of it anyway.
    """
    children = [str(child.age_on(today)) for child in participant.children.all()]
    assessment = participant.assessments.prefetch_related("barriers").order_by("-assessed_on", "-pk").first()
    barriers = (
        [item.own_words or item.get_barrier_display() for item in assessment.barriers.all()] if assessment else []
    )
    keyworker = participant.keyworker
    address = ", ".join(part for part in (participant.address.replace("\n", ", "), participant.postcode) if part)
    return {
        SharedField.NAME: participant.full_name,
        SharedField.MOBILE: participant.mobile,
        SharedField.EMAIL: participant.email,
        SharedField.ADDRESS: address,
        SharedField.CHILDREN: ("aged " + ", ".join(children)) if children else "",
        SharedField.BARRIERS: "; ".join(f"“{words}”" for words in barriers),
        SharedField.ASPIRATIONS: f"“{assessment.aspirations}”" if assessment and assessment.aspirations else "",
        SharedField.KEYWORKER: (
            f"{keyworker.user}, {keyworker.user.email or keyworker.user.mobile}" if keyworker is not None else ""
        ),
    }


@conflict_back_label("See the referral as it is now")
@require_roles(Role.PARTICIPANT, *CASEWORK)
def referral_agree(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree to a proposed referral and choose exactly what is shared with that organisation.

    The participant agrees online, themselves; their keyworker records an agreement given in
    person or on the phone.
    """
    user = request.user
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.agree", user, referral):
        raise PermissionDenied("Only the participant, or their keyworker with them, can agree to this.")
    own = is_own(request, referral.participant_id)
    back = referrals_page_of(request, referral)
    participant = referral.participant
    contents = what_each_field_contains(participant, today=timezone.localdate())
    data = request.POST if request.method == "POST" else None
    form = AgreeToReferralForm(
        data,
        ask_how=not own,
        contents=contents,
        initial={"version": referral.version, "shared_fields": [SharedField.NAME.value]},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                agree_to_referral(
                    actor=user,
                    referral_id=referral.pk,
                    expected_version=form.cleaned_data["version"],
                    shared_fields=form.cleaned_data["shared_fields"],
                    how=Consent.How.ONLINE if own else form.cleaned_data["how"],
                )
            status = submission.status
            if submission.ok:
                messages.success(
                    request,
                    f"Agreed. Only what {'you' if own else 'they'} chose will be shared with "
                    f"{referral.organisation}, once the referral is sent.",
                )
                return redirect(back)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": "Agree to the referral" if own else f"Record {participant.full_name}’s agreement",
        "form": form,
        "referral": referral,
        "participant": participant,
        "own": own,
        "back": back,
    }
    return render(request, "web/keyworker/referral_agree.html", context, status=status)


@conflict_back_label("See the referrals as they are now")
@require_roles(Role.PARTICIPANT, *CASEWORK)
def referral_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a referral that has not ended: the participant or their keyworker, at any point."""
    user = request.user
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.withdraw", user, referral):
        raise PermissionDenied("Only the participant or their keyworker can withdraw this referral.")
    own = is_own(request, referral.participant_id)
    back = referrals_page_of(request, referral)
    form = WithdrawReferralForm(
        request.POST if request.method == "POST" else None, initial={"version": referral.version}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                withdraw_referral(
                    actor=user,
                    referral_id=referral.pk,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            status = submission.status
            if submission.ok:
                messages.success(request, f"The referral to {referral.service_name} is withdrawn.")
                return redirect(back)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=referral.participant)
    context = {
        "page_title": "Withdraw the referral",
        "form": form,
        "referral": referral,
        "is_open": referral.state in Referral.OPEN_STATES,
        "own": own,
        "back": back,
    }
    return render(request, "web/keyworker/referral_withdraw.html", context, status=status)


@require_roles(Role.PARTICIPANT, *CASEWORK)
def stop_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a consent to share with an organisation, in one step.

    Every open referral that relied on it is withdrawn with it, and the organisation loses
    access at once (coproduce/referrals/services.py).
    """
    user = request.user
    consent = (
        consents_visible_to(user)
        .select_related("participant", "organisation")
        .filter(pk=pk, purpose=Consent.Purpose.SHARE_WITH_ORGANISATION)
        .first()
    )
    if consent is None:
        raise Http404("No such consent.")
    participant = consent.participant
    own = is_own(request, participant.pk)
    if not rules.has_perm("referrals.withdraw_consent", user, participant):
        raise PermissionDenied("Only the participant, or their keyworker for them, can stop this sharing.")
    back = reverse("web:my_data_holders") if own else reverse("web:participant_referrals", args=[participant.pk])
    form = StopSharingForm(request.POST if request.method == "POST" else None, ask_how=not own)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                withdraw_sharing_consent(
                    actor=user,
                    consent_id=consent.pk,
                    how=Consent.How.ONLINE if own else form.cleaned_data["how"],
                )
            status = submission.status
            if submission.ok:
                messages.success(
                    request,
                    f"{consent.organisation} can no longer see any of {'your' if own else 'their'} information.",
                )
                return redirect(back)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": "Stop sharing",
        "form": form,
        "consent": consent,
        "participant": participant,
        "own": own,
        "back": back,
    }
    return render(request, "web/keyworker/referral_stop_sharing.html", context, status=status)


# --- The keyworker's pages --------------------------------------------------------------------


@require_roles(*CASEWORK)
def participant_referrals(request: HttpRequest, pk: int) -> HttpResponse:
    """One participant's referrals and signposting, who holds their data, and when they can take part."""
    user = request.user
    participant = visible_participant_or_404(request, pk)
    referrals = list(referrals_of(user, participant.pk))
    holders = organisations_holding_data(participant)
    availability = list(participant.availability.all())
    record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": f"{participant.full_name}: referrals and signposting",
        "participant": participant,
        "referrals": referrals,
        "holders": holders,
        "availability": availability,
        "can_propose": rules.has_perm("referrals.propose", user, participant),
        "can_stop_sharing": rules.has_perm("referrals.withdraw_consent", user, participant),
        "can_change": rules.has_perm("participants.change_participant", user, participant),
    }
    return render(request, "web/keyworker/referral_list.html", context)


@require_roles(*CASEWORK)
def participant_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """Services ranked for this participant, each with why. Nothing is referred until they choose."""
    user = request.user
    participant = visible_participant_or_404(request, pk)
    suggestions = suggest_services(participant, today=timezone.localdate(), limit=SUGGESTIONS_SHOWN)
    # Which organisation each service belongs to (and whether it is a partner agency): one query.
    prefetch_related_objects([suggestion.service for suggestion in suggestions], "organization")
    record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": f"Suggested services for {participant.full_name}",
        "participant": participant,
        "suggestions": suggestions,
        "can_propose": rules.has_perm("referrals.propose", user, participant),
    }
    return render(request, "web/keyworker/referral_suggestions.html", context)


@require_roles(*CASEWORK)
def referral_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = visible_participant_or_404(request, pk)
    if not rules.has_perm("referrals.propose", user, participant):
        raise PermissionDenied("Only their keyworker can propose a referral.")
    form = ProposeReferralForm(
        request.POST if request.method == "POST" else None,
        services=referable_services(participant),
        goals=goal_choices(request, participant),
        initial={"service": request.GET.get("service", "")},
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
                messages.success(
                    request,
                    f"Referral to {referral.service_name} proposed. Nothing is shared until "
                    f"{participant.given_name} agrees and chooses what to share.",
                )
                return redirect("web:referral_detail", pk=referral.pk)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": f"Propose a referral for {participant.full_name}",
        "form": form,
        "participant": participant,
    }
    return render(request, "web/keyworker/referral_propose.html", context, status=status)


@require_roles(*CASEWORK)
def signposting_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = visible_participant_or_404(request, pk)
    if not rules.has_perm("referrals.signpost", user, participant):
        raise PermissionDenied("Only their keyworker can record signposting.")
    form = SignpostingForm(
        request.POST if request.method == "POST" else None,
        services=directory_services(participant),
        goals=goal_choices(request, participant),
        initial={"service": request.GET.get("service", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                record_signposting(
                    actor=user,
                    participant=participant,
                    reason=data["reason"],
                    service=service_from(data["service"]),
                    outside_service_name="" if data["service"] else data["outside_service_name"].strip(),
                    outside_service_details="" if data["service"] else data["outside_service_details"].strip(),
                    goal=goal_from(request, participant, data.get("goal")),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "Signposting recorded. Nothing was shared with anyone.")
                return redirect("web:participant_referrals", pk=participant.pk)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": f"Record signposting for {participant.full_name}",
        "form": form,
        "participant": participant,
    }
    return render(request, "web/keyworker/referral_signposting.html", context, status=status)


@require_roles(*CASEWORK)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_detail_page(request, referral_or_404(request, pk))


@conflict_back_label("Back to the referral")
@require_roles(*CASEWORK)
@require_POST
def referral_message(request: HttpRequest, pk: int) -> HttpResponse:
    """A message to the partner about this referral (staff of the two organisations only)."""
    referral = referral_or_404(request, pk)
    if not may_use_referral_thread(request.user, referral):
        raise PermissionDenied("Only staff of the keyworker's organisation and of the partner can write about this.")
    return post_message(
        request, referral, page=_referral_detail_page, back_url=reverse("web:referral_detail", args=[referral.pk])
    )


def _referral_detail_page(
    request: HttpRequest, referral: Referral, *, message_form: ReferralMessageForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    record_participant_view(actor=user, participant=referral.participant)
    is_referral = referral.kind == Referral.Kind.REFERRAL
    context = {
        "page_title": f"Referral to {referral.service_name}",
        "referral": referral,
        "participant": referral.participant,
        "shared_labels": [SharedField(value).label for value in referral.shared_fields if value in SharedField.values],
        "is_overdue": referral.state == Referral.State.SENT
        and referral.answer_due_on is not None
        and referral.answer_due_on < timezone.localdate(),
        "can_agree": is_referral
        and referral.state == Referral.State.PROPOSED
        and rules.has_perm("referrals.agree", user, referral),
        "can_send": is_referral
        and referral.state == Referral.State.AGREED
        and rules.has_perm("referrals.send", user, referral),
        "can_withdraw": referral.state in Referral.OPEN_STATES and rules.has_perm("referrals.withdraw", user, referral),
        "send_form": VersionForm(initial={"version": referral.version}),
        **thread_context(
            request,
            referral,
            action_url=reverse("web:referral_message", args=[referral.pk]),
            form=message_form,
        ),
    }
    if message_form is not None:
        context["form"] = message_form  # for the error summary
    return render(request, "web/keyworker/referral_detail.html", context, status=status)


@conflict_back_label("See the referral as it is now")
@require_roles(*CASEWORK)
@require_POST
def referral_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = referral_or_404(request, pk)
    if not rules.has_perm("referrals.send", user, referral):
        raise PermissionDenied("Only their keyworker can send this referral.")
    back = reverse("web:referral_detail", args=[referral.pk])
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The referral could not be sent. Try again.")
        return redirect(back)
    with submitting(request) as submission:
        sent = send_referral(actor=user, referral_id=referral.pk, expected_version=form.cleaned_data["version"])
    if submission.failed:
        return redirect(back)
    due = f" They should answer by {sent.answer_due_on:%-d %B %Y}." if sent.answer_due_on else ""
    messages.success(request, f"Sent to {sent.organisation}.{due}")
    return redirect(back)


@require_roles(*CASEWORK)
def participant_availability(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = visible_participant_or_404(request, pk)
    if not rules.has_perm("participants.change_participant", user, participant):
        raise PermissionDenied("Only their keyworker can change this.")
    return availability_page(request, participant, own=False)
