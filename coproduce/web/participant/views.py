"""A participant's own pages: everything recorded about them, and who has looked at it."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.selectors import record_views_grouped
from coproduce.participants.models import Participant
from coproduce.participants.selectors import (
    birth_years,
    earlier_records_of,
    participants_visible_to,
)
from coproduce.participants.services import record_participant_list_view, record_participant_view
from coproduce.plans.selectors.contacts import records_hidden_from_participant
from coproduce.plans.selectors.record import participant_record
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.pagination import paginate
from coproduce.web.participant.survey_views import waiting_invitations

EVENTS_PER_PAGE = 50
# A person takes part in a handful of programmes in a lifetime; the page lists that many at most.
EARLIER_RECORDS_SHOWN = 10

ROLE_NAMES = {role.value: role.label for role in Role} | {"public": "Member of the public"}

RECORD_NAMES = {
    "participants.Participant": gettext_lazy("your record"),
    "participants.Consent": gettext_lazy("a consent"),
    "participants.Child": gettext_lazy("your household"),
    "plans.Assessment": gettext_lazy("an assessment"),
    "plans.Contact": gettext_lazy("a note of a meeting or call"),
    "plans.Goal": gettext_lazy("a goal in your plan"),
    "plans.Step": gettext_lazy("a step in your plan"),
    "plans.Appointment": gettext_lazy("an appointment"),
    "plans.ProgressCheck": gettext_lazy("a progress check"),
    "plans.JobSearchEntry": gettext_lazy("an entry in your job-search log"),
    "subject_access.SubjectAccessRequest": gettext_lazy("a request for a copy of your data"),
}

# What someone did, told to the person it was done to.
ACTION_PHRASES: dict[str, Any] = {
    AuditEvent.Action.VIEW: gettext_lazy("Looked at {record}"),
    AuditEvent.Action.LIST: gettext_lazy("Saw your name in a list"),
    AuditEvent.Action.CREATE: gettext_lazy("Created {record}"),
    AuditEvent.Action.CHANGE: gettext_lazy("Changed {record}"),
    AuditEvent.Action.EXPORT: gettext_lazy("Exported {record}"),
    AuditEvent.Action.ALLOCATE: gettext_lazy("Changed who your keyworker is"),
    AuditEvent.Action.CONSENT_GIVEN: gettext_lazy("Recorded a consent you gave"),
    AuditEvent.Action.CONSENT_WITHDRAWN: gettext_lazy("Recorded that you withdrew a consent"),
    AuditEvent.Action.REFUSED: gettext_lazy("Tried to open {record} and was refused"),
}

FIELD_NAMES = {
    "given_name": gettext_lazy("first name"),
    "family_name": gettext_lazy("last name"),
    "preferred_name": gettext_lazy("preferred name"),
    "email": gettext_lazy("email address"),
    "mobile": gettext_lazy("mobile number"),
    "address": gettext_lazy("address"),
    "postcode": gettext_lazy("postcode"),
    "status": gettext_lazy("status"),
    "status_since": gettext_lazy("status date"),
    "heard_about": gettext_lazy("how you heard about us"),
    "heard_about_detail": gettext_lazy("how you heard about us"),
    "children": gettext_lazy("children’s years of birth"),
    "keyworker": gettext_lazy("keyworker"),
    "sign_in_link": gettext_lazy("a link to set your password"),
    "withdrawn_at": gettext_lazy("withdrawal"),
    "purpose": gettext_lazy("what it is for"),
    "user": gettext_lazy("your account"),
}


def _own_participant_id(request: HttpRequest) -> int:
    participant_id = standing_of(request.user).participant_id
    if participant_id is None:
        raise Http404("No participant record.")
    return participant_id


@require_roles(Role.PARTICIPANT)
def my_page(request: HttpRequest) -> HttpResponse:
    # Carries the prefetched `latest_assessments` and `recent_contacts` (see participant_record).
    participant: Any = participant_record(request.user, _own_participant_id(request))
    if participant is None:
        raise Http404("No participant record.")
    record_participant_view(actor=request.user, participant=participant)
    earlier = list(earlier_records_of(request.user)[:EARLIER_RECORDS_SHOWN])
    if earlier:
        record_participant_list_view(actor=request.user, participant_ids=[record.pk for record in earlier])
    today = timezone.localdate()
    context = {
        "page_title": _("My page"),
        "participant": participant,
        "earlier_records": earlier,
        "child_ages": [max(today.year - year - 1, 0) for year in birth_years(participant.child_birth_years)],
        "assessment": participant.latest_assessments[0] if participant.latest_assessments else None,
        # Notes restricted for a safeguarding reason are never shown to the participant (DESIGN.md §2.1).
        "contacts": [contact for contact in participant.recent_contacts if not contact.is_restricted],
        "survey_waiting": waiting_invitations(request).first(),
        # A withdrawn consent offers "Give it again" unless it is already given again.
        "active_purposes": {consent.purpose for consent in participant.consents.all() if consent.is_active},
    }
    return render(request, "web/participant/my_page.html", context)


def _person(row: dict[str, Any], *, viewer_id: int) -> str:
    if row["actor_id"] == viewer_id:
        return _("You")
    if row["actor_id"] is not None:
        full = f"{row['actor__first_name']} {row['actor__last_name']}".strip()
        return str(row["actor__display_name"] or full or row["actor__username"])
    if row["actor_role"] == "public":
        return _("Someone asking for help")
    return _("The system")


def _describe(row: dict[str, Any], *, viewer_id: int, this_month: datetime.date) -> dict[str, Any]:
    """One row of `record_views_grouped`, told to the participant: "Saw your name in a list, 12 times this month"."""
    record = RECORD_NAMES.get(row["record_type"], _("your record"))
    what = str(ACTION_PHRASES.get(row["action"], "{record}")).format(record=record)
    fields = sorted({str(FIELD_NAMES.get(name, name.replace("_", " "))) for name in row["changed_fields"] or []})
    if row["action"] == AuditEvent.Action.CHANGE and fields:
        what += ": " + ", ".join(fields)
    times = row["times"]
    if times > 1:
        month = timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime.datetime) else row["month"]
        if month == this_month:
            what += ", " + ngettext("%(times)d time this month", "%(times)d times this month", times) % {"times": times}
        else:
            month_name = date_format(month, "F Y")
            what += ", " + ngettext("%(times)d time in %(month)s", "%(times)d times in %(month)s", times) % {
                "times": times,
                "month": month_name,
            }
    return {
        "at": row["last_at"],
        "who": _person(row, viewer_id=viewer_id),
        "role": "" if row["actor_id"] == viewer_id else ROLE_NAMES.get(row["actor_role"], ""),
        "what": what,
        "why": row["purpose"],
        "times": times,
    }


@require_roles(Role.PARTICIPANT)
def my_record_views(request: HttpRequest) -> HttpResponse:
    participant: Participant | None = (
        participants_visible_to(request.user).filter(pk=_own_participant_id(request)).first()
    )
    if participant is None:
        raise Http404("No participant record.")
    hidden = records_hidden_from_participant(participant.pk)
    viewer_id = request.user.pk or 0
    # Counted in the database: one row per who, what, why and month (coproduce/audit/selectors.py).
    pages = paginate(request, record_views_grouped(participant.pk, hidden, viewer_id=viewer_id), EVENTS_PER_PAGE)
    this_month = timezone.localdate().replace(day=1)
    events = [_describe(row, viewer_id=viewer_id, this_month=this_month) for row in pages.page]
    # Reading the list of reads is itself a read of the record.
    record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": _("Who has looked at my record"), "pages": pages, "events": events}
    return render(request, "web/participant/my_record_views.html", context)
