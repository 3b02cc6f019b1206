"""A participant's copy of everything held about them (UK GDPR Art. 15): ask for it, then download it.

The copy is prepared in the background (coproduce/subject_access); the page says whether it is
being prepared or ready, and when it was made. Downloads are audited as exports.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.accounts.roles import Role
from coproduce.audit.context import audited_as_export
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.subject_access.models import SubjectAccessRequest
from coproduce.subject_access.package import file_name
from coproduce.subject_access.selectors import copy_summary, own_requests
from coproduce.subject_access.services import COPY_KEPT_DAYS, CopyNotReady, ask_for_own_copy, copy_for_download
from coproduce.web.access import require_roles
from coproduce.web.downloads import zip_response
from coproduce.web.forms import submitting

# Copies the partnership sent them (requests made to staff), newest first: at most this many listed.
SENT_COPIES_SHOWN = 10
KEPT = datetime.timedelta(days=COPY_KEPT_DAYS)


def _me(request: HttpRequest) -> Participant:
    participant_id = standing_of(request.user).participant_id
    participant = participants_visible_to(request.user).filter(pk=participant_id).first() if participant_id else None
    if participant is None:
        raise Http404("No participant record.")
    return participant


@require_roles(Role.PARTICIPANT)
def my_data(request: HttpRequest) -> HttpResponse:
    participant = _me(request)
    if request.method == "POST":
        with submitting(request):
            ask_for_own_copy(actor=request.user)
        return redirect("web:my_data")
    requests = own_requests(request.user)
    # Carries `has_copy` (selectors.with_copy_state).
    latest: Any = requests.filter(kind=SubjectAccessRequest.Kind.OWN_DOWNLOAD).first()
    sent = list(requests.filter(kind=SubjectAccessRequest.Kind.MADE_TO_STAFF)[:SENT_COPIES_SHOWN])
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": _("A copy of everything we hold about you"),
        "latest": latest,
        "latest_copy": copy_summary(latest) if latest is not None and latest.has_copy else None,
        "sent": [(item, item.released_at + KEPT if item.released_at else None) for item in sent],
        "kept_days": COPY_KEPT_DAYS,
        "Status": SubjectAccessRequest.Status,
    }
    return render(request, "web/participant/my_data.html", context)


@audited_as_export
@require_roles(Role.PARTICIPANT)
def my_data_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The ZIP of a released copy of their own; audited as an export."""
    try:
        subject_access_request, copy = copy_for_download(actor=request.user, request_id=pk)
    except CopyNotReady as error:
        messages.error(request, error.message)
        return redirect("web:my_data")
    return zip_response(bytes(copy.content), file_name(subject_access_request.participant.reference, copy.made_at))
