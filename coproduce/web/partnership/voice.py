"""Group sessions built from participants' requests, and the area's feedback: the partnership manager's pages.

"You said, we did": the manager picks requests, sets up a session, invites the people who asked,
records who came and writes the answer the requesters see on their page.
"""

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.participants.services import record_participant_list_view
from coproduce.programmes.standing import standing_of
from coproduce.voice.models import GroupSession, Invitation, Request, Topic
from coproduce.voice.selectors import (
    feedback_visible_to,
    group_session_detail,
    group_sessions_with_counts,
    open_request_counts_by_topic,
    open_requests_in_area,
)
from coproduce.voice.services import (
    OverPlaces,
    answer_with_you_said_we_did,
    create_group_session,
    invite_requesters,
    record_attendance,
)
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import DateInput, GovukForm, submitting
from coproduce.web.pagination import paginate

SESSIONS_PER_PAGE = 25
REQUESTS_SHOWN = 50
FEEDBACK_PER_PAGE = 25
ATTENDANCE_CHOICES = [("", "Not recorded"), ("yes", "Came"), ("no", "Did not come")]


class GroupSessionForm(GovukForm):
    requests = forms.MultipleChoiceField(
        label="Requests this session answers",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The people who asked will be invited, and will see your answer.",
    )
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    topic = forms.ChoiceField(label="Topic", choices=[("", "Choose a topic"), *Topic.choices])
    starts_on = forms.DateField(label="Date", widget=DateInput())
    starts_time = forms.TimeField(label="Start time", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="Place", max_length=300)
    childcare_provided = forms.BooleanField(label="Childcare provided", required=False)
    facilitator = forms.CharField(label="Facilitator", max_length=200, help_text="Who runs it: a person or an agency.")
    places = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=500,
        error_messages={"required": "Enter the number of places."},
    )

    def __init__(self, *args: Any, request_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requests_field = self.fields["requests"]
        assert isinstance(requests_field, forms.MultipleChoiceField)
        requests_field.choices = request_choices

    def starts_at(self) -> datetime.datetime:
        naive = datetime.datetime.combine(self.cleaned_data["starts_on"], self.cleaned_data["starts_time"])
        return timezone.make_aware(naive)


class AnswerForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    you_said_we_did = forms.CharField(
        label="You said, we did",
        error_messages={"required": "Say what was done about it (you said, we did)."},
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What people asked for and what was done. Everyone who asked sees this on their page.",
    )


class AttendanceForm(GovukForm):
    def __init__(self, *args: Any, invitations: list[Invitation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        for invitation in invitations:
            self.fields[f"attended_{invitation.pk}"] = forms.ChoiceField(
                label=invitation.participant.full_name, choices=ATTENDANCE_CHOICES, required=False
            )
            self.initial[f"attended_{invitation.pk}"] = {True: "yes", False: "no", None: ""}[invitation.attended]

    def attendance(self) -> dict[int, bool | None]:
        return {
            invitation.pk: {"yes": True, "no": False}.get(self.cleaned_data[f"attended_{invitation.pk}"])
            for invitation in self.invitations
        }


def _request_choices(requests: list[Request]) -> list[tuple[str, str]]:
    return [
        (
            str(item.pk),
            f"{item.participant.full_name}: {item.get_kind_display()} "
            f"{item.get_topic_display().lower()} – “{item.text}”",
        )
        for item in requests
    ]


@require_roles(Role.PARTNERSHIP_MANAGER)
def group_session_list(request: HttpRequest) -> HttpResponse:
    sessions = group_sessions_with_counts(request.user).order_by("-starts_at", "-pk")
    pages = paginate(request, sessions, SESSIONS_PER_PAGE)
    return render(request, "web/partnership/group_session_list.html", {"page_title": "Group sessions", "pages": pages})


@require_roles(Role.PARTNERSHIP_MANAGER)
def group_session_add(request: HttpRequest) -> HttpResponse:
    """The area's open requests are counted by topic in the database; those of one topic (or all) are
    offered newest first, at most `REQUESTS_SHOWN`, and only the people offered are audited."""
    params = request.POST if request.method == "POST" else request.GET
    topic = params.get("topic", "")
    topic = topic if topic in Topic.values else ""
    open_requests = open_requests_in_area(request.user).select_related("participant")
    by_topic = open_request_counts_by_topic(request.user)
    shown_requests = open_requests.filter(topic=topic) if topic else open_requests
    shown = list(shown_requests.order_by("-created_at", "-pk")[: REQUESTS_SHOWN + 1])
    more = len(shown) > REQUESTS_SHOWN
    shown = shown[:REQUESTS_SHOWN]
    if request.method == "POST":
        # Requests ticked that are no longer among those shown are checked and kept, never lost.
        ticked = {int(pk) for pk in request.POST.getlist("requests") if pk.isdigit()} - {item.pk for item in shown}
        if ticked:
            shown += list(open_requests.filter(pk__in=ticked).order_by("-created_at", "-pk"))
    choices = _request_choices(shown)
    status = 200
    if request.method == "POST":
        form = GroupSessionForm(request.POST, request_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            with submitting(form) as submission:
                session = create_group_session(
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    topic=data["topic"],
                    starts_at=form.starts_at(),
                    place=data["place"],
                    childcare_provided=data["childcare_provided"],
                    facilitator=data["facilitator"],
                    places=data["places"],
                    request_ids=[int(pk) for pk in data["requests"]],
                )
            status = submission.status
            if submission.ok:
                messages.success(request, f"Group session “{session.title}” set up. Now invite the people who asked.")
                return redirect("web:group_session_detail", pk=session.pk)
        else:
            status = 400
    else:
        initial: dict[str, Any] = {}
        if topic:
            initial = {"topic": topic, "requests": [str(item.pk) for item in shown]}
        form = GroupSessionForm(initial=initial, request_choices=choices)
    record_participant_list_view(
        actor=request.user,
        participant_ids=sorted({item.participant_id for item in shown}),
    )
    topics = [
        {"value": value, "label": label, "requests": by_topic[value][0], "people": by_topic[value][1]}
        for value, label in Topic.choices
        if value in by_topic
    ]
    context = {
        "page_title": "Set up a group session",
        "form": form,
        "topics": topics,
        "topic": topic,
        "total": sum(requests for requests, _ in by_topic.values()),
        "shown_count": len(shown),
        "more": more,
        "requests_shown": REQUESTS_SHOWN,
    }
    return render(request, "web/partnership/group_session_add.html", context, status=status)


def _session_or_404(request: HttpRequest, pk: int) -> GroupSession:
    session = group_session_detail(request.user, pk)
    if session is None:
        raise Http404("No such group session.")
    return session


def _render_detail(
    request: HttpRequest,
    session: GroupSession,
    *,
    answer_form: AnswerForm | None = None,
    attendance_form: AttendanceForm | None = None,
    invite_warning: str = "",
    status: int = 200,
) -> HttpResponse:
    invitations = list(session.invitations.all())
    linked = list(session.requests.all())
    record_participant_list_view(
        actor=request.user,
        participant_ids=sorted({i.participant_id for i in invitations} | {r.participant_id for r in linked}),
    )
    context = {
        "page_title": session.title,
        "session": session,
        "invitations": invitations,
        "linked_requests": linked,
        "uninvited": len({r.participant_id for r in linked} - {i.participant_id for i in invitations}),
        "would_invite": len({r.participant_id for r in linked} | {i.participant_id for i in invitations}),
        "invite_warning": invite_warning,
        "coming": sum(1 for i in invitations if i.response == Invitation.Response.COMING),
        "answer_form": answer_form
        or AnswerForm(initial={"version": session.version, "you_said_we_did": session.you_said_we_did}),
        "attendance_form": attendance_form or AttendanceForm(invitations=invitations),
    }
    return render(request, "web/partnership/group_session_detail.html", context, status=status)


@require_roles(Role.PARTNERSHIP_MANAGER)
def group_session_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _session_or_404(request, pk))


def _detail_url(session: GroupSession) -> str:
    return reverse("web:group_session_detail", args=[session.pk])


@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def group_session_invite(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    try:
        made = invite_requesters(
            actor=request.user,
            group_session_id=session.pk,
            over_places_confirmed=request.POST.get("over_places_confirmed") == "on",
        )
    except OverPlaces as error:
        return _render_detail(request, session, invite_warning=error.message, status=400)
    count = len(made)
    messages.success(
        request,
        f"{count} {'person' if count == 1 else 'people'} invited."
        if count
        else "Everyone who asked is already invited.",
    )
    return redirect(_detail_url(session))


@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def group_session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    form = AttendanceForm(request.POST, invitations=list(session.invitations.all()))
    if form.is_valid():
        with submitting(form) as submission:
            record_attendance(
                actor=request.user,
                group_session_id=session.pk,
                attended=form.attendance(),
            )
        if submission.ok:
            messages.success(request, "Attendance saved.")
            return redirect(_detail_url(session))
    return _render_detail(request, session, attendance_form=form, status=400)


@conflict_back_label("See the session as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
@require_POST
def group_session_answer(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        with submitting(form) as submission:
            answer_with_you_said_we_did(
                actor=request.user,
                group_session_id=session.pk,
                expected_version=form.cleaned_data["version"],
                answer=form.cleaned_data["you_said_we_did"],
            )
        if submission.ok:
            messages.success(request, "Your answer is saved. The people who asked can now see it on their page.")
            return redirect(_detail_url(session))
    return _render_detail(request, session, answer_form=form, status=400)


@require_roles(Role.PARTNERSHIP_MANAGER)
def feedback_list(request: HttpRequest) -> HttpResponse:
    """All feedback in the area, with who wrote it (the manager sees names, for safeguarding)."""
    partnership_id = standing_of(request.user).partnership_id or 0
    feedback = (
        feedback_visible_to(request.user)
        .filter(partnership_id=partnership_id)
        .select_related("participant__keyworker__user")
        .order_by("-created_at", "-pk")
    )
    pages = paginate(request, feedback, FEEDBACK_PER_PAGE)
    record_participant_list_view(
        actor=request.user,
        participant_ids=[item.participant_id for item in pages.page],
    )
    return render(request, "web/partnership/feedback_list.html", {"page_title": "Feedback", "pages": pages})
