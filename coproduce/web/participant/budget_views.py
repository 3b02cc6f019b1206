"""“Money spent on me”: what was asked for and spent on the participant, on what, for which goal."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from coproduce.accounts.roles import Role
from coproduce.budgets.models import Spend
from coproduce.budgets.selectors import spends_of
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.actors import actor_for
from coproduce.web.access import require_roles


@require_roles(Role.PARTICIPANT)
def my_money(request: HttpRequest) -> HttpResponse:
    user = request.user
    participant = participants_visible_to(user).get(pk=actor_for(user).participant_id or 0)
    spends = list(spends_of(user, participant.pk).exclude(state=Spend.State.CANCELLED))
    record_participant_view(actor=user, participant=participant)
    spent = sum((spend.amount for spend in spends if spend.state == Spend.State.APPROVED), start=Decimal("0.00"))
    context = {"page_title": _("Money spent on me"), "spends": spends, "spent": spent}
    return render(request, "web/participant/budget_my_money.html", context)
