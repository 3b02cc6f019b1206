"""Contact choices and "Messages sent": the participant's own pages, their keyworker's, staff's own
choices, and the partnership manager's programme-wide log and timings."""

import rules
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.accounts.roles import STAFF_ROLES, Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_participant_reads
from coproduce.notifications.selectors import (
    contact_preference_of,
    message_settings_of,
    messages_visible_to,
    staff_contact_preference_of,
)
from coproduce.notifications.services import (
    set_contact_preference,
    set_staff_contact_preference,
    update_message_settings,
)
from coproduce.notifications.templates import render as render_message
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.forms import submitting
from coproduce.web.messages_forms import (
    ContactChoiceForm,
    MessageFilterForm,
    MessageSettingsForm,
    StaffContactChoiceForm,
)
from coproduce.web.pagination import paginate

MESSAGES_PER_PAGE = 50
LOG_PER_PAGE = 50


def _own_participant(request: HttpRequest) -> Participant:
    participant_id = standing_of(request.user).participant_id
    participant = participants_visible_to(request.user).filter(pk=participant_id).first() if participant_id else None
    if participant is None:
        raise Http404("No participant record.")
    return participant


def _casework_participant(request: HttpRequest, pk: int) -> Participant:
    participant = participants_visible_to(request.user).select_related("keyworker__user").filter(pk=pk).first()
    if participant is None:
        raise Http404("No such participant.")
    return participant


def _contact_page(request: HttpRequest, participant: Participant, *, own: bool) -> HttpResponse:
    if not rules.has_perm("notifications.change_contact_preference", request.user, participant):
        raise PermissionDenied("You cannot change this.")
    preference = contact_preference_of(participant)
    initial = {"channel": preference.channel, "topics": preference.topics, "version": preference.version}
    form = ContactChoiceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                set_contact_preference(
                    actor=request.user,
                    participant_id=participant.pk,
                    expected_version=form.cleaned_data["version"],
                    channel=form.cleaned_data["channel"],
                    topics=form.cleaned_data["topics"],
                )
            if submission.ok:
                flash.success(request, _("Your choice is saved.") if own else "Their choice is saved.")
                if own:
                    return redirect("web:my_contact")
                return redirect("web:participant_contact", participant.pk)
        status = 400
    else:
        record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": _("How we contact you") if own else f"How we contact {participant.full_name}",
        "participant": participant,
        "form": form,
        "own": own,
    }
    return render(request, "web/messages/contact.html", context, status=status)


def _messages_page(request: HttpRequest, participant: Participant, *, own: bool) -> HttpResponse:
    if not rules.has_perm("notifications.view_messages_of", request.user, participant):
        raise Http404("No such participant.")
    sent = messages_visible_to(request.user).filter(participant=participant).order_by("-created_at", "-pk")
    pages = paginate(request, sent, MESSAGES_PER_PAGE)
    rows = []
    for message in pages.page:
        subject, body = render_message(message.template, message.personalisation, participant.language)
        rows.append({"message": message, "subject": subject, "body": body})
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": _("Messages sent") if own else f"Messages sent to {participant.full_name}",
        "participant": participant,
        "rows": rows,
        "pages": pages,
        "own": own,
    }
    return render(request, "web/messages/messages.html", context)


@require_roles(Role.PARTICIPANT)
def my_contact(request: HttpRequest) -> HttpResponse:
    return _contact_page(request, _own_participant(request), own=True)


@require_roles(Role.PARTICIPANT)
def my_messages(request: HttpRequest) -> HttpResponse:
    return _messages_page(request, _own_participant(request), own=True)


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def participant_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_page(request, _casework_participant(request, pk), own=False)


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def participant_messages(request: HttpRequest, pk: int) -> HttpResponse:
    return _messages_page(request, _casework_participant(request, pk), own=False)


@require_roles(*STAFF_ROLES)
def account_messages(request: HttpRequest) -> HttpResponse:
    """A member of staff's own choice of work messages, and the last ones sent to them."""
    if standing_of(request.user).staff_member is None:
        raise PermissionDenied("Only staff of an organisation get work messages.")
    preference = staff_contact_preference_of(request.user)
    initial = {"channel": preference.channel, "topics": preference.topics, "version": preference.version}
    form = StaffContactChoiceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                set_staff_contact_preference(
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    channel=form.cleaned_data["channel"],
                    topics=form.cleaned_data["topics"],
                )
            if submission.ok:
                flash.success(request, "Your choice is saved.")
                return redirect("web:account_messages")
        status = 400
    recent = list(
        messages_visible_to(request.user).filter(user_id=request.user.pk or 0).order_by("-created_at", "-pk")[:20]
    )
    context = {"page_title": "Messages to me about my work", "form": form, "recent": recent}
    return render(request, "web/messages/account.html", context, status=status)


@require_roles(Role.PARTNERSHIP_MANAGER)
def partnership_messages(request: HttpRequest) -> HttpResponse:
    """Every text and email sent in the partnership: what, to whom (by reference), how it went. No text."""
    if not rules.has_perm("notifications.view_message_log", request.user):
        raise PermissionDenied("Only a partnership manager can read this.")
    form = MessageFilterForm(request.GET or None)
    status_filter = form.cleaned_data["status"] if form.is_valid() else ""
    log = (
        messages_visible_to(request.user)
        .filter(partnership_id=standing_of(request.user).partnership_id or 0)
        .select_related("participant", "user", "enquiry")
        .only(
            "created_at",
            "channel",
            "template",
            "template_version",
            "status",
            "status_reason",
            "send_after",
            "participant__reference",
            "participant__partnership_id",
            "user__display_name",
            "user__username",
            "enquiry__name",
        )
        .order_by("-created_at", "-pk")
    )
    if status_filter:
        log = log.filter(status=status_filter)
    pages = paginate(request, log, LOG_PER_PAGE)
    shown = list(pages.page)
    record_participant_reads(
        actor=request.user,
        participant_ids=sorted({m.participant_id for m in shown if m.participant_id}),
        action=AuditEvent.Action.LIST,
    )
    context = {"page_title": "Texts and emails sent", "form": form, "rows": shown, "pages": pages}
    return render(request, "web/messages/partnership_log.html", context)


@require_roles(Role.PARTNERSHIP_MANAGER)
def partnership_message_settings(request: HttpRequest) -> HttpResponse:
    standing = standing_of(request.user)
    if standing.staff_member is None or standing.staff_member.partnership is None:
        raise PermissionDenied("Only a partnership manager can change these.")
    current = message_settings_of(standing.staff_member.partnership.programme_id)
    initial = {
        "reminder_time": current.reminder_time,
        "morning_reminder_time": current.morning_reminder_time,
        "quiet_hours": "\n".join(f"{start}-{end}" for start, end in current.quiet_hours),
        "version": current.version,
    }
    form = MessageSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                update_message_settings(
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    **{
                        name: form.cleaned_data[name]
                        for name in ("reminder_time", "morning_reminder_time", "quiet_hours")
                    },
                )
            if submission.ok:
                flash.success(request, "The message times are saved.")
                return redirect("web:partnership_message_settings")
        status = 400
    context = {"page_title": "When texts and emails are sent", "form": form, "settings": current}
    return render(request, "web/messages/settings.html", context, status=status)
