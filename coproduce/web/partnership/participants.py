"""The manager's pages about one participant: moving them to another keyworker, and who looked."""

import rules
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coproduce.accounts.roles import Role
from coproduce.audit.selectors import events_about_participant
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import (
    reallocate_participant,
    record_participant_list_view,
    record_participant_view,
)
from coproduce.plans.selectors.caseload import area_participants as area_participants_of
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import submitting
from coproduce.web.pagination import paginate
from coproduce.web.partnership.common import managed_partnership
from coproduce.web.partnership.forms import AreaParticipantsFilterForm, KeyworkerForm, KeyworkerNameForm
from coproduce.web.partnership.keyworker_choice import chosen_keyworker_id, keyworker_options, with_name

EVENTS_PER_PAGE = 50
ROLE_LABELS = {**dict(Role.choices), "public": "Member of the public", "": "System"}


def participant_url(participant: Participant) -> str:
    return reverse("web:participant_detail", args=[participant.pk])


def _participant_for(request: HttpRequest, pk: int, permission: str) -> Participant:
    """The participant, if this person may see them and do this; otherwise 404, so nothing leaks."""
    participant = (
        participants_visible_to(request.user).select_related("keyworker__user", "partnership").filter(pk=pk).first()
    )
    if participant is None or not rules.has_perm(permission, request.user, participant):
        raise Http404("No such participant.")
    return participant


@conflict_back_label("Start again with their record as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
def participant_reallocate(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant_for(request, pk, "participants.reallocate_participant")
    name_form = KeyworkerNameForm(request.GET)
    chosen = chosen_keyworker_id(request.POST.get("keyworker")) if request.method == "POST" else None
    options = keyworker_options(
        request.user, participant.partnership, name=name_form.name(), chosen_id=chosen or participant.keyworker_id
    )
    initial = {"version": participant.version, "keyworker": participant.keyworker_id}
    form = KeyworkerForm(
        request.POST or None, initial=initial, keyworkers=options.choices, label="New keyworker", hint=options.hint
    )
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            participant = reallocate_participant(
                actor=request.user,
                participant_id=participant.pk,
                expected_version=form.cleaned_data["version"],
                keyworker_id=form.cleaned_data["keyworker"],
                over_limit_confirmed=form.cleaned_data["over_limit_confirmed"],
            )
        if submission.ok:
            keyworker = participant.keyworker.user if participant.keyworker else "nobody"
            messages.success(request, f"{participant.full_name}'s keyworker is now {keyworker}.")
            return redirect(participant_url(participant))
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"Change {participant.full_name}'s keyworker",
        "participant": participant,
        "participant_url": participant_url(participant),
        "form": form,
        "name_form": name_form,
        "form_action": with_name(request.path, options.name),
    }
    return render(
        request, "web/partnership/participant_reallocate.html", context, status=400 if request.method == "POST" else 200
    )


@require_roles(Role.PARTNERSHIP_MANAGER)
def participant_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who looked at or changed this participant's record, newest first. Reading it is audited."""
    participant = _participant_for(request, pk, "participants.view_audit_of_participant")
    pages = paginate(request, events_about_participant(participant.pk), EVENTS_PER_PAGE)
    events = [
        {
            "event": event,
            "who": str(event.actor) if event.actor else ROLE_LABELS.get(event.actor_role, "Someone without an account"),
            "role": ROLE_LABELS.get(event.actor_role, event.actor_role),
            "changed": [name.replace("_", " ") for name in event.changed_fields],
        }
        for event in pages.page.object_list
    ]
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": f"Who has looked at {participant.full_name}'s record",
        "participant": participant,
        "participant_url": participant_url(participant),
        "events": events,
        "pages": pages,
    }
    return render(request, "web/partnership/participant_audit.html", context)


AREA_PER_PAGE = 50


@require_roles(Role.PARTNERSHIP_MANAGER)
def area_participants(request: HttpRequest) -> HttpResponse:
    """Everyone in the area: find a participant, see who supports them and when they were last seen."""
    partnership = managed_partnership(request)
    form = AreaParticipantsFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    participants = area_participants_of(
        request.user,
        search=filters.get("search", ""),
        status=filters.get("status", ""),
        keyworker_name=filters.get("keyworker_name", ""),
        not_seen_only=filters.get("not_seen", False),
    )
    pages = paginate(request, participants, AREA_PER_PAGE)
    rows = [{"participant": participant, "not_seen": participant.not_seen_lately} for participant in pages.page]
    record_participant_list_view(
        actor=request.user,
        participant_ids=[row["participant"].pk for row in rows],
    )
    context = {
        "page_title": f"Participants in {partnership.area_name}",
        "partnership": partnership,
        "form": form,
        "pages": pages,
        "rows": rows,
        "filtered": any(filters.get(name) for name in ("search", "status", "keyworker_name", "not_seen")),
    }
    return render(request, "web/partnership/area_participants.html", context)
