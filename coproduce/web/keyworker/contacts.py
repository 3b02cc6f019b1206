"""Casework pages for contacts (notes), appointments and cover sharing.

Which participants a person sees comes from participants_visible_to (404 for anyone else's);
what they may do comes from the rules in coproduce/plans/permissions.py. Services do the work.
"""

import datetime
from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.participants.models import CoverShare, Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import end_cover, record_participant_view, share_for_cover
from coproduce.plans.models import Appointment, Contact
from coproduce.plans.selectors.contacts import appointments_visible_to, contacts_visible_to
from coproduce.plans.services.appointments import (
    book_appointment,
    cancel_appointment,
    mark_appointment_happened,
    update_appointment,
)
from coproduce.plans.services.contacts import record_contact, restrict_contact, unrestrict_contact, update_contact
from coproduce.programmes.selectors import keyworkers_in
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles, visible_participant_or_404
from coproduce.web.contact_forms import (
    AppointmentForm,
    ContactForm,
    CoverForm,
    RestrictContactForm,
    VersionForm,
)
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate

CONTACTS_PER_PAGE = 25
CASEWORKERS = (Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)


def _require(permission: str, request: HttpRequest, participant: Participant) -> None:
    if not rules.has_perm(permission, request.user, participant):
        raise PermissionDenied("You can see this record but not do this.")


@require_roles(*CASEWORKERS)
def contact_list(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    _require("plans.record_contact", request, participant)
    contacts = (
        contacts_visible_to(request.user)
        .filter(participant=participant)
        .select_related("recorded_by", "restricted_by")
        .order_by("-happened_on", "-pk")
    )
    pages = paginate(request, contacts, CONTACTS_PER_PAGE)
    record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": f"Contacts with {participant.full_name}", "participant": participant, "pages": pages}
    return render(request, "web/keyworker/contact_list.html", context)


@require_roles(*CASEWORKERS)
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    _require("plans.record_contact", request, participant)
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            with submitting(form) as submission:
                record_contact(actor=request.user, participant_id=participant.pk, **form.details())
            status = submission.status
            if submission.ok:
                messages.success(request, "Contact recorded.")
                return redirect("web:participant_detail", pk=participant.pk)
        else:
            status = 400
    else:
        form = ContactForm(initial={"happened_on": timezone.localdate()})
        record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": f"Record a contact with {participant.full_name}", "form": form, "participant": participant}
    return render(request, "web/keyworker/contact_form.html", context, status=status)


@require_roles(*CASEWORKERS)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a note; restrict it from the participant (with a safeguarding reason) or lift that."""
    user = request.user
    contact = contacts_visible_to(user).select_related("participant", "restricted_by").filter(pk=pk).first()
    if contact is None:
        raise Http404("No such contact.")
    participant = contact.participant
    _require("plans.record_contact", request, participant)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = ContactForm(request.POST if action == "save" else None, initial=_contact_initial(contact))
    restrict_form = RestrictContactForm(
        request.POST if action == "restrict" else None, initial={"version": contact.version}
    )
    version_form = VersionForm(request.POST if action == "unrestrict" else None)
    status = 200
    if action:
        target = {"restrict": restrict_form, "unrestrict": version_form}.get(action, form)
        with submitting(target) as submission:
            done = _apply_contact_action(request, contact, action, form, restrict_form, version_form)
        status = submission.status
        if submission.ok:
            if done:
                messages.success(request, done)
                return redirect("web:contact_list", pk=participant.pk)
            status = 400
    else:
        record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": "Change a contact",
        "form": form,
        "restrict_form": restrict_form,
        "version_form": version_form,
        "contact": contact,
        "participant": participant,
        "can_restrict": rules.has_perm("plans.restrict_note", user, participant),
    }
    return render(request, "web/keyworker/contact_edit.html", context, status=status)


def _contact_initial(contact: Contact) -> dict[str, Any]:
    names = ("happened_on", "kind", "duration_minutes", "notes", "version")
    return {name: getattr(contact, name) for name in names}


def _apply_contact_action(
    request: HttpRequest,
    contact: Contact,
    action: str,
    form: ContactForm,
    restrict_form: RestrictContactForm,
    version_form: VersionForm,
) -> str:
    """Do what the pressed button asks; the message to show, or "" if the form had errors."""
    common: dict[str, Any] = {"actor": request.user, "contact_id": contact.pk}
    if action == "restrict":
        if not restrict_form.is_valid():
            return ""
        data = restrict_form.cleaned_data
        restrict_contact(expected_version=data["version"], reason=data["reason"], **common)
        return "The note is now hidden from the participant."
    if action == "unrestrict":
        if not version_form.is_valid():
            return ""
        unrestrict_contact(expected_version=version_form.cleaned_data["version"], **common)
        return "The participant can see the note again."
    if not form.is_valid() or form.cleaned_data.get("version") is None:
        return ""
    update_contact(expected_version=form.cleaned_data["version"], changes=form.details(), **common)
    return "Contact saved."


@require_roles(*CASEWORKERS)
def appointment_add(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    _require("plans.manage_appointments", request, participant)
    status = 200
    if request.method == "POST":
        form = AppointmentForm(request.POST)
        if form.is_valid():
            with submitting(form) as submission:
                book_appointment(
                    actor=request.user,
                    participant_id=participant.pk,
                    confirm_time=form.cleaned_data["confirm_time"],
                    **form.details(),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, "Appointment booked.")
                return redirect("web:participant_detail", pk=participant.pk)
        else:
            status = 400
    else:
        form = AppointmentForm()
        record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"Book an appointment with {participant.full_name}",
        "form": form,
        "participant": participant,
    }
    return render(request, "web/keyworker/appointment_form.html", context, status=status)


@require_roles(*CASEWORKERS)
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an appointment, cancel it, or record that it happened."""
    user = request.user
    appointment = appointments_visible_to(user).select_related("participant").filter(pk=pk).first()
    if appointment is None:
        raise Http404("No such appointment.")
    participant = appointment.participant
    _require("plans.manage_appointments", request, participant)
    local = timezone.localtime(appointment.starts_at)
    initial = {
        "date": local.date(),
        "time": local.time().replace(second=0, microsecond=0),
        "version": appointment.version,
        **{
            name: getattr(appointment, name)
            for name in AppointmentForm.base_fields
            if name not in ("date", "time", "confirm_time")
        },
    }
    initial["version"] = appointment.version
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = AppointmentForm(request.POST if action == "save" else None, initial=initial)
    version_form = VersionForm(request.POST if action in ("cancel", "happened") else None)
    status = 200
    if action:
        common: dict[str, Any] = {
            "actor": user,
            "appointment_id": appointment.pk,
        }
        target = version_form if action in ("cancel", "happened") else form
        message = ""
        with submitting(target) as submission:
            if action in ("cancel", "happened"):
                if version_form.is_valid():
                    do = cancel_appointment if action == "cancel" else mark_appointment_happened
                    do(expected_version=version_form.cleaned_data["version"], **common)
                    message = "Appointment cancelled." if action == "cancel" else "Recorded that it happened."
            elif form.is_valid() and form.cleaned_data.get("version") is not None:
                update_appointment(
                    expected_version=form.cleaned_data["version"],
                    changes=form.details(),
                    confirm_time=form.cleaned_data["confirm_time"],
                    **common,
                )
                message = "Appointment saved."
        status = submission.status
        if submission.ok:
            if message:
                messages.success(request, message)
                return redirect("web:participant_detail", pk=participant.pk)
            status = 400
    else:
        record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": "Change an appointment",
        "form": form,
        "appointment": appointment,
        "version_form": version_form,
        "participant": participant,
        "finished": appointment.status in (Appointment.Status.CANCELLED, Appointment.Status.HAPPENED),
    }
    return render(request, "web/keyworker/appointment_edit.html", context, status=status)


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _ics_fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF and a space."""
    encoded = line.encode("utf-8")
    parts: list[str] = []
    while len(encoded) > 75:
        cut = 75 if not parts else 74
        while cut > 0 and (encoded[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(encoded[:cut].decode("utf-8"))
        encoded = encoded[cut:]
    parts.append(encoded.decode("utf-8"))
    return "\r\n ".join(parts)


def _ics_parameter(value: str) -> str:
    """RFC 5545 §3.1: a parameter value in double quotes, which it may not itself contain (nor control characters)."""
    return '"' + "".join(character for character in value if character != '"' and character >= " ") + '"'


def _ics_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


# How long before the appointment the reader's calendar reminds them.
CALENDAR_REMINDER = datetime.timedelta(hours=1)


def appointment_uid(appointment: Appointment) -> str:
    """The event's identity in every calendar it is added to: the same whoever downloads it and by whatever
    address they reached the site, so a changed or cancelled appointment replaces the one already there."""
    return f"appointment-{appointment.pk}@{settings.COPRODUCE_SITE_DOMAIN}"


def appointment_organizer(appointment: Appointment) -> str:
    """RFC 5546 §3.2.1 requires an ORGANIZER in a published event: the keyworker at their work email, or, when
    they have none, their organisation at the address that takes no replies (never a person's private address)."""
    keyworker = appointment.keyworker
    if keyworker.work_email:
        return f"ORGANIZER;CN={_ics_parameter(str(keyworker.user))}:mailto:{keyworker.work_email}"
    return f"ORGANIZER;CN={_ics_parameter(keyworker.organisation.name)}:mailto:{settings.COPRODUCE_NO_REPLY_EMAIL}"


def appointment_calendar(appointment: Appointment, *, for_participant: bool) -> str:
    """One appointment as an iCalendar (RFC 5545) file, published (RFC 5546) by the keyworker, times in UTC,
    CRLF line endings.

    Titled from the reader's side: the participant meets their keyworker, the keyworker meets
    the participant. It carries a reminder (VALARM) an hour before.
    """
    if for_participant:
        title = gettext("Meeting with %(name)s") % {"name": appointment.keyworker.user}
    else:
        title = f"Meeting with {appointment.participant.full_name}"
    ends_at = appointment.starts_at + datetime.timedelta(minutes=appointment.duration_minutes)
    location = appointment.get_place_display()
    if appointment.place_details:
        location += f": {appointment.place_details}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Coproduce//Appointments//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{appointment_uid(appointment)}",
        f"DTSTAMP:{_ics_time(timezone.now())}",
        appointment_organizer(appointment),
        f"DTSTART:{_ics_time(appointment.starts_at)}",
        f"DTEND:{_ics_time(ends_at)}",
        f"SEQUENCE:{appointment.version}",
        f"SUMMARY:{_ics_text(title)}",
        f"LOCATION:{_ics_text(location)}",
        "STATUS:CANCELLED" if appointment.status == Appointment.Status.CANCELLED else "STATUS:CONFIRMED",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_ics_text(title)}",
        f"TRIGGER:-PT{int(CALENDAR_REMINDER.total_seconds() // 60)}M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_ics_fold(line) + "\r\n" for line in lines)


@require_roles(Role.PARTICIPANT, *CASEWORKERS)
def appointment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """A calendar file for the participant and the people working with them."""
    appointment = (
        appointments_visible_to(request.user)
        .select_related("participant", "keyworker__user", "keyworker__organisation")
        .filter(pk=pk)
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment.")
    record_participant_view(actor=request.user, participant=appointment.participant)
    body = appointment_calendar(
        appointment,
        for_participant=standing_of(request.user).participant_id == appointment.participant_id,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    response["Cache-Control"] = "no-store"
    return response


@require_roles(*CASEWORKERS)
def cover_add(request: HttpRequest, pk: int) -> HttpResponse:
    participant = visible_participant_or_404(request, pk)
    _require("plans.share_for_cover", request, participant)
    choices = [
        (staff.pk, f"{staff.user} ({staff.organisation.name})")
        for staff in keyworkers_in(participant.partnership_id)
        if staff.pk != participant.keyworker_id
    ]
    form = CoverForm(request.POST if request.method == "POST" else None, keyworkers=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                share = share_for_cover(
                    actor=request.user,
                    participant_id=participant.pk,
                    covering_keyworker_id=data["covering_keyworker"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    reason=data["reason"],
                )
            status = submission.status
            if submission.ok:
                messages.success(
                    request, f"{share.covering_keyworker.user} covers this case until {share.ends_on:%-d %B %Y}."
                )
                return redirect("web:participant_detail", pk=participant.pk)
        else:
            status = 400
    else:
        form = CoverForm(initial={"starts_on": timezone.localdate()}, keyworkers=choices)
        record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"Share {participant.full_name}’s case for cover",
        "form": form,
        "participant": participant,
    }
    return render(request, "web/keyworker/cover_add.html", context, status=status)


@require_roles(*CASEWORKERS)
@require_POST
def cover_end(request: HttpRequest, pk: int) -> HttpResponse:
    share = (
        CoverShare.objects.filter(pk=pk, participant__in=participants_visible_to(request.user))
        .select_related("participant")
        .first()
    )
    if share is None:
        raise Http404("No such cover.")
    with submitting(request) as submission:
        end_cover(actor=request.user, cover_id=share.pk)
    if submission.ok:
        messages.success(request, "Cover ended.")
    return redirect("web:participant_detail", pk=share.participant_id)
