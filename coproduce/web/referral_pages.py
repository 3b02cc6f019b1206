"""What the participant's, the keyworker's and the partner's referral pages share.

The message thread on a referral, the goals and services to choose from, and the form for
when someone can take part. Pages for one audience import these from here, never from
another audience's pages.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coproduce.core.errors import DomainError
from coproduce.directory.selectors import search_services
from coproduce.participants.models import AvailabilitySlot, Participant
from coproduce.participants.services import record_participant_view, set_availability
from coproduce.plans.models import Goal
from coproduce.plans.selectors.plan import goals_visible_to
from coproduce.referrals.models import Referral
from coproduce.referrals.selectors import (
    THREAD_LENGTH,
    may_use_referral_thread,
    referral_messages_for,
)
from coproduce.referrals.services import (
    post_referral_message,
    record_referral_thread_read,
)
from coproduce.web.forms import submitting
from coproduce.web.referral_forms import (
    AvailabilityForm,
    ReferralMessageForm,
)


def thread_context(
    request: HttpRequest, referral: Referral, *, action_url: str, form: ReferralMessageForm | None = None
) -> dict[str, Any]:
    """The messages on a referral for its page, audited as read; nothing if this person may not use the thread."""
    if not may_use_referral_thread(request.user, referral):
        return {"show_thread": False}
    thread = referral_messages_for(request.user, referral)
    record_referral_thread_read(actor=request.user, referral=referral, messages=thread)
    sending = referral.sent_by.staff_member.organisation  # type: ignore[union-attr]
    return {
        "show_thread": True,
        "thread": thread,
        "thread_is_cut": len(thread) == THREAD_LENGTH,
        "thread_organisations": f"{sending.name} and {referral.organisation.name}"  # type: ignore[union-attr]
        if sending.pk != referral.organisation_id
        else sending.name,
        "message_form": form or ReferralMessageForm(),
        "message_action": action_url,
    }


def post_message(request: HttpRequest, referral: Referral, *, page: Any, back_url: str) -> HttpResponse:
    """Post a message on a referral's thread; on a mistake show the referral's page again with the error."""
    form = ReferralMessageForm(request.POST)
    if form.is_valid():
        with submitting(form) as submission:
            post_referral_message(actor=request.user, referral_id=referral.pk, text=form.cleaned_data["text"])
        if submission.failed:
            return page(request, referral, message_form=form, status=submission.status)
        messages.success(request, "Message sent.")
        return redirect(f"{back_url}#messages")
    return page(request, referral, message_form=form, status=400)


def goal_choices(request: HttpRequest, participant: Participant) -> list[tuple[int, str]]:
    goals = goals_visible_to(request.user).filter(participant=participant, status=Goal.Status.OPEN)
    return [(goal.pk, goal.title) for goal in goals.order_by("created_at", "pk")]


def referable_services(participant: Participant) -> list[tuple[str, str]]:
    """Services of the participant's area that take referrals from a partner agency in the programme."""
    services = (
        search_services(partnership_id=participant.partnership_id)
        .prefetch_related(None)
        .filter(takes_referrals=True, organization__member__isnull=False)
    )
    return [(str(service.pk), f"{service.name} ({service.organization.name})") for service in services]  # type: ignore[union-attr]


def goal_from(request: HttpRequest, participant: Participant, goal_id: int | None) -> Goal | None:
    if goal_id is None:
        return None
    goal = goals_visible_to(request.user).filter(pk=goal_id, participant=participant).first()
    if goal is None:
        raise DomainError("Choose one of their goals.", field="goal")
    return goal


def availability_page(request: HttpRequest, participant: Participant, *, own: bool) -> HttpResponse:
    """The form for when someone can take part, for the participant or their keyworker."""
    user = request.user
    back = reverse("web:my_page") if own else reverse("web:participant_referrals", args=[participant.pk])
    status = 200
    if request.method == "POST":
        form = AvailabilityForm(request.POST)
        if form.is_valid():
            with submitting(form) as submission:
                set_availability(actor=user, participant_id=participant.pk, slots=form.slots())
            status = submission.status
            if submission.ok:
                messages.success(request, "Saved. Suggested services take these times into account.")
                return redirect(back)
        else:
            status = 400
    else:
        slots: list[AvailabilitySlot] = list(participant.availability.all())
        form = AvailabilityForm(initial=AvailabilityForm.initial_for(slots))
        record_participant_view(actor=user, participant=participant)
    context: dict[str, Any] = {
        "page_title": "When can you take part?" if own else f"When {participant.full_name} can take part",
        "form": form,
        "participant": participant,
        "own": own,
        "back": back,
    }
    return render(request, "web/keyworker/referral_availability.html", context, status=status)
