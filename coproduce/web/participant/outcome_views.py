"""A participant's achievements: what they have done, read-only, in plain words.

Everything recorded about their outcomes is shown to them (nothing about them without them),
with how a job compares with the real Living Wage and with what they said they wanted.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.accounts.roles import Role
from coproduce.outcomes.models import ContractType
from coproduce.outcomes.selectors import outcome_rows, work_wishes_visible_to
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles


@require_roles(Role.PARTICIPANT)
def my_achievements(request: HttpRequest) -> HttpResponse:
    participant_id = standing_of(request.user).participant_id
    participant = (
        participants_visible_to(request.user).filter(pk=participant_id).first() if participant_id is not None else None
    )
    if participant is None:
        raise Http404("No participant record.")
    rows = outcome_rows(request.user, participant, to_participant=True)
    wish = work_wishes_visible_to(request.user).filter(participant=participant).first()
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": _("My achievements"),
        "rows": rows,
        "wish": wish,
        "wish_contracts": [ContractType(value).label for value in (wish.contract_types if wish else [])],
        "today": timezone.localdate(),
    }
    return render(request, "web/participant/outcome_achievements.html", context)
