"""Today's visits: the participants a keyworker takes with them, and the pages that work with no signal.

/visits/ lists them with links to the ordinary pages (enough without JavaScript). With
JavaScript, static/js/offline/visits.js keeps their summary on the phone (from
/visits/data.json) and sends what was recorded offline to /visits/sync/ when the signal
returns. What goes onto the phone, for how long and how it is wiped: docs/offline.md.
"""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_participant_reads
from coproduce.offline.selectors import visit_data, visit_marks_for
from coproduce.offline.services import drop_from_visits, take_on_visits
from coproduce.offline.sync import ProgressConflict, StepConflict, apply_offline_item
from coproduce.participants.services import record_participant_list_view
from coproduce.web.access import require_roles
from coproduce.web.errors import answers_json, json_problem

SYNC_BODY_LIMIT = 64 * 1024


def _back(request: HttpRequest, participant_id: int) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("web:participant_detail", args=[participant_id])


@require_roles(Role.KEYWORKER)
@ensure_csrf_cookie  # the page's script sends the token with what was recorded offline
def visits(request: HttpRequest) -> HttpResponse:
    marks = list(visit_marks_for(request.user))
    record_participant_list_view(actor=request.user, participant_ids=[mark.participant_id for mark in marks])
    context = {"page_title": "Today’s visits", "marks": marks, "now": timezone.now()}
    response = render(request, "web/keyworker/visits.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_roles(Role.KEYWORKER)
@require_GET
def visits_shell(request: HttpRequest) -> HttpResponse:
    """The page the phone keeps for opening today's visits with no signal. It holds nobody's
    details: the script fills it from what is stored on the phone, until that expires."""
    return render(request, "web/keyworker/visits_shell.html", {"page_title": "Today’s visits"})


@require_roles(Role.KEYWORKER)
@require_GET
def visits_data(request: HttpRequest) -> HttpResponse:
    data = visit_data(request.user)
    # What leaves for the phone is audited per person, as an export would be.
    record_participant_reads(
        actor=request.user,
        participant_ids=[person["id"] for person in data["participants"]],
        action=AuditEvent.Action.EXPORT,
        purpose="Taken on today's visits, for use with no signal",
    )
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


@require_roles(Role.KEYWORKER)
@require_POST
def visit_take(request: HttpRequest, pk: int) -> HttpResponse:
    mark = take_on_visits(actor=request.user, participant_id=pk)
    until = timezone.localtime(mark.expires_at)
    messages.success(request, f"{mark.participant.full_name} is on today’s visits until {until:%-d %B, %H:%M}.")
    return redirect(_back(request, pk))


@require_roles(Role.KEYWORKER)
@require_POST
def visit_drop(request: HttpRequest, pk: int) -> HttpResponse:
    dropped = drop_from_visits(actor=request.user, participant_id=pk)
    if dropped:
        messages.success(request, "Taken off today’s visits. Their details leave your phone next time it has signal.")
    return redirect(_back(request, pk))


@answers_json
@require_roles(Role.KEYWORKER)
@require_POST
def visits_sync(request: HttpRequest) -> HttpResponse:
    """One item recorded offline, as JSON. 200 when applied (or applied before), 409 with the
    server's current values when the record changed meanwhile, 400 with a plain message when
    the item is not right; nothing changes unless the answer is 200. Other refusals are answered
    in JSON by the middleware (`answers_json`)."""
    if len(request.body) > SYNC_BODY_LIMIT:
        return json_problem(400, "invalid", "This item is too big to send.")
    try:
        item = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return json_problem(400, "invalid", "This is not JSON: send one item as a JSON object.")
    try:
        applied = apply_offline_item(actor=request.user, item=item)
    except StepConflict as conflict:
        return json_problem(409, "conflict", conflict.message, theirs=conflict.theirs, mine=item)
    except ProgressConflict as conflict:
        return json_problem(409, "conflict", conflict.message, theirs=conflict.theirs, mine=item)
    return JsonResponse(
        {
            "status": "already" if applied.already else "applied",
            "kind": applied.kind,
            "record_id": applied.record_id,
            "values": applied.values,
        }
    )
