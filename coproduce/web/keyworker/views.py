"""Casework pages: the caseload, registering, reading and changing a participant's record, consents.

Keyworkers work on their own caseload; partnership managers on everyone in their area. Which
records a person sees comes from participants_visible_to (404 for anyone else's); what they may
do to one comes from the rules in coproduce/participants/permissions.py.
"""

import datetime
from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.notifications.selectors import with_text_not_getting_through
from coproduce.offline.selectors import with_visit_mark
from coproduce.outcomes.selectors import due_sustainment_checks_for
from coproduce.participants.models import Consent, Enquiry, Participant
from coproduce.participants.selectors import (
    birth_years,
    caseload_and_cover,
    consents_visible_to,
    enquiries_visible_to,
    with_child_birth_years,
    with_not_seen_lately,
)
from coproduce.participants.services import (
    issue_sign_in_link,
    record_consent,
    record_participant_list_view,
    record_participant_view,
    register_participant,
    update_participant,
    withdraw_consent,
)
from coproduce.plans.selectors.caseload import caseload_counts, caseload_for
from coproduce.plans.selectors.contacts import (
    appointments_this_week_for,
    covering_for,
    covers_of_participant,
    upcoming_appointments,
    with_casework_summary,
)
from coproduce.plans.selectors.plan import steps_to_talk_about_for
from coproduce.plans.selectors.record import participant_record
from coproduce.programmes.selectors import keyworkers_in, organisations_visible_to
from coproduce.programmes.standing import standing_of
from coproduce.referrals.selectors import caseload_referrals_for
from coproduce.referrals.services import withdraw_sharing_consent
from coproduce.web.access import require_roles, visible_participant_or_404
from coproduce.web.forms import submitting
from coproduce.web.keyworker.forms import (
    CaseloadFilterForm,
    EditParticipantForm,
    RecordConsentForm,
    RegisterParticipantForm,
    WithdrawConsentForm,
    format_birth_years,
)
from coproduce.web.pagination import Pages
from coproduce.web.record_pages import erasure_on_record

CASELOAD_PER_PAGE = 25
RECENT_CONTACTS = 10


def _weeks_since(day: datetime.date | None, today: datetime.date) -> int | None:
    return None if day is None else (today - day).days // 7


@require_roles(Role.KEYWORKER)
def caseload(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = CaseloadFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    participants = caseload_for(
        user,
        search=filters.get("search", ""),
        status=filters.get("status", ""),
        not_seen_only=filters.get("not_seen", False),
    )
    # The header's counts, and how many match the search (for the pages): one query.
    counts = caseload_counts(user, matching=participants)
    # Children's birth years, next appointment and open steps as subqueries (no query of their own).
    participants = with_casework_summary(with_child_birth_years(participants))
    # Whether their last text bounced for good: a subquery too, so the page's query count stays put.
    participants = with_text_not_getting_through(participants)
    # Whether each is on today's visits, for the "take with me" button (coproduce/offline).
    participants = with_visit_mark(participants, user)
    # Whether each was not seen lately, by the selector's one rule: a column of the same query.
    participants = with_not_seen_lately(participants)
    paginator = Paginator(participants, CASELOAD_PER_PAGE)
    paginator.count = counts.pop("matching")  # counted above: no COUNT query of its own
    page = paginator.get_page(request.GET.get("page"))
    pages = Pages(page=page, numbers=list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)))
    today = timezone.localdate()
    rows = []
    for participant in pages.page:
        not_seen = participant.not_seen_lately
        rows.append(
            {
                "participant": participant,
                "child_ages": [max(today.year - year - 1, 0) for year in birth_years(participant.child_birth_years)],
                "not_seen": not_seen,
                "weeks_not_seen": _weeks_since(participant.last_contact_on, today) if not_seen else None,
            }
        )
    standing = standing_of(user)
    enquiries = (
        enquiries_visible_to(user)
        .filter(allocated_to=standing.staff_member, status=Enquiry.Status.ALLOCATED, participant__isnull=True)
        .order_by("allocated_at", "pk")
    )
    covering = list(covering_for(user))
    # Referrals sent for this caseload with no answer in the service's working days, and those
    # waiting on the keyworker (one query for both).
    overdue_referrals, waiting_referrals = caseload_referrals_for(user, today=today)
    # Sustainment checks whose day has come and that nobody has answered yet (one query, driven
    # from the keyworker's own and covered participants, not every due check in the programme).
    due_checks = list(due_sustainment_checks_for(user, today, participants=caseload_and_cover(user)))
    # "Today and this week": the keyworker's to-do list, one query each, from their own rows.
    appointments = list(appointments_this_week_for(user, today))
    steps_to_talk = list(steps_to_talk_about_for(user))
    shown = (
        [row["participant"].pk for row in rows]
        + [cover.participant_id for cover in covering]
        + [referral.participant_id for referral in overdue_referrals]
        + [check.outcome.participant_id for check in due_checks]
        + [appointment.participant_id for appointment in appointments]
        + [step.goal.participant_id for step in steps_to_talk]
        + [referral.participant_id for referral in waiting_referrals]
    )
    record_participant_list_view(
        actor=user,
        participant_ids=list(dict.fromkeys(shown)),  # once per person, however often they are shown
    )
    # The partnership came with the standing's staff member: no query of its own.
    partnership = standing.staff_member.partnership if standing.staff_member is not None else None
    caseload_limit = partnership.caseload_limit if partnership is not None else None
    context = {
        "page_title": "My caseload",
        "form": form,
        "counts": counts,
        "covering": covering,
        "overdue_referrals": overdue_referrals,
        "due_checks": due_checks,
        "appointments_today": [a for a in appointments if timezone.localtime(a.starts_at).date() == today],
        "appointments_later": [a for a in appointments if timezone.localtime(a.starts_at).date() != today],
        "steps_to_talk": steps_to_talk,
        "waiting_referrals": waiting_referrals,
        "has_to_do": bool(appointments or steps_to_talk or waiting_referrals or due_checks or overdue_referrals),
        "caseload_limit": caseload_limit,
        "over_limit": caseload_limit is not None and counts["active"] > caseload_limit,
        "pages": pages,
        "rows": rows,
        "enquiries": list(enquiries),
        "not_seen_weeks": settings.COPRODUCE_NOT_SEEN_DAYS // 7,
        "filtered": bool(filters.get("search") or filters.get("not_seen"))
        or filters.get("status", Participant.Status.ACTIVE) != Participant.Status.ACTIVE,
    }
    return render(request, "web/keyworker/caseload.html", context)


def _keyworker_choices(request: HttpRequest) -> list[tuple[int, str]] | None:
    """Managers choose whose caseload someone joins; keyworkers register onto their own."""
    standing = standing_of(request.user)
    if not standing.has(Role.PARTNERSHIP_MANAGER) or standing.partnership_id is None:
        return None
    return [(staff.pk, f"{staff.user} ({staff.organisation.name})") for staff in keyworkers_in(standing.partnership_id)]


def _enquiry_to_register(request: HttpRequest, raw_id: str | None) -> Enquiry | None:
    if not raw_id:
        return None
    try:
        enquiry_id = int(raw_id)
    except ValueError:
        raise Http404("No such enquiry.") from None
    enquiry = enquiries_visible_to(request.user).filter(pk=enquiry_id, participant__isnull=True).first()
    if enquiry is None:
        raise Http404("No such enquiry.")
    return enquiry


def _initial_from_enquiry(enquiry: Enquiry | None) -> dict[str, Any]:
    if enquiry is None:
        return {}
    given_name, _, family_name = enquiry.name.strip().partition(" ")
    return {
        "given_name": given_name,
        "family_name": family_name.strip(),
        "email": enquiry.email,
        "mobile": enquiry.mobile,
        "postcode": enquiry.postcode,
        "heard_about": enquiry.heard_about,
        "language": enquiry.language,
        "interpreter_language": enquiry.interpreter_language,
        "keyworker": enquiry.allocated_to_id,
        "enquiry": enquiry.pk,
    }


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def participant_register(request: HttpRequest) -> HttpResponse:
    keyworkers = _keyworker_choices(request)
    status = 200
    if request.method == "POST":
        enquiry = _enquiry_to_register(request, request.POST.get("enquiry"))
        form = RegisterParticipantForm(request.POST, keyworkers=keyworkers)
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                participant = register_participant(
                    actor=request.user,
                    consent_how=data["consent_how"],
                    keyworker_id=data.get("keyworker"),
                    joined_on=data["joined_on"],
                    children_birth_years=data["children"],
                    enquiry_id=enquiry.pk if enquiry else None,
                    **form.details(),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, f"{participant.full_name} is registered, as {participant.reference}.")
                return redirect("web:participant_detail", pk=participant.pk)
        else:
            status = 400
    else:
        enquiry = _enquiry_to_register(request, request.GET.get("enquiry"))
        initial = {"language": settings.LANGUAGE_CODE, **_initial_from_enquiry(enquiry)}
        form = RegisterParticipantForm(initial=initial, keyworkers=keyworkers)
    context = {"page_title": "Register someone", "form": form, "enquiry": enquiry}
    return render(request, "web/keyworker/register.html", context, status=status)


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER, Role.PARTICIPANT)
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    standing = standing_of(user)
    works_on_cases = standing.has(Role.KEYWORKER) or standing.has(Role.PARTNERSHIP_MANAGER)
    if not works_on_cases:
        # A participant reads their own record on their own page, and nobody else's.
        if pk == standing.participant_id:
            return redirect("web:my_page")
        raise Http404("No such participant.")
    # Carries `latest_assessments`, `recent_contacts` and `last_contact_on` (see participant_record).
    # Whether they are on this keyworker's visits today comes in the same query (coproduce/offline).
    takes_visits = standing.has(Role.KEYWORKER)
    participant: Any = participant_record(
        user,
        pk,
        contacts_limit=RECENT_CONTACTS,
        annotate=(lambda participants: with_visit_mark(participants, user)) if takes_visits else None,
    )
    if participant is None:
        raise Http404("No such participant.")
    record_participant_view(actor=user, participant=participant)
    today = timezone.localdate()
    context = {
        "page_title": participant.full_name,
        "participant": participant,
        "child_ages": [(year, max(today.year - year - 1, 0)) for year in birth_years(participant.child_birth_years)],
        "assessment": participant.latest_assessments[0] if participant.latest_assessments else None,
        "contacts": participant.recent_contacts,
        "weeks_since_contact": _weeks_since(participant.last_contact_on, today),
        "can_change": rules.has_perm("participants.change_participant", user, participant),
        "can_record_consent": rules.has_perm("participants.record_consent", user, participant),
        "can_view_audit": rules.has_perm("participants.view_audit_of_participant", user, participant),
        "can_reallocate": rules.has_perm("participants.reallocate_participant", user, participant),
        # Contacts, appointments and cover (coproduce/web/keyworker/contacts.py): two queries.
        "can_work_on": rules.has_perm("plans.record_contact", user, participant),
        "can_share_for_cover": rules.has_perm("plans.share_for_cover", user, participant),
        "appointments": list(upcoming_appointments(user, participant.pk)),
        "covers": list(covers_of_participant(user, participant.pk)),
        # Sustainment checks whose day has come (coproduce/outcomes/selectors.py): one query.
        "due_checks": list(due_sustainment_checks_for(user, today).filter(outcome__participant_id=participant.pk)),
        # An erasure request, or that the record was anonymised (coproduce/retention): one query.
        "erasure": erasure_on_record(user, participant),
        "takes_visits": takes_visits,
        "on_visits": takes_visits and participant.on_visits,
    }
    return render(request, "web/keyworker/participant_detail.html", context)


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = visible_participant_or_404(request, pk)
    if not rules.has_perm("participants.change_participant", user, participant):
        raise PermissionDenied("You can see this record but not change it.")
    status = 200
    if request.method == "POST":
        form = EditParticipantForm(request.POST)
        if form.is_valid():
            version = form.cleaned_data["version"]
            with submitting(form) as submission:
                updated = update_participant(
                    actor=user,
                    participant_id=participant.pk,
                    expected_version=version,
                    changes=form.details(),
                    children_birth_years=form.cleaned_data["children"],
                )
            status = submission.status
            if submission.ok:
                if updated.version == version:
                    messages.info(request, "Nothing was different, so nothing was changed.")
                else:
                    messages.success(request, f"{updated.full_name}’s details are saved.")
                return redirect("web:participant_detail", pk=participant.pk)
        else:
            status = 400
    else:
        years = [child.birth_year for child in participant.children.all()]
        initial = {name: getattr(participant, name) for name in EditParticipantForm.base_fields if name != "children"}
        form = EditParticipantForm(initial={**initial, "children": format_birth_years(years)})
        record_participant_view(actor=user, participant=participant)
    context = {"page_title": f"Change {participant.full_name}’s details", "form": form, "participant": participant}
    return render(request, "web/keyworker/participant_edit.html", context, status=status)


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def participant_consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = visible_participant_or_404(request, pk)
    if not rules.has_perm("participants.record_consent", user, participant):
        raise PermissionDenied("Only their keyworker or partnership manager can record consent.")
    organisations = organisations_visible_to(user).filter(memberships__partnership_id=participant.partnership_id)
    choices = [(organisation.pk, organisation.name) for organisation in organisations.order_by("name")]
    form = RecordConsentForm(
        request.POST if request.method == "POST" else None,
        organisations=choices,
        research_url=reverse("web:participant_research_consent", args=[participant.pk]),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                consent = record_consent(
                    actor=user,
                    participant_id=participant.pk,
                    purpose=form.cleaned_data["purpose"],
                    how=form.cleaned_data["how"],
                    organisation_id=form.cleaned_data["organisation"],
                )
            status = submission.status
            if submission.ok:
                messages.success(request, f"Consent recorded: {consent.get_purpose_display().lower()}.")
                return redirect("web:participant_detail", pk=participant.pk)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=participant)
    context = {"page_title": f"Record a consent for {participant.full_name}", "form": form, "participant": participant}
    return render(request, "web/keyworker/consent_add.html", context, status=status)


@require_roles(Role.PARTICIPANT, Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff record a withdrawal the participant told them of; a participant withdraws their own, online."""
    user = request.user
    consent = consents_visible_to(user).select_related("participant", "organisation").filter(pk=pk).first()
    if consent is None:
        raise Http404("No such consent.")
    participant = consent.participant
    records_for_them = rules.has_perm("participants.record_consent", user, participant)
    own = standing_of(user).participant_id == participant.pk
    if not (records_for_them or own):
        raise PermissionDenied("You cannot withdraw this consent.")
    back = reverse("web:participant_detail", args=[participant.pk]) if records_for_them else reverse("web:my_page")
    form = WithdrawConsentForm(request.POST if request.method == "POST" else None, ask_how=records_for_them)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # A consent to share goes through the referrals service, which also withdraws the
            # open referrals relying on it.
            withdraw = (
                withdraw_sharing_consent
                if consent.purpose == Consent.Purpose.SHARE_WITH_ORGANISATION
                else withdraw_consent
            )
            with submitting(form) as submission:
                withdraw(
                    actor=user,
                    consent_id=consent.pk,
                    how=form.cleaned_data.get("how", Consent.How.ONLINE),
                )
            status = submission.status
            if submission.ok:
                messages.success(request, f"Consent withdrawn: {consent.get_purpose_display().lower()}.")
                return redirect(back)
        else:
            status = 400
    else:
        record_participant_view(actor=user, participant=participant)
    context = {
        "page_title": "Withdraw consent",
        "form": form,
        "consent": consent,
        "participant": participant,
        "own": own and not records_for_them,
        "back": back,
    }
    return render(request, "web/keyworker/consent_withdraw.html", context, status=status)


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
@require_POST
def participant_sign_in_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a participant a way to sign in, making their account from their record if they have none."""
    user = request.user
    participant = visible_participant_or_404(request, pk)
    send_by = request.POST.get("send_by", "")
    status, url, sent_to, error = 200, None, "", ""
    with submitting() as submission:
        link = issue_sign_in_link(actor=user, participant_id=participant.pk, send_by=send_by)
    if submission.failed:
        link, status = None, 400
        error = " ".join(submission.problems)
        record_participant_view(actor=user, participant=participant)
    if link is None:
        if not error:
            record_participant_view(actor=user, participant=participant)
    elif send_by:
        sent_to = participant.mobile if send_by == "text" else participant.email
    else:
        uidb64, token = link
        url = request.build_absolute_uri(reverse("web:set_password", kwargs={"uidb64": uidb64, "token": token}))
    context = {
        "page_title": f"A sign-in link for {participant.full_name}",
        "participant": participant,
        "url": url,
        "sent_by": send_by if sent_to else "",
        "sent_to": sent_to,
        "error": error,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
    }
    response = render(request, "web/keyworker/sign_in_link.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
