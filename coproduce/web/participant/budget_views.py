"""“Money spent on me”: what was asked for and spent on the participant, on what, for which goal.

A spend proposed for them waits for their answer: they say “Yes, I’d like this” or “No thanks”
here (and may change their mind until it is decided). Nobody approves it before their yes.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.accounts.roles import Role
from coproduce.budgets.models import Spend
from coproduce.budgets.selectors import spends_of
from coproduce.budgets.services import answer_spend
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_sends_back
from coproduce.web.forms import GovukForm, submitting


class MyAnswerForm(GovukForm):
    spend = forms.IntegerField(min_value=1)
    version = forms.IntegerField(min_value=0)
    answer = forms.ChoiceField(
        choices=[(Spend.Answer.YES, Spend.Answer.YES), (Spend.Answer.NO, Spend.Answer.NO)],
        error_messages={"required": gettext_lazy("Choose “Yes, I’d like this” or “No thanks”.")},
    )


def _answer(request: HttpRequest) -> HttpResponse:
    form = MyAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose “Yes, I’d like this” or “No thanks”."))
        return redirect("web:my_money")
    data = form.cleaned_data
    with submitting() as submission:
        answer_spend(
            actor=request.user, spend_id=data["spend"], expected_version=data["version"], answer=data["answer"]
        )
    if submission.failed:
        messages.error(request, _("This has already been decided, so your answer cannot change now."))
        return redirect("web:my_money")
    if data["answer"] == Spend.Answer.YES:
        messages.success(request, _("Thank you. You said yes. Your keyworker can now ask for it to be approved."))
    else:
        messages.success(request, _("That is fine. We have noted “no thanks”. Nothing will be spent on this."))
    return redirect("web:my_money")


@require_roles(Role.PARTICIPANT)
@conflict_sends_back(
    "web:my_money", gettext_lazy("This changed while you were looking at it. Look again and answer again.")
)
def my_money(request: HttpRequest) -> HttpResponse:
    user = request.user
    participant = participants_visible_to(user).filter(pk=standing_of(user).participant_id or 0).first()
    if participant is None:
        raise Http404("No participant record.")
    if request.method == "POST":
        return _answer(request)
    spends = list(spends_of(user, participant.pk).exclude(state=Spend.State.CANCELLED))
    record_participant_view(actor=user, participant=participant)
    spent = sum((spend.amount for spend in spends if spend.state == Spend.State.APPROVED), start=Decimal("0.00"))
    proposed = [spend for spend in spends if spend.state == Spend.State.REQUESTED]
    context = {
        "page_title": _("Money spent on me"),
        "spends": spends,
        "spent": spent,
        "proposed": proposed,
        "waiting_count": sum(1 for spend in proposed if spend.participant_answer == Spend.Answer.WAITING),
    }
    return render(request, "web/participant/budget_my_money.html", context)
