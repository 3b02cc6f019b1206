"""A participant's own appointments: what is coming up, what has been, and asking to rearrange."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.accounts.roles import Role
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Appointment
from coproduce.plans.selectors.contacts import appointments_visible_to
from coproduce.plans.services.appointments import ask_to_rearrange
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.contact_forms import RearrangeForm
from coproduce.web.forms import submitting

PAST_SHOWN = 20


def _own_participant_id(request: HttpRequest) -> int:
    participant_id = standing_of(request.user).participant_id
    if participant_id is None:
        raise Http404("No participant record.")
    return participant_id


@require_roles(Role.PARTICIPANT)
def my_appointments(request: HttpRequest) -> HttpResponse:
    participant = participants_visible_to(request.user).filter(pk=_own_participant_id(request)).first()
    if participant is None:
        raise Http404("No participant record.")
    now = timezone.now()
    mine = appointments_visible_to(request.user).filter(participant=participant).select_related("keyworker__user")
    upcoming = list(mine.filter(starts_at__gte=now).exclude(status=Appointment.Status.CANCELLED).order_by("starts_at"))
    past = list(mine.exclude(pk__in=[a.pk for a in upcoming]).order_by("-starts_at", "-pk")[:PAST_SHOWN])
    record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": _("My appointments"), "upcoming": upcoming, "past": past, "form": RearrangeForm()}
    return render(request, "web/participant/my_appointments.html", context)


@require_roles(Role.PARTICIPANT)
def appointment_rearrange(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for another time or place. GET shows the form on its own (without JavaScript it is one page)."""
    own_id = _own_participant_id(request)
    appointment = (
        appointments_visible_to(request.user)
        .filter(pk=pk, participant_id=own_id)
        .select_related("participant", "keyworker__user")
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment.")
    form = RearrangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                ask_to_rearrange(
                    actor=request.user,
                    appointment_id=appointment.pk,
                    message=form.cleaned_data["message"],
                )
            status = submission.status
            if submission.ok:
                messages.success(request, _("Thank you. Your keyworker will be in touch to find a better time."))
                return redirect("web:my_appointments")
        else:
            status = 400
    else:
        record_participant_view(actor=request.user, participant=appointment.participant)
    context = {"page_title": _("Ask to rearrange"), "form": form, "appointment": appointment}
    return render(request, "web/participant/appointment_rearrange.html", context, status=status)
