"""The participant's own consents: withdraw one (after reading what it means) or give it again.

Both are a confirmation page and a button, so nothing changes by accident and no JavaScript is
needed. Withdrawing "Receive support" says first what happens to the support and to the data.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.accounts.roles import Role
from coproduce.participants.models import Consent
from coproduce.participants.selectors import consents_visible_to
from coproduce.participants.services import give_consent_again, record_participant_view, withdraw_consent
from coproduce.programmes.standing import standing_of
from coproduce.referrals.services import withdraw_sharing_consent
from coproduce.retention.selectors import schedule_for
from coproduce.web.access import require_roles
from coproduce.web.forms import submitting


def _own_consent(request: HttpRequest, pk: int) -> Consent:
    participant_id = standing_of(request.user).participant_id
    consent = (
        consents_visible_to(request.user)
        .select_related("participant__partnership__programme", "organisation")
        .filter(pk=pk, participant_id=participant_id)
        .first()
        if participant_id is not None
        else None
    )
    if consent is None:
        raise Http404("No such consent.")
    return consent


@require_roles(Role.PARTICIPANT)
def my_consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Check first, then withdraw. For "Receive support": what happens to the support and the data."""
    consent = _own_consent(request, pk)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        withdraw = (
            withdraw_sharing_consent if consent.purpose == Consent.Purpose.SHARE_WITH_ORGANISATION else withdraw_consent
        )
        with submitting() as submission:
            withdraw(actor=request.user, consent_id=consent.pk, how=Consent.How.ONLINE)
        problems, status = submission.problems, submission.status
        if submission.ok:
            messages.success(request, _("You have withdrawn your consent. It stops straight away."))
            return redirect("web:my_page")
    else:
        record_participant_view(actor=request.user, participant=consent.participant)
    schedule = schedule_for(consent.participant.partnership.programme)
    context = {
        "page_title": _("Are you sure you want to withdraw your consent?"),
        "consent": consent,
        "problems": problems,
        "years_kept": schedule.closed_case_years,
        "is_support": consent.purpose == Consent.Purpose.SERVICE,
    }
    return render(request, "web/participant/consent_withdraw.html", context, status=status)


@require_roles(Role.PARTICIPANT)
def my_consent_give_again(request: HttpRequest, pk: int) -> HttpResponse:
    """A consent the participant withdrew, given again from now on. The earlier one stays on record."""
    consent = _own_consent(request, pk)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        with submitting() as submission:
            give_consent_again(actor=request.user, consent_id=consent.pk)
        problems, status = submission.problems, submission.status
        if submission.ok:
            messages.success(request, _("Thank you. You have given your consent again, from today."))
            return redirect("web:my_page")
    else:
        record_participant_view(actor=request.user, participant=consent.participant)
    context = {
        "page_title": _("Give your consent again"),
        "consent": consent,
        "problems": problems,
        "can_give_again": consent.withdrawn_at is not None
        and consent.purpose != Consent.Purpose.SHARE_WITH_ORGANISATION,
    }
    return render(request, "web/participant/consent_give_again.html", context, status=status)
