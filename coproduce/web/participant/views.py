"""A participant's own pages: everything recorded about them, and who has looked at it."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.selectors import events_shown_to_the_participant
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participant_record, participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.plans.selectors.contacts import records_hidden_from_participant
from coproduce.programmes.actors import actor_for
from coproduce.web.access import require_roles
from coproduce.web.pagination import paginate
from coproduce.web.participant.survey_views import waiting_invitations

EVENTS_PER_PAGE = 50

ROLE_NAMES = {role.value: role.label for role in Role} | {"public": "Member of the public"}

RECORD_NAMES = {
    "participants.Participant": "your record",
    "participants.Consent": "a consent",
    "participants.Child": "your household",
    "plans.Assessment": "an assessment",
    "plans.Contact": "a note of a meeting or call",
    "plans.Goal": "a goal in your plan",
    "plans.Step": "a step in your plan",
    "plans.Appointment": "an appointment",
    "plans.ProgressCheck": "a progress check",
    "plans.JobSearchEntry": "an entry in your job-search log",
    "subject_access.SubjectAccessRequest": "a request for a copy of your data",
}

# What someone did, told to the person it was done to.
ACTION_PHRASES: dict[str, str] = {
    AuditEvent.Action.VIEW: "Looked at {record}",
    AuditEvent.Action.LIST: "Saw your name in a list",
    AuditEvent.Action.CREATE: "Created {record}",
    AuditEvent.Action.CHANGE: "Changed {record}",
    AuditEvent.Action.EXPORT: "Exported {record}",
    AuditEvent.Action.ALLOCATE: "Changed who your keyworker is",
    AuditEvent.Action.CONSENT_GIVEN: "Recorded a consent you gave",
    AuditEvent.Action.CONSENT_WITHDRAWN: "Recorded that you withdrew a consent",
    AuditEvent.Action.REFUSED: "Tried to open {record} and was refused",
}

FIELD_NAMES = {
    "given_name": "first name",
    "family_name": "last name",
    "preferred_name": "preferred name",
    "email": "email address",
    "mobile": "mobile number",
    "address": "address",
    "postcode": "postcode",
    "status": "status",
    "status_since": "status date",
    "heard_about": "how you heard about us",
    "heard_about_detail": "how you heard about us",
    "children": "children’s years of birth",
    "keyworker": "keyworker",
    "sign_in_link": "a link to set your password",
    "withdrawn_at": "withdrawal",
    "purpose": "what it is for",
}


def _own_participant_id(request: HttpRequest) -> int:
    participant_id = actor_for(request.user).participant_id
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
    today = timezone.localdate()
    context = {
        "page_title": _("My page"),
        "participant": participant,
        "child_ages": [child.age_on(today) for child in participant.children.all()],
        "assessment": participant.latest_assessments[0] if participant.latest_assessments else None,
        # Notes restricted for a safeguarding reason are never shown to the participant (DESIGN.md §2.1).
        "contacts": [contact for contact in participant.recent_contacts if not contact.is_restricted],
        "survey_waiting": waiting_invitations(request).first(),
        # A withdrawn consent offers "Give it again" unless it is already given again.
        "active_purposes": {consent.purpose for consent in participant.consents.all() if consent.is_active},
    }
    return render(request, "web/participant/my_page.html", context)


def _describe(event: AuditEvent, *, viewer_id: int) -> dict[str, Any]:
    if event.actor_id == viewer_id:
        who = "You"
    elif event.actor is not None:
        who = str(event.actor)
    elif event.actor_role == "public":
        who = "Someone asking for help"
    else:
        who = "The system"
    record = RECORD_NAMES.get(event.record_type, "your record")
    what = ACTION_PHRASES.get(event.action, "{record}").format(record=record)
    fields = sorted({FIELD_NAMES.get(name, name.replace("_", " ")) for name in event.changed_fields})
    if event.action == AuditEvent.Action.CHANGE and fields:
        what += ": " + ", ".join(fields)
    return {
        "at": event.at,
        "who": who,
        "role": "" if event.actor_id == viewer_id else ROLE_NAMES.get(event.actor_role, ""),
        "what": what,
        "why": event.purpose,
    }


@require_roles(Role.PARTICIPANT)
def my_record_views(request: HttpRequest) -> HttpResponse:
    participant: Participant | None = (
        participants_visible_to(request.user).filter(pk=_own_participant_id(request)).first()
    )
    if participant is None:
        raise Http404("No participant record.")
    hidden = records_hidden_from_participant(participant.pk)
    pages = paginate(request, events_shown_to_the_participant(participant.pk, hidden), EVENTS_PER_PAGE)
    viewer_id = request.user.pk or 0
    events = [_describe(event, viewer_id=viewer_id) for event in pages.page]
    # Reading the list of reads is itself a read of the record.
    record_participant_view(actor=request.user, participant=participant)
    context = {"page_title": _("Who has looked at my record"), "pages": pages, "events": events}
    return render(request, "web/participant/my_record_views.html", context)
