"""The partner worker's pages: the inbox of referrals to their organisation, and each referral.

A partner worker sees only referrals sent to their own organisation whose sharing consent is
still in force (`partner_inbox`, through `referrals_visible_to`), and of the participant only
the fields the participant chose to share (`shared_record`). Once the consent is withdrawn the
referral is gone from the inbox and its page is a 404. Every page showing a participant's
shared details is audited.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.programmes.models import PartnershipMembership
from coproduce.programmes.standing import standing_of
from coproduce.referrals.models import Referral
from coproduce.referrals.selectors import (
    INBOX_OVERDUE,
    RATINGS_SHOWN_FROM,
    filter_inbox,
    inbox_counts,
    partner_inbox,
    service_rating_summaries,
    shared_record,
)
from coproduce.referrals.services import (
    accept_referral,
    complete_referral,
    decline_referral,
    record_did_not_start,
    record_referral_list_view,
    record_referral_view,
    start_referral,
)
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import GovukForm, submitting
from coproduce.web.pagination import Pages
from coproduce.web.partner.deletion_views import deletions_for_inbox
from coproduce.web.referral_forms import (
    CompleteReferralForm,
    DeclineReferralForm,
    DidNotStartForm,
    InboxFilterForm,
    ReferralMessageForm,
    StartReferralForm,
    VersionForm,
)
from coproduce.web.referral_pages import post_message, thread_context

INBOX_PER_PAGE = 25


def _inbox_referral(request: HttpRequest, pk: int) -> Referral:
    """One referral of this partner worker's inbox; 404 for any other (not sent, withdrawn, someone else's)."""
    referral = partner_inbox(request.user).filter(pk=pk).first()
    if referral is None:
        raise Http404("No such referral.")
    return referral


def _detail_url(referral: Referral) -> str:
    return reverse("web:partner_referral", args=[referral.pk])


@require_roles(Role.PARTNER_WORKER)
def partner_home(request: HttpRequest) -> HttpResponse:
    """The inbox: referrals to the organisation, newest first, overdue ones flagged; then the organisation."""
    staff = standing_of(request.user).staff_member
    assert staff is not None  # the partner worker role is held by a member of staff
    # The partnership came with the actor's staff member; their organisation's part in it: one query.
    partnership = staff.partnership
    membership = (
        PartnershipMembership.objects.filter(
            partnership_id=partnership.pk, organisation_id=staff.organisation_id
        ).first()
        if partnership is not None
        else None
    )
    inbox = partner_inbox(request.user)
    filters = InboxFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_bound and filters.is_valid() else ""
    today = timezone.localdate()
    # How many are overdue in the whole inbox, and how many the filter shows: one grouped query.
    counts = inbox_counts(inbox, state, today=today)
    paginator = Paginator(filter_inbox(inbox, state, today=today), INBOX_PER_PAGE)
    paginator.count = counts["matching"]  # counted above: no COUNT query of its own
    page = paginator.get_page(request.GET.get("page"))
    pages = Pages(page=page, numbers=list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)))
    rows = [{"referral": referral, "shared": shared_record(referral)} for referral in pages.page]
    record_referral_list_view(actor=request.user, referrals=[row["referral"] for row in rows])
    context = {
        "page_title": "Referrals",
        "organisation": staff.organisation,
        "partnership": partnership,
        "membership": membership,
        "pages": pages,
        "rows": rows,
        # Counted over the whole inbox (one query), not just the page shown.
        "overdue": counts["overdue"],
        "filters": filters,
        "state": state,
        "state_label": dict(filters.fields["state"].choices).get(state, "") if state else "",  # type: ignore[attr-defined]
        "overdue_filter": INBOX_OVERDUE,
        # How participants rated the organisation's services: added up, no names, no average below 5.
        "ratings": service_rating_summaries(request.user),
        "shown_from": RATINGS_SHOWN_FROM,
        # Referrals whose person has been anonymised: what the organisation must delete.
        "deletions": deletions_for_inbox(request.user),
    }
    return render(request, "web/partner/home.html", context)


@require_roles(Role.PARTNER_WORKER)
def partner_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """One referral, with only the fields the participant chose to share, and the messages with the keyworker."""
    return _referral_page(request, _inbox_referral(request, pk))


@conflict_back_label("Back to the referral")
@require_roles(Role.PARTNER_WORKER)
@require_POST
def partner_referral_message(request: HttpRequest, pk: int) -> HttpResponse:
    """A message to the referring keyworker's organisation about this referral."""
    referral = _inbox_referral(request, pk)
    return post_message(request, referral, page=_referral_page, back_url=_detail_url(referral))


def _referral_page(
    request: HttpRequest, referral: Referral, *, message_form: ReferralMessageForm | None = None, status: int = 200
) -> HttpResponse:
    record_referral_view(actor=request.user, referral=referral)
    context = {
        "page_title": f"Referral to {referral.service_name}",
        "referral": referral,
        "shared": shared_record(referral),
        "form": VersionForm(initial={"version": referral.version}),
        **thread_context(
            request,
            referral,
            action_url=reverse("web:partner_referral_message", args=[referral.pk]),
            form=message_form,
        ),
    }
    if message_form is not None:
        context["errors_form"] = message_form
    return render(request, "web/partner/referral_detail.html", context, status=status)


@conflict_back_label("See the referral as it is now")
@require_roles(Role.PARTNER_WORKER)
@require_POST
def partner_referral_accept(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _inbox_referral(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The answer could not be saved. Try again.")
        return redirect(_detail_url(referral))
    with submitting(request) as submission:
        accept_referral(
            actor=request.user,
            referral_id=referral.pk,
            expected_version=form.cleaned_data["version"],
        )
    if submission.failed:
        return redirect(_detail_url(referral))
    messages.success(request, "Accepted. The keyworker and the participant can see you are taking it.")
    return redirect(_detail_url(referral))


def _answer_page(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[GovukForm],
    act: Callable[[Referral, dict[str, Any]], Referral],
    title: str,
    button: str,
    done: str,
) -> HttpResponse:
    """A form that records one answer about a referral (decline, start, complete, did not start)."""
    referral = _inbox_referral(request, pk)
    form = form_class(request.POST if request.method == "POST" else None, initial={"version": referral.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                act(referral, form.cleaned_data)
            status = submission.status
            if submission.ok:
                messages.success(request, done)
                return redirect(_detail_url(referral))
        else:
            status = 400
    # The page shows the person's shared name: audited whenever it is shown.
    record_referral_view(actor=request.user, referral=referral)
    context = {
        "page_title": title,
        "form": form,
        "referral": referral,
        "shared": shared_record(referral),
        "button": button,
    }
    return render(request, "web/partner/referral_answer.html", context, status=status)


@conflict_back_label("See the referral as it is now")
@require_roles(Role.PARTNER_WORKER)
def partner_referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    def act(referral: Referral, data: dict[str, Any]) -> Referral:
        return decline_referral(
            actor=request.user,
            referral_id=referral.pk,
            expected_version=data["version"],
            reason=data["reason"],
            detail=data["detail"],
        )

    return _answer_page(
        request,
        pk,
        form_class=DeclineReferralForm,
        act=act,
        title="Decline the referral",
        button="Decline",
        done="Declined. The keyworker can see why.",
    )


@conflict_back_label("See the referral as it is now")
@require_roles(Role.PARTNER_WORKER)
def partner_referral_start(request: HttpRequest, pk: int) -> HttpResponse:
    def act(referral: Referral, data: dict[str, Any]) -> Referral:
        return start_referral(
            actor=request.user,
            referral_id=referral.pk,
            expected_version=data["version"],
            started_on=data["started_on"],
        )

    return _answer_page(
        request,
        pk,
        form_class=StartReferralForm,
        act=act,
        title="Record that they started",
        button="Save",
        done="Recorded that they started.",
    )


@conflict_back_label("See the referral as it is now")
@require_roles(Role.PARTNER_WORKER)
def partner_referral_complete(request: HttpRequest, pk: int) -> HttpResponse:
    def act(referral: Referral, data: dict[str, Any]) -> Referral:
        return complete_referral(
            actor=request.user,
            referral_id=referral.pk,
            expected_version=data["version"],
            ended_on=data["ended_on"],
            delivered=data["delivered"],
            outcome_note=data["outcome_note"],
        )

    return _answer_page(
        request,
        pk,
        form_class=CompleteReferralForm,
        act=act,
        title="Record what you delivered and how it ended",
        button="Save",
        done="Recorded as completed. Thank you.",
    )


@conflict_back_label("See the referral as it is now")
@require_roles(Role.PARTNER_WORKER)
def partner_referral_did_not_start(request: HttpRequest, pk: int) -> HttpResponse:
    def act(referral: Referral, data: dict[str, Any]) -> Referral:
        return record_did_not_start(
            actor=request.user,
            referral_id=referral.pk,
            expected_version=data["version"],
            outcome_note=data["outcome_note"],
        )

    return _answer_page(
        request,
        pk,
        form_class=DidNotStartForm,
        act=act,
        title="Record that they did not start",
        button="Save",
        done="Recorded that they did not start.",
    )
